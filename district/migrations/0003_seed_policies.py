"""Seed the district policies the first issues rely on; supervisors edit them afterwards."""

from django.db import migrations

POLICIES = [
    (
        "adjustment-limit-csr1",
        "Adjustment limit, CSR I",
        "limits",
        "money",
        "0.00",
        "A CSR I's adjustments above this go to a supervisor for approval.",
    ),
    (
        "adjustment-limit-csr2",
        "Adjustment limit, CSR II",
        "limits",
        "money",
        "250.00",
        "A CSR II may adjust a bill up to this amount without approval.",
    ),
    (
        "adjustment-limit-csr3",
        "Adjustment limit, CSR III",
        "limits",
        "money",
        "1000.00",
        "A CSR III may adjust a bill up to this amount without approval.",
    ),
    (
        "refund-approval-threshold",
        "Refunds needing approval above",
        "limits",
        "money",
        "0.00",
        "Refunds above this amount need a supervisor's approval.",
    ),
    (
        "write-off-limit",
        "Write-off without approval up to",
        "limits",
        "money",
        "0.00",
        "Write-offs above this amount need a supervisor's approval.",
    ),
    (
        "drawer-over-short-tolerance",
        "Drawer over/short tolerance",
        "cashiering",
        "money",
        "5.00",
        "A drawer off by more than this at close needs a supervisor's review.",
    ),
    (
        "nsf-fee",
        "Returned payment (NSF) fee",
        "fees",
        "money",
        "25.00",
        "Charged when a payment is returned by the bank.",
    ),
    (
        "turn-on-fee",
        "Turn-on fee",
        "fees",
        "money",
        "35.00",
        "Charged to start service with the meter off.",
    ),
    (
        "reconnect-fee",
        "Reconnect fee",
        "fees",
        "money",
        "50.00",
        "Charged to restore service shut off for non-payment.",
    ),
]


def seed(apps, schema_editor):
    policy = apps.get_model("district", "Policy")
    for key, label, category, value_type, value, description in POLICIES:
        policy.objects.get_or_create(
            key=key,
            defaults={
                "label": label,
                "category": category,
                "value_type": value_type,
                "value": value,
                "description": description,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("district", "0002_policy_policyevent_policy_insert_insert_and_more")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
