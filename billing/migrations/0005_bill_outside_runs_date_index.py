"""The billing register's month, by index: the bills outside runs (final bills, corrections)
dated in it, through a partial index on their bill date.

A month's run bills are found through the month's runs and the bills' (run, status) index, so
only the few bills without a run take an entry here: a bill run writes none. Built
CONCURRENTLY, so a live district keeps billing meanwhile.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("billing", "0004_bill_run_rows_indexed_only_where_read"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddIndex(
                    model_name="bill",
                    index=models.Index(
                        condition=models.Q(("run__isnull", True)),
                        fields=["bill_date"],
                        name="bill_outside_runs_date_idx",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    "CREATE INDEX CONCURRENTLY IF NOT EXISTS bill_outside_runs_date_idx "
                    "ON billing_bill (bill_date) WHERE run_id IS NULL",
                    "DROP INDEX CONCURRENTLY IF EXISTS bill_outside_runs_date_idx",
                ),
            ],
        ),
    ]
