"""The billing app's tables from scratch: its earlier migrations squashed before the first
district went live.

`replaces` lets a database built through the earlier migrations take this one as applied;
`manage.py schema_snapshot` shows both build the same schema (docs/operations.md).
"""

import district.money
import django.contrib.postgres.fields
import django.db.models.deletion
import pgtrigger.compiler
import pgtrigger.migrations
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    replaces = [
        ("billing", "0001_initial"),
        ("billing", "0002_bill_runs_bills_adjustments"),
        ("billing", "0003_zero_bills_and_outside_run_issue"),
        ("billing", "0004_bill_posted_history_index"),
        ("billing", "0005_drop_indexes_led_by_others"),
        ("billing", "0006_bill_run_progress_and_issue_request"),
    ]

    dependencies = [
        ("accounts", "0001_squashed"),
        ("field_ops", "0001_squashed"),
        ("pghistory", "0007_auto_20250421_0444"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="BillingCycle",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "code",
                    models.CharField(
                        help_text="Matches ServiceAccount.billing_cycle", max_length=10, unique=True
                    ),
                ),
                ("name", models.CharField(max_length=80)),
                (
                    "frequency",
                    models.CharField(
                        choices=[("monthly", "Monthly"), ("bimonthly", "Every two months")],
                        max_length=10,
                    ),
                ),
                (
                    "routes",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.CharField(max_length=10),
                        blank=True,
                        default=list,
                        size=None,
                    ),
                ),
                ("due_days", models.PositiveSmallIntegerField(default=21)),
                ("is_active", models.BooleanField(default=True)),
            ],
            options={
                "ordering": ["code"],
            },
        ),
        migrations.CreateModel(
            name="BillingCycleEvent",
            fields=[
                ("pgh_id", models.AutoField(primary_key=True, serialize=False)),
                ("pgh_created_at", models.DateTimeField(auto_now_add=True)),
                ("pgh_label", models.TextField(help_text="The event label.")),
                ("id", models.BigIntegerField()),
                (
                    "code",
                    models.CharField(
                        help_text="Matches ServiceAccount.billing_cycle", max_length=10
                    ),
                ),
                ("name", models.CharField(max_length=80)),
                (
                    "frequency",
                    models.CharField(
                        choices=[("monthly", "Monthly"), ("bimonthly", "Every two months")],
                        max_length=10,
                    ),
                ),
                (
                    "routes",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.CharField(max_length=10),
                        blank=True,
                        default=list,
                        size=None,
                    ),
                ),
                ("due_days", models.PositiveSmallIntegerField(default=21)),
                ("is_active", models.BooleanField(default=True)),
            ],
            options={
                "abstract": False,
            },
        ),
        migrations.CreateModel(
            name="BillingPeriod",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("period_start", models.DateField()),
                ("period_end", models.DateField()),
                ("read_window_start", models.DateField()),
                ("read_window_end", models.DateField()),
                ("bill_date", models.DateField()),
                ("due_date", models.DateField()),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("planned", "Planned"),
                            ("scheduled", "Bill run scheduled"),
                            ("billed", "Billed"),
                        ],
                        default="planned",
                        max_length=10,
                    ),
                ),
            ],
            options={
                "ordering": ["cycle", "period_start"],
            },
        ),
        migrations.CreateModel(
            name="BillLine",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("position", models.PositiveSmallIntegerField()),
                ("code", models.CharField(max_length=40)),
                (
                    "category",
                    models.CharField(
                        help_text="fixed, volumetric, surcharge, sewer...", max_length=20
                    ),
                ),
                ("description", models.CharField(max_length=200)),
                (
                    "quantity",
                    models.DecimalField(blank=True, decimal_places=4, max_digits=14, null=True),
                ),
                ("unit", models.CharField(blank=True, max_length=10)),
                (
                    "rate",
                    district.money.RateField(
                        blank=True, decimal_places=6, max_digits=14, null=True
                    ),
                ),
                ("amount", district.money.MoneyField(decimal_places=2, max_digits=12)),
                ("version_label", models.CharField(blank=True, max_length=60)),
                ("proration_note", models.CharField(blank=True, max_length=120)),
            ],
            options={
                "ordering": ["bill", "position"],
            },
        ),
        migrations.CreateModel(
            name="BillRun",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("created", "Created"),
                            ("calculating", "Calculating"),
                            ("audit", "In audit"),
                            ("posting", "Posting"),
                            ("posted", "Posted"),
                            ("issued", "Issued"),
                            ("failed", "Failed"),
                        ],
                        default="created",
                        max_length=12,
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("accounts_total", models.PositiveIntegerField(default=0)),
                ("bills_calculated", models.PositiveIntegerField(default=0)),
                ("exceptions_open", models.PositiveIntegerField(default=0)),
                ("calculated_at", models.DateTimeField(blank=True, null=True)),
                ("posted_at", models.DateTimeField(blank=True, null=True)),
                ("issued_at", models.DateTimeField(blank=True, null=True)),
                ("override_reason", models.CharField(blank=True, max_length=255)),
                ("print_file", models.FileField(blank=True, upload_to="bill_runs/")),
                ("error", models.TextField(blank=True)),
                ("progress_at", models.DateTimeField(blank=True, null=True)),
                ("issue_requested_at", models.DateTimeField(blank=True, null=True)),
            ],
            options={
                "ordering": ["-created_at"],
            },
        ),
        migrations.CreateModel(
            name="PrintFile",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("issued_on", models.DateField()),
                ("file", models.FileField(upload_to="print_files/")),
                (
                    "bill_count",
                    models.PositiveIntegerField(help_text="Rows in the file (bills to print)."),
                ),
                ("emailed_count", models.PositiveIntegerField(default=0)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
            ],
            options={
                "ordering": ["-created_at"],
            },
        ),
        migrations.CreateModel(
            name="RateSchedule",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("code", models.SlugField(max_length=40, unique=True)),
                ("name", models.CharField(max_length=120)),
                ("description", models.TextField(blank=True)),
            ],
            options={
                "ordering": ["code"],
            },
        ),
        migrations.CreateModel(
            name="RateScheduleVersion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("version", models.PositiveIntegerField()),
                ("effective_from", models.DateField()),
                ("source", models.TextField(help_text="The YAML as loaded.")),
                ("parsed", models.JSONField()),
                ("sha256", models.CharField(max_length=64)),
                ("notes", models.CharField(blank=True, max_length=255)),
                (
                    "locked",
                    models.BooleanField(
                        default=False, help_text="Priced a posted bill: never edited."
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
            ],
            options={
                "ordering": ["schedule", "-effective_from", "-version"],
            },
        ),
        migrations.CreateModel(
            name="ReadImport",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("file_name", models.CharField(max_length=200)),
                ("sha256", models.CharField(max_length=64, unique=True)),
                ("row_count", models.PositiveIntegerField()),
                ("imported_at", models.DateTimeField(auto_now_add=True)),
                (
                    "read_ids",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.BigIntegerField(), blank=True, default=list, size=None
                    ),
                ),
            ],
            options={
                "ordering": ["-imported_at"],
            },
        ),
        migrations.CreateModel(
            name="Adjustment",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "direction",
                    models.CharField(
                        choices=[("credit", "Credit"), ("debit", "Debit")], max_length=6
                    ),
                ),
                (
                    "reason",
                    models.CharField(
                        choices=[
                            ("leak", "Leak adjustment"),
                            ("billing_error", "Billing error"),
                            ("meter_error", "Meter error"),
                            ("fee_waiver", "Fee waiver"),
                            ("goodwill", "Goodwill"),
                            ("correction", "Other correction"),
                        ],
                        max_length=15,
                    ),
                ),
                ("amount", district.money.MoneyField(decimal_places=2, max_digits=12)),
                ("memo", models.CharField(max_length=255)),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("pending_approval", "Waiting for approval"),
                            ("posted", "Posted"),
                            ("rejected", "Rejected"),
                        ],
                        max_length=20,
                    ),
                ),
                ("idempotency_key", models.CharField(max_length=120, unique=True)),
                ("journal_id", models.BigIntegerField(blank=True, null=True)),
                ("approval_request_id", models.BigIntegerField(blank=True, null=True)),
                ("calculation", models.JSONField(blank=True, default=dict)),
                ("evidence_file", models.FileField(blank=True, upload_to="adjustments/")),
                ("requested_at", models.DateTimeField(auto_now_add=True)),
                (
                    "account",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="adjustments",
                        to="accounts.serviceaccount",
                    ),
                ),
                (
                    "evidence_work_order",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="field_ops.workorder",
                    ),
                ),
                (
                    "requested_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["-requested_at"],
            },
        ),
        migrations.CreateModel(
            name="Bill",
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
                            ("regular", "Regular"),
                            ("final", "Final"),
                            ("rebill", "Corrected bill"),
                        ],
                        default="regular",
                        max_length=10,
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("calculated", "Calculated"),
                            ("held", "Held"),
                            ("posted", "Posted"),
                            ("cancelled", "Cancelled"),
                        ],
                        default="calculated",
                        max_length=12,
                    ),
                ),
                ("number", models.CharField(blank=True, max_length=20, null=True, unique=True)),
                ("period_start", models.DateField()),
                ("period_end", models.DateField()),
                ("bill_date", models.DateField()),
                ("due_date", models.DateField()),
                ("consumption", models.DecimalField(decimal_places=2, default=0, max_digits=12)),
                ("estimated", models.BooleanField(default=False)),
                (
                    "current_charges",
                    district.money.MoneyField(decimal_places=2, default=0, max_digits=12),
                ),
                (
                    "previous_balance",
                    district.money.MoneyField(decimal_places=2, default=0, max_digits=12),
                ),
                (
                    "amount_due",
                    district.money.MoneyField(decimal_places=2, default=0, max_digits=12),
                ),
                ("journal_id", models.BigIntegerField(blank=True, null=True)),
                ("cancel_reason", models.CharField(blank=True, max_length=255)),
                ("pdf", models.FileField(blank=True, upload_to="bills/")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("posted_at", models.DateTimeField(blank=True, null=True)),
                ("issued_at", models.DateTimeField(blank=True, null=True)),
                (
                    "account",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="bills",
                        to="accounts.serviceaccount",
                    ),
                ),
                (
                    "current_read",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="field_ops.meterread",
                    ),
                ),
                (
                    "previous_read",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="field_ops.meterread",
                    ),
                ),
                (
                    "replaces",
                    models.OneToOneField(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="replaced_by",
                        to="billing.bill",
                    ),
                ),
            ],
            options={
                "ordering": ["-period_end", "-id"],
            },
        ),
        migrations.CreateModel(
            name="AdjustmentEvent",
            fields=[
                ("pgh_id", models.AutoField(primary_key=True, serialize=False)),
                ("pgh_created_at", models.DateTimeField(auto_now_add=True)),
                ("pgh_label", models.TextField(help_text="The event label.")),
                ("id", models.BigIntegerField()),
                (
                    "direction",
                    models.CharField(
                        choices=[("credit", "Credit"), ("debit", "Debit")], max_length=6
                    ),
                ),
                (
                    "reason",
                    models.CharField(
                        choices=[
                            ("leak", "Leak adjustment"),
                            ("billing_error", "Billing error"),
                            ("meter_error", "Meter error"),
                            ("fee_waiver", "Fee waiver"),
                            ("goodwill", "Goodwill"),
                            ("correction", "Other correction"),
                        ],
                        max_length=15,
                    ),
                ),
                ("amount", district.money.MoneyField(decimal_places=2, max_digits=12)),
                ("memo", models.CharField(max_length=255)),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("pending_approval", "Waiting for approval"),
                            ("posted", "Posted"),
                            ("rejected", "Rejected"),
                        ],
                        max_length=20,
                    ),
                ),
                ("idempotency_key", models.CharField(max_length=120)),
                ("journal_id", models.BigIntegerField(blank=True, null=True)),
                ("approval_request_id", models.BigIntegerField(blank=True, null=True)),
                ("calculation", models.JSONField(blank=True, default=dict)),
                ("evidence_file", models.FileField(blank=True, upload_to="adjustments/")),
                ("requested_at", models.DateTimeField(auto_now_add=True)),
                (
                    "account",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        related_query_name="+",
                        to="accounts.serviceaccount",
                    ),
                ),
                (
                    "evidence_work_order",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        related_query_name="+",
                        to="field_ops.workorder",
                    ),
                ),
                (
                    "pgh_context",
                    models.ForeignKey(
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="pghistory.context",
                    ),
                ),
                (
                    "pgh_obj",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="events",
                        to="billing.adjustment",
                    ),
                ),
                (
                    "requested_by",
                    models.ForeignKey(
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        related_query_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "bill",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        related_query_name="+",
                        to="billing.bill",
                    ),
                ),
            ],
            options={
                "abstract": False,
            },
        ),
        migrations.AddField(
            model_name="adjustment",
            name="bill",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="adjustments",
                to="billing.bill",
            ),
        ),
        migrations.CreateModel(
            name="BillException",
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
                            ("high_use", "High use"),
                            ("low_use", "Low use"),
                            ("zero_use", "Zero use"),
                            ("below_last", "Reading below last"),
                            ("estimated", "Estimated read"),
                            ("amount_over", "Amount over threshold"),
                            ("over_typical", "Over N times the typical bill"),
                            ("first_bill", "First bill"),
                            ("final_bill", "Final bill"),
                            ("credit_balance", "Credit balance"),
                            ("missing_read", "Missing read"),
                            ("never_billed", "Active account not billed"),
                        ],
                        max_length=15,
                    ),
                ),
                ("blocking", models.BooleanField(default=True)),
                ("detail", models.CharField(blank=True, max_length=255)),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("open", "Open"),
                            ("accepted", "Accepted"),
                            ("held", "Bill held"),
                            ("resolved", "Resolved"),
                        ],
                        default="open",
                        max_length=10,
                    ),
                ),
                ("resolved_at", models.DateTimeField(blank=True, null=True)),
                ("note", models.CharField(blank=True, max_length=255)),
                (
                    "account",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="bill_exceptions",
                        to="accounts.serviceaccount",
                    ),
                ),
                (
                    "bill",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="exceptions",
                        to="billing.bill",
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
                    "work_order",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="field_ops.workorder",
                    ),
                ),
            ],
            options={
                "ordering": ["run", "kind", "id"],
            },
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="billingcycle",
            trigger=pgtrigger.compiler.Trigger(
                name="insert_insert",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "billing_billingcycleevent" ("code", "due_days", "frequency", "id", "is_active", "name", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "routes") VALUES (NEW."code", NEW."due_days", NEW."frequency", NEW."id", NEW."is_active", NEW."name", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."routes"); RETURN NULL;',
                    hash="1526309d933c8f1b12e08b4d1a5348b96d7630c9",
                    operation="INSERT",
                    pgid="pgtrigger_insert_insert_9c44a",
                    table="billing_billingcycle",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="billingcycle",
            trigger=pgtrigger.compiler.Trigger(
                name="update_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition="WHEN (OLD.* IS DISTINCT FROM NEW.*)",
                    func='INSERT INTO "billing_billingcycleevent" ("code", "due_days", "frequency", "id", "is_active", "name", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "routes") VALUES (NEW."code", NEW."due_days", NEW."frequency", NEW."id", NEW."is_active", NEW."name", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."routes"); RETURN NULL;',
                    hash="023718b0be5beafb0513aeea4142ea7ce42a7aff",
                    operation="UPDATE",
                    pgid="pgtrigger_update_update_07e85",
                    table="billing_billingcycle",
                    when="AFTER",
                ),
            ),
        ),
        migrations.AddField(
            model_name="billingcycleevent",
            name="pgh_context",
            field=models.ForeignKey(
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="pghistory.context",
            ),
        ),
        migrations.AddField(
            model_name="billingcycleevent",
            name="pgh_obj",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="events",
                to="billing.billingcycle",
            ),
        ),
        migrations.AddField(
            model_name="billingperiod",
            name="cycle",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="periods",
                to="billing.billingcycle",
            ),
        ),
        migrations.AddField(
            model_name="billingperiod",
            name="scheduled_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="billline",
            name="bill",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="lines",
                to="billing.bill",
            ),
        ),
        migrations.AddField(
            model_name="billrun",
            name="created_by",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="billrun",
            name="override_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="billrun",
            name="period",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="runs",
                to="billing.billingperiod",
            ),
        ),
        migrations.AddField(
            model_name="billrun",
            name="posted_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="billexception",
            name="run",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="exceptions",
                to="billing.billrun",
            ),
        ),
        migrations.AddField(
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
        migrations.AddField(
            model_name="printfile",
            name="created_by",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="bill",
            name="print_file",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="bills",
                to="billing.printfile",
            ),
        ),
        migrations.AddField(
            model_name="ratescheduleversion",
            name="created_by",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="ratescheduleversion",
            name="schedule",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="versions",
                to="billing.rateschedule",
            ),
        ),
        migrations.AddField(
            model_name="bill",
            name="rate_version",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="bills",
                to="billing.ratescheduleversion",
            ),
        ),
        migrations.AddField(
            model_name="readimport",
            name="imported_by",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddConstraint(
            model_name="adjustment",
            constraint=models.CheckConstraint(
                condition=models.Q(("amount__gt", 0)), name="adjustment_positive"
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="adjustment",
            trigger=pgtrigger.compiler.Trigger(
                name="insert_insert",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "billing_adjustmentevent" ("account_id", "amount", "approval_request_id", "bill_id", "calculation", "direction", "evidence_file", "evidence_work_order_id", "id", "idempotency_key", "journal_id", "memo", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "reason", "requested_at", "requested_by_id", "status") VALUES (NEW."account_id", NEW."amount", NEW."approval_request_id", NEW."bill_id", NEW."calculation", NEW."direction", NEW."evidence_file", NEW."evidence_work_order_id", NEW."id", NEW."idempotency_key", NEW."journal_id", NEW."memo", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."reason", NEW."requested_at", NEW."requested_by_id", NEW."status"); RETURN NULL;',
                    hash="0c051a5a7358d97fd139191dd13cc0f14dc89f6b",
                    operation="INSERT",
                    pgid="pgtrigger_insert_insert_eb33b",
                    table="billing_adjustment",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="adjustment",
            trigger=pgtrigger.compiler.Trigger(
                name="update_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition="WHEN (OLD.* IS DISTINCT FROM NEW.*)",
                    func='INSERT INTO "billing_adjustmentevent" ("account_id", "amount", "approval_request_id", "bill_id", "calculation", "direction", "evidence_file", "evidence_work_order_id", "id", "idempotency_key", "journal_id", "memo", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "reason", "requested_at", "requested_by_id", "status") VALUES (NEW."account_id", NEW."amount", NEW."approval_request_id", NEW."bill_id", NEW."calculation", NEW."direction", NEW."evidence_file", NEW."evidence_work_order_id", NEW."id", NEW."idempotency_key", NEW."journal_id", NEW."memo", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."reason", NEW."requested_at", NEW."requested_by_id", NEW."status"); RETURN NULL;',
                    hash="c79254aaea1bcd155616e151eafdb1138deb6e24",
                    operation="UPDATE",
                    pgid="pgtrigger_update_update_1e077",
                    table="billing_adjustment",
                    when="AFTER",
                ),
            ),
        ),
        migrations.AddConstraint(
            model_name="billingperiod",
            constraint=models.UniqueConstraint(
                fields=("cycle", "period_start"), name="billing_period_once"
            ),
        ),
        migrations.AddConstraint(
            model_name="billingperiod",
            constraint=models.CheckConstraint(
                condition=models.Q(("period_end__gte", models.F("period_start"))),
                name="billing_period_ordered",
            ),
        ),
        migrations.AddConstraint(
            model_name="billingperiod",
            constraint=models.CheckConstraint(
                condition=models.Q(("read_window_end__gte", models.F("read_window_start"))),
                name="billing_read_window_ordered",
            ),
        ),
        migrations.AddConstraint(
            model_name="billingperiod",
            constraint=models.CheckConstraint(
                condition=models.Q(("due_date__gte", models.F("bill_date"))),
                name="billing_due_after_bill_date",
            ),
        ),
        migrations.AddConstraint(
            model_name="billline",
            constraint=models.UniqueConstraint(
                fields=("bill", "position"), name="bill_line_position_once"
            ),
        ),
        migrations.AddConstraint(
            model_name="billrun",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status", "failed"), _negated=True),
                fields=("period",),
                name="bill_run_one_live_per_period",
                violation_error_message="This period already has a bill run.",
            ),
        ),
        migrations.AddConstraint(
            model_name="billexception",
            constraint=models.UniqueConstraint(
                fields=("run", "account", "kind"), name="bill_exception_once_per_kind"
            ),
        ),
        migrations.AddConstraint(
            model_name="ratescheduleversion",
            constraint=models.UniqueConstraint(
                fields=("schedule", "version"), name="rate_version_number_once"
            ),
        ),
        migrations.AddConstraint(
            model_name="ratescheduleversion",
            constraint=models.UniqueConstraint(
                fields=("schedule", "effective_from"), name="rate_version_one_per_effective_date"
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="ratescheduleversion",
            trigger=pgtrigger.compiler.Trigger(
                name="rate_version_locked_is_final",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition='WHEN (OLD."locked")',
                    func="RAISE EXCEPTION 'pgtrigger: Cannot update or delete rows from % table', TG_TABLE_NAME;",
                    hash="0229efc6da45281dfc85d20a5003dc1c97500e47",
                    operation="UPDATE OR DELETE",
                    pgid="pgtrigger_rate_version_locked_is_final_82d0b",
                    table="billing_ratescheduleversion",
                    when="BEFORE",
                ),
            ),
        ),
        migrations.AddIndex(
            model_name="bill",
            index=models.Index(
                fields=["account", "period_end"], name="billing_bil_account_58999f_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="bill",
            index=models.Index(fields=["run", "status"], name="billing_bil_run_id_d1b81c_idx"),
        ),
        migrations.AddIndex(
            model_name="bill",
            index=models.Index(
                condition=models.Q(("status", "posted")),
                fields=["account", "-period_end", "-id"],
                name="bill_posted_history_idx",
            ),
        ),
        migrations.AddConstraint(
            model_name="bill",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status", "cancelled"), _negated=True),
                fields=("account", "period_start"),
                name="bill_once_per_account_and_period",
            ),
        ),
        migrations.AddConstraint(
            model_name="bill",
            constraint=models.CheckConstraint(
                condition=models.Q(("period_end__gte", models.F("period_start"))),
                name="bill_period_ordered",
            ),
        ),
        migrations.AddConstraint(
            model_name="bill",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("status", "posted"), _negated=True),
                    models.Q(("journal_id__isnull", False), ("number__isnull", False)),
                    models.Q(("current_charges", 0), ("number__isnull", False)),
                    _connector="OR",
                ),
                name="bill_posted_has_number_and_journal_unless_zero",
            ),
        ),
    ]
