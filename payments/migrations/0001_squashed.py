"""The payments app's tables from scratch: its earlier migrations squashed before the first
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


class Migration(migrations.Migration):
    initial = True

    replaces = [
        ("payments", "0001_cashiering"),
        ("payments", "0002_bank_credits_share_a_journal"),
        ("payments", "0003_bank_lines_not_reconciled"),
        ("payments", "0004_bai2_uploads_stored_before_import"),
    ]

    dependencies = [
        ("accounts", "0001_squashed"),
        ("approvals", "0001_squashed"),
        ("ledger", "0001_squashed"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Drawer",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=50, unique=True)),
                ("location", models.CharField(blank=True, max_length=100)),
                ("is_active", models.BooleanField(default=True)),
            ],
            options={
                "ordering": ["name"],
            },
        ),
        migrations.CreateModel(
            name="Bai2File",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("sha256", models.CharField(max_length=64, unique=True)),
                ("file_name", models.CharField(max_length=200)),
                ("sender", models.CharField(max_length=40)),
                ("receiver", models.CharField(max_length=40)),
                ("created_on", models.DateField()),
                ("created_time", models.CharField(blank=True, max_length=4)),
                ("file_id", models.CharField(max_length=40)),
                ("group_count", models.PositiveIntegerField()),
                ("record_count", models.PositiveIntegerField()),
                (
                    "control_total",
                    models.BigIntegerField(help_text="In cents, as the file states it."),
                ),
                ("imported_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "imported_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "BAI2 file",
                "ordering": ["-imported_at", "-id"],
            },
        ),
        migrations.CreateModel(
            name="Bai2AccountReport",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("group_number", models.PositiveIntegerField()),
                ("originator", models.CharField(max_length=40)),
                ("as_of_date", models.DateField()),
                ("account_number", models.CharField(max_length=40)),
                ("currency", models.CharField(max_length=3)),
                ("summaries", models.JSONField(blank=True, default=list)),
                (
                    "control_total",
                    models.BigIntegerField(help_text="In cents, as the file states it."),
                ),
                (
                    "file",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="accounts",
                        to="payments.bai2file",
                    ),
                ),
            ],
            options={
                "ordering": ["file", "group_number", "id"],
            },
        ),
        migrations.CreateModel(
            name="Bai2Upload",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("file_name", models.CharField(max_length=200)),
                ("content", models.BinaryField()),
                ("size", models.PositiveIntegerField()),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("pending", "Waiting to be imported"),
                            ("imported", "Imported"),
                            ("refused", "Refused"),
                        ],
                        default="pending",
                        max_length=10,
                    ),
                ),
                ("refusal", models.TextField(blank=True)),
                ("message", models.CharField(blank=True, max_length=255)),
                ("uploaded_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("finished_at", models.DateTimeField(blank=True, null=True)),
                (
                    "file",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="uploads",
                        to="payments.bai2file",
                    ),
                ),
                (
                    "uploaded_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "BAI2 upload",
                "ordering": ["-uploaded_at", "-id"],
            },
        ),
        migrations.CreateModel(
            name="BankDeposit",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("business_date", models.DateField(default=django.utils.timezone.localdate)),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("prepared", "Prepared (in transit)"),
                            ("matched", "Matched to the bank"),
                        ],
                        default="prepared",
                        max_length=10,
                    ),
                ),
                ("prepared_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("currency_count", models.JSONField(blank=True, default=dict)),
                (
                    "cash_total",
                    district.money.MoneyField(
                        decimal_places=2, default=Decimal("0.00"), max_digits=12
                    ),
                ),
                (
                    "check_total",
                    district.money.MoneyField(
                        decimal_places=2, default=Decimal("0.00"), max_digits=12
                    ),
                ),
                ("check_count", models.PositiveIntegerField(default=0)),
                ("total", district.money.MoneyField(decimal_places=2, max_digits=12)),
                ("idempotency_key", models.CharField(max_length=120, unique=True)),
                (
                    "journal",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="ledger.journal",
                    ),
                ),
                (
                    "prepared_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["-prepared_at", "-id"],
            },
        ),
        migrations.CreateModel(
            name="DrawerSession",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("business_date", models.DateField(default=django.utils.timezone.localdate)),
                (
                    "status",
                    models.CharField(
                        choices=[("open", "Open"), ("closed", "Closed")],
                        default="open",
                        max_length=10,
                    ),
                ),
                ("opened_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("opening_float", district.money.MoneyField(decimal_places=2, max_digits=12)),
                ("opening_count", models.JSONField(blank=True, default=dict)),
                ("closed_at", models.DateTimeField(blank=True, null=True)),
                ("close_count", models.JSONField(blank=True, default=dict)),
                (
                    "counted_cash",
                    district.money.MoneyField(
                        blank=True, decimal_places=2, max_digits=12, null=True
                    ),
                ),
                (
                    "counted_checks",
                    district.money.MoneyField(
                        blank=True, decimal_places=2, max_digits=12, null=True
                    ),
                ),
                ("counted_check_items", models.PositiveIntegerField(blank=True, null=True)),
                (
                    "counted_money_orders",
                    district.money.MoneyField(
                        blank=True, decimal_places=2, max_digits=12, null=True
                    ),
                ),
                (
                    "counted_cards",
                    district.money.MoneyField(
                        blank=True, decimal_places=2, max_digits=12, null=True
                    ),
                ),
                (
                    "expected_cash",
                    district.money.MoneyField(
                        blank=True, decimal_places=2, max_digits=12, null=True
                    ),
                ),
                (
                    "expected_checks",
                    district.money.MoneyField(
                        blank=True, decimal_places=2, max_digits=12, null=True
                    ),
                ),
                (
                    "expected_money_orders",
                    district.money.MoneyField(
                        blank=True, decimal_places=2, max_digits=12, null=True
                    ),
                ),
                (
                    "expected_cards",
                    district.money.MoneyField(
                        blank=True, decimal_places=2, max_digits=12, null=True
                    ),
                ),
                (
                    "over_short",
                    district.money.MoneyField(
                        decimal_places=2,
                        default=Decimal("0.00"),
                        help_text="Counted minus expected; over > 0.",
                        max_digits=12,
                    ),
                ),
                (
                    "over_short_state",
                    models.CharField(
                        choices=[
                            ("none", "Balanced"),
                            ("posted", "Posted"),
                            ("pending", "Awaiting approval"),
                        ],
                        default="none",
                        max_length=10,
                    ),
                ),
                (
                    "cashier",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="drawer_sessions",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "drawer",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="sessions",
                        to="payments.drawer",
                    ),
                ),
                (
                    "over_short_journal",
                    models.OneToOneField(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="ledger.journal",
                    ),
                ),
                (
                    "over_short_request",
                    models.OneToOneField(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="approvals.approvalrequest",
                    ),
                ),
            ],
            options={
                "ordering": ["-opened_at", "-id"],
            },
        ),
        migrations.CreateModel(
            name="PaymentBatch",
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
                            ("mail", "Mail"),
                            ("lockbox", "Bank lockbox file"),
                            ("processor", "Payment processor file"),
                        ],
                        max_length=10,
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[("open", "Open for entry"), ("posted", "Posted")],
                        default="open",
                        max_length=10,
                    ),
                ),
                ("business_date", models.DateField(default=django.utils.timezone.localdate)),
                ("control_count", models.PositiveIntegerField()),
                ("control_total", district.money.MoneyField(decimal_places=2, max_digits=12)),
                ("description", models.CharField(blank=True, max_length=120)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("posted_at", models.DateTimeField(blank=True, null=True)),
                ("file_name", models.CharField(blank=True, max_length=200)),
                ("file_format", models.CharField(blank=True, max_length=30)),
                (
                    "file_sha256",
                    models.CharField(blank=True, max_length=64, null=True, unique=True),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "journal",
                    models.OneToOneField(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="ledger.journal",
                    ),
                ),
                (
                    "posted_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name_plural": "payment batches",
                "ordering": ["-created_at", "-id"],
            },
        ),
        migrations.CreateModel(
            name="Payment",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "channel",
                    models.CharField(
                        choices=[
                            ("counter", "Counter"),
                            ("mail", "Mail"),
                            ("lockbox", "Bank lockbox"),
                            ("processor", "Payment processor"),
                        ],
                        max_length=10,
                    ),
                ),
                ("received_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("effective_date", models.DateField(default=django.utils.timezone.localdate)),
                ("payer_name", models.CharField(blank=True, max_length=120)),
                ("total", district.money.MoneyField(decimal_places=2, max_digits=12)),
                (
                    "cash_received",
                    district.money.MoneyField(
                        decimal_places=2,
                        default=Decimal("0.00"),
                        help_text="Cash handed over, before change.",
                        max_digits=12,
                    ),
                ),
                (
                    "change_given",
                    district.money.MoneyField(
                        decimal_places=2, default=Decimal("0.00"), max_digits=12
                    ),
                ),
                ("idempotency_key", models.CharField(max_length=120, unique=True)),
                (
                    "journal",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="ledger.journal",
                    ),
                ),
                (
                    "session",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="payments",
                        to="payments.drawersession",
                    ),
                ),
                (
                    "taken_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "batch",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="payments",
                        to="payments.paymentbatch",
                    ),
                ),
            ],
            options={
                "ordering": ["-received_at", "-id"],
            },
        ),
        migrations.CreateModel(
            name="BatchItem",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("position", models.PositiveIntegerField()),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("entered", "Entered"),
                            ("exception", "No matching account"),
                            ("posted", "Posted"),
                            ("resolved", "Resolved to an account"),
                        ],
                        default="entered",
                        max_length=10,
                    ),
                ),
                ("amount", district.money.MoneyField(decimal_places=2, max_digits=12)),
                ("check_number", models.CharField(blank=True, max_length=20)),
                ("payer_name", models.CharField(blank=True, max_length=120)),
                ("entered_as", models.CharField(blank=True, max_length=200)),
                ("external_id", models.CharField(blank=True, max_length=80)),
                ("exception_reason", models.CharField(blank=True, max_length=255)),
                ("resolved_at", models.DateTimeField(blank=True, null=True)),
                ("entered_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "account",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="accounts.serviceaccount",
                    ),
                ),
                (
                    "entered_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "resolve_journal",
                    models.OneToOneField(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="ledger.journal",
                    ),
                ),
                (
                    "resolved_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "payment",
                    models.OneToOneField(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="batch_item",
                        to="payments.payment",
                    ),
                ),
                (
                    "batch",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="items",
                        to="payments.paymentbatch",
                    ),
                ),
            ],
            options={
                "ordering": ["batch", "position"],
            },
        ),
        migrations.CreateModel(
            name="BankDepositItem",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("amount", district.money.MoneyField(decimal_places=2, max_digits=12)),
                (
                    "deposit",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="items",
                        to="payments.bankdeposit",
                    ),
                ),
                (
                    "session",
                    models.OneToOneField(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="deposit_item",
                        to="payments.drawersession",
                    ),
                ),
                (
                    "batch",
                    models.OneToOneField(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="deposit_item",
                        to="payments.paymentbatch",
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="PaymentLine",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("amount", district.money.MoneyField(decimal_places=2, max_digits=12)),
                (
                    "account",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="payments",
                        to="accounts.serviceaccount",
                    ),
                ),
                (
                    "payment",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="lines",
                        to="payments.payment",
                    ),
                ),
            ],
            options={
                "ordering": ["id"],
            },
        ),
        migrations.CreateModel(
            name="PaymentVoid",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("reason", models.CharField(max_length=255)),
                ("voided_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "journal",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="ledger.journal",
                    ),
                ),
                (
                    "payment",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="void",
                        to="payments.payment",
                    ),
                ),
                (
                    "request",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="approvals.approvalrequest",
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="ReturnedItem",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "reason",
                    models.CharField(
                        choices=[
                            ("nsf", "Insufficient funds"),
                            ("closed", "Account closed"),
                            ("stopped", "Payment stopped"),
                            ("other", "Other"),
                        ],
                        max_length=10,
                    ),
                ),
                ("returned_on", models.DateField()),
                ("bank_reference", models.CharField(blank=True, max_length=60)),
                ("recorded_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "fee_journal",
                    models.OneToOneField(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="ledger.journal",
                    ),
                ),
                (
                    "journal",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="ledger.journal",
                    ),
                ),
                (
                    "recorded_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["-returned_on", "-id"],
            },
        ),
        migrations.CreateModel(
            name="Letter",
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
                        choices=[("returned_payment", "Returned payment notice")], max_length=20
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[("queued", "Queued"), ("printed", "Printed")],
                        default="queued",
                        max_length=10,
                    ),
                ),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("printed_at", models.DateTimeField(blank=True, null=True)),
                (
                    "account",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="letters",
                        to="accounts.serviceaccount",
                    ),
                ),
                (
                    "returned_item",
                    models.OneToOneField(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="letter",
                        to="payments.returneditem",
                    ),
                ),
            ],
            options={
                "ordering": ["-created_at", "-id"],
            },
        ),
        migrations.CreateModel(
            name="Bai2Transaction",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("type_code", models.CharField(max_length=3)),
                (
                    "direction",
                    models.CharField(
                        choices=[("credit", "Credit"), ("debit", "Debit"), ("other", "Other")],
                        max_length=6,
                    ),
                ),
                ("amount", district.money.MoneyField(decimal_places=2, max_digits=12)),
                ("funds_type", models.JSONField(blank=True, default=dict)),
                ("bank_reference", models.CharField(blank=True, max_length=80)),
                ("customer_reference", models.CharField(blank=True, max_length=80)),
                ("text", models.TextField(blank=True)),
                ("line_key", models.CharField(max_length=64, unique=True)),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("unmatched", "Unmatched"),
                            ("matched", "Matched"),
                            ("exception", "Exception"),
                            ("resolved", "Resolved by hand"),
                            ("skipped", "Not reconciled"),
                        ],
                        default="unmatched",
                        max_length=10,
                    ),
                ),
                ("note", models.CharField(blank=True, max_length=255)),
                (
                    "match_journal",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="ledger.journal",
                    ),
                ),
                (
                    "report",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="transactions",
                        to="payments.bai2accountreport",
                    ),
                ),
                (
                    "resolved_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "matched_deposit",
                    models.OneToOneField(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="bank_line",
                        to="payments.bankdeposit",
                    ),
                ),
                (
                    "matched_batch",
                    models.OneToOneField(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="bank_line",
                        to="payments.paymentbatch",
                    ),
                ),
                (
                    "returned_item",
                    models.OneToOneField(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="bank_line",
                        to="payments.returneditem",
                    ),
                ),
            ],
            options={
                "verbose_name": "BAI2 transaction",
                "ordering": ["report", "id"],
            },
        ),
        migrations.CreateModel(
            name="Tender",
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
                            ("cash", "Cash"),
                            ("check", "Check"),
                            ("money_order", "Money order"),
                            ("card", "Card (terminal)"),
                            ("ach", "Electronic (ACH)"),
                        ],
                        max_length=12,
                    ),
                ),
                (
                    "amount",
                    district.money.MoneyField(
                        decimal_places=2,
                        help_text="Applied to the payment (cash net of change).",
                        max_digits=12,
                    ),
                ),
                ("check_number", models.CharField(blank=True, max_length=20)),
                ("bank_name", models.CharField(blank=True, max_length=60)),
                ("card_last4", models.CharField(blank=True, max_length=4)),
                ("approval_code", models.CharField(blank=True, max_length=20)),
                ("reference", models.CharField(blank=True, max_length=60)),
                (
                    "payment",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="tenders",
                        to="payments.payment",
                    ),
                ),
            ],
            options={
                "ordering": ["id"],
            },
        ),
        migrations.AddField(
            model_name="returneditem",
            name="tender",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="returned",
                to="payments.tender",
            ),
        ),
        migrations.AddConstraint(
            model_name="bankdeposit",
            constraint=models.CheckConstraint(
                condition=models.Q(("total__gt", 0)), name="bank_deposit_positive"
            ),
        ),
        migrations.AddIndex(
            model_name="drawersession",
            index=models.Index(
                fields=["business_date", "status"], name="payments_dr_busines_5ee031_idx"
            ),
        ),
        migrations.AddConstraint(
            model_name="drawersession",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status", "open")),
                fields=("drawer",),
                name="drawer_one_open_session",
                violation_error_message="This drawer is already open.",
            ),
        ),
        migrations.AddConstraint(
            model_name="drawersession",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status", "open")),
                fields=("cashier",),
                name="cashier_one_open_session",
                violation_error_message="This cashier already has a drawer open.",
            ),
        ),
        migrations.AddConstraint(
            model_name="drawersession",
            constraint=models.CheckConstraint(
                condition=models.Q(("opening_float__gte", 0)), name="drawer_float_not_negative"
            ),
        ),
        migrations.AddConstraint(
            model_name="drawersession",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("closed_at__isnull", True), ("status", "open")),
                    models.Q(
                        ("closed_at__isnull", False),
                        ("counted_cash__isnull", False),
                        ("status", "closed"),
                    ),
                    _connector="OR",
                ),
                name="drawer_closed_has_count",
            ),
        ),
        migrations.AddConstraint(
            model_name="paymentbatch",
            constraint=models.CheckConstraint(
                condition=models.Q(("control_total__gte", 0)), name="batch_control_not_negative"
            ),
        ),
        migrations.AddConstraint(
            model_name="paymentbatch",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("journal__isnull", True), ("posted_at__isnull", True), ("status", "open")
                    ),
                    models.Q(
                        ("journal__isnull", False),
                        ("posted_at__isnull", False),
                        ("status", "posted"),
                    ),
                    _connector="OR",
                ),
                name="batch_posted_has_journal",
            ),
        ),
        migrations.AddIndex(
            model_name="payment",
            index=models.Index(fields=["effective_date"], name="payments_pa_effecti_b9b6ba_idx"),
        ),
        migrations.AddConstraint(
            model_name="payment",
            constraint=models.CheckConstraint(
                condition=models.Q(("total__gt", 0)), name="payment_total_positive"
            ),
        ),
        migrations.AddConstraint(
            model_name="payment",
            constraint=models.CheckConstraint(
                condition=models.Q(("cash_received__gte", 0), ("change_given__gte", 0)),
                name="payment_cash_not_negative",
            ),
        ),
        migrations.AddConstraint(
            model_name="payment",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("batch__isnull", True), ("channel", "counter"), ("session__isnull", False)
                    ),
                    models.Q(
                        models.Q(("channel", "counter"), _negated=True),
                        ("batch__isnull", False),
                        ("session__isnull", True),
                    ),
                    _connector="OR",
                ),
                name="payment_has_one_home",
                violation_error_message="A counter payment belongs to a drawer, others to a batch.",
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="payment",
            trigger=pgtrigger.compiler.Trigger(
                name="payment_append_only",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'pgtrigger: Cannot update or delete rows from % table', TG_TABLE_NAME;",
                    hash="5784e9720f774b8e233ab0c78a21b49fec7df4a8",
                    operation="UPDATE OR DELETE",
                    pgid="pgtrigger_payment_append_only_a33ac",
                    table="payments_payment",
                    when="BEFORE",
                ),
            ),
        ),
        migrations.AddConstraint(
            model_name="batchitem",
            constraint=models.UniqueConstraint(
                fields=("batch", "position"), name="batch_item_position"
            ),
        ),
        migrations.AddConstraint(
            model_name="batchitem",
            constraint=models.UniqueConstraint(
                condition=models.Q(("external_id", ""), _negated=True),
                fields=("external_id",),
                name="batch_item_external_once",
                violation_error_message="This payment was already imported.",
            ),
        ),
        migrations.AddConstraint(
            model_name="batchitem",
            constraint=models.CheckConstraint(
                condition=models.Q(("amount__gt", 0)), name="batch_item_positive"
            ),
        ),
        migrations.AddConstraint(
            model_name="bankdeposititem",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("batch__isnull", True), ("session__isnull", False)),
                    models.Q(("batch__isnull", False), ("session__isnull", True)),
                    _connector="OR",
                ),
                name="deposit_item_one_source",
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="bankdeposititem",
            trigger=pgtrigger.compiler.Trigger(
                name="deposit_item_append_only",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'pgtrigger: Cannot update or delete rows from % table', TG_TABLE_NAME;",
                    hash="1457e53d0360992c4be00fe53aa292131a84e122",
                    operation="UPDATE OR DELETE",
                    pgid="pgtrigger_deposit_item_append_only_65a97",
                    table="payments_bankdeposititem",
                    when="BEFORE",
                ),
            ),
        ),
        migrations.AddIndex(
            model_name="paymentline",
            index=models.Index(
                fields=["account", "payment"], name="payments_pa_account_cda81e_idx"
            ),
        ),
        migrations.AddConstraint(
            model_name="paymentline",
            constraint=models.CheckConstraint(
                condition=models.Q(("amount__gt", 0)), name="payment_line_positive"
            ),
        ),
        migrations.AddConstraint(
            model_name="paymentline",
            constraint=models.UniqueConstraint(
                fields=("payment", "account"), name="payment_line_once"
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="paymentline",
            trigger=pgtrigger.compiler.Trigger(
                name="payment_line_append_only",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'pgtrigger: Cannot update or delete rows from % table', TG_TABLE_NAME;",
                    hash="9e63fb41ff45ca77daefc30ef0afb86d02de0239",
                    operation="UPDATE OR DELETE",
                    pgid="pgtrigger_payment_line_append_only_9d265",
                    table="payments_paymentline",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="paymentvoid",
            trigger=pgtrigger.compiler.Trigger(
                name="payment_void_append_only",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'pgtrigger: Cannot update or delete rows from % table', TG_TABLE_NAME;",
                    hash="429a7f203edec84758c7d823d806ed2e2a572560",
                    operation="UPDATE OR DELETE",
                    pgid="pgtrigger_payment_void_append_only_f6bb6",
                    table="payments_paymentvoid",
                    when="BEFORE",
                ),
            ),
        ),
        migrations.AddIndex(
            model_name="letter",
            index=models.Index(
                fields=["status", "created_at"], name="payments_le_status_a7ef72_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="bai2transaction",
            index=models.Index(
                fields=["status", "direction"], name="payments_ba_status_fc4e2e_idx"
            ),
        ),
        migrations.AddConstraint(
            model_name="tender",
            constraint=models.CheckConstraint(
                condition=models.Q(("amount__gt", 0)), name="tender_positive"
            ),
        ),
        migrations.AddConstraint(
            model_name="tender",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("kind", "card"), _negated=True),
                    models.Q(
                        ("card_last4__regex", "^[0-9]{4}$"),
                        models.Q(("approval_code", ""), _negated=True),
                    ),
                    _connector="OR",
                ),
                name="tender_card_has_approval",
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="tender",
            trigger=pgtrigger.compiler.Trigger(
                name="tender_append_only",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'pgtrigger: Cannot update or delete rows from % table', TG_TABLE_NAME;",
                    hash="45ee984be3daeb010a6e5788a0303db712bfd646",
                    operation="UPDATE OR DELETE",
                    pgid="pgtrigger_tender_append_only_be7f6",
                    table="payments_tender",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="returneditem",
            trigger=pgtrigger.compiler.Trigger(
                name="returned_item_append_only",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'pgtrigger: Cannot update or delete rows from % table', TG_TABLE_NAME;",
                    hash="ec1d9d505cb4aa6f2aa55bad6497c08c2020d127",
                    operation="UPDATE OR DELETE",
                    pgid="pgtrigger_returned_item_append_only_338c6",
                    table="payments_returneditem",
                    when="BEFORE",
                ),
            ),
        ),
    ]
