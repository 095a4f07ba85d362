"""The approvals app's tables from scratch: its earlier migrations squashed before the first
district went live.

`replaces` lets a database built through the earlier migrations take this one as applied;
`manage.py schema_snapshot` shows both build the same schema (docs/operations.md).
"""

import district.money
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    replaces = [
        ("approvals", "0001_initial"),
    ]

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ApprovalRequest",
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
                        help_text="The registered handler that acts on it.", max_length=50
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("pending", "Pending"),
                            ("approved", "Approved"),
                            ("rejected", "Rejected"),
                            ("cancelled", "Cancelled"),
                        ],
                        default="pending",
                        max_length=10,
                    ),
                ),
                ("requested_at", models.DateTimeField(auto_now_add=True)),
                ("reason", models.TextField()),
                (
                    "amount",
                    district.money.MoneyField(
                        blank=True, decimal_places=2, max_digits=12, null=True
                    ),
                ),
                ("payload", models.JSONField(blank=True, default=dict)),
                ("target_id", models.CharField(blank=True, max_length=40)),
                ("target_label", models.CharField(blank=True, max_length=200)),
                (
                    "idempotency_key",
                    models.CharField(blank=True, max_length=120, null=True, unique=True),
                ),
                ("decided_at", models.DateTimeField(blank=True, null=True)),
                ("decision_reason", models.TextField(blank=True)),
                ("result", models.JSONField(blank=True, default=dict)),
                (
                    "decided_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="approval_decisions",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "requested_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="approval_requests",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "target_type",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="contenttypes.contenttype",
                    ),
                ),
            ],
            options={
                "ordering": ["-requested_at", "-id"],
                "indexes": [
                    models.Index(
                        fields=["status", "kind", "requested_at"],
                        name="approvals_a_status_e13842_idx",
                    )
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            ("decided_by__isnull", True),
                            models.Q(("decided_by", models.F("requested_by")), _negated=True),
                            _connector="OR",
                        ),
                        name="approval_not_decided_by_requester",
                        violation_error_message="Nobody may decide their own request.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("status", "pending"), ("decided_by__isnull", True)),
                            ("status", "cancelled"),
                            models.Q(
                                ("status__in", ["approved", "rejected"]),
                                ("decided_by__isnull", False),
                            ),
                            _connector="OR",
                        ),
                        name="approval_decision_matches_status",
                    ),
                ],
            },
        ),
    ]
