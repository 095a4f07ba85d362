"""A journal's poster and source type checked once a statement, not by a query a journal.

A bill run posts a journal a bill, and each queued two foreign key checks for commit. The
constraints go (the ForeignKeys stay, db_constraint=False); journal_keys looks up and locks the
distinct users and content types of each INSERT at its end. A journal is never updated, so its
keys never change. The users and content types named are kept below: neither deleted while a
journal names them nor renumbered (the ledger installs these on the tables below it, as
accounts links the ledger's lines). See district.keys.
"""

import django.db.models.deletion
import pgtrigger.compiler
import pgtrigger.migrations
from django.conf import settings
from django.db import migrations, models

PARENTS_KEPT = """
CREATE FUNCTION ledger_user_kept() RETURNS trigger LANGUAGE plpgsql AS $guard$
            DECLARE named bigint;
            BEGIN
                SELECT child.posted_by_id INTO named FROM ledger_journal child
                WHERE child.posted_by_id IN (SELECT id FROM deleted) LIMIT 1;
                IF named IS NOT NULL THEN
                    RAISE EXCEPTION 'delete from %: % is still named by ledger_journal',
                        TG_TABLE_NAME, named USING ERRCODE = 'foreign_key_violation';
                END IF;
                RETURN NULL;
            END;
$guard$;
CREATE TRIGGER ledger_user_kept AFTER DELETE ON district_user REFERENCING OLD TABLE AS deleted
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_user_kept();

CREATE FUNCTION ledger_content_type_kept() RETURNS trigger LANGUAGE plpgsql AS $guard$
            DECLARE named bigint;
            BEGIN
                SELECT child.source_type_id INTO named FROM ledger_journal child
                WHERE child.source_type_id IN (SELECT id FROM deleted) LIMIT 1;
                IF named IS NOT NULL THEN
                    RAISE EXCEPTION 'delete from %: % is still named by ledger_journal',
                        TG_TABLE_NAME, named USING ERRCODE = 'foreign_key_violation';
                END IF;
                RETURN NULL;
            END;
$guard$;
CREATE TRIGGER ledger_content_type_kept AFTER DELETE ON django_content_type REFERENCING OLD TABLE AS deleted
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_content_type_kept();

CREATE FUNCTION ledger_parent_id_kept() RETURNS trigger LANGUAGE plpgsql AS $kept$
BEGIN
    RAISE EXCEPTION 'Cannot update the id of % rows: journals name them', TG_TABLE_NAME
        USING ERRCODE = 'foreign_key_violation';
END;
$kept$;
CREATE TRIGGER ledger_user_id_kept BEFORE UPDATE OF id ON district_user
    FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION ledger_parent_id_kept();
CREATE TRIGGER ledger_content_type_id_kept BEFORE UPDATE OF id ON django_content_type
    FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION ledger_parent_id_kept();
"""
PARENTS_LET_GO = """
DROP TRIGGER IF EXISTS ledger_user_id_kept ON district_user;
DROP TRIGGER IF EXISTS ledger_content_type_id_kept ON django_content_type;
DROP FUNCTION IF EXISTS ledger_parent_id_kept();
DROP TRIGGER IF EXISTS ledger_user_kept ON district_user;
DROP FUNCTION IF EXISTS ledger_user_kept();
DROP TRIGGER IF EXISTS ledger_content_type_kept ON django_content_type;
DROP FUNCTION IF EXISTS ledger_content_type_kept();
"""


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('ledger', '0006_journal_key_probed_per_id'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='journal',
            name='posted_by',
            field=models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AlterField(
            model_name='journal',
            name='source_type',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='contenttypes.contenttype'),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='journal',
            trigger=pgtrigger.compiler.Trigger(name='journal_keys', sql=pgtrigger.compiler.UpsertTriggerSql(declare='DECLARE missing bigint;', func="\n        SELECT named.posted_by_id INTO missing\n        FROM (SELECT DISTINCT posted_by_id FROM inserted WHERE posted_by_id IS NOT NULL ORDER BY 1) named\n        LEFT JOIN LATERAL (\n            SELECT parent.id FROM district_user parent WHERE parent.id = named.posted_by_id\n            FOR KEY SHARE\n        ) kept ON true\n        WHERE kept.id IS NULL\n        ORDER BY 1 LIMIT 1;\n        IF missing IS NOT NULL THEN\n            RAISE EXCEPTION 'insert into %: posted_by_id % is not in district_user',\n                TG_TABLE_NAME, missing USING ERRCODE = 'foreign_key_violation';\n        END IF;\n        SELECT named.source_type_id INTO missing\n        FROM (SELECT DISTINCT source_type_id FROM inserted WHERE source_type_id IS NOT NULL ORDER BY 1) named\n        LEFT JOIN LATERAL (\n            SELECT parent.id FROM django_content_type parent WHERE parent.id = named.source_type_id\n            FOR KEY SHARE\n        ) kept ON true\n        WHERE kept.id IS NULL\n        ORDER BY 1 LIMIT 1;\n        IF missing IS NOT NULL THEN\n            RAISE EXCEPTION 'insert into %: source_type_id % is not in django_content_type',\n                TG_TABLE_NAME, missing USING ERRCODE = 'foreign_key_violation';\n        END IF;\n        RETURN NULL;", hash='62bd5c5242cbee120baf43ec6acabf89573b3d72', level='STATEMENT', operation='INSERT', pgid='pgtrigger_journal_keys_9f19f', referencing='REFERENCING NEW TABLE AS inserted ', table='ledger_journal', when='AFTER')),
        ),
        migrations.RunSQL(PARENTS_KEPT, PARENTS_LET_GO),
    ]
