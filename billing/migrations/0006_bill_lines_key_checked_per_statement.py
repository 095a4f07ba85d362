"""A bill line's bill checked once a statement, not by a query a line.

The foreign key constraint goes (the ForeignKey stays, db_constraint=False); bill_lines_keys
locks and looks up the distinct bills of each INSERT at its end, a line never moves to another
bill, and a bill named by lines can be neither deleted nor given another id (bill_kept_*). See
district.keys. The lines already written were checked by the constraint being dropped.
"""

import django.db.models.deletion
import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('billing', '0005_bill_outside_runs_date_index'),
    ]

    operations = [
        migrations.AlterField(
            model_name='billline',
            name='bill',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='lines', to='billing.bill'),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='bill',
            trigger=pgtrigger.compiler.Trigger(name='bill_kept_deleted', sql=pgtrigger.compiler.UpsertTriggerSql(declare='DECLARE named bigint;', func="\n                SELECT child.bill_id INTO named FROM billing_billline child\n                WHERE child.bill_id IN (SELECT id FROM deleted) LIMIT 1;\n                IF named IS NOT NULL THEN\n                    RAISE EXCEPTION 'delete from %: % is still named by billing_billline',\n                        TG_TABLE_NAME, named USING ERRCODE = 'foreign_key_violation';\n                END IF;\n                RETURN NULL;\n            ", hash='3ceb2b9ac16596abcfe5c291fee74bffd61e287a', level='STATEMENT', operation='DELETE', pgid='pgtrigger_bill_kept_deleted_e998d', referencing='REFERENCING OLD TABLE AS deleted ', table='billing_bill', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='bill',
            trigger=pgtrigger.compiler.Trigger(name='bill_kept_id_kept', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (OLD."id" IS DISTINCT FROM (NEW."id"))', func='RAISE EXCEPTION \'pgtrigger: Cannot update of "id" rows from % table\', TG_TABLE_NAME;', hash='f41cfa5309aabadb0baa9a15d6815be9a9ead7f9', operation='UPDATE OF "id"', pgid='pgtrigger_bill_kept_id_kept_295f7', table='billing_bill', when='BEFORE')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='billline',
            trigger=pgtrigger.compiler.Trigger(name='bill_lines_keys', sql=pgtrigger.compiler.UpsertTriggerSql(declare='DECLARE missing bigint;', func="\n        SELECT named.bill_id INTO missing\n        FROM (SELECT DISTINCT bill_id FROM inserted WHERE bill_id IS NOT NULL ORDER BY 1) named\n        LEFT JOIN LATERAL (\n            SELECT parent.id FROM billing_bill parent WHERE parent.id = named.bill_id\n            FOR KEY SHARE\n        ) kept ON true\n        WHERE kept.id IS NULL\n        ORDER BY 1 LIMIT 1;\n        IF missing IS NOT NULL THEN\n            RAISE EXCEPTION 'insert into %: bill_id % is not in billing_bill',\n                TG_TABLE_NAME, missing USING ERRCODE = 'foreign_key_violation';\n        END IF;\n        RETURN NULL;", hash='59fa970ea06adf7cedcfc0f94a99c6913e031a63', level='STATEMENT', operation='INSERT', pgid='pgtrigger_bill_lines_keys_56d5b', referencing='REFERENCING NEW TABLE AS inserted ', table='billing_billline', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='billline',
            trigger=pgtrigger.compiler.Trigger(name='bill_line_stays_on_its_bill', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (OLD."bill_id" IS DISTINCT FROM (NEW."bill_id"))', func='RAISE EXCEPTION \'pgtrigger: Cannot update of "bill_id" rows from % table\', TG_TABLE_NAME;', hash='2c8bbfbb5d7be3ccd9d4d7eb07e791d12dec010b', operation='UPDATE OF "bill_id"', pgid='pgtrigger_bill_line_stays_on_its_bill_fdc66', table='billing_billline', when='BEFORE')),
        ),
    ]
