"""An account's posted bills newest first (the bill history and the latest bill per account).

Built CONCURRENTLY: billing_bill is the largest table, and bill pages keep working meanwhile.
"""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("billing", "0003_zero_bills_and_outside_run_issue"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="bill",
            index=models.Index(
                condition=models.Q(("status", "posted")),
                fields=["account", "-period_end", "-id"],
                name="bill_posted_history_idx",
            ),
        ),
    ]
