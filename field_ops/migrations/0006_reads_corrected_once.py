"""A read is corrected at most once, by a unique index of the corrections only.

`supersedes` was a OneToOneField: its unique index took an entry for every read, and a read
that corrects another is rare (a few in a thousand). Every read written paid that insertion, a
large load's COPY of reads most of all (2.1 million reads: 5.7-6.0 s with the index, 4.4 s
without; measured with COPY into copies of the table). It is now a foreign key without an index
of its own and a partial unique index, `meter_read_corrected_once`, of the reads that correct
one: the same rule, and the look-ups by `supersedes_id = <read>` (a correction's, a standing
read's anti-join, the foreign key's on delete) read that index.

The new index is built CONCURRENTLY before the old constraint is dropped (a brief lock), so a
live district keeps writing reads; the reverse puts the constraint back the same way.
"""

import django.db.models.deletion
from django.db import migrations, models

INDEX = "meter_read_corrected_once"
OLD_CONSTRAINT = "field_ops_meterread_supersedes_id_key"


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("field_ops", "0005_reads_entered_by_not_indexed"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="meterread",
                    name="supersedes",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="corrections",
                        to="field_ops.meterread",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="meterread",
                    constraint=models.UniqueConstraint(
                        condition=models.Q(("supersedes__isnull", False)),
                        fields=("supersedes",),
                        name=INDEX,
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f"CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS {INDEX} "
                    "ON field_ops_meterread (supersedes_id) WHERE supersedes_id IS NOT NULL",
                    f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}",
                ),
                migrations.RunSQL(
                    f"ALTER TABLE field_ops_meterread DROP CONSTRAINT IF EXISTS {OLD_CONSTRAINT}",
                    f"ALTER TABLE field_ops_meterread ADD CONSTRAINT {OLD_CONSTRAINT} "
                    "UNIQUE (supersedes_id)",
                ),
            ],
        ),
    ]
