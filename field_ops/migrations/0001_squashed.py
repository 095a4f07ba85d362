"""The field_ops app's tables from scratch: its earlier migrations squashed before the first
district went live.

`replaces` lets a database built through the earlier migrations take this one as applied;
`manage.py schema_snapshot` shows both build the same schema (docs/operations.md).
"""

import django.contrib.postgres.fields
import django.contrib.postgres.indexes
import django.contrib.postgres.search
import django.db.models.deletion
import django.db.models.functions.text
import django.utils.timezone
import field_ops.models
import pgtrigger.compiler
import pgtrigger.migrations
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    replaces = [
        ("field_ops", "0001_initial"),
        ("field_ops", "0002_work_orders"),
        ("field_ops", "0003_larger_meter_sizes"),
    ]

    dependencies = [
        ("pghistory", "0007_auto_20250421_0444"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="MeterEvent",
            fields=[
                ("pgh_id", models.AutoField(primary_key=True, serialize=False)),
                ("pgh_created_at", models.DateTimeField(auto_now_add=True)),
                ("pgh_label", models.TextField(help_text="The event label.")),
                ("id", models.BigIntegerField()),
                ("serial", models.CharField(max_length=30)),
                ("make", models.CharField(blank=True, max_length=50)),
                ("model", models.CharField(blank=True, max_length=50)),
                (
                    "size",
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
                (
                    "unit",
                    models.CharField(
                        choices=[
                            ("hcf", "HCF (hundred cubic feet)"),
                            ("cf", "Cubic feet"),
                            ("gal", "Gallons"),
                        ],
                        default="hcf",
                        max_length=3,
                    ),
                ),
                ("multiplier", models.DecimalField(decimal_places=4, default=1, max_digits=10)),
                (
                    "dials",
                    models.PositiveSmallIntegerField(
                        default=6, help_text="Register digits (rollover)"
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("in_stock", "In stock"),
                            ("installed", "Installed"),
                            ("removed", "Removed"),
                            ("in_test", "In test"),
                            ("retired", "Retired"),
                        ],
                        default="in_stock",
                        max_length=10,
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
            ],
            options={
                "abstract": False,
            },
        ),
        migrations.CreateModel(
            name="MeterInstallation",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("installed_on", models.DateField()),
                (
                    "install_reading",
                    models.DecimalField(decimal_places=2, default=0, max_digits=12),
                ),
                ("removed_on", models.DateField(blank=True, null=True)),
                (
                    "removal_reading",
                    models.DecimalField(blank=True, decimal_places=2, max_digits=12, null=True),
                ),
            ],
            options={
                "ordering": ["-installed_on", "-id"],
            },
        ),
        migrations.CreateModel(
            name="MeterInstallationEvent",
            fields=[
                ("pgh_id", models.AutoField(primary_key=True, serialize=False)),
                ("pgh_created_at", models.DateTimeField(auto_now_add=True)),
                ("pgh_label", models.TextField(help_text="The event label.")),
                ("id", models.BigIntegerField()),
                ("installed_on", models.DateField()),
                (
                    "install_reading",
                    models.DecimalField(decimal_places=2, default=0, max_digits=12),
                ),
                ("removed_on", models.DateField(blank=True, null=True)),
                (
                    "removal_reading",
                    models.DecimalField(blank=True, decimal_places=2, max_digits=12, null=True),
                ),
            ],
            options={
                "abstract": False,
            },
        ),
        migrations.CreateModel(
            name="MeterRead",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("read_on", models.DateField()),
                ("reading", models.DecimalField(decimal_places=2, max_digits=12)),
                (
                    "source",
                    models.CharField(
                        choices=[
                            ("route", "Route / handheld"),
                            ("ami", "AMI import"),
                            ("counter", "Counter"),
                            ("customer", "Customer"),
                            ("field_order", "Field order"),
                            ("estimate", "Estimate"),
                        ],
                        max_length=12,
                    ),
                ),
                (
                    "flags",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.CharField(
                            choices=[
                                ("high", "High"),
                                ("low", "Low"),
                                ("zero", "Zero use"),
                                ("rollover", "Register rolled over"),
                                ("leak", "Possible leak"),
                                ("estimated", "Estimated"),
                                ("meter_change", "Meter change"),
                                ("corrected", "Correction"),
                            ],
                            max_length=12,
                        ),
                        blank=True,
                        default=list,
                        size=None,
                    ),
                ),
                ("note", models.CharField(blank=True, max_length=200)),
                ("entered_at", models.DateTimeField(default=django.utils.timezone.now)),
            ],
            options={
                "ordering": ["meter", "read_on", "id"],
            },
        ),
        migrations.CreateModel(
            name="MeterTest",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("tested_on", models.DateField()),
                ("accuracy_percent", models.DecimalField(decimal_places=2, max_digits=5)),
                ("passed", models.BooleanField()),
                ("notes", models.CharField(blank=True, max_length=255)),
            ],
            options={
                "ordering": ["-tested_on", "-id"],
            },
        ),
        migrations.CreateModel(
            name="Premise",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("house_number", models.CharField(max_length=12)),
                (
                    "street",
                    models.CharField(
                        help_text="Street name with suffix, e.g. Main St", max_length=80
                    ),
                ),
                ("unit", models.CharField(blank=True, max_length=20)),
                ("city", models.CharField(max_length=60)),
                ("state", models.CharField(default="CA", max_length=2)),
                ("zip_code", models.CharField(max_length=10)),
                ("cross_street", models.CharField(blank=True, max_length=80)),
                ("apn", models.CharField(blank=True, max_length=20, verbose_name="APN")),
                ("tract", models.CharField(blank=True, max_length=20)),
                ("lot", models.CharField(blank=True, max_length=20)),
                ("map_book", models.CharField(blank=True, max_length=10)),
                ("map_page", models.CharField(blank=True, max_length=10)),
                ("route", models.CharField(help_text="Billing/read route", max_length=10)),
                ("read_sequence", models.PositiveIntegerField(help_text="Order on the read route")),
                (
                    "latitude",
                    models.DecimalField(blank=True, decimal_places=6, max_digits=9, null=True),
                ),
                (
                    "longitude",
                    models.DecimalField(blank=True, decimal_places=6, max_digits=9, null=True),
                ),
                (
                    "premise_type",
                    models.CharField(
                        choices=[
                            ("single_family", "Single-family"),
                            ("multi_family", "Multi-family"),
                            ("commercial", "Commercial"),
                            ("irrigation", "Irrigation"),
                            ("fire_service", "Fire service"),
                        ],
                        max_length=20,
                    ),
                ),
                ("dwelling_units", models.PositiveIntegerField(default=1)),
                ("meter_location_notes", models.CharField(blank=True, max_length=200)),
                (
                    "owner_name",
                    models.CharField(blank=True, max_length=120, verbose_name="owner of record"),
                ),
                ("owner_mailing_address", models.TextField(blank=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
            ],
            options={
                "ordering": ["street", "house_number", "unit"],
            },
        ),
        migrations.CreateModel(
            name="PremiseEvent",
            fields=[
                ("pgh_id", models.AutoField(primary_key=True, serialize=False)),
                ("pgh_created_at", models.DateTimeField(auto_now_add=True)),
                ("pgh_label", models.TextField(help_text="The event label.")),
                ("id", models.BigIntegerField()),
                ("house_number", models.CharField(max_length=12)),
                (
                    "street",
                    models.CharField(
                        help_text="Street name with suffix, e.g. Main St", max_length=80
                    ),
                ),
                ("unit", models.CharField(blank=True, max_length=20)),
                ("city", models.CharField(max_length=60)),
                ("state", models.CharField(default="CA", max_length=2)),
                ("zip_code", models.CharField(max_length=10)),
                ("cross_street", models.CharField(blank=True, max_length=80)),
                ("apn", models.CharField(blank=True, max_length=20, verbose_name="APN")),
                ("tract", models.CharField(blank=True, max_length=20)),
                ("lot", models.CharField(blank=True, max_length=20)),
                ("map_book", models.CharField(blank=True, max_length=10)),
                ("map_page", models.CharField(blank=True, max_length=10)),
                ("route", models.CharField(help_text="Billing/read route", max_length=10)),
                ("read_sequence", models.PositiveIntegerField(help_text="Order on the read route")),
                (
                    "latitude",
                    models.DecimalField(blank=True, decimal_places=6, max_digits=9, null=True),
                ),
                (
                    "longitude",
                    models.DecimalField(blank=True, decimal_places=6, max_digits=9, null=True),
                ),
                (
                    "premise_type",
                    models.CharField(
                        choices=[
                            ("single_family", "Single-family"),
                            ("multi_family", "Multi-family"),
                            ("commercial", "Commercial"),
                            ("irrigation", "Irrigation"),
                            ("fire_service", "Fire service"),
                        ],
                        max_length=20,
                    ),
                ),
                ("dwelling_units", models.PositiveIntegerField(default=1)),
                ("meter_location_notes", models.CharField(blank=True, max_length=200)),
                (
                    "owner_name",
                    models.CharField(blank=True, max_length=120, verbose_name="owner of record"),
                ),
                ("owner_mailing_address", models.TextField(blank=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
            ],
            options={
                "abstract": False,
            },
        ),
        migrations.CreateModel(
            name="TechnicianCapacity",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("orders_per_day", models.PositiveSmallIntegerField(default=8)),
                ("is_lead", models.BooleanField(default=False)),
            ],
        ),
        migrations.CreateModel(
            name="WorkOrder",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "order_type",
                    models.CharField(
                        choices=[
                            ("turn_on", "Turn on"),
                            ("turn_off", "Turn off"),
                            ("start_read", "Start read"),
                            ("final_read", "Final read"),
                            ("re_read", "Re-read"),
                            ("leak", "Leak investigation"),
                            ("high_bill", "High-bill investigation"),
                            ("meter_exchange", "Meter exchange"),
                            ("meter_test", "Meter test"),
                            ("shut_off", "Shut-off for non-payment"),
                            ("reconnect", "Reconnect"),
                            ("door_hanger", "Door-hanger notice"),
                            ("hydrant_set", "Hydrant meter set"),
                            ("hydrant_pickup", "Hydrant meter pick-up"),
                            ("other", "Other"),
                        ],
                        max_length=20,
                        verbose_name="type",
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("new", "New"),
                            ("scheduled", "Scheduled"),
                            ("dispatched", "Dispatched"),
                            ("in_progress", "In progress"),
                            ("completed", "Completed"),
                            ("cancelled", "Cancelled"),
                        ],
                        default="new",
                        max_length=12,
                    ),
                ),
                (
                    "priority",
                    models.CharField(
                        choices=[
                            ("emergency", "Emergency"),
                            ("same_day", "Same day"),
                            ("routine", "Routine"),
                        ],
                        default="routine",
                        max_length=10,
                    ),
                ),
                (
                    "origin",
                    models.CharField(
                        choices=[
                            ("counter", "Counter"),
                            ("bill_audit", "Bill audit"),
                            ("collections", "Collections"),
                            ("hydrants", "Hydrants"),
                            ("supervisor", "Supervisor"),
                            ("portal", "Customer portal"),
                        ],
                        default="counter",
                        max_length=12,
                    ),
                ),
                (
                    "service_account_id",
                    models.BigIntegerField(blank=True, db_index=True, null=True),
                ),
                ("requested_date", models.DateField()),
                ("window_start", models.TimeField(blank=True, null=True)),
                ("window_end", models.TimeField(blank=True, null=True)),
                ("instructions", models.TextField(blank=True)),
                ("scheduled_date", models.DateField(blank=True, null=True)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("dispatched_at", models.DateTimeField(blank=True, null=True)),
                ("started_at", models.DateTimeField(blank=True, null=True)),
                ("completed_at", models.DateTimeField(blank=True, null=True)),
                ("completion", models.JSONField(blank=True, default=dict)),
                ("completion_notes", models.TextField(blank=True)),
                ("cancelled_reason", models.CharField(blank=True, max_length=255)),
            ],
            options={
                "ordering": ["-created_at", "-id"],
            },
        ),
        migrations.CreateModel(
            name="WorkOrderAttachment",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("file", models.FileField(upload_to=field_ops.models._attachment_path)),
                ("original_name", models.CharField(max_length=200)),
                ("content_type", models.CharField(max_length=100)),
                ("size_bytes", models.PositiveIntegerField()),
                ("description", models.CharField(blank=True, max_length=200)),
                ("uploaded_at", models.DateTimeField(default=django.utils.timezone.now)),
            ],
            options={
                "ordering": ["uploaded_at", "id"],
            },
        ),
        migrations.CreateModel(
            name="WorkOrderEvent",
            fields=[
                ("pgh_id", models.AutoField(primary_key=True, serialize=False)),
                ("pgh_created_at", models.DateTimeField(auto_now_add=True)),
                ("pgh_label", models.TextField(help_text="The event label.")),
                ("id", models.BigIntegerField()),
                (
                    "order_type",
                    models.CharField(
                        choices=[
                            ("turn_on", "Turn on"),
                            ("turn_off", "Turn off"),
                            ("start_read", "Start read"),
                            ("final_read", "Final read"),
                            ("re_read", "Re-read"),
                            ("leak", "Leak investigation"),
                            ("high_bill", "High-bill investigation"),
                            ("meter_exchange", "Meter exchange"),
                            ("meter_test", "Meter test"),
                            ("shut_off", "Shut-off for non-payment"),
                            ("reconnect", "Reconnect"),
                            ("door_hanger", "Door-hanger notice"),
                            ("hydrant_set", "Hydrant meter set"),
                            ("hydrant_pickup", "Hydrant meter pick-up"),
                            ("other", "Other"),
                        ],
                        max_length=20,
                        verbose_name="type",
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("new", "New"),
                            ("scheduled", "Scheduled"),
                            ("dispatched", "Dispatched"),
                            ("in_progress", "In progress"),
                            ("completed", "Completed"),
                            ("cancelled", "Cancelled"),
                        ],
                        default="new",
                        max_length=12,
                    ),
                ),
                (
                    "priority",
                    models.CharField(
                        choices=[
                            ("emergency", "Emergency"),
                            ("same_day", "Same day"),
                            ("routine", "Routine"),
                        ],
                        default="routine",
                        max_length=10,
                    ),
                ),
                (
                    "origin",
                    models.CharField(
                        choices=[
                            ("counter", "Counter"),
                            ("bill_audit", "Bill audit"),
                            ("collections", "Collections"),
                            ("hydrants", "Hydrants"),
                            ("supervisor", "Supervisor"),
                            ("portal", "Customer portal"),
                        ],
                        default="counter",
                        max_length=12,
                    ),
                ),
                ("service_account_id", models.BigIntegerField(blank=True, null=True)),
                ("requested_date", models.DateField()),
                ("window_start", models.TimeField(blank=True, null=True)),
                ("window_end", models.TimeField(blank=True, null=True)),
                ("instructions", models.TextField(blank=True)),
                ("scheduled_date", models.DateField(blank=True, null=True)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("dispatched_at", models.DateTimeField(blank=True, null=True)),
                ("started_at", models.DateTimeField(blank=True, null=True)),
                ("completed_at", models.DateTimeField(blank=True, null=True)),
                ("completion", models.JSONField(blank=True, default=dict)),
                ("completion_notes", models.TextField(blank=True)),
                ("cancelled_reason", models.CharField(blank=True, max_length=255)),
            ],
            options={
                "abstract": False,
            },
        ),
        migrations.CreateModel(
            name="Meter",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("serial", models.CharField(max_length=30, unique=True)),
                ("make", models.CharField(blank=True, max_length=50)),
                ("model", models.CharField(blank=True, max_length=50)),
                (
                    "size",
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
                (
                    "unit",
                    models.CharField(
                        choices=[
                            ("hcf", "HCF (hundred cubic feet)"),
                            ("cf", "Cubic feet"),
                            ("gal", "Gallons"),
                        ],
                        default="hcf",
                        max_length=3,
                    ),
                ),
                ("multiplier", models.DecimalField(decimal_places=4, default=1, max_digits=10)),
                (
                    "dials",
                    models.PositiveSmallIntegerField(
                        default=6, help_text="Register digits (rollover)"
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("in_stock", "In stock"),
                            ("installed", "Installed"),
                            ("removed", "Removed"),
                            ("in_test", "In test"),
                            ("retired", "Retired"),
                        ],
                        default="in_stock",
                        max_length=10,
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
            ],
            options={
                "ordering": ["serial"],
                "indexes": [
                    models.Index(
                        django.db.models.functions.text.Upper("serial"),
                        name="meter_serial_upper_idx",
                    )
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("dials__gte", 3), ("dials__lte", 10)),
                        name="meter_dials_range",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("multiplier__gt", 0)), name="meter_multiplier_positive"
                    ),
                ],
            },
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="meter",
            trigger=pgtrigger.compiler.Trigger(
                name="insert_insert",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "field_ops_meterevent" ("created_at", "dials", "id", "make", "model", "multiplier", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "serial", "size", "status", "unit") VALUES (NEW."created_at", NEW."dials", NEW."id", NEW."make", NEW."model", NEW."multiplier", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."serial", NEW."size", NEW."status", NEW."unit"); RETURN NULL;',
                    hash="7f68ff5ff4fddc1a3f7bb701e65367158d65e984",
                    operation="INSERT",
                    pgid="pgtrigger_insert_insert_73ac1",
                    table="field_ops_meter",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="meter",
            trigger=pgtrigger.compiler.Trigger(
                name="update_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition="WHEN (OLD.* IS DISTINCT FROM NEW.*)",
                    func='INSERT INTO "field_ops_meterevent" ("created_at", "dials", "id", "make", "model", "multiplier", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "serial", "size", "status", "unit") VALUES (NEW."created_at", NEW."dials", NEW."id", NEW."make", NEW."model", NEW."multiplier", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."serial", NEW."size", NEW."status", NEW."unit"); RETURN NULL;',
                    hash="a1847f9d42f5567023d9d2cd46fff263a1bcfe5f",
                    operation="UPDATE",
                    pgid="pgtrigger_update_update_6f031",
                    table="field_ops_meter",
                    when="AFTER",
                ),
            ),
        ),
        migrations.AddField(
            model_name="meterevent",
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
            model_name="meterevent",
            name="pgh_obj",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="events",
                to="field_ops.meter",
            ),
        ),
        migrations.AddField(
            model_name="meterinstallation",
            name="installed_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="meterinstallation",
            name="meter",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="installations",
                to="field_ops.meter",
            ),
        ),
        migrations.AddField(
            model_name="meterinstallationevent",
            name="installed_by",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                related_query_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="meterinstallationevent",
            name="meter",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                related_query_name="+",
                to="field_ops.meter",
            ),
        ),
        migrations.AddField(
            model_name="meterinstallationevent",
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
            model_name="meterinstallationevent",
            name="pgh_obj",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="events",
                to="field_ops.meterinstallation",
            ),
        ),
        migrations.AddField(
            model_name="meterread",
            name="entered_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="meterread",
            name="meter",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="reads",
                to="field_ops.meter",
            ),
        ),
        migrations.AddField(
            model_name="meterread",
            name="supersedes",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="superseded_by",
                to="field_ops.meterread",
            ),
        ),
        migrations.AddField(
            model_name="metertest",
            name="meter",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="tests",
                to="field_ops.meter",
            ),
        ),
        migrations.AddField(
            model_name="metertest",
            name="tested_by",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddIndex(
            model_name="premise",
            index=models.Index(
                fields=["route", "read_sequence"], name="field_ops_p_route_30ae33_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="premise",
            index=models.Index(fields=["tract", "lot"], name="field_ops_p_tract_615527_idx"),
        ),
        migrations.AddIndex(
            model_name="premise",
            index=models.Index(
                fields=["map_book", "map_page"], name="field_ops_p_map_boo_e48a62_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="premise",
            index=models.Index(
                django.db.models.functions.text.Upper("street"),
                models.F("house_number"),
                name="premise_street_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="premise",
            index=models.Index(
                django.db.models.functions.text.Replace("apn", models.Value("-"), models.Value("")),
                name="premise_apn_compact_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="premise",
            index=django.contrib.postgres.indexes.GinIndex(
                django.contrib.postgres.search.SearchVector(
                    "house_number", "street", "unit", "city", config="simple"
                ),
                name="premise_address_search_idx",
            ),
        ),
        migrations.AddConstraint(
            model_name="premise",
            constraint=models.CheckConstraint(
                condition=models.Q(("dwelling_units__gte", 1)),
                name="premise_dwelling_units_positive",
            ),
        ),
        migrations.AddConstraint(
            model_name="premise",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("premise_type", "multi_family"), _negated=True),
                    ("dwelling_units__gte", 2),
                    _connector="OR",
                ),
                name="premise_multi_family_has_units",
                violation_error_message="A multi-family premise has at least two dwelling units.",
            ),
        ),
        migrations.AddField(
            model_name="meterinstallationevent",
            name="premise",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                related_query_name="+",
                to="field_ops.premise",
            ),
        ),
        migrations.AddField(
            model_name="meterinstallation",
            name="premise",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="installations",
                to="field_ops.premise",
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="premise",
            trigger=pgtrigger.compiler.Trigger(
                name="insert_insert",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "field_ops_premiseevent" ("apn", "city", "created_at", "cross_street", "dwelling_units", "house_number", "id", "latitude", "longitude", "lot", "map_book", "map_page", "meter_location_notes", "owner_mailing_address", "owner_name", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "premise_type", "read_sequence", "route", "state", "street", "tract", "unit", "zip_code") VALUES (NEW."apn", NEW."city", NEW."created_at", NEW."cross_street", NEW."dwelling_units", NEW."house_number", NEW."id", NEW."latitude", NEW."longitude", NEW."lot", NEW."map_book", NEW."map_page", NEW."meter_location_notes", NEW."owner_mailing_address", NEW."owner_name", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."premise_type", NEW."read_sequence", NEW."route", NEW."state", NEW."street", NEW."tract", NEW."unit", NEW."zip_code"); RETURN NULL;',
                    hash="093cd83994e75355621e9fdc21ae13683d6eea8f",
                    operation="INSERT",
                    pgid="pgtrigger_insert_insert_53449",
                    table="field_ops_premise",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="premise",
            trigger=pgtrigger.compiler.Trigger(
                name="update_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition="WHEN (OLD.* IS DISTINCT FROM NEW.*)",
                    func='INSERT INTO "field_ops_premiseevent" ("apn", "city", "created_at", "cross_street", "dwelling_units", "house_number", "id", "latitude", "longitude", "lot", "map_book", "map_page", "meter_location_notes", "owner_mailing_address", "owner_name", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "premise_type", "read_sequence", "route", "state", "street", "tract", "unit", "zip_code") VALUES (NEW."apn", NEW."city", NEW."created_at", NEW."cross_street", NEW."dwelling_units", NEW."house_number", NEW."id", NEW."latitude", NEW."longitude", NEW."lot", NEW."map_book", NEW."map_page", NEW."meter_location_notes", NEW."owner_mailing_address", NEW."owner_name", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."premise_type", NEW."read_sequence", NEW."route", NEW."state", NEW."street", NEW."tract", NEW."unit", NEW."zip_code"); RETURN NULL;',
                    hash="8baaea0a63772886d561f875427b03c2ef604d9d",
                    operation="UPDATE",
                    pgid="pgtrigger_update_update_67af0",
                    table="field_ops_premise",
                    when="AFTER",
                ),
            ),
        ),
        migrations.AddField(
            model_name="premiseevent",
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
            model_name="premiseevent",
            name="pgh_obj",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="events",
                to="field_ops.premise",
            ),
        ),
        migrations.AddField(
            model_name="techniciancapacity",
            name="technician",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="field_capacity",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="workorder",
            name="assigned_to",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="assigned_work_orders",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="workorder",
            name="completed_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="workorder",
            name="created_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="workorder",
            name="meter",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="work_orders",
                to="field_ops.meter",
            ),
        ),
        migrations.AddField(
            model_name="workorder",
            name="premise",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="work_orders",
                to="field_ops.premise",
            ),
        ),
        migrations.AddField(
            model_name="metertest",
            name="work_order",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="meter_tests",
                to="field_ops.workorder",
            ),
        ),
        migrations.AddField(
            model_name="workorderattachment",
            name="uploaded_by",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="workorderattachment",
            name="work_order",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="attachments",
                to="field_ops.workorder",
            ),
        ),
        migrations.AddField(
            model_name="workorderevent",
            name="assigned_to",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                related_query_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="workorderevent",
            name="completed_by",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                related_query_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="workorderevent",
            name="created_by",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                related_query_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="workorderevent",
            name="meter",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                related_query_name="+",
                to="field_ops.meter",
            ),
        ),
        migrations.AddField(
            model_name="workorderevent",
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
            model_name="workorderevent",
            name="pgh_obj",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="events",
                to="field_ops.workorder",
            ),
        ),
        migrations.AddField(
            model_name="workorderevent",
            name="premise",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                related_query_name="+",
                to="field_ops.premise",
            ),
        ),
        migrations.AddIndex(
            model_name="meterread",
            index=models.Index(fields=["meter", "read_on"], name="meter_read_meter_date_idx"),
        ),
        migrations.AddConstraint(
            model_name="meterread",
            constraint=models.CheckConstraint(
                condition=models.Q(("reading__gte", 0)), name="meter_read_not_negative"
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="meterread",
            trigger=pgtrigger.compiler.Trigger(
                name="meter_read_append_only",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'pgtrigger: Cannot update or delete rows from % table', TG_TABLE_NAME;",
                    hash="1e52f34a83943958a6f3e4191fa92ece4a5902c1",
                    operation="UPDATE OR DELETE",
                    pgid="pgtrigger_meter_read_append_only_f0ff8",
                    table="field_ops_meterread",
                    when="BEFORE",
                ),
            ),
        ),
        migrations.AddConstraint(
            model_name="meterinstallation",
            constraint=models.UniqueConstraint(
                condition=models.Q(("removed_on__isnull", True)),
                fields=("meter",),
                name="meter_installed_once",
                violation_error_message="This meter is already installed somewhere else.",
            ),
        ),
        migrations.AddConstraint(
            model_name="meterinstallation",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("removed_on__isnull", True),
                    ("removed_on__gte", models.F("installed_on")),
                    _connector="OR",
                ),
                name="installation_removed_after_installed",
            ),
        ),
        migrations.AddConstraint(
            model_name="meterinstallation",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("removal_reading__isnull", True), ("removed_on__isnull", True)),
                    models.Q(("removal_reading__isnull", False), ("removed_on__isnull", False)),
                    _connector="OR",
                ),
                name="installation_removal_has_reading",
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="meterinstallation",
            trigger=pgtrigger.compiler.Trigger(
                name="insert_insert",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "field_ops_meterinstallationevent" ("id", "install_reading", "installed_by_id", "installed_on", "meter_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "premise_id", "removal_reading", "removed_on") VALUES (NEW."id", NEW."install_reading", NEW."installed_by_id", NEW."installed_on", NEW."meter_id", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."premise_id", NEW."removal_reading", NEW."removed_on"); RETURN NULL;',
                    hash="7403e626dfd1f4c2feb20377a25fd498a5e87089",
                    operation="INSERT",
                    pgid="pgtrigger_insert_insert_d7d1c",
                    table="field_ops_meterinstallation",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="meterinstallation",
            trigger=pgtrigger.compiler.Trigger(
                name="update_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition="WHEN (OLD.* IS DISTINCT FROM NEW.*)",
                    func='INSERT INTO "field_ops_meterinstallationevent" ("id", "install_reading", "installed_by_id", "installed_on", "meter_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "premise_id", "removal_reading", "removed_on") VALUES (NEW."id", NEW."install_reading", NEW."installed_by_id", NEW."installed_on", NEW."meter_id", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."premise_id", NEW."removal_reading", NEW."removed_on"); RETURN NULL;',
                    hash="d0a4d284510011a83b6e85d544647caeb0f53418",
                    operation="UPDATE",
                    pgid="pgtrigger_update_update_cf25f",
                    table="field_ops_meterinstallation",
                    when="AFTER",
                ),
            ),
        ),
        migrations.AddIndex(
            model_name="workorder",
            index=models.Index(
                fields=["status", "scheduled_date", "assigned_to"],
                name="field_ops_w_status_8063a4_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="workorder",
            index=models.Index(
                fields=["assigned_to", "scheduled_date"], name="field_ops_w_assigne_659716_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="workorder",
            index=models.Index(
                fields=["order_type", "status"], name="field_ops_w_order_t_34e744_idx"
            ),
        ),
        migrations.AddConstraint(
            model_name="workorder",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("window_start__isnull", True),
                    ("window_end__isnull", True),
                    ("window_end__gt", models.F("window_start")),
                    _connector="OR",
                ),
                name="work_order_window_ordered",
                violation_error_message="The time window must end after it starts.",
            ),
        ),
        migrations.AddConstraint(
            model_name="workorder",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("status", "completed"), _negated=True),
                    ("completed_at__isnull", False),
                    _connector="OR",
                ),
                name="work_order_completed_has_time",
            ),
        ),
        migrations.AddConstraint(
            model_name="workorder",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("status", "cancelled"), _negated=True),
                    models.Q(("cancelled_reason", ""), _negated=True),
                    _connector="OR",
                ),
                name="work_order_cancelled_has_reason",
                violation_error_message="Say why the order is cancelled.",
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="workorder",
            trigger=pgtrigger.compiler.Trigger(
                name="insert_insert",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "field_ops_workorderevent" ("assigned_to_id", "cancelled_reason", "completed_at", "completed_by_id", "completion", "completion_notes", "created_at", "created_by_id", "dispatched_at", "id", "instructions", "meter_id", "order_type", "origin", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "premise_id", "priority", "requested_date", "scheduled_date", "service_account_id", "started_at", "status", "window_end", "window_start") VALUES (NEW."assigned_to_id", NEW."cancelled_reason", NEW."completed_at", NEW."completed_by_id", NEW."completion", NEW."completion_notes", NEW."created_at", NEW."created_by_id", NEW."dispatched_at", NEW."id", NEW."instructions", NEW."meter_id", NEW."order_type", NEW."origin", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."premise_id", NEW."priority", NEW."requested_date", NEW."scheduled_date", NEW."service_account_id", NEW."started_at", NEW."status", NEW."window_end", NEW."window_start"); RETURN NULL;',
                    hash="843833fb9557d10628d96520140683fd5ccd17f2",
                    operation="INSERT",
                    pgid="pgtrigger_insert_insert_510a5",
                    table="field_ops_workorder",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="workorder",
            trigger=pgtrigger.compiler.Trigger(
                name="update_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition="WHEN (OLD.* IS DISTINCT FROM NEW.*)",
                    func='INSERT INTO "field_ops_workorderevent" ("assigned_to_id", "cancelled_reason", "completed_at", "completed_by_id", "completion", "completion_notes", "created_at", "created_by_id", "dispatched_at", "id", "instructions", "meter_id", "order_type", "origin", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "premise_id", "priority", "requested_date", "scheduled_date", "service_account_id", "started_at", "status", "window_end", "window_start") VALUES (NEW."assigned_to_id", NEW."cancelled_reason", NEW."completed_at", NEW."completed_by_id", NEW."completion", NEW."completion_notes", NEW."created_at", NEW."created_by_id", NEW."dispatched_at", NEW."id", NEW."instructions", NEW."meter_id", NEW."order_type", NEW."origin", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."premise_id", NEW."priority", NEW."requested_date", NEW."scheduled_date", NEW."service_account_id", NEW."started_at", NEW."status", NEW."window_end", NEW."window_start"); RETURN NULL;',
                    hash="785be8d5f674e4340fcbd049ade16522438b88a9",
                    operation="UPDATE",
                    pgid="pgtrigger_update_update_7214d",
                    table="field_ops_workorder",
                    when="AFTER",
                ),
            ),
        ),
        migrations.AddConstraint(
            model_name="metertest",
            constraint=models.CheckConstraint(
                condition=models.Q(("accuracy_percent__gte", 0), ("accuracy_percent__lte", 200)),
                name="meter_test_accuracy_range",
            ),
        ),
    ]
