"""A journal line's journal is looked up one index probe a journal named, not by an anti-join.

The journal_lines_keys trigger asked NOT EXISTS of the journals, which PostgreSQL plans as an
anti-join: it read the journals' whole primary key at every statement (a bill run chunk, a
load's batch), and its cost grew with the ledger (122 ms against 31 ms for 8,000 journals among
291,416). See district.keys. The GL account's check is unchanged.
"""

import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('ledger', '0005_journal_lines_keys_checked_per_statement'),
    ]

    operations = [
        pgtrigger.migrations.RemoveTrigger(
            model_name='journalline',
            name='journal_lines_keys',
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='journalline',
            trigger=pgtrigger.compiler.Trigger(name='journal_lines_keys', sql=pgtrigger.compiler.UpsertTriggerSql(declare='DECLARE missing bigint;', func="\n        SELECT named.journal_id INTO missing\n        FROM (SELECT DISTINCT journal_id FROM inserted WHERE journal_id IS NOT NULL ORDER BY 1) named\n        WHERE (SELECT parent.id FROM ledger_journal parent\n               WHERE parent.id = named.journal_id) IS NULL\n        ORDER BY 1 LIMIT 1;\n        IF missing IS NOT NULL THEN\n            RAISE EXCEPTION 'insert into %: journal_id % is not in ledger_journal',\n                TG_TABLE_NAME, missing USING ERRCODE = 'foreign_key_violation';\n        END IF;\n        SELECT named.gl_account_id INTO missing\n        FROM (SELECT DISTINCT gl_account_id FROM inserted WHERE gl_account_id IS NOT NULL ORDER BY 1) named\n        LEFT JOIN LATERAL (\n            SELECT parent.id FROM ledger_glaccount parent WHERE parent.id = named.gl_account_id\n            FOR KEY SHARE\n        ) kept ON true\n        WHERE kept.id IS NULL\n        ORDER BY 1 LIMIT 1;\n        IF missing IS NOT NULL THEN\n            RAISE EXCEPTION 'insert into %: gl_account_id % is not in ledger_glaccount',\n                TG_TABLE_NAME, missing USING ERRCODE = 'foreign_key_violation';\n        END IF;\n        RETURN NULL;", hash='229cdd5f8448779f00699c853964b13bc6b69c6a', level='STATEMENT', operation='INSERT', pgid='pgtrigger_journal_lines_keys_3c0f4', referencing='REFERENCING NEW TABLE AS inserted ', table='ledger_journalline', when='AFTER')),
        ),
    ]
