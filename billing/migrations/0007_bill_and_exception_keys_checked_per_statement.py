"""Bills' and bill exceptions' keys checked once a statement, not by a query a row at commit.

A bill run of 100,000 accounts queued about 800,000 foreign key checks for its bills (five
keys a bill) and exceptions (three), each a query with a lock at commit. The constraints go
(the ForeignKeys stay, db_constraint=False); bill_keys and bill_exception_keys look up and lock
the distinct parents of each INSERT at its end, and bill_keys_changed and
bill_exception_keys_changed check a key an UPDATE changes (a recalculated bill's reads and
rate version, an exception's bill). The parents keep them: runs, rate versions and bills by
their own triggers, accounts by billing_account_kept below (billing sits above accounts, so it
is installed here, as accounts links the ledger's lines). Meter reads are never deleted
(meter_read_append_only). See district.keys. The rows already written were checked by the
constraints being dropped.
"""

import django.db.models.deletion
import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations, models

ACCOUNT_KEPT = """
CREATE FUNCTION billing_account_kept() RETURNS trigger LANGUAGE plpgsql AS $guard$
            DECLARE named bigint;
            BEGIN
                SELECT child.account_id INTO named FROM billing_bill child
                WHERE child.account_id IN (SELECT id FROM deleted) LIMIT 1;
                IF named IS NOT NULL THEN
                    RAISE EXCEPTION 'delete from %: % is still named by billing_bill',
                        TG_TABLE_NAME, named USING ERRCODE = 'foreign_key_violation';
                END IF;
                SELECT child.account_id INTO named FROM billing_billexception child
                WHERE child.account_id IN (SELECT id FROM deleted) LIMIT 1;
                IF named IS NOT NULL THEN
                    RAISE EXCEPTION 'delete from %: % is still named by billing_billexception',
                        TG_TABLE_NAME, named USING ERRCODE = 'foreign_key_violation';
                END IF;
                RETURN NULL;
            END;
$guard$;
CREATE TRIGGER billing_account_kept AFTER DELETE ON accounts_serviceaccount REFERENCING OLD TABLE AS deleted
    FOR EACH STATEMENT EXECUTE FUNCTION billing_account_kept();
"""
ACCOUNT_LET_GO = """
DROP TRIGGER IF EXISTS billing_account_kept ON accounts_serviceaccount;
DROP FUNCTION IF EXISTS billing_account_kept();
"""


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0012_search_document_rebuild_into_empty'),
        ('billing', '0006_bill_lines_key_checked_per_statement'),
        ('field_ops', '0006_reads_corrected_once'),
    ]

    operations = [
        pgtrigger.migrations.RemoveTrigger(
            model_name='bill',
            name='bill_kept_deleted',
        ),
        migrations.AlterField(
            model_name='bill',
            name='account',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='bills', to='accounts.serviceaccount'),
        ),
        migrations.AlterField(
            model_name='bill',
            name='current_read',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='field_ops.meterread'),
        ),
        migrations.AlterField(
            model_name='bill',
            name='previous_read',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='field_ops.meterread'),
        ),
        migrations.AlterField(
            model_name='bill',
            name='rate_version',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='bills', to='billing.ratescheduleversion'),
        ),
        migrations.AlterField(
            model_name='bill',
            name='run',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='bills', to='billing.billrun'),
        ),
        migrations.AlterField(
            model_name='billexception',
            name='account',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='bill_exceptions', to='accounts.serviceaccount'),
        ),
        migrations.AlterField(
            model_name='billexception',
            name='bill',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='exceptions', to='billing.bill'),
        ),
        migrations.AlterField(
            model_name='billexception',
            name='run',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='exceptions', to='billing.billrun'),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='bill',
            trigger=pgtrigger.compiler.Trigger(name='bill_keys', sql=pgtrigger.compiler.UpsertTriggerSql(declare='DECLARE missing bigint;', func="\n        SELECT named.account_id INTO missing\n        FROM (SELECT DISTINCT account_id FROM inserted WHERE account_id IS NOT NULL ORDER BY 1) named\n        LEFT JOIN LATERAL (\n            SELECT parent.id FROM accounts_serviceaccount parent WHERE parent.id = named.account_id\n            FOR KEY SHARE\n        ) kept ON true\n        WHERE kept.id IS NULL\n        ORDER BY 1 LIMIT 1;\n        IF missing IS NOT NULL THEN\n            RAISE EXCEPTION 'insert into %: account_id % is not in accounts_serviceaccount',\n                TG_TABLE_NAME, missing USING ERRCODE = 'foreign_key_violation';\n        END IF;\n        SELECT named.run_id INTO missing\n        FROM (SELECT DISTINCT run_id FROM inserted WHERE run_id IS NOT NULL ORDER BY 1) named\n        LEFT JOIN LATERAL (\n            SELECT parent.id FROM billing_billrun parent WHERE parent.id = named.run_id\n            FOR KEY SHARE\n        ) kept ON true\n        WHERE kept.id IS NULL\n        ORDER BY 1 LIMIT 1;\n        IF missing IS NOT NULL THEN\n            RAISE EXCEPTION 'insert into %: run_id % is not in billing_billrun',\n                TG_TABLE_NAME, missing USING ERRCODE = 'foreign_key_violation';\n        END IF;\n        SELECT named.rate_version_id INTO missing\n        FROM (SELECT DISTINCT rate_version_id FROM inserted WHERE rate_version_id IS NOT NULL ORDER BY 1) named\n        LEFT JOIN LATERAL (\n            SELECT parent.id FROM billing_ratescheduleversion parent WHERE parent.id = named.rate_version_id\n            FOR KEY SHARE\n        ) kept ON true\n        WHERE kept.id IS NULL\n        ORDER BY 1 LIMIT 1;\n        IF missing IS NOT NULL THEN\n            RAISE EXCEPTION 'insert into %: rate_version_id % is not in billing_ratescheduleversion',\n                TG_TABLE_NAME, missing USING ERRCODE = 'foreign_key_violation';\n        END IF;\n        SELECT named.previous_read_id INTO missing\n        FROM (SELECT DISTINCT previous_read_id FROM inserted WHERE previous_read_id IS NOT NULL ORDER BY 1) named\n        WHERE (SELECT parent.id FROM field_ops_meterread parent\n               WHERE parent.id = named.previous_read_id) IS NULL\n        ORDER BY 1 LIMIT 1;\n        IF missing IS NOT NULL THEN\n            RAISE EXCEPTION 'insert into %: previous_read_id % is not in field_ops_meterread',\n                TG_TABLE_NAME, missing USING ERRCODE = 'foreign_key_violation';\n        END IF;\n        SELECT named.current_read_id INTO missing\n        FROM (SELECT DISTINCT current_read_id FROM inserted WHERE current_read_id IS NOT NULL ORDER BY 1) named\n        WHERE (SELECT parent.id FROM field_ops_meterread parent\n               WHERE parent.id = named.current_read_id) IS NULL\n        ORDER BY 1 LIMIT 1;\n        IF missing IS NOT NULL THEN\n            RAISE EXCEPTION 'insert into %: current_read_id % is not in field_ops_meterread',\n                TG_TABLE_NAME, missing USING ERRCODE = 'foreign_key_violation';\n        END IF;\n        RETURN NULL;", hash='fb4bc3b314aaea8e6dcd3e7b4cffce01f7350f5d', level='STATEMENT', operation='INSERT', pgid='pgtrigger_bill_keys_21af9', referencing='REFERENCING NEW TABLE AS inserted ', table='billing_bill', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='bill',
            trigger=pgtrigger.compiler.Trigger(name='bill_keys_changed', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (OLD."account_id" IS DISTINCT FROM (NEW."account_id") OR OLD."current_read_id" IS DISTINCT FROM (NEW."current_read_id") OR OLD."previous_read_id" IS DISTINCT FROM (NEW."previous_read_id") OR OLD."rate_version_id" IS DISTINCT FROM (NEW."rate_version_id") OR OLD."run_id" IS DISTINCT FROM (NEW."run_id"))', func="\n        IF NEW.account_id IS DISTINCT FROM OLD.account_id AND NEW.account_id IS NOT NULL\n        THEN\n            PERFORM FROM accounts_serviceaccount parent WHERE parent.id = NEW.account_id FOR KEY SHARE;\n            IF NOT FOUND THEN\n                RAISE EXCEPTION 'update of %: account_id % is not in accounts_serviceaccount',\n                    TG_TABLE_NAME, NEW.account_id USING ERRCODE = 'foreign_key_violation';\n            END IF;\n        END IF;\n        IF NEW.run_id IS DISTINCT FROM OLD.run_id AND NEW.run_id IS NOT NULL\n        THEN\n            PERFORM FROM billing_billrun parent WHERE parent.id = NEW.run_id FOR KEY SHARE;\n            IF NOT FOUND THEN\n                RAISE EXCEPTION 'update of %: run_id % is not in billing_billrun',\n                    TG_TABLE_NAME, NEW.run_id USING ERRCODE = 'foreign_key_violation';\n            END IF;\n        END IF;\n        IF NEW.rate_version_id IS DISTINCT FROM OLD.rate_version_id AND NEW.rate_version_id IS NOT NULL\n        THEN\n            PERFORM FROM billing_ratescheduleversion parent WHERE parent.id = NEW.rate_version_id FOR KEY SHARE;\n            IF NOT FOUND THEN\n                RAISE EXCEPTION 'update of %: rate_version_id % is not in billing_ratescheduleversion',\n                    TG_TABLE_NAME, NEW.rate_version_id USING ERRCODE = 'foreign_key_violation';\n            END IF;\n        END IF;\n        IF NEW.previous_read_id IS DISTINCT FROM OLD.previous_read_id AND NEW.previous_read_id IS NOT NULL\n        THEN\n            PERFORM FROM field_ops_meterread parent WHERE parent.id = NEW.previous_read_id;\n            IF NOT FOUND THEN\n                RAISE EXCEPTION 'update of %: previous_read_id % is not in field_ops_meterread',\n                    TG_TABLE_NAME, NEW.previous_read_id USING ERRCODE = 'foreign_key_violation';\n            END IF;\n        END IF;\n        IF NEW.current_read_id IS DISTINCT FROM OLD.current_read_id AND NEW.current_read_id IS NOT NULL\n        THEN\n            PERFORM FROM field_ops_meterread parent WHERE parent.id = NEW.current_read_id;\n            IF NOT FOUND THEN\n                RAISE EXCEPTION 'update of %: current_read_id % is not in field_ops_meterread',\n                    TG_TABLE_NAME, NEW.current_read_id USING ERRCODE = 'foreign_key_violation';\n            END IF;\n        END IF;\n        RETURN NULL;", hash='23d0fc4471226e324abde0da1c482f19a105258e', operation='UPDATE OF "account_id", "run_id", "rate_version_id", "previous_read_id", "current_read_id"', pgid='pgtrigger_bill_keys_changed_d295a', table='billing_bill', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='bill',
            trigger=pgtrigger.compiler.Trigger(name='bill_kept_deleted', sql=pgtrigger.compiler.UpsertTriggerSql(declare='DECLARE named bigint;', func="\n                SELECT child.bill_id INTO named FROM billing_billline child\n                WHERE child.bill_id IN (SELECT id FROM deleted) LIMIT 1;\n                IF named IS NOT NULL THEN\n                    RAISE EXCEPTION 'delete from %: % is still named by billing_billline',\n                        TG_TABLE_NAME, named USING ERRCODE = 'foreign_key_violation';\n                END IF;\n                SELECT child.bill_id INTO named FROM billing_billexception child\n                WHERE child.bill_id IN (SELECT id FROM deleted) LIMIT 1;\n                IF named IS NOT NULL THEN\n                    RAISE EXCEPTION 'delete from %: % is still named by billing_billexception',\n                        TG_TABLE_NAME, named USING ERRCODE = 'foreign_key_violation';\n                END IF;\n                RETURN NULL;\n            ", hash='dec60868cde3a81b12f03f5213d0f392a5886b24', level='STATEMENT', operation='DELETE', pgid='pgtrigger_bill_kept_deleted_e998d', referencing='REFERENCING OLD TABLE AS deleted ', table='billing_bill', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='billexception',
            trigger=pgtrigger.compiler.Trigger(name='bill_exception_keys', sql=pgtrigger.compiler.UpsertTriggerSql(declare='DECLARE missing bigint;', func="\n        SELECT named.run_id INTO missing\n        FROM (SELECT DISTINCT run_id FROM inserted WHERE run_id IS NOT NULL ORDER BY 1) named\n        LEFT JOIN LATERAL (\n            SELECT parent.id FROM billing_billrun parent WHERE parent.id = named.run_id\n            FOR KEY SHARE\n        ) kept ON true\n        WHERE kept.id IS NULL\n        ORDER BY 1 LIMIT 1;\n        IF missing IS NOT NULL THEN\n            RAISE EXCEPTION 'insert into %: run_id % is not in billing_billrun',\n                TG_TABLE_NAME, missing USING ERRCODE = 'foreign_key_violation';\n        END IF;\n        SELECT named.account_id INTO missing\n        FROM (SELECT DISTINCT account_id FROM inserted WHERE account_id IS NOT NULL ORDER BY 1) named\n        LEFT JOIN LATERAL (\n            SELECT parent.id FROM accounts_serviceaccount parent WHERE parent.id = named.account_id\n            FOR KEY SHARE\n        ) kept ON true\n        WHERE kept.id IS NULL\n        ORDER BY 1 LIMIT 1;\n        IF missing IS NOT NULL THEN\n            RAISE EXCEPTION 'insert into %: account_id % is not in accounts_serviceaccount',\n                TG_TABLE_NAME, missing USING ERRCODE = 'foreign_key_violation';\n        END IF;\n        SELECT named.bill_id INTO missing\n        FROM (SELECT DISTINCT bill_id FROM inserted WHERE bill_id IS NOT NULL ORDER BY 1) named\n        LEFT JOIN LATERAL (\n            SELECT parent.id FROM billing_bill parent WHERE parent.id = named.bill_id\n            FOR KEY SHARE\n        ) kept ON true\n        WHERE kept.id IS NULL\n        ORDER BY 1 LIMIT 1;\n        IF missing IS NOT NULL THEN\n            RAISE EXCEPTION 'insert into %: bill_id % is not in billing_bill',\n                TG_TABLE_NAME, missing USING ERRCODE = 'foreign_key_violation';\n        END IF;\n        RETURN NULL;", hash='9312be6aded50c440d1c9a4966f55b69543b4410', level='STATEMENT', operation='INSERT', pgid='pgtrigger_bill_exception_keys_85e32', referencing='REFERENCING NEW TABLE AS inserted ', table='billing_billexception', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='billexception',
            trigger=pgtrigger.compiler.Trigger(name='bill_exception_keys_changed', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (OLD."account_id" IS DISTINCT FROM (NEW."account_id") OR OLD."bill_id" IS DISTINCT FROM (NEW."bill_id") OR OLD."run_id" IS DISTINCT FROM (NEW."run_id"))', func="\n        IF NEW.run_id IS DISTINCT FROM OLD.run_id AND NEW.run_id IS NOT NULL\n        THEN\n            PERFORM FROM billing_billrun parent WHERE parent.id = NEW.run_id FOR KEY SHARE;\n            IF NOT FOUND THEN\n                RAISE EXCEPTION 'update of %: run_id % is not in billing_billrun',\n                    TG_TABLE_NAME, NEW.run_id USING ERRCODE = 'foreign_key_violation';\n            END IF;\n        END IF;\n        IF NEW.account_id IS DISTINCT FROM OLD.account_id AND NEW.account_id IS NOT NULL\n        THEN\n            PERFORM FROM accounts_serviceaccount parent WHERE parent.id = NEW.account_id FOR KEY SHARE;\n            IF NOT FOUND THEN\n                RAISE EXCEPTION 'update of %: account_id % is not in accounts_serviceaccount',\n                    TG_TABLE_NAME, NEW.account_id USING ERRCODE = 'foreign_key_violation';\n            END IF;\n        END IF;\n        IF NEW.bill_id IS DISTINCT FROM OLD.bill_id AND NEW.bill_id IS NOT NULL\n        THEN\n            PERFORM FROM billing_bill parent WHERE parent.id = NEW.bill_id FOR KEY SHARE;\n            IF NOT FOUND THEN\n                RAISE EXCEPTION 'update of %: bill_id % is not in billing_bill',\n                    TG_TABLE_NAME, NEW.bill_id USING ERRCODE = 'foreign_key_violation';\n            END IF;\n        END IF;\n        RETURN NULL;", hash='236ac3229cbfe8d328e5292c5605c2fec3b27b86', operation='UPDATE OF "run_id", "account_id", "bill_id"', pgid='pgtrigger_bill_exception_keys_changed_254b7', table='billing_billexception', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='billrun',
            trigger=pgtrigger.compiler.Trigger(name='bill_run_kept_deleted', sql=pgtrigger.compiler.UpsertTriggerSql(declare='DECLARE named bigint;', func="\n                SELECT child.run_id INTO named FROM billing_bill child\n                WHERE child.run_id IN (SELECT id FROM deleted) LIMIT 1;\n                IF named IS NOT NULL THEN\n                    RAISE EXCEPTION 'delete from %: % is still named by billing_bill',\n                        TG_TABLE_NAME, named USING ERRCODE = 'foreign_key_violation';\n                END IF;\n                SELECT child.run_id INTO named FROM billing_billexception child\n                WHERE child.run_id IN (SELECT id FROM deleted) LIMIT 1;\n                IF named IS NOT NULL THEN\n                    RAISE EXCEPTION 'delete from %: % is still named by billing_billexception',\n                        TG_TABLE_NAME, named USING ERRCODE = 'foreign_key_violation';\n                END IF;\n                RETURN NULL;\n            ", hash='b139186b383ff8157f61926e874fcbbeada387e1', level='STATEMENT', operation='DELETE', pgid='pgtrigger_bill_run_kept_deleted_62187', referencing='REFERENCING OLD TABLE AS deleted ', table='billing_billrun', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='billrun',
            trigger=pgtrigger.compiler.Trigger(name='bill_run_kept_id_kept', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (OLD."id" IS DISTINCT FROM (NEW."id"))', func='RAISE EXCEPTION \'pgtrigger: Cannot update of "id" rows from % table\', TG_TABLE_NAME;', hash='f891667f4cf258bec4394bf8091a0365d80a77de', operation='UPDATE OF "id"', pgid='pgtrigger_bill_run_kept_id_kept_41a4b', table='billing_billrun', when='BEFORE')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='ratescheduleversion',
            trigger=pgtrigger.compiler.Trigger(name='rate_version_kept_deleted', sql=pgtrigger.compiler.UpsertTriggerSql(declare='DECLARE named bigint;', func="\n                SELECT child.rate_version_id INTO named FROM billing_bill child\n                WHERE child.rate_version_id IN (SELECT id FROM deleted) LIMIT 1;\n                IF named IS NOT NULL THEN\n                    RAISE EXCEPTION 'delete from %: % is still named by billing_bill',\n                        TG_TABLE_NAME, named USING ERRCODE = 'foreign_key_violation';\n                END IF;\n                RETURN NULL;\n            ", hash='95b74219a7b1475683d9984e2fba91cc958243cb', level='STATEMENT', operation='DELETE', pgid='pgtrigger_rate_version_kept_deleted_0a41d', referencing='REFERENCING OLD TABLE AS deleted ', table='billing_ratescheduleversion', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='ratescheduleversion',
            trigger=pgtrigger.compiler.Trigger(name='rate_version_kept_id_kept', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (OLD."id" IS DISTINCT FROM (NEW."id"))', func='RAISE EXCEPTION \'pgtrigger: Cannot update of "id" rows from % table\', TG_TABLE_NAME;', hash='5070f32334ac1ec68dafec06a57669380d0d69af', operation='UPDATE OF "id"', pgid='pgtrigger_rate_version_kept_id_kept_960ab', table='billing_ratescheduleversion', when='BEFORE')),
        ),
        migrations.RunSQL(ACCOUNT_KEPT, ACCOUNT_LET_GO),
    ]
