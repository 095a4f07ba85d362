"""Drop the index on journal.source_type alone: the (source_type, source_id) index leads with
it. Only the index goes (CONCURRENTLY); the foreign key stays as it is."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("ledger", "0002_chart_of_accounts"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    'DROP INDEX CONCURRENTLY IF EXISTS "ledger_journal_source_type_id_d3cb671e"',
                    reverse_sql="CREATE INDEX CONCURRENTLY IF NOT EXISTS "
                    '"ledger_journal_source_type_id_d3cb671e" ON "ledger_journal" ("source_type_id")',
                )
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="journal",
                    name="source_type",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="contenttypes.contenttype",
                    ),
                ),
            ],
        ),
    ]
