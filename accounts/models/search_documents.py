"""The counter search's document: one row per service account with everything a CSR may type.

Kept by database triggers (migration 0006_search_documents) in the same transaction as the
customer, account, premise, meter, installation or former number it is built from, so services,
the admin, the demo seeder's COPY and the conversion's COPY all keep it right without calling
anything. Never written by Python; `rebuild_search_documents()` rebuilds every row in one
statement after a bulk load that ran with triggers held (the demo load from 20,000 accounts).

Text columns are normalised the way accounts.search normalises what is typed: lower case, runs
of anything but letters and digits made one space ("O'Brien, Sean" -> "o brien sean").
"""

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import connection, models

from accounts.models.customers import Customer
from accounts.models.service_accounts import ServiceAccount


class SearchDocument(models.Model):
    """What the counter search reads: identifiers, name and address keys, and what it shows."""

    account = models.OneToOneField(
        ServiceAccount,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="search_document",
    )
    # No index or constraint of its own: shown and linked only (the account holds the key).
    customer = models.ForeignKey(
        Customer, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    number = models.CharField(max_length=12)  # the account number, digits only
    former_number = models.CharField(max_length=30, blank=True)  # upper-cased, no spaces
    status = models.CharField(max_length=15)  # ServiceAccount.Status
    phone = models.CharField(max_length=10, blank=True)
    alternate_phone = models.CharField(max_length=10, blank=True)
    email = models.CharField(max_length=254, blank=True)  # upper-cased
    apn = models.CharField(max_length=20, blank=True)  # upper-cased, without dashes
    serials = ArrayField(models.CharField(max_length=30), default=list)  # installed now, upper
    # "lopez maria" and "maria lopez" (a business: its name in both).
    name = models.CharField(max_length=200)
    name_first_last = models.CharField(max_length=200)
    address = models.CharField(max_length=120)  # "123 main st 4b": house, street, unit
    # Shown as they are: "Lopez, Maria", "123 Main St #4B, Mesa Verde, CA 92000".
    customer_name = models.CharField(max_length=200)
    service_address = models.CharField(max_length=255)

    class Meta:
        # Built CONCURRENTLY (migration 0007): a live district keeps writing while they build.
        indexes = [
            models.Index(
                fields=["number"], opclasses=["varchar_pattern_ops"], name="search_doc_number_idx"
            ),
            models.Index(fields=["former_number"], name="search_doc_former_idx"),
            models.Index(
                fields=["phone"], opclasses=["varchar_pattern_ops"], name="search_doc_phone_idx"
            ),
            models.Index(fields=["alternate_phone"], name="search_doc_alt_phone_idx"),
            models.Index(fields=["email"], name="search_doc_email_idx"),
            models.Index(fields=["apn"], name="search_doc_apn_idx"),
            GinIndex(fields=["serials"], name="search_doc_serials_idx"),
            models.Index(
                fields=["name"], opclasses=["varchar_pattern_ops"], name="search_doc_name_idx"
            ),
            models.Index(
                fields=["name_first_last"],
                opclasses=["varchar_pattern_ops"],
                name="search_doc_first_last_idx",
            ),
            models.Index(
                fields=["address"],
                opclasses=["varchar_pattern_ops"],
                name="search_doc_address_idx",
            ),
            # Every typed word the start of a word of the name, in any order ("smi joh" finds
            # "smith john" and "johnson smiley"): a full-text prefix query on the name's words.
            GinIndex(SearchVector("name", config="simple"), name="search_doc_name_words"),
            # pg_trgm (a contrib extension): built only where the server has it; without it
            # the search falls back to the prefix indexes above (accounts.search). GIN, not
            # GiST: the search asks for close spellings above a similarity, which GIN answers
            # from the index with few rows to recheck (migration 0010).
            GinIndex(fields=["name"], opclasses=["gin_trgm_ops"], name="search_doc_name_trigrams"),
            GinIndex(
                fields=["address"], opclasses=["gin_trgm_ops"], name="search_doc_address_trigrams"
            ),
        ]

    def __str__(self):
        return f"{self.number}: {self.customer_name}"


REBUILD = "SELECT accounts_search_document_refresh(NULL)"


def rebuild_search_documents(cursor=None) -> None:
    """Every account's document again, in one set statement (after a load with its triggers
    held). `cursor`: a loader's own (the demo load runs it in a second thread)."""
    if cursor is not None:
        cursor.execute(REBUILD)
        return
    with connection.cursor() as cursor:
        cursor.execute(REBUILD)
