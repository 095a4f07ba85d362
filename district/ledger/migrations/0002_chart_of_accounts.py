"""Seed the suggested chart of accounts (editable afterwards; code finds accounts by purpose)."""

from django.db import migrations

from district.reference_data import ensure_chart_of_accounts


def seed(apps, schema_editor):
    ensure_chart_of_accounts(apps.get_model("ledger", "GLAccount"))


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
