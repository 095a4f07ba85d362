"""The accounts app's tables from scratch: its earlier migrations squashed before the first
district went live.

`replaces` lets a database built through the earlier migrations take this one as applied;
`manage.py schema_snapshot` shows both build the same schema (docs/operations.md).
"""

import district.money
import django.contrib.postgres.indexes
import django.contrib.postgres.search
import django.db.models.deletion
import django.db.models.functions.text
import django.utils.timezone
import pgtrigger.compiler
import pgtrigger.migrations
from django.conf import settings
from django.db import migrations, models


# Links the Python layers cannot declare: the ledger and field_ops sit below accounts, so their
# service_account_id columns are plain integers in Python; here accounts adds the foreign keys,
# so the database still refuses a line or work order for an account that does not exist.
# Account numbers come from a sequence (no check-then-insert).
LINKS = """
ALTER TABLE ledger_journalline
    ADD CONSTRAINT ledger_journalline_service_account_fk
    FOREIGN KEY (service_account_id) REFERENCES accounts_serviceaccount (id)
    DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE ledger_accountbalance
    ADD CONSTRAINT ledger_accountbalance_service_account_fk
    FOREIGN KEY (service_account_id) REFERENCES accounts_serviceaccount (id)
    DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE field_ops_workorder
    ADD CONSTRAINT field_ops_workorder_service_account_fk
    FOREIGN KEY (service_account_id) REFERENCES accounts_serviceaccount (id)
    DEFERRABLE INITIALLY DEFERRED;
CREATE SEQUENCE IF NOT EXISTS accounts_account_number_seq START WITH 1000001;
"""
UNLINK = """
ALTER TABLE ledger_journalline DROP CONSTRAINT IF EXISTS ledger_journalline_service_account_fk;
ALTER TABLE ledger_accountbalance DROP CONSTRAINT IF EXISTS ledger_accountbalance_service_account_fk;
ALTER TABLE field_ops_workorder DROP CONSTRAINT IF EXISTS field_ops_workorder_service_account_fk;
DROP SEQUENCE IF EXISTS accounts_account_number_seq;
"""


