"""The name's words under a GIN index: a search whose every typed word starts a word of the
name ("smi joh", "joh smi") reads this index instead of the trigram GiST, which stays for
typos. Built CONCURRENTLY, as 0007's indexes are: every write to a customer or an account
writes its document, so a plain CREATE INDEX would hold the counter's writes meanwhile."""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("accounts", "0008_search_document_refresh_plan"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="searchdocument",
            index=django.contrib.postgres.indexes.GinIndex(
                django.contrib.postgres.search.SearchVector("name", config="simple"),
                name="search_doc_name_words",
            ),
        ),
    ]
