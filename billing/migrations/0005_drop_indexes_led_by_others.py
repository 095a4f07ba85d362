"""Drop the single-column indexes on bill.account, bill.run, bill_line.bill and
bill_exception.run: each is the first column of another index or unique constraint, which
serves the same lookups, and a bill run writes every index of every bill it makes and posts.

Only the indexes go (CONCURRENTLY: bill pages keep working); the foreign keys stay as they
are. Django's own AlterField would drop and re-add each foreign key, scanning the tables.
"""

import django.db.models.deletion
from django.db import migrations, models

# index name -> (table, column), to build it again when migrating back
DROPPED = {
    "billing_bill_account_id_ebd68bac": ("billing_bill", "account_id"),
    "billing_bill_run_id_cf99d4c3": ("billing_bill", "run_id"),
    "billing_billexception_run_id_508a4864": ("billing_billexception", "run_id"),
    "billing_billline_bill_id_9d167a81": ("billing_billline", "bill_id"),
}


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("accounts", "0007_agricultural_and_fire_service_classes"),
        ("billing", "0004_bill_posted_history_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX CONCURRENTLY IF EXISTS "{name}"',
                    reverse_sql=f'CREATE INDEX CONCURRENTLY IF NOT EXISTS "{name}" '
                    f'ON "{table}" ("{column}")',
                )
                for name, (table, column) in DROPPED.items()
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="bill",
                    name="account",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="bills",
                        to="accounts.serviceaccount",
                    ),
                ),
                migrations.AlterField(
                    model_name="bill",
                    name="run",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="bills",
                        to="billing.billrun",
                    ),
                ),
                migrations.AlterField(
                    model_name="billexception",
                    name="run",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="exceptions",
                        to="billing.billrun",
                    ),
                ),
                migrations.AlterField(
                    model_name="billline",
                    name="bill",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="lines",
                        to="billing.bill",
                    ),
                ),
            ],
        ),
    ]
