"""A bill run's rows take index entries only where a query reads them.

A bill run writes each bill twice (calculated, then posted: a non-HOT update, so every index of
the bill takes a second entry) and an exception or more per account. Here:

- bills: no index on the rate version (no query looks bills up by it; a version that priced a
  posted bill is locked and never deleted), and the bill a correction replaces is unique by a
  partial index of the few bills that replace one (a OneToOneField's unique index took an
  entry for every bill);
- exceptions: no index on the account alone (every look-up names the run, and the unique
  (run, account, kind) index leads with both; accounts are never deleted), and the resolver
  and the work order indexed only where set.

New indexes are built CONCURRENTLY before the old ones are dropped CONCURRENTLY, so a live
district keeps billing meanwhile; the replaced unique constraint is dropped with a brief lock.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def _concurrently(name: str, table: str, definition: str, *, unique: bool = False):
    kind = "UNIQUE INDEX" if unique else "INDEX"
    return migrations.RunSQL(
        f"CREATE {kind} CONCURRENTLY IF NOT EXISTS {name} ON {table} {definition}",
        f"DROP INDEX CONCURRENTLY IF EXISTS {name}",
    )


def _drop_concurrently(name: str, table: str, column: str):
    return migrations.RunSQL(
        f"DROP INDEX CONCURRENTLY IF EXISTS {name}",
        f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {table} ({column})",
    )


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("billing", "0003_bill_indexes_only_where_read"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="bill",
                    name="rate_version",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="bills",
                        to="billing.ratescheduleversion",
                    ),
                ),
                migrations.AlterField(
                    model_name="bill",
                    name="replaces",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="replaced_by",
                        to="billing.bill",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="bill",
                    constraint=models.UniqueConstraint(
                        condition=models.Q(("replaces__isnull", False)),
                        fields=("replaces",),
                        name="bill_replaces_once",
                    ),
                ),
                migrations.AlterField(
                    model_name="billexception",
                    name="account",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="bill_exceptions",
                        to="accounts.serviceaccount",
                    ),
                ),
                migrations.AlterField(
                    model_name="billexception",
                    name="resolved_by",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AlterField(
                    model_name="billexception",
                    name="work_order",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="field_ops.workorder",
                    ),
                ),
                migrations.AddIndex(
                    model_name="billexception",
                    index=models.Index(
                        condition=models.Q(("resolved_by__isnull", False)),
                        fields=["resolved_by"],
                        name="bill_exception_resolver_idx",
                    ),
                ),
                migrations.AddIndex(
                    model_name="billexception",
                    index=models.Index(
                        condition=models.Q(("work_order__isnull", False)),
                        fields=["work_order"],
                        name="bill_exception_order_idx",
                    ),
                ),
            ],
            database_operations=[
                _concurrently(
                    "bill_replaces_once",
                    "billing_bill",
                    "(replaces_id) WHERE replaces_id IS NOT NULL",
                    unique=True,
                ),
                migrations.RunSQL(
                    "ALTER TABLE billing_bill DROP CONSTRAINT IF EXISTS billing_bill_replaces_id_key",
                    "ALTER TABLE billing_bill ADD CONSTRAINT billing_bill_replaces_id_key "
                    "UNIQUE (replaces_id)",
                ),
                _drop_concurrently(
                    "billing_bill_rate_version_id_0edc721a", "billing_bill", "rate_version_id"
                ),
                _concurrently(
                    "bill_exception_resolver_idx",
                    "billing_billexception",
                    "(resolved_by_id) WHERE resolved_by_id IS NOT NULL",
                ),
                _concurrently(
                    "bill_exception_order_idx",
                    "billing_billexception",
                    "(work_order_id) WHERE work_order_id IS NOT NULL",
                ),
                _drop_concurrently(
                    "billing_billexception_account_id_f49f0b61",
                    "billing_billexception",
                    "account_id",
                ),
                _drop_concurrently(
                    "billing_billexception_resolved_by_id_725ba65a",
                    "billing_billexception",
                    "resolved_by_id",
                ),
                _drop_concurrently(
                    "billing_billexception_work_order_id_87265070",
                    "billing_billexception",
                    "work_order_id",
                ),
            ],
        ),
    ]
