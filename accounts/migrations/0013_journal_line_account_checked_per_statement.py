"""A journal line's service account checked once a statement, not by a query a line.

The ledger sits below accounts, so accounts links the ledger's lines to their accounts (0001).
That link was a foreign key checked with a query and a lock a line at commit: about 470,000 in
a 100,000-account bill run. It becomes accounts_journal_line_account_checked, which looks up
and locks the distinct accounts of each INSERT of lines at its end (district.keys); a line is
never updated (journal_line_append_only). An account a line names is neither deleted nor
renumbered (account_kept_*). The lines already written were checked by the constraint being
dropped.
"""

import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations

LINE_ACCOUNT_CHECKED = """
ALTER TABLE ledger_journalline DROP CONSTRAINT ledger_journalline_service_account_fk;
CREATE FUNCTION accounts_journal_line_account_checked() RETURNS trigger LANGUAGE plpgsql AS $check$
    DECLARE missing bigint;
    BEGIN
        SELECT named.service_account_id INTO missing
        FROM (SELECT DISTINCT service_account_id FROM inserted WHERE service_account_id IS NOT NULL ORDER BY 1) named
        LEFT JOIN LATERAL (
            SELECT parent.id FROM accounts_serviceaccount parent WHERE parent.id = named.service_account_id
            FOR KEY SHARE
        ) kept ON true
        WHERE kept.id IS NULL
        ORDER BY 1 LIMIT 1;
        IF missing IS NOT NULL THEN
            RAISE EXCEPTION 'insert into %: service_account_id % is not in accounts_serviceaccount',
                TG_TABLE_NAME, missing USING ERRCODE = 'foreign_key_violation';
        END IF;
        RETURN NULL;
    END;
$check$;
CREATE TRIGGER accounts_journal_line_account_checked AFTER INSERT ON ledger_journalline REFERENCING NEW TABLE AS inserted
    FOR EACH STATEMENT EXECUTE FUNCTION accounts_journal_line_account_checked();
"""
LINE_ACCOUNT_LINKED = """
DROP TRIGGER IF EXISTS accounts_journal_line_account_checked ON ledger_journalline;
DROP FUNCTION IF EXISTS accounts_journal_line_account_checked();
ALTER TABLE ledger_journalline
    ADD CONSTRAINT ledger_journalline_service_account_fk
    FOREIGN KEY (service_account_id) REFERENCES accounts_serviceaccount (id)
    DEFERRABLE INITIALLY DEFERRED;
"""


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0012_search_document_rebuild_into_empty'),
    ]

    operations = [
        pgtrigger.migrations.AddTrigger(
            model_name='serviceaccount',
            trigger=pgtrigger.compiler.Trigger(name='account_kept_deleted', sql=pgtrigger.compiler.UpsertTriggerSql(declare='DECLARE named bigint;', func="\n                SELECT child.service_account_id INTO named FROM ledger_journalline child\n                WHERE child.service_account_id IN (SELECT id FROM deleted) LIMIT 1;\n                IF named IS NOT NULL THEN\n                    RAISE EXCEPTION 'delete from %: % is still named by ledger_journalline',\n                        TG_TABLE_NAME, named USING ERRCODE = 'foreign_key_violation';\n                END IF;\n                RETURN NULL;\n            ", hash='173d9b8129a37d9f7bdbd785a4aa5231ac4e5c79', level='STATEMENT', operation='DELETE', pgid='pgtrigger_account_kept_deleted_a78ed', referencing='REFERENCING OLD TABLE AS deleted ', table='accounts_serviceaccount', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='serviceaccount',
            trigger=pgtrigger.compiler.Trigger(name='account_kept_id_kept', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (OLD."id" IS DISTINCT FROM (NEW."id"))', func='RAISE EXCEPTION \'pgtrigger: Cannot update of "id" rows from % table\', TG_TABLE_NAME;', hash='049ba012907a307f762b4c1a898540d53d700827', operation='UPDATE OF "id"', pgid='pgtrigger_account_kept_id_kept_ed33f', table='accounts_serviceaccount', when='BEFORE')),
        ),
        migrations.RunSQL(LINE_ACCOUNT_CHECKED, LINE_ACCOUNT_LINKED),
    ]
