"""The ledger app's tables from scratch: its earlier migrations squashed before the first
district went live.

`replaces` lets a database built through the earlier migrations take this one as applied;
`manage.py schema_snapshot` shows both build the same schema (docs/operations.md).
"""

import district.money
import django.db.models.deletion
import django.utils.timezone
import pgtrigger.compiler
import pgtrigger.migrations
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models


def seed_chart(apps, schema_editor):
    from district.reference_data import ensure_chart_of_accounts

    ensure_chart_of_accounts(apps.get_model("ledger", "GLAccount"))


class Migration(migrations.Migration):
    initial = True

    replaces = [
        ("ledger", "0001_initial"),
        ("ledger", "0002_chart_of_accounts"),
        ("ledger", "0003_drop_source_type_index"),
    ]

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="AccountBalance",
            fields=[
                ("service_account_id", models.BigIntegerField(primary_key=True, serialize=False)),
                (
                    "balance",
                    district.money.MoneyField(
                        decimal_places=2, default=Decimal("0.00"), max_digits=12
                    ),
                ),
                ("updated_at", models.DateTimeField(auto_now=True)),
            ],
        ),
        migrations.CreateModel(
            name="GLAccount",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("code", models.CharField(max_length=20, unique=True)),
                ("name", models.CharField(max_length=100)),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("asset", "Asset"),
                            ("liability", "Liability"),
                            ("equity", "Equity"),
                            ("revenue", "Revenue"),
                            ("expense", "Expense"),
                        ],
                        max_length=10,
                    ),
                ),
                ("purpose", models.SlugField(blank=True, null=True, unique=True)),
                ("is_active", models.BooleanField(default=True)),
            ],
            options={
                "verbose_name": "GL account",
                "ordering": ["code"],
            },
        ),
        migrations.CreateModel(
            name="Journal",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("opening_balance", "Opening balance"),
                            ("bill", "Bill"),
                            ("payment", "Payment"),
                            ("deposit", "Deposit"),
                            ("adjustment", "Adjustment"),
                            ("fee", "Fee"),
                            ("refund", "Refund"),
                            ("transfer", "Balance transfer"),
                            ("write_off", "Write-off"),
                            ("over_short", "Cash over/short"),
                            ("bank_deposit", "Bank deposit"),
                            ("reversal", "Reversal"),
                        ],
                        max_length=20,
                    ),
                ),
                ("memo", models.CharField(max_length=255)),
                (
                    "effective_date",
                    models.DateField(help_text="Accounting date; aging counts from it."),
                ),
                ("posted_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("idempotency_key", models.CharField(max_length=120, unique=True)),
                ("fingerprint", models.CharField(max_length=64)),
                ("source_id", models.CharField(blank=True, max_length=40)),
                (
                    "posted_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "reverses",
                    models.OneToOneField(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="reversed_by",
                        to="ledger.journal",
                    ),
                ),
                (
                    "source_type",
                    models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="contenttypes.contenttype",
                    ),
                ),
            ],
            options={
                "ordering": ["id"],
            },
        ),
        migrations.CreateModel(
            name="JournalLine",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "amount",
                    district.money.MoneyField(
                        decimal_places=2,
                        help_text="Debit positive, credit negative.",
                        max_digits=12,
                    ),
                ),
                ("service_account_id", models.BigIntegerField(blank=True, null=True)),
                ("effective_date", models.DateField()),
                ("memo", models.CharField(blank=True, max_length=255)),
                (
                    "gl_account",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="lines",
                        to="ledger.glaccount",
                    ),
                ),
                (
                    "journal",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="lines",
                        to="ledger.journal",
                    ),
                ),
            ],
            options={
                "ordering": ["id"],
            },
        ),
        migrations.AddIndex(
            model_name="journal",
            index=models.Index(
                fields=["source_type", "source_id"], name="ledger_jour_source__6703a7_idx"
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="journal",
            trigger=pgtrigger.compiler.Trigger(
                name="journal_append_only",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'pgtrigger: Cannot update or delete rows from % table', TG_TABLE_NAME;",
                    hash="f9bb3922885a89541bbb6e500475c10a8f9b78a4",
                    operation="UPDATE OR DELETE",
                    pgid="pgtrigger_journal_append_only_efd34",
                    table="ledger_journal",
                    when="BEFORE",
                ),
            ),
        ),
        migrations.AddIndex(
            model_name="journalline",
            index=models.Index(
                fields=["service_account_id", "effective_date", "id"],
                name="ledger_line_account_idx",
            ),
        ),
        migrations.AddConstraint(
            model_name="journalline",
            constraint=models.CheckConstraint(
                condition=models.Q(("amount", 0), _negated=True), name="ledger_line_not_zero"
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="journalline",
            trigger=pgtrigger.compiler.Trigger(
                name="journal_line_append_only",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'pgtrigger: Cannot update or delete rows from % table', TG_TABLE_NAME;",
                    hash="a4e2463f2579fc27e6875cfb5691d117b2f6e572",
                    operation="UPDATE OR DELETE",
                    pgid="pgtrigger_journal_line_append_only_c246f",
                    table="ledger_journalline",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="journalline",
            trigger=pgtrigger.compiler.Trigger(
                name="journal_balances_at_commit",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    constraint="CONSTRAINT",
                    func="\n                    IF (SELECT COALESCE(SUM(amount), 0) FROM ledger_journalline\n                        WHERE journal_id = NEW.journal_id) <> 0 THEN\n                        RAISE EXCEPTION 'journal % does not balance', NEW.journal_id\n                            USING ERRCODE = 'check_violation';\n                    END IF;\n                    RETURN NULL;\n                ",
                    hash="62d150158056fe0a7bac431e9828f961cdc85ed3",
                    operation="INSERT",
                    pgid="pgtrigger_journal_balances_at_commit_97895",
                    table="ledger_journalline",
                    timing="DEFERRABLE INITIALLY DEFERRED",
                    when="AFTER",
                ),
            ),
        ),
        migrations.RunPython(seed_chart, migrations.RunPython.noop),
    ]
