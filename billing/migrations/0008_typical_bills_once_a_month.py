"""Each customer class's typical bill stored once a month (billing.models.TypicalBills).

A first bill is held against its class's median bill over the last year. That median read a
year of the district's bills once a run and worker process (2.2 s at 100,000 accounts with a
year of history); it is now worked out once a month and read after. A new, empty table.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0007_bill_and_exception_keys_checked_per_statement"),
    ]

    operations = [
        migrations.CreateModel(
            name="TypicalBills",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("as_of", models.DateField(help_text="The first day of the month.", unique=True)),
                ("amounts", models.JSONField(default=dict, help_text='Customer class -> "61.00".')),
                (
                    "bills",
                    models.JSONField(
                        default=dict, help_text="Customer class -> bills the median is of."
                    ),
                ),
                ("worked_out_at", models.DateTimeField(auto_now_add=True)),
            ],
            options={
                "verbose_name_plural": "typical bills",
            },
        ),
    ]
