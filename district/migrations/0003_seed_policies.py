"""Seed the district policies the first issues rely on; supervisors edit them afterwards."""

from django.db import migrations

from district.reference_data import ensure_policies


def seed(apps, schema_editor):
    ensure_policies(apps.get_model("district", "Policy"))


class Migration(migrations.Migration):
    dependencies = [("district", "0002_policy_policyevent_policy_insert_insert_and_more")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
