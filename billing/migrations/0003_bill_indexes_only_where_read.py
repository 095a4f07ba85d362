"""A bill carries only the indexes a query reads (a bill run writes each of them twice).

Dropped: the indexes of the bill's reads and print file (no query looks bills up by them;
reads are append-only, print files never deleted) and the number's varchar_pattern_ops index
(no LIKE on bill numbers). The number stays unique, by a named constraint made first.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0002_billing_period_auto_start_problem"),
        ("field_ops", "0001_squashed"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="bill",
            constraint=models.UniqueConstraint(fields=("number",), name="bill_number_unique"),
        ),
        migrations.AlterField(
            model_name="bill",
            name="current_read",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="field_ops.meterread",
            ),
        ),
        migrations.AlterField(
            model_name="bill",
            name="number",
            field=models.CharField(blank=True, max_length=20, null=True),
        ),
        migrations.AlterField(
            model_name="bill",
            name="previous_read",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="field_ops.meterread",
            ),
        ),
        migrations.AlterField(
            model_name="bill",
            name="print_file",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="bills",
                to="billing.printfile",
            ),
        ),
    ]
