"""The account number's prefix index kept once.

`number` is unique=True, for which Django builds a varchar_pattern_ops index beside the unique
one (accounts_serviceaccount_number_..._like); account_number_prefix_idx was the same index
again (same column, same operator class), so every account written took two identical entries
and a large load built it twice. Dropped CONCURRENTLY: a live district keeps writing accounts.
"""

from django.contrib.postgres.operations import RemoveIndexConcurrently
from django.db import migrations


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("accounts", "0010_search_document_trigram_gin"),
    ]

    operations = [
        RemoveIndexConcurrently(model_name="serviceaccount", name="account_number_prefix_idx"),
    ]
