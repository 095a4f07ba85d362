"""The district app's tables from scratch: its earlier migrations squashed before the first
district went live.

`replaces` lets a database built through the earlier migrations take this one as applied;
`manage.py schema_snapshot` shows both build the same schema (docs/operations.md).
"""

import django.contrib.auth.models
import django.contrib.auth.validators
import django.db.models.deletion
import django.utils.timezone
import pgtrigger.compiler
import pgtrigger.migrations
from django.conf import settings
from django.db import migrations, models


def seed_policies(apps, schema_editor):
    from district.reference_data import ensure_policies

    ensure_policies(apps.get_model("district", "Policy"))


class Migration(migrations.Migration):
    initial = True

    replaces = [
        ("district", "0001_initial"),
        ("district", "0002_policy_policyevent_policy_insert_insert_and_more"),
        ("district", "0003_seed_policies"),
        ("district", "0004_balance_cash_permission"),
        ("district", "0005_access_by_job_permissions"),
    ]

    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("pghistory", "0007_auto_20250421_0444"),
    ]

    operations = [
        migrations.CreateModel(
            name="Capability",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
            ],
            options={
                "permissions": [
                    (
                        "view_accounts",
                        "Find accounts and see their balance, bills, payments, premises and meters",
                    ),
                    (
                        "view_customer_contacts",
                        "See customers' phone numbers, e-mail and mailing addresses, contact log and cases",
                    ),
                    ("edit_accounts", "Create and edit customers, accounts, premises and meters"),
                    ("start_stop_service", "Start, stop and transfer service"),
                    ("enter_reads", "Enter meter readings"),
                    ("take_payments", "Take payments at a cash drawer and in mail batches"),
                    ("adjust_bills", "Correct and adjust bills within the role's limit"),
                    ("payment_arrangements", "Set up payment arrangements"),
                    ("run_billing", "Schedule, audit and post bill runs"),
                    ("hydrant_rentals", "Issue and bill hydrant meter rentals"),
                    ("create_work_orders", "Create work orders for field crews"),
                    (
                        "dispatch_work_orders",
                        "Assign and schedule work orders on the dispatch board",
                    ),
                    ("work_field_orders", "Work assigned field orders"),
                    ("lead_field_crew", "See and work every technician's field orders"),
                    ("approve_requests", "Approve or reject requests in the review queue"),
                    ("manage_policies", "Edit district policies, fees and limits"),
                    ("view_reports", "Run customer service and finance reports"),
                    ("view_ledger", "See the general ledger, trial balance and aging"),
                    ("reconcile_bank", "Prepare deposits and reconcile bank files"),
                    (
                        "balance_cash",
                        "Review every drawer of the day, approve counts and prepare bank deposits",
                    ),
                    ("view_history", "See the change history of records"),
                    (
                        "view_work_orders",
                        "See work orders and their photos (a technician: only their own)",
                    ),
                ],
                "managed": False,
                "default_permissions": (),
            },
        ),
        migrations.CreateModel(
            name="User",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("password", models.CharField(max_length=128, verbose_name="password")),
                (
                    "last_login",
                    models.DateTimeField(blank=True, null=True, verbose_name="last login"),
                ),
                (
                    "is_superuser",
                    models.BooleanField(
                        default=False,
                        help_text="Designates that this user has all permissions without explicitly assigning them.",
                        verbose_name="superuser status",
                    ),
                ),
                (
                    "username",
                    models.CharField(
                        error_messages={"unique": "A user with that username already exists."},
                        help_text="Required. 150 characters or fewer. Letters, digits and @/./+/-/_ only.",
                        max_length=150,
                        unique=True,
                        validators=[django.contrib.auth.validators.UnicodeUsernameValidator()],
                        verbose_name="username",
                    ),
                ),
                (
                    "first_name",
                    models.CharField(blank=True, max_length=150, verbose_name="first name"),
                ),
                (
                    "last_name",
                    models.CharField(blank=True, max_length=150, verbose_name="last name"),
                ),
                (
                    "email",
                    models.EmailField(blank=True, max_length=254, verbose_name="email address"),
                ),
                (
                    "is_staff",
                    models.BooleanField(
                        default=False,
                        help_text="Designates whether the user can log into this admin site.",
                        verbose_name="staff status",
                    ),
                ),
                (
                    "is_active",
                    models.BooleanField(
                        default=True,
                        help_text="Designates whether this user should be treated as active. Unselect this instead of deleting accounts.",
                        verbose_name="active",
                    ),
                ),
                (
                    "date_joined",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="date joined"
                    ),
                ),
                (
                    "groups",
                    models.ManyToManyField(
                        blank=True,
                        help_text="The groups this user belongs to. A user will get all permissions granted to each of their groups.",
                        related_name="user_set",
                        related_query_name="user",
                        to="auth.group",
                        verbose_name="groups",
                    ),
                ),
                (
                    "user_permissions",
                    models.ManyToManyField(
                        blank=True,
                        help_text="Specific permissions for this user.",
                        related_name="user_set",
                        related_query_name="user",
                        to="auth.permission",
                        verbose_name="user permissions",
                    ),
                ),
            ],
            options={
                "db_table": "district_user",
            },
            managers=[
                ("objects", django.contrib.auth.models.UserManager()),
            ],
        ),
        migrations.CreateModel(
            name="Policy",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("key", models.SlugField(max_length=80, unique=True)),
                ("label", models.CharField(max_length=150)),
                ("category", models.CharField(default="general", max_length=50)),
                (
                    "value_type",
                    models.CharField(
                        choices=[
                            ("money", "Amount ($)"),
                            ("percent", "Percent"),
                            ("integer", "Whole number"),
                            ("days", "Days"),
                            ("text", "Text"),
                            ("boolean", "Yes/no"),
                        ],
                        max_length=10,
                    ),
                ),
                ("value", models.CharField(max_length=200)),
                ("description", models.TextField(blank=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "updated_by",
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
                "verbose_name_plural": "policies",
                "ordering": ["category", "label"],
            },
        ),
        migrations.CreateModel(
            name="PolicyEvent",
            fields=[
                ("pgh_id", models.AutoField(primary_key=True, serialize=False)),
                ("pgh_created_at", models.DateTimeField(auto_now_add=True)),
                ("pgh_label", models.TextField(help_text="The event label.")),
                ("id", models.BigIntegerField()),
                ("key", models.SlugField(db_index=False, max_length=80)),
                ("label", models.CharField(max_length=150)),
                ("category", models.CharField(default="general", max_length=50)),
                (
                    "value_type",
                    models.CharField(
                        choices=[
                            ("money", "Amount ($)"),
                            ("percent", "Percent"),
                            ("integer", "Whole number"),
                            ("days", "Days"),
                            ("text", "Text"),
                            ("boolean", "Yes/no"),
                        ],
                        max_length=10,
                    ),
                ),
                ("value", models.CharField(max_length=200)),
                ("description", models.TextField(blank=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
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
                        to="district.policy",
                    ),
                ),
                (
                    "updated_by",
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
            ],
            options={
                "abstract": False,
            },
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="policy",
            trigger=pgtrigger.compiler.Trigger(
                name="insert_insert",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "district_policyevent" ("category", "description", "id", "key", "label", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "updated_at", "updated_by_id", "value", "value_type") VALUES (NEW."category", NEW."description", NEW."id", NEW."key", NEW."label", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."updated_at", NEW."updated_by_id", NEW."value", NEW."value_type"); RETURN NULL;',
                    hash="5924242b7aa7160b461d3aa8c58c5d029839d0be",
                    operation="INSERT",
                    pgid="pgtrigger_insert_insert_2757c",
                    table="district_policy",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="policy",
            trigger=pgtrigger.compiler.Trigger(
                name="update_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition="WHEN (OLD.* IS DISTINCT FROM NEW.*)",
                    func='INSERT INTO "district_policyevent" ("category", "description", "id", "key", "label", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "updated_at", "updated_by_id", "value", "value_type") VALUES (NEW."category", NEW."description", NEW."id", NEW."key", NEW."label", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."updated_at", NEW."updated_by_id", NEW."value", NEW."value_type"); RETURN NULL;',
                    hash="82f28a26b24e9691ca6c1c67cb1f6db25259c190",
                    operation="UPDATE",
                    pgid="pgtrigger_update_update_1510b",
                    table="district_policy",
                    when="AFTER",
                ),
            ),
        ),
        migrations.RunPython(seed_policies, migrations.RunPython.noop),
    ]
