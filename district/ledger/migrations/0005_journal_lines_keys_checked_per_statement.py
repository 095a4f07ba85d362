"""A journal line's journal and GL account checked once a statement, not by a query a line.

The two foreign key constraints go (the ForeignKeys stay, db_constraint=False); the
journal_lines_keys trigger checks the distinct journals and GL accounts of each INSERT at its
end, and a GL account named by a line can be neither deleted nor given another id
(gl_account_kept_*). A journal is never deleted (journal_append_only), so it needs no lock.
See district.keys for the rule and the measurement. The lines already written were checked by
the constraints being dropped.
"""

import django.db.models.deletion
import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('ledger', '0004_account_lines_indexed_only'),
    ]

    operations = [
        migrations.AlterField(
            model_name='journalline',
            name='gl_account',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.PROTECT, related_name='lines', to='ledger.glaccount'),
        ),
        migrations.AlterField(
            model_name='journalline',
            name='journal',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.PROTECT, related_name='lines', to='ledger.journal'),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='glaccount',
            trigger=pgtrigger.compiler.Trigger(name='gl_account_kept_deleted', sql=pgtrigger.compiler.UpsertTriggerSql(declare='DECLARE named bigint;', func="\n                SELECT child.gl_account_id INTO named FROM ledger_journalline child\n                WHERE child.gl_account_id IN (SELECT id FROM deleted) LIMIT 1;\n                IF named IS NOT NULL THEN\n                    RAISE EXCEPTION 'delete from %: % is still named by ledger_journalline',\n                        TG_TABLE_NAME, named USING ERRCODE = 'foreign_key_violation';\n                END IF;\n                RETURN NULL;\n            ", hash='92f37c930a5eb2d0ecad23e4879c6882d7a3cf67', level='STATEMENT', operation='DELETE', pgid='pgtrigger_gl_account_kept_deleted_853a3', referencing='REFERENCING OLD TABLE AS deleted ', table='ledger_glaccount', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='glaccount',
            trigger=pgtrigger.compiler.Trigger(name='gl_account_kept_id_kept', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (OLD."id" IS DISTINCT FROM (NEW."id"))', func='RAISE EXCEPTION \'pgtrigger: Cannot update of "id" rows from % table\', TG_TABLE_NAME;', hash='676f6f50acd91bd88d63d9fd961e431dadb9dffd', operation='UPDATE OF "id"', pgid='pgtrigger_gl_account_kept_id_kept_ef9e6', table='ledger_glaccount', when='BEFORE')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='journalline',
            trigger=pgtrigger.compiler.Trigger(name='journal_lines_keys', sql=pgtrigger.compiler.UpsertTriggerSql(declare='DECLARE missing bigint;', func="\n        SELECT named.journal_id INTO missing\n        FROM (SELECT DISTINCT journal_id FROM inserted WHERE journal_id IS NOT NULL ORDER BY 1) named\n        WHERE NOT EXISTS (SELECT 1 FROM ledger_journal parent WHERE parent.id = named.journal_id)\n        ORDER BY 1 LIMIT 1;\n        IF missing IS NOT NULL THEN\n            RAISE EXCEPTION 'insert into %: journal_id % is not in ledger_journal',\n                TG_TABLE_NAME, missing USING ERRCODE = 'foreign_key_violation';\n        END IF;\n        SELECT named.gl_account_id INTO missing\n        FROM (SELECT DISTINCT gl_account_id FROM inserted WHERE gl_account_id IS NOT NULL ORDER BY 1) named\n        LEFT JOIN LATERAL (\n            SELECT parent.id FROM ledger_glaccount parent WHERE parent.id = named.gl_account_id\n            FOR KEY SHARE\n        ) kept ON true\n        WHERE kept.id IS NULL\n        ORDER BY 1 LIMIT 1;\n        IF missing IS NOT NULL THEN\n            RAISE EXCEPTION 'insert into %: gl_account_id % is not in ledger_glaccount',\n                TG_TABLE_NAME, missing USING ERRCODE = 'foreign_key_violation';\n        END IF;\n        RETURN NULL;", hash='f288c810865421c4d581634e3885b68cad01daa7', level='STATEMENT', operation='INSERT', pgid='pgtrigger_journal_lines_keys_3c0f4', referencing='REFERENCING NEW TABLE AS inserted ', table='ledger_journalline', when='AFTER')),
        ),
    ]
