"""Seed the suggested chart of accounts (editable afterwards; code finds accounts by purpose)."""

from django.db import migrations

CHART = [
    ("1010", "Cash in bank", "asset", "cash_in_bank"),
    ("1020", "Undeposited funds (cash drawers)", "asset", "undeposited_funds"),
    ("1200", "Accounts receivable - customers", "asset", "ar_customers"),
    ("2100", "Customer deposits held", "liability", "customer_deposits"),
    ("2200", "Refunds payable", "liability", "refunds_payable"),
    ("3900", "Opening balances (conversion)", "equity", "opening_balances"),
    ("4010", "Water sales - fixed charges", "revenue", "water_sales_fixed"),
    ("4020", "Water sales - volumetric", "revenue", "water_sales_volumetric"),
    ("4100", "Surcharges", "revenue", "surcharges"),
    ("4200", "Sewer charges", "revenue", "sewer"),
    ("4300", "Late fees", "revenue", "fees_late"),
    ("4310", "Returned payment (NSF) fees", "revenue", "fees_nsf"),
    ("4320", "Reconnect fees", "revenue", "fees_reconnect"),
    ("4330", "Turn-on fees", "revenue", "fees_turn_on"),
    ("4400", "Hydrant water sales", "revenue", "hydrant_water"),
    ("4500", "Damage recovery", "revenue", "damage_recovery"),
    ("6100", "Cash over/short", "expense", "cash_over_short"),
    ("6200", "Bad debt write-offs", "expense", "write_offs"),
]


def seed(apps, schema_editor):
    gl_account = apps.get_model("ledger", "GLAccount")
    for code, name, kind, purpose in CHART:
        gl_account.objects.update_or_create(
            purpose=purpose, defaults={"code": code, "name": name, "kind": kind}
        )


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