class Migration(migrations.Migration):
    initial = True

    replaces = [
        ("accounts", "0001_initial"),
        ("accounts", "0002_initial"),
        ("accounts", "0003_ledger_links_and_number_sequence"),
        ("accounts", "0004_work_order_account_link"),
        ("accounts", "0005_service_changes_deposits_contacts"),
        ("accounts", "0006_deposit_installments"),
        ("accounts", "0007_agricultural_and_fire_service_classes"),
    ]

    dependencies = [
        ("ledger", "0001_squashed"),
        ("field_ops", "0001_squashed"),
        ("pghistory", "0007_auto_20250421_0444"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Case",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "category",
                    models.CharField(
                        choices=[
                            ("billing_dispute", "Billing dispute"),
                            ("high_bill", "High bill"),
                            ("leak", "Leak"),
                            ("service_quality", "Service quality"),
                            ("staff_complaint", "Staff complaint"),
                            ("other", "Other"),
                        ],
                        max_length=20,
                    ),
                ),
                (
                    "priority",
                    models.CharField(
                        choices=[("high", "High"), ("normal", "Normal"), ("low", "Low")],
                        default="normal",
                        max_length=10,
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("open", "Open"),
                            ("waiting", "Waiting on customer"),
                            ("referred", "Referred"),
                            ("resolved", "Resolved"),
                            ("closed", "Closed"),
                        ],
                        default="open",
                        max_length=10,
                    ),
                ),
                ("subject", models.CharField(max_length=200)),
                ("description", models.TextField()),
                ("due_date", models.DateField()),
                ("resolution", models.TextField(blank=True)),
                ("opened_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("resolved_at", models.DateTimeField(blank=True, null=True)),
                (
                    "assigned_to",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="cases",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "opened_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["due_date", "id"],
            },
        ),
        migrations.CreateModel(
            name="CaseNote",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("note", models.TextField()),
                ("written_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "case",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="notes",
                        to="accounts.case",
                    ),
                ),
                (
                    "written_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["written_at", "id"],
            },
        ),
        migrations.CreateModel(
            name="Customer",
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
                        choices=[("person", "Person"), ("business", "Business")],
                        default="person",
                        max_length=10,
                    ),
                ),
                ("first_name", models.CharField(blank=True, max_length=60)),
                ("last_name", models.CharField(blank=True, max_length=60)),
                ("business_name", models.CharField(blank=True, max_length=120)),
                ("phone", models.CharField(blank=True, max_length=10)),
                ("alternate_phone", models.CharField(blank=True, max_length=10)),
                ("email", models.EmailField(blank=True, max_length=254)),
                (
                    "mailing_line1",
                    models.CharField(blank=True, max_length=120, verbose_name="mailing address"),
                ),
                (
                    "mailing_line2",
                    models.CharField(
                        blank=True, max_length=120, verbose_name="mailing address line 2"
                    ),
                ),
                ("mailing_city", models.CharField(blank=True, max_length=60, verbose_name="city")),
                (
                    "mailing_state",
                    models.CharField(blank=True, default="CA", max_length=2, verbose_name="state"),
                ),
                ("mailing_zip", models.CharField(blank=True, max_length=10, verbose_name="ZIP")),
                (
                    "language",
                    models.CharField(
                        choices=[
                            ("en", "English"),
                            ("es", "Spanish"),
                            ("zh", "Chinese"),
                            ("tl", "Tagalog"),
                            ("vi", "Vietnamese"),
                            ("ko", "Korean"),
                            ("other", "Other"),
                        ],
                        default="en",
                        max_length=5,
                        verbose_name="preferred language",
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "user",
                    models.OneToOneField(
                        blank=True,
                        help_text="The online sign-in of this customer, once enrolled.",
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="customer",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["last_name", "first_name", "business_name"],
            },
        ),
        migrations.AddField(
            model_name="case",
            name="customer",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="cases",
                to="accounts.customer",
            ),
        ),
        migrations.CreateModel(
            name="CustomerEvent",
            fields=[
                ("pgh_id", models.AutoField(primary_key=True, serialize=False)),
                ("pgh_created_at", models.DateTimeField(auto_now_add=True)),
                ("pgh_label", models.TextField(help_text="The event label.")),
                ("id", models.BigIntegerField()),
                (
                    "kind",
                    models.CharField(
                        choices=[("person", "Person"), ("business", "Business")],
                        default="person",
                        max_length=10,
                    ),
                ),
                ("first_name", models.CharField(blank=True, max_length=60)),
                ("last_name", models.CharField(blank=True, max_length=60)),
                ("business_name", models.CharField(blank=True, max_length=120)),
                ("phone", models.CharField(blank=True, max_length=10)),
                ("alternate_phone", models.CharField(blank=True, max_length=10)),
                ("email", models.EmailField(blank=True, max_length=254)),
                (
                    "mailing_line1",
                    models.CharField(blank=True, max_length=120, verbose_name="mailing address"),
                ),
                (
                    "mailing_line2",
                    models.CharField(
                        blank=True, max_length=120, verbose_name="mailing address line 2"
                    ),
                ),
                ("mailing_city", models.CharField(blank=True, max_length=60, verbose_name="city")),
                (
                    "mailing_state",
                    models.CharField(blank=True, default="CA", max_length=2, verbose_name="state"),
                ),
                ("mailing_zip", models.CharField(blank=True, max_length=10, verbose_name="ZIP")),
                (
                    "language",
                    models.CharField(
                        choices=[
                            ("en", "English"),
                            ("es", "Spanish"),
                            ("zh", "Chinese"),
                            ("tl", "Tagalog"),
                            ("vi", "Vietnamese"),
                            ("ko", "Korean"),
                            ("other", "Other"),
                        ],
                        default="en",
                        max_length=5,
                        verbose_name="preferred language",
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        related_query_name="+",
                        to=settings.AUTH_USER_MODEL,
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
                        to="accounts.customer",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        help_text="The online sign-in of this customer, once enrolled.",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        related_query_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "abstract": False,
            },
        ),
        migrations.CreateModel(
            name="CustomerFlag",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "flag",
                    models.CharField(
                        choices=[
                            ("cash_only", "Cash only"),
                            ("do_not_call", "Do not call"),
                            ("deceased", "Deceased"),
                            ("bankruptcy", "Bankruptcy"),
                        ],
                        max_length=15,
                    ),
                ),
                ("reason", models.CharField(max_length=255)),
                ("set_at", models.DateTimeField(auto_now_add=True)),
                ("cleared_at", models.DateTimeField(blank=True, null=True)),
                ("clear_reason", models.CharField(blank=True, max_length=255)),
                (
                    "cleared_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "customer",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="flags",
                        to="accounts.customer",
                    ),
                ),
                (
                    "set_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["-set_at"],
            },
        ),
        migrations.CreateModel(
            name="Department",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=80, unique=True)),
                ("is_active", models.BooleanField(default=True)),
                (
                    "members",
                    models.ManyToManyField(
                        blank=True, related_name="departments", to=settings.AUTH_USER_MODEL
                    ),
                ),
            ],
            options={
                "ordering": ["name"],
            },
        ),
        migrations.AddField(
            model_name="case",
            name="department",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="cases",
                to="accounts.department",
            ),
        ),
        migrations.CreateModel(
            name="DepositGuideline",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("effective_from", models.DateField(unique=True)),
                (
                    "minimum",
                    district.money.MoneyField(
                        decimal_places=2,
                        help_text="No deposit is smaller than this (unless none is due).",
                        max_digits=12,
                    ),
                ),
                (
                    "average_bill_multiple",
                    models.DecimalField(decimal_places=2, default=2, max_digits=4),
                ),
                ("good_history_months", models.PositiveSmallIntegerField(default=12)),
                ("max_late_payments", models.PositiveSmallIntegerField(default=1)),
                ("max_installments", models.PositiveSmallIntegerField(default=3)),
                ("refund_after_months", models.PositiveSmallIntegerField(default=12)),
                ("notes", models.TextField(blank=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "created_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["-effective_from"],
            },
        ),
        migrations.CreateModel(
            name="Deposit",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "basis",
                    models.CharField(
                        choices=[
                            ("class_size", "Customer class and meter size"),
                            ("average_bill", "Multiple of the premise's average bill"),
                            ("minimum", "Minimum deposit"),
                            ("owner", "None: owner of the premise"),
                            ("good_history", "None: good payment history"),
                            ("letter", "None: letter of good credit"),
                            ("transferred", "Carried over from the previous account"),
                        ],
                        max_length=15,
                    ),
                ),
                (
                    "amount",
                    district.money.MoneyField(
                        decimal_places=2,
                        help_text="The deposit asked (0 when none is due).",
                        max_digits=12,
                    ),
                ),
                (
                    "explanation",
                    models.CharField(help_text="How the amount was found.", max_length=255),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("pending_approval", "Waiver awaiting approval"),
                            ("charged", "Charged"),
                            ("waived", "Waived"),
                            ("applied", "Applied to the final bill"),
                            ("credited", "Credited to the account"),
                            ("refunded", "Refunded"),
                        ],
                        default="charged",
                        max_length=20,
                    ),
                ),
                ("installments", models.PositiveSmallIntegerField(default=1)),
                ("waiver_reason", models.CharField(blank=True, max_length=255)),
                ("charged_on", models.DateField(blank=True, null=True)),
                ("closed_on", models.DateField(blank=True, null=True)),
                ("charge_journal_id", models.BigIntegerField(blank=True, null=True)),
                ("settle_journal_id", models.BigIntegerField(blank=True, null=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "carried_from",
                    models.OneToOneField(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="carried_to",
                        to="accounts.deposit",
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "guideline",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="accounts.depositguideline",
                    ),
                ),
            ],
            options={
                "ordering": ["-created_at"],
            },
        ),
        migrations.CreateModel(
            name="DepositGuidelineAmount",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "customer_class",
                    models.CharField(
                        choices=[
                            ("residential", "Residential single-family"),
                            ("multi_family", "Residential multi-family"),
                            ("commercial", "Commercial"),
                            ("irrigation", "Irrigation"),
                            ("agricultural", "Agricultural"),
                            ("fire_service", "Private fire service"),
                            ("temporary", "Temporary / hydrant"),
                        ],
                        max_length=15,
                    ),
                ),
                (
                    "meter_size",
                    models.CharField(
                        choices=[
                            ("5/8", '5/8"'),
                            ("3/4", '3/4"'),
                            ("1", '1"'),
                            ("1-1/2", '1-1/2"'),
                            ("2", '2"'),
                            ("3", '3"'),
                            ("4", '4"'),
                            ("6", '6"'),
                            ("8", '8"'),
                            ("10", '10"'),
                            ("12", '12"'),
                            ("14", '14"'),
                            ("16", '16"'),
                            ("18", '18"'),
                        ],
                        max_length=6,
                    ),
                ),
                ("amount", district.money.MoneyField(decimal_places=2, max_digits=12)),
                (
                    "guideline",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="amounts",
                        to="accounts.depositguideline",
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="DepositGuidelineEvent",
            fields=[
                ("pgh_id", models.AutoField(primary_key=True, serialize=False)),
                ("pgh_created_at", models.DateTimeField(auto_now_add=True)),
                ("pgh_label", models.TextField(help_text="The event label.")),
                ("id", models.BigIntegerField()),
                ("effective_from", models.DateField()),
                (
                    "minimum",
                    district.money.MoneyField(
                        decimal_places=2,
                        help_text="No deposit is smaller than this (unless none is due).",
                        max_digits=12,
                    ),
                ),
                (
                    "average_bill_multiple",
                    models.DecimalField(decimal_places=2, default=2, max_digits=4),
                ),
                ("good_history_months", models.PositiveSmallIntegerField(default=12)),
                ("max_late_payments", models.PositiveSmallIntegerField(default=1)),
                ("max_installments", models.PositiveSmallIntegerField(default=3)),
                ("refund_after_months", models.PositiveSmallIntegerField(default=12)),
                ("notes", models.TextField(blank=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "created_by",
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
                        to="accounts.depositguideline",
                    ),
                ),
            ],
            options={
                "abstract": False,
            },
        ),
        migrations.CreateModel(
            name="DepositInstallment",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("number", models.PositiveSmallIntegerField()),
                ("amount", district.money.MoneyField(decimal_places=2, max_digits=12)),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("open", "Not billed yet"),
                            ("posted", "Billed"),
                            ("cancelled", "Cancelled (deposit settled)"),
                        ],
                        default="open",
                        max_length=10,
                    ),
                ),
                ("journal_id", models.BigIntegerField(blank=True, null=True)),
                ("bill_id", models.BigIntegerField(blank=True, null=True)),
                ("posted_on", models.DateField(blank=True, null=True)),
                (
                    "deposit",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="installment_set",
                        to="accounts.deposit",
                    ),
                ),
            ],
            options={
                "ordering": ["deposit", "number"],
            },
        ),
        migrations.CreateModel(
            name="LetterOfCredit",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("utility_name", models.CharField(max_length=120)),
                ("letter_date", models.DateField()),
                ("recorded_at", models.DateTimeField(auto_now_add=True)),
                (
                    "customer",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="credit_letters",
                        to="accounts.customer",
                    ),
                ),
                (
                    "recorded_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="RevertToOwnerAgreement",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("signed_on", models.DateField()),
                ("ended_on", models.DateField(blank=True, null=True)),
                (
                    "owner",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="owner_agreements",
                        to="accounts.customer",
                    ),
                ),
                (
                    "premise",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="owner_agreements",
                        to="field_ops.premise",
                    ),
                ),
                (
                    "recorded_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="RevertToOwnerAgreementEvent",
            fields=[
                ("pgh_id", models.AutoField(primary_key=True, serialize=False)),
                ("pgh_created_at", models.DateTimeField(auto_now_add=True)),
                ("pgh_label", models.TextField(help_text="The event label.")),
                ("id", models.BigIntegerField()),
                ("signed_on", models.DateField()),
                ("ended_on", models.DateField(blank=True, null=True)),
                (
                    "owner",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        related_query_name="+",
                        to="accounts.customer",
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
                        to="accounts.reverttoowneragreement",
                    ),
                ),
                (
                    "premise",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        related_query_name="+",
                        to="field_ops.premise",
                    ),
                ),
                (
                    "recorded_by",
                    models.ForeignKey(
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        related_query_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "abstract": False,
            },
        ),
        migrations.CreateModel(
            name="ServiceAccount",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "number",
                    models.CharField(max_length=12, unique=True, verbose_name="account number"),
                ),
                (
                    "customer_class",
                    models.CharField(
                        choices=[
                            ("residential", "Residential single-family"),
                            ("multi_family", "Residential multi-family"),
                            ("commercial", "Commercial"),
                            ("irrigation", "Irrigation"),
                            ("agricultural", "Agricultural"),
                            ("fire_service", "Private fire service"),
                            ("temporary", "Temporary / hydrant"),
                        ],
                        max_length=15,
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("pending", "Pending"),
                            ("active", "Active"),
                            ("pending_final", "Pending final"),
                            ("final", "Final"),
                            ("closed", "Closed"),
                        ],
                        default="pending",
                        max_length=15,
                    ),
                ),
                ("start_date", models.DateField()),
                ("end_date", models.DateField(blank=True, null=True)),
                (
                    "billing_frequency",
                    models.CharField(
                        choices=[("monthly", "Monthly"), ("bimonthly", "Every two months")],
                        default="monthly",
                        max_length=10,
                    ),
                ),
                ("billing_cycle", models.CharField(max_length=10)),
                (
                    "is_owner",
                    models.BooleanField(default=False, verbose_name="customer owns the premise"),
                ),
                ("paperless", models.BooleanField(default=False)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "customer",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="service_accounts",
                        to="accounts.customer",
                    ),
                ),
                (
                    "premise",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="service_accounts",
                        to="field_ops.premise",
                    ),
                ),
            ],
            options={
                "ordering": ["number"],
            },
        ),
        migrations.CreateModel(
            name="DepositInstallmentEvent",
            fields=[
                ("pgh_id", models.AutoField(primary_key=True, serialize=False)),
                ("pgh_created_at", models.DateTimeField(auto_now_add=True)),
                ("pgh_label", models.TextField(help_text="The event label.")),
                ("id", models.BigIntegerField()),
                ("number", models.PositiveSmallIntegerField()),
                ("amount", district.money.MoneyField(decimal_places=2, max_digits=12)),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("open", "Not billed yet"),
                            ("posted", "Billed"),
                            ("cancelled", "Cancelled (deposit settled)"),
                        ],
                        default="open",
                        max_length=10,
                    ),
                ),
                ("journal_id", models.BigIntegerField(blank=True, null=True)),
                ("bill_id", models.BigIntegerField(blank=True, null=True)),
                ("posted_on", models.DateField(blank=True, null=True)),
                (
                    "deposit",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        related_query_name="+",
                        to="accounts.deposit",
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
                        to="accounts.depositinstallment",
                    ),
                ),
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
            ],
            options={
                "abstract": False,
            },
        ),
        migrations.AddField(
            model_name="depositinstallment",
            name="account",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="deposit_installments",
                to="accounts.serviceaccount",
            ),
        ),
        migrations.CreateModel(
            name="DepositEvent",
            fields=[
                ("pgh_id", models.AutoField(primary_key=True, serialize=False)),
                ("pgh_created_at", models.DateTimeField(auto_now_add=True)),
                ("pgh_label", models.TextField(help_text="The event label.")),
                ("id", models.BigIntegerField()),
                (
                    "basis",
                    models.CharField(
                        choices=[
                            ("class_size", "Customer class and meter size"),
                            ("average_bill", "Multiple of the premise's average bill"),
                            ("minimum", "Minimum deposit"),
                            ("owner", "None: owner of the premise"),
                            ("good_history", "None: good payment history"),
                            ("letter", "None: letter of good credit"),
                            ("transferred", "Carried over from the previous account"),
                        ],
                        max_length=15,
                    ),
                ),
                (
                    "amount",
                    district.money.MoneyField(
                        decimal_places=2,
                        help_text="The deposit asked (0 when none is due).",
                        max_digits=12,
                    ),
                ),
                (
                    "explanation",
                    models.CharField(help_text="How the amount was found.", max_length=255),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("pending_approval", "Waiver awaiting approval"),
                            ("charged", "Charged"),
                            ("waived", "Waived"),
                            ("applied", "Applied to the final bill"),
                            ("credited", "Credited to the account"),
                            ("refunded", "Refunded"),
                        ],
                        default="charged",
                        max_length=20,
                    ),
                ),
                ("installments", models.PositiveSmallIntegerField(default=1)),
                ("waiver_reason", models.CharField(blank=True, max_length=255)),
                ("charged_on", models.DateField(blank=True, null=True)),
                ("closed_on", models.DateField(blank=True, null=True)),
                ("charge_journal_id", models.BigIntegerField(blank=True, null=True)),
                ("settle_journal_id", models.BigIntegerField(blank=True, null=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "carried_from",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        related_query_name="+",
                        to="accounts.deposit",
                    ),
                ),
                (
                    "created_by",
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
                        to="accounts.deposit",
                    ),
                ),
                (
                    "guideline",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        related_query_name="+",
                        to="accounts.depositguideline",
                    ),
                ),
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
            ],
            options={
                "abstract": False,
            },
        ),
        migrations.AddField(
            model_name="deposit",
            name="account",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="deposits",
                to="accounts.serviceaccount",
            ),
        ),
        migrations.CreateModel(
            name="Contact",
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
                            ("phone", "Phone"),
                            ("email", "Email"),
                            ("mail", "Mail"),
                            ("portal", "Online portal"),
                            ("field", "Field"),
                        ],
                        max_length=10,
                    ),
                ),
                (
                    "reason",
                    models.CharField(
                        choices=[
                            ("billing", "Billing question"),
                            ("payment", "Payment"),
                            ("start", "Start service"),
                            ("stop", "Stop service"),
                            ("transfer", "Transfer service"),
                            ("high_bill", "High bill"),
                            ("leak", "Leak"),
                            ("payment_plan", "Payment arrangement"),
                            ("quality", "Water quality or pressure"),
                            ("complaint", "Complaint"),
                            ("returned_payment", "Returned payment"),
                            ("general", "General inquiry"),
                            ("other", "Other"),
                        ],
                        max_length=20,
                    ),
                ),
                ("notes", models.TextField(blank=True)),
                (
                    "visitor_name",
                    models.CharField(
                        blank=True, help_text="For callers with no account.", max_length=120
                    ),
                ),
                ("referral_done_at", models.DateTimeField(blank=True, null=True)),
                ("logged_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "logged_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "referred_to_user",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="referrals",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "customer",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="contacts",
                        to="accounts.customer",
                    ),
                ),
                (
                    "referred_to_department",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="referrals",
                        to="accounts.department",
                    ),
                ),
                (
                    "account",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="contacts",
                        to="accounts.serviceaccount",
                    ),
                ),
            ],
            options={
                "ordering": ["-logged_at", "-id"],
            },
        ),
        migrations.CreateModel(
            name="CaseEvent",
            fields=[
                ("pgh_id", models.AutoField(primary_key=True, serialize=False)),
                ("pgh_created_at", models.DateTimeField(auto_now_add=True)),
                ("pgh_label", models.TextField(help_text="The event label.")),
                ("id", models.BigIntegerField()),
                (
                    "category",
                    models.CharField(
                        choices=[
                            ("billing_dispute", "Billing dispute"),
                            ("high_bill", "High bill"),
                            ("leak", "Leak"),
                            ("service_quality", "Service quality"),
                            ("staff_complaint", "Staff complaint"),
                            ("other", "Other"),
                        ],
                        max_length=20,
                    ),
                ),
                (
                    "priority",
                    models.CharField(
                        choices=[("high", "High"), ("normal", "Normal"), ("low", "Low")],
                        default="normal",
                        max_length=10,
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("open", "Open"),
                            ("waiting", "Waiting on customer"),
                            ("referred", "Referred"),
                            ("resolved", "Resolved"),
                            ("closed", "Closed"),
                        ],
                        default="open",
                        max_length=10,
                    ),
                ),
                ("subject", models.CharField(max_length=200)),
                ("description", models.TextField()),
                ("due_date", models.DateField()),
                ("resolution", models.TextField(blank=True)),
                ("opened_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("resolved_at", models.DateTimeField(blank=True, null=True)),
                (
                    "assigned_to",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        related_query_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "opened_by",
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
                        to="accounts.case",
                    ),
                ),
                (
                    "customer",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        related_query_name="+",
                        to="accounts.customer",
                    ),
                ),
                (
                    "department",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        related_query_name="+",
                        to="accounts.department",
                    ),
                ),
                (
                    "account",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        related_query_name="+",
                        to="accounts.serviceaccount",
                    ),
                ),
            ],
            options={
                "abstract": False,
            },
        ),
        migrations.AddField(
            model_name="case",
            name="account",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="cases",
                to="accounts.serviceaccount",
            ),
        ),
        migrations.CreateModel(
            name="ServiceAccountEvent",
            fields=[
                ("pgh_id", models.AutoField(primary_key=True, serialize=False)),
                ("pgh_created_at", models.DateTimeField(auto_now_add=True)),
                ("pgh_label", models.TextField(help_text="The event label.")),
                ("id", models.BigIntegerField()),
                ("number", models.CharField(max_length=12, verbose_name="account number")),
                (
                    "customer_class",
                    models.CharField(
                        choices=[
                            ("residential", "Residential single-family"),
                            ("multi_family", "Residential multi-family"),
                            ("commercial", "Commercial"),
                            ("irrigation", "Irrigation"),
                            ("agricultural", "Agricultural"),
                            ("fire_service", "Private fire service"),
                            ("temporary", "Temporary / hydrant"),
                        ],
                        max_length=15,
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("pending", "Pending"),
                            ("active", "Active"),
                            ("pending_final", "Pending final"),
                            ("final", "Final"),
                            ("closed", "Closed"),
                        ],
                        default="pending",
                        max_length=15,
                    ),
                ),
                ("start_date", models.DateField()),
                ("end_date", models.DateField(blank=True, null=True)),
                (
                    "billing_frequency",
                    models.CharField(
                        choices=[("monthly", "Monthly"), ("bimonthly", "Every two months")],
                        default="monthly",
                        max_length=10,
                    ),
                ),
                ("billing_cycle", models.CharField(max_length=10)),
                (
                    "is_owner",
                    models.BooleanField(default=False, verbose_name="customer owns the premise"),
                ),
                ("paperless", models.BooleanField(default=False)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        related_query_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "customer",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        related_query_name="+",
                        to="accounts.customer",
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
                        to="accounts.serviceaccount",
                    ),
                ),
                (
                    "premise",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        related_query_name="+",
                        to="field_ops.premise",
                    ),
                ),
            ],
            options={
                "abstract": False,
            },
        ),
        migrations.CreateModel(
            name="ServiceAccountParties",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "owner_name",
                    models.CharField(max_length=120, verbose_name="owner or property manager"),
                ),
                ("owner_phone", models.CharField(blank=True, max_length=10)),
                ("owner_mailing_address", models.TextField(blank=True)),
                (
                    "account",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="parties",
                        to="accounts.serviceaccount",
                    ),
                ),
                (
                    "transferred_from",
                    models.OneToOneField(
                        blank=True,
                        help_text="The account this one continues (a transfer of service).",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="transferred_to",
                        to="accounts.serviceaccount",
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="StopRequest",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("stop_date", models.DateField()),
                (
                    "reason",
                    models.CharField(
                        choices=[
                            ("moving", "Moving out"),
                            ("sold", "Property sold"),
                            ("transfer", "Transfer to another address"),
                            ("vacant", "Property vacant"),
                            ("deceased", "Customer deceased"),
                            ("other", "Other"),
                        ],
                        max_length=10,
                    ),
                ),
                (
                    "forwarding_line1",
                    models.CharField(max_length=120, verbose_name="forwarding address"),
                ),
                (
                    "forwarding_line2",
                    models.CharField(
                        blank=True, max_length=120, verbose_name="forwarding address line 2"
                    ),
                ),
                ("forwarding_city", models.CharField(max_length=60, verbose_name="city")),
                (
                    "forwarding_state",
                    models.CharField(default="CA", max_length=2, verbose_name="state"),
                ),
                ("forwarding_zip", models.CharField(max_length=10, verbose_name="ZIP")),
                ("notes", models.CharField(blank=True, max_length=255)),
                ("requested_at", models.DateTimeField(auto_now_add=True)),
                (
                    "account",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="stop",
                        to="accounts.serviceaccount",
                    ),
                ),
                (
                    "final_read_order",
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
                (
                    "reverted_to",
                    models.ForeignKey(
                        blank=True,
                        help_text="The owner's account that took the service over (revert to owner).",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="accounts.serviceaccount",
                    ),
                ),
            ],
        ),
        migrations.AddIndex(
            model_name="customer",
            index=models.Index(fields=["phone"], name="customer_phone_idx"),
        ),
        migrations.AddIndex(
            model_name="customer",
            index=models.Index(fields=["alternate_phone"], name="customer_alt_phone_idx"),
        ),
        migrations.AddIndex(
            model_name="customer",
            index=models.Index(
                django.db.models.functions.text.Upper("email"), name="customer_email_upper_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="customer",
            index=models.Index(
                fields=["phone"],
                name="customer_phone_prefix_idx",
                opclasses=["varchar_pattern_ops"],
            ),
        ),
        migrations.AddIndex(
            model_name="customer",
            index=django.contrib.postgres.indexes.GinIndex(
                django.contrib.postgres.search.SearchVector(
                    "first_name", "last_name", "business_name", config="simple"
                ),
                name="customer_name_search_idx",
            ),
        ),
        migrations.AddConstraint(
            model_name="customer",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("kind", "person"), models.Q(("last_name", ""), _negated=True)),
                    models.Q(("kind", "business"), models.Q(("business_name", ""), _negated=True)),
                    _connector="OR",
                ),
                name="customer_has_a_name",
                violation_error_message="A person needs a last name; a business needs its name.",
            ),
        ),
        migrations.AddConstraint(
            model_name="customer",
            constraint=models.CheckConstraint(
                condition=models.Q(("phone", ""), ("phone__regex", "^[0-9]{10}$"), _connector="OR"),
                name="customer_phone_ten_digits",
            ),
        ),
        migrations.AddConstraint(
            model_name="customer",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("alternate_phone", ""),
                    ("alternate_phone__regex", "^[0-9]{10}$"),
                    _connector="OR",
                ),
                name="customer_alternate_phone_ten_digits",
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="customer",
            trigger=pgtrigger.compiler.Trigger(
                name="insert_insert",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "accounts_customerevent" ("alternate_phone", "business_name", "created_at", "created_by_id", "email", "first_name", "id", "kind", "language", "last_name", "mailing_city", "mailing_line1", "mailing_line2", "mailing_state", "mailing_zip", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "phone", "user_id") VALUES (NEW."alternate_phone", NEW."business_name", NEW."created_at", NEW."created_by_id", NEW."email", NEW."first_name", NEW."id", NEW."kind", NEW."language", NEW."last_name", NEW."mailing_city", NEW."mailing_line1", NEW."mailing_line2", NEW."mailing_state", NEW."mailing_zip", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."phone", NEW."user_id"); RETURN NULL;',
                    hash="d0eba832e96c1269ad89da0f1116a0574fd7f9c9",
                    operation="INSERT",
                    pgid="pgtrigger_insert_insert_32108",
                    table="accounts_customer",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="customer",
            trigger=pgtrigger.compiler.Trigger(
                name="update_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition="WHEN (OLD.* IS DISTINCT FROM NEW.*)",
                    func='INSERT INTO "accounts_customerevent" ("alternate_phone", "business_name", "created_at", "created_by_id", "email", "first_name", "id", "kind", "language", "last_name", "mailing_city", "mailing_line1", "mailing_line2", "mailing_state", "mailing_zip", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "phone", "user_id") VALUES (NEW."alternate_phone", NEW."business_name", NEW."created_at", NEW."created_by_id", NEW."email", NEW."first_name", NEW."id", NEW."kind", NEW."language", NEW."last_name", NEW."mailing_city", NEW."mailing_line1", NEW."mailing_line2", NEW."mailing_state", NEW."mailing_zip", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."phone", NEW."user_id"); RETURN NULL;',
                    hash="ee512b5f8e9ff177c5212175828a05a2a07c3f92",
                    operation="UPDATE",
                    pgid="pgtrigger_update_update_8724e",
                    table="accounts_customer",
                    when="AFTER",
                ),
            ),
        ),
        migrations.AddConstraint(
            model_name="customerflag",
            constraint=models.UniqueConstraint(
                condition=models.Q(("cleared_at__isnull", True)),
                fields=("customer", "flag"),
                name="customer_flag_active_once",
                violation_error_message="This customer already has that flag.",
            ),
        ),
        migrations.AddConstraint(
            model_name="depositguideline",
            constraint=models.CheckConstraint(
                condition=models.Q(("max_installments__gte", 1), ("max_installments__lte", 3)),
                name="deposit_guideline_installments_range",
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="depositguideline",
            trigger=pgtrigger.compiler.Trigger(
                name="insert_insert",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "accounts_depositguidelineevent" ("average_bill_multiple", "created_at", "created_by_id", "effective_from", "good_history_months", "id", "max_installments", "max_late_payments", "minimum", "notes", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "refund_after_months") VALUES (NEW."average_bill_multiple", NEW."created_at", NEW."created_by_id", NEW."effective_from", NEW."good_history_months", NEW."id", NEW."max_installments", NEW."max_late_payments", NEW."minimum", NEW."notes", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."refund_after_months"); RETURN NULL;',
                    hash="f57835072b994d4346eb25ba078ffd6b1a61cd0f",
                    operation="INSERT",
                    pgid="pgtrigger_insert_insert_f34d1",
                    table="accounts_depositguideline",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="depositguideline",
            trigger=pgtrigger.compiler.Trigger(
                name="update_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition="WHEN (OLD.* IS DISTINCT FROM NEW.*)",
                    func='INSERT INTO "accounts_depositguidelineevent" ("average_bill_multiple", "created_at", "created_by_id", "effective_from", "good_history_months", "id", "max_installments", "max_late_payments", "minimum", "notes", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "refund_after_months") VALUES (NEW."average_bill_multiple", NEW."created_at", NEW."created_by_id", NEW."effective_from", NEW."good_history_months", NEW."id", NEW."max_installments", NEW."max_late_payments", NEW."minimum", NEW."notes", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."refund_after_months"); RETURN NULL;',
                    hash="820108ae5e95d7fb47d62d89c541f201d726aede",
                    operation="UPDATE",
                    pgid="pgtrigger_update_update_63008",
                    table="accounts_depositguideline",
                    when="AFTER",
                ),
            ),
        ),
        migrations.AddConstraint(
            model_name="depositguidelineamount",
            constraint=models.UniqueConstraint(
                fields=("guideline", "customer_class", "meter_size"),
                name="deposit_amount_once_per_class_and_size",
            ),
        ),
        migrations.AddConstraint(
            model_name="reverttoowneragreement",
            constraint=models.UniqueConstraint(
                condition=models.Q(("ended_on__isnull", True)),
                fields=("premise",),
                name="one_open_owner_agreement_per_premise",
                violation_error_message="This premise already has a revert-to-owner agreement.",
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="reverttoowneragreement",
            trigger=pgtrigger.compiler.Trigger(
                name="insert_insert",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "accounts_reverttoowneragreementevent" ("ended_on", "id", "owner_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "premise_id", "recorded_by_id", "signed_on") VALUES (NEW."ended_on", NEW."id", NEW."owner_id", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."premise_id", NEW."recorded_by_id", NEW."signed_on"); RETURN NULL;',
                    hash="36a0820410889a1373613733eb9ba5cf976fd607",
                    operation="INSERT",
                    pgid="pgtrigger_insert_insert_865a9",
                    table="accounts_reverttoowneragreement",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="reverttoowneragreement",
            trigger=pgtrigger.compiler.Trigger(
                name="update_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition="WHEN (OLD.* IS DISTINCT FROM NEW.*)",
                    func='INSERT INTO "accounts_reverttoowneragreementevent" ("ended_on", "id", "owner_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "premise_id", "recorded_by_id", "signed_on") VALUES (NEW."ended_on", NEW."id", NEW."owner_id", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."premise_id", NEW."recorded_by_id", NEW."signed_on"); RETURN NULL;',
                    hash="07abc2029670f09376ed9488975f0ef069071fe2",
                    operation="UPDATE",
                    pgid="pgtrigger_update_update_1eab9",
                    table="accounts_reverttoowneragreement",
                    when="AFTER",
                ),
            ),
        ),
        migrations.AddIndex(
            model_name="serviceaccount",
            index=models.Index(
                fields=["status", "billing_cycle"], name="accounts_se_status_c0c9b3_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="serviceaccount",
            index=models.Index(
                fields=["number"],
                name="account_number_prefix_idx",
                opclasses=["varchar_pattern_ops"],
            ),
        ),
        migrations.AddConstraint(
            model_name="serviceaccount",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status", "active")),
                fields=("premise",),
                name="one_active_account_per_premise",
                violation_error_message="This premise already has an active account.",
            ),
        ),
        migrations.AddConstraint(
            model_name="serviceaccount",
            constraint=models.CheckConstraint(
                condition=models.Q(("number__regex", "^[0-9]{6,12}$")), name="account_number_digits"
            ),
        ),
        migrations.AddConstraint(
            model_name="serviceaccount",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("end_date__isnull", True),
                    ("end_date__gte", models.F("start_date")),
                    _connector="OR",
                ),
                name="account_ends_after_it_starts",
                violation_error_message="The end date cannot be before the start date.",
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="serviceaccount",
            trigger=pgtrigger.compiler.Trigger(
                name="insert_insert",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "accounts_serviceaccountevent" ("billing_cycle", "billing_frequency", "created_at", "created_by_id", "customer_class", "customer_id", "end_date", "id", "is_owner", "number", "paperless", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "premise_id", "start_date", "status") VALUES (NEW."billing_cycle", NEW."billing_frequency", NEW."created_at", NEW."created_by_id", NEW."customer_class", NEW."customer_id", NEW."end_date", NEW."id", NEW."is_owner", NEW."number", NEW."paperless", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."premise_id", NEW."start_date", NEW."status"); RETURN NULL;',
                    hash="76e8a020f742c5b092c7846885dff6be26fce1dc",
                    operation="INSERT",
                    pgid="pgtrigger_insert_insert_a7884",
                    table="accounts_serviceaccount",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="serviceaccount",
            trigger=pgtrigger.compiler.Trigger(
                name="update_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition="WHEN (OLD.* IS DISTINCT FROM NEW.*)",
                    func='INSERT INTO "accounts_serviceaccountevent" ("billing_cycle", "billing_frequency", "created_at", "created_by_id", "customer_class", "customer_id", "end_date", "id", "is_owner", "number", "paperless", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "premise_id", "start_date", "status") VALUES (NEW."billing_cycle", NEW."billing_frequency", NEW."created_at", NEW."created_by_id", NEW."customer_class", NEW."customer_id", NEW."end_date", NEW."id", NEW."is_owner", NEW."number", NEW."paperless", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."premise_id", NEW."start_date", NEW."status"); RETURN NULL;',
                    hash="86e33f9c1952f757389283c14a5f38f29cf28418",
                    operation="UPDATE",
                    pgid="pgtrigger_update_update_c7240",
                    table="accounts_serviceaccount",
                    when="AFTER",
                ),
            ),
        ),
        migrations.AddIndex(
            model_name="depositinstallment",
            index=models.Index(
                condition=models.Q(("status", "open")),
                fields=["account", "deposit", "number"],
                name="deposit_installment_open_idx",
            ),
        ),
        migrations.AddConstraint(
            model_name="depositinstallment",
            constraint=models.UniqueConstraint(
                fields=("deposit", "number"), name="deposit_installment_once_per_number"
            ),
        ),
        migrations.AddConstraint(
            model_name="depositinstallment",
            constraint=models.CheckConstraint(
                condition=models.Q(("number__gte", 1), ("number__lte", 3)),
                name="deposit_installment_number_range",
            ),
        ),
        migrations.AddConstraint(
            model_name="depositinstallment",
            constraint=models.CheckConstraint(
                condition=models.Q(("amount__gt", 0)), name="deposit_installment_positive"
            ),
        ),
        migrations.AddConstraint(
            model_name="depositinstallment",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("status", "posted"), _negated=True),
                    ("journal_id__isnull", False),
                    _connector="OR",
                ),
                name="deposit_installment_posted_has_journal",
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="depositinstallment",
            trigger=pgtrigger.compiler.Trigger(
                name="insert_insert",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "accounts_depositinstallmentevent" ("account_id", "amount", "bill_id", "deposit_id", "id", "journal_id", "number", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "posted_on", "status") VALUES (NEW."account_id", NEW."amount", NEW."bill_id", NEW."deposit_id", NEW."id", NEW."journal_id", NEW."number", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."posted_on", NEW."status"); RETURN NULL;',
                    hash="0aaa501bdd45f161eb0989e571617f48b187c274",
                    operation="INSERT",
                    pgid="pgtrigger_insert_insert_b86f3",
                    table="accounts_depositinstallment",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="depositinstallment",
            trigger=pgtrigger.compiler.Trigger(
                name="update_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition="WHEN (OLD.* IS DISTINCT FROM NEW.*)",
                    func='INSERT INTO "accounts_depositinstallmentevent" ("account_id", "amount", "bill_id", "deposit_id", "id", "journal_id", "number", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "posted_on", "status") VALUES (NEW."account_id", NEW."amount", NEW."bill_id", NEW."deposit_id", NEW."id", NEW."journal_id", NEW."number", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."posted_on", NEW."status"); RETURN NULL;',
                    hash="b5d2e0bd902310c2de8ec3562b1660037ae670c9",
                    operation="UPDATE",
                    pgid="pgtrigger_update_update_1ab4e",
                    table="accounts_depositinstallment",
                    when="AFTER",
                ),
            ),
        ),
        migrations.AddConstraint(
            model_name="deposit",
            constraint=models.CheckConstraint(
                condition=models.Q(("amount__gte", 0)), name="deposit_not_negative"
            ),
        ),
        migrations.AddConstraint(
            model_name="deposit",
            constraint=models.CheckConstraint(
                condition=models.Q(("installments__gte", 1), ("installments__lte", 3)),
                name="deposit_installments_range",
            ),
        ),
        migrations.AddConstraint(
            model_name="deposit",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("status", "waived"), _negated=True),
                    models.Q(("waiver_reason", ""), _negated=True),
                    _connector="OR",
                ),
                name="deposit_waiver_has_reason",
                violation_error_message="Say why the deposit is waived.",
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="deposit",
            trigger=pgtrigger.compiler.Trigger(
                name="insert_insert",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "accounts_depositevent" ("account_id", "amount", "basis", "carried_from_id", "charge_journal_id", "charged_on", "closed_on", "created_at", "created_by_id", "explanation", "guideline_id", "id", "installments", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "settle_journal_id", "status", "waiver_reason") VALUES (NEW."account_id", NEW."amount", NEW."basis", NEW."carried_from_id", NEW."charge_journal_id", NEW."charged_on", NEW."closed_on", NEW."created_at", NEW."created_by_id", NEW."explanation", NEW."guideline_id", NEW."id", NEW."installments", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."settle_journal_id", NEW."status", NEW."waiver_reason"); RETURN NULL;',
                    hash="1469fb5a9cd354ce272c52136e900fd9072b3c55",
                    operation="INSERT",
                    pgid="pgtrigger_insert_insert_c6871",
                    table="accounts_deposit",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="deposit",
            trigger=pgtrigger.compiler.Trigger(
                name="update_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition="WHEN (OLD.* IS DISTINCT FROM NEW.*)",
                    func='INSERT INTO "accounts_depositevent" ("account_id", "amount", "basis", "carried_from_id", "charge_journal_id", "charged_on", "closed_on", "created_at", "created_by_id", "explanation", "guideline_id", "id", "installments", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "settle_journal_id", "status", "waiver_reason") VALUES (NEW."account_id", NEW."amount", NEW."basis", NEW."carried_from_id", NEW."charge_journal_id", NEW."charged_on", NEW."closed_on", NEW."created_at", NEW."created_by_id", NEW."explanation", NEW."guideline_id", NEW."id", NEW."installments", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."settle_journal_id", NEW."status", NEW."waiver_reason"); RETURN NULL;',
                    hash="f289c9635a465e1d7598c44799f9f1186f732a1a",
                    operation="UPDATE",
                    pgid="pgtrigger_update_update_1b93a",
                    table="accounts_deposit",
                    when="AFTER",
                ),
            ),
        ),
        migrations.AddIndex(
            model_name="contact",
            index=models.Index(
                fields=["account", "logged_at"], name="accounts_co_account_9d2607_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="contact",
            index=models.Index(
                fields=["customer", "logged_at"], name="accounts_co_custome_16078e_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="contact",
            index=models.Index(
                fields=["referred_to_user", "referral_done_at"],
                name="accounts_co_referre_c881bc_idx",
            ),
        ),
        migrations.AddConstraint(
            model_name="contact",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("customer__isnull", False),
                    ("account__isnull", False),
                    models.Q(("visitor_name", ""), _negated=True),
                    _connector="OR",
                ),
                name="contact_is_about_someone",
                violation_error_message="Pick the customer or account, or type the visitor's name.",
            ),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(fields=["status", "due_date"], name="accounts_ca_status_95a537_idx"),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                fields=["assigned_to", "status"], name="accounts_ca_assigne_c1f159_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                fields=["department", "status"], name="accounts_ca_departm_378860_idx"
            ),
        ),
        migrations.AddConstraint(
            model_name="case",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("status__in", ["resolved", "closed"]), _negated=True),
                    models.Q(("resolution", ""), _negated=True),
                    _connector="OR",
                ),
                name="case_resolved_has_resolution",
                violation_error_message="Write the resolution before resolving the case.",
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="case",
            trigger=pgtrigger.compiler.Trigger(
                name="insert_insert",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "accounts_caseevent" ("account_id", "assigned_to_id", "category", "customer_id", "department_id", "description", "due_date", "id", "opened_at", "opened_by_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "priority", "resolution", "resolved_at", "status", "subject") VALUES (NEW."account_id", NEW."assigned_to_id", NEW."category", NEW."customer_id", NEW."department_id", NEW."description", NEW."due_date", NEW."id", NEW."opened_at", NEW."opened_by_id", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."priority", NEW."resolution", NEW."resolved_at", NEW."status", NEW."subject"); RETURN NULL;',
                    hash="bd2b7fbdac7b505f3938fa1b5005e3ca3f646719",
                    operation="INSERT",
                    pgid="pgtrigger_insert_insert_7c6ca",
                    table="accounts_case",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="case",
            trigger=pgtrigger.compiler.Trigger(
                name="update_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition="WHEN (OLD.* IS DISTINCT FROM NEW.*)",
                    func='INSERT INTO "accounts_caseevent" ("account_id", "assigned_to_id", "category", "customer_id", "department_id", "description", "due_date", "id", "opened_at", "opened_by_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "priority", "resolution", "resolved_at", "status", "subject") VALUES (NEW."account_id", NEW."assigned_to_id", NEW."category", NEW."customer_id", NEW."department_id", NEW."description", NEW."due_date", NEW."id", NEW."opened_at", NEW."opened_by_id", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."priority", NEW."resolution", NEW."resolved_at", NEW."status", NEW."subject"); RETURN NULL;',
                    hash="e0781526bdd0abd1b7eb12afb798a2bcae5e6184",
                    operation="UPDATE",
                    pgid="pgtrigger_update_update_3d7bf",
                    table="accounts_case",
                    when="AFTER",
                ),
            ),
        ),
        migrations.RunSQL(LINKS, UNLINK),
    ]
