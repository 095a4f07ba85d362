"""The search document's indexes, built CONCURRENTLY: a live district keeps writing meanwhile.

Every write to a customer, account, premise or meter writes its documents (triggers, 0006), so
a plain CREATE INDEX would hold the counter's writes for the whole build at 1,000,000 accounts.
The two trigram indexes need pg_trgm, a contrib extension: it is created here where the server
offers it (it is trusted, so the database owner may); where it does not (the embedded server),
those two are skipped and accounts.search falls back to the prefix indexes.
"""

import logging

from django.contrib.postgres.indexes import GinIndex, GistIndex
from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models

logger = logging.getLogger(__name__)

TRIGRAM_INDEXES = {"search_doc_name_trgm": "name", "search_doc_address_trgm": "address"}


def _has_trigrams(cursor) -> bool:
    cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm')")
    if cursor.fetchone()[0]:
        return True
    cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm')")
    if not cursor.fetchone()[0]:
        return False
    try:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except Exception:  # no privilege: searched without trigrams, said in the log
        logger.warning("pg_trgm is available but could not be created; name search by prefix")
        return False
    return True


def create_trigram_indexes(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        if not _has_trigrams(cursor):
            logger.warning("pg_trgm is not installed; the search's trigram indexes are skipped")
            return
        for name, column in TRIGRAM_INDEXES.items():
            cursor.execute(
                f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} "
                f"ON accounts_searchdocument USING gist ({column} gist_trgm_ops)"
            )


def drop_trigram_indexes(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        for name in TRIGRAM_INDEXES:
            cursor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("accounts", "0006_search_documents"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="searchdocument",
            index=models.Index(
                fields=["number"], name="search_doc_number_idx", opclasses=["varchar_pattern_ops"]
            ),
        ),
        AddIndexConcurrently(
            model_name="searchdocument",
            index=models.Index(fields=["former_number"], name="search_doc_former_idx"),
        ),
        AddIndexConcurrently(
            model_name="searchdocument",
            index=models.Index(
                fields=["phone"], name="search_doc_phone_idx", opclasses=["varchar_pattern_ops"]
            ),
        ),
        AddIndexConcurrently(
            model_name="searchdocument",
            index=models.Index(fields=["alternate_phone"], name="search_doc_alt_phone_idx"),
        ),
        AddIndexConcurrently(
            model_name="searchdocument",
            index=models.Index(fields=["email"], name="search_doc_email_idx"),
        ),
        AddIndexConcurrently(
            model_name="searchdocument",
            index=models.Index(fields=["apn"], name="search_doc_apn_idx"),
        ),
        AddIndexConcurrently(
            model_name="searchdocument",
            index=GinIndex(fields=["serials"], name="search_doc_serials_idx"),
        ),
        AddIndexConcurrently(
            model_name="searchdocument",
            index=models.Index(
                fields=["name"], name="search_doc_name_idx", opclasses=["varchar_pattern_ops"]
            ),
        ),
        AddIndexConcurrently(
            model_name="searchdocument",
            index=models.Index(
                fields=["name_first_last"],
                name="search_doc_first_last_idx",
                opclasses=["varchar_pattern_ops"],
            ),
        ),
        AddIndexConcurrently(
            model_name="searchdocument",
            index=models.Index(
                fields=["address"], name="search_doc_address_idx", opclasses=["varchar_pattern_ops"]
            ),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddIndex(
                    model_name="searchdocument",
                    index=GistIndex(
                        fields=["name"], name="search_doc_name_trgm", opclasses=["gist_trgm_ops"]
                    ),
                ),
                migrations.AddIndex(
                    model_name="searchdocument",
                    index=GistIndex(
                        fields=["address"],
                        name="search_doc_address_trgm",
                        opclasses=["gist_trgm_ops"],
                    ),
                ),
            ],
            database_operations=[
                migrations.RunPython(create_trigram_indexes, drop_trigram_indexes),
            ],
        ),
    ]
