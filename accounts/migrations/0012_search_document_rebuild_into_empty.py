"""A rebuild of every search document into an empty table inserts without ON CONFLICT, JIT on.

The demo load holds the documents' triggers and writes them all in one statement into an empty
table (accounts.demo). ON CONFLICT makes each row a speculative insertion (an index probe and
a token before the row, a confirmation after): for 1,350,401 accounts the statement took 31.1 s
with it and 23.6 s without, and 26.7 s with JIT off against 23.6 s with it (the function turns
JIT off for the triggers' refreshes, which it slowed when planned on missing statistics; a
rebuild analyzes first). A refresh of some accounts, or a rebuild over existing documents, is
unchanged.
"""

from importlib import import_module

from django.db import migrations

REFRESH = """
CREATE OR REPLACE FUNCTION accounts_search_document_refresh(account_ids bigint[]) RETURNS void
LANGUAGE plpgsql SET jit = off AS $refresh$
DECLARE
  into_empty boolean := account_ids IS NULL
    AND NOT EXISTS (SELECT 1 FROM accounts_searchdocument);
BEGIN
  IF account_ids IS NOT NULL AND cardinality(account_ids) = 0 THEN
    RETURN;
  END IF;
  IF account_ids IS NULL OR cardinality(account_ids) > 5000 THEN
    -- A bulk load's rows have no statistics yet in its own transaction: without them the
    -- planner guesses tiny tables and loops. ANALYZE counts the transaction's own rows.
    ANALYZE accounts_serviceaccount, accounts_customer, field_ops_premise,
      field_ops_meterinstallation, field_ops_meter, accounts_legacyaccountnumber;
  END IF;
  IF into_empty THEN
    -- Until the function returns: its SET clause restores the setting.
    PERFORM set_config('jit', 'on', true);
  END IF;
  EXECUTE $sql$
    INSERT INTO accounts_searchdocument AS document (
      account_id, customer_id, number, former_number, status, phone, alternate_phone, email,
      apn, serials, name, name_first_last, address, customer_name, service_address)
    SELECT account.id, account.customer_id, account.number, COALESCE(former.number, ''),
      account.status, customer.phone, customer.alternate_phone, upper(customer.email),
      upper(replace(premise.apn, '-', '')), COALESCE(meters.serials, '{}'),
      accounts_search_words(CASE WHEN customer.kind = 'business' THEN customer.business_name
        ELSE customer.last_name || ' ' || customer.first_name END),
      accounts_search_words(CASE WHEN customer.kind = 'business' THEN customer.business_name
        ELSE customer.first_name || ' ' || customer.last_name END),
      accounts_search_words(premise.house_number || ' ' || premise.street || ' ' || premise.unit),
      CASE WHEN customer.kind = 'business' THEN customer.business_name
        ELSE btrim(customer.last_name || ', ' || customer.first_name, ', ') END,
      premise.house_number || ' ' || premise.street
        || CASE WHEN premise.unit <> '' THEN ' #' || premise.unit ELSE '' END
        || ', ' || premise.city || ', ' || premise.state || ' ' || premise.zip_code
    FROM accounts_serviceaccount account
    JOIN accounts_customer customer ON customer.id = account.customer_id
    JOIN field_ops_premise premise ON premise.id = account.premise_id
    LEFT JOIN accounts_legacyaccountnumber former ON former.account_id = account.id
    LEFT JOIN (
      SELECT installation.premise_id,
        array_agg(upper(meter.serial) ORDER BY meter.serial) AS serials
      FROM field_ops_meterinstallation installation
      JOIN field_ops_meter meter ON meter.id = installation.meter_id
      WHERE installation.removed_on IS NULL AND installation.premise_id IN (
        SELECT premise_id FROM accounts_serviceaccount
  $sql$ || CASE WHEN account_ids IS NULL THEN '' ELSE ' WHERE id = ANY($1)' END || $sql$
      )
      GROUP BY installation.premise_id
    ) meters ON meters.premise_id = account.premise_id
  $sql$ || CASE WHEN account_ids IS NULL THEN '' ELSE ' WHERE account.id = ANY($1)' END
  || CASE WHEN into_empty THEN '' ELSE $sql$
    ON CONFLICT (account_id) DO UPDATE SET
      customer_id = EXCLUDED.customer_id, number = EXCLUDED.number,
      former_number = EXCLUDED.former_number, status = EXCLUDED.status,
      phone = EXCLUDED.phone, alternate_phone = EXCLUDED.alternate_phone,
      email = EXCLUDED.email, apn = EXCLUDED.apn, serials = EXCLUDED.serials,
      name = EXCLUDED.name, name_first_last = EXCLUDED.name_first_last,
      address = EXCLUDED.address, customer_name = EXCLUDED.customer_name,
      service_address = EXCLUDED.service_address
    WHERE document IS DISTINCT FROM EXCLUDED
  $sql$ END USING account_ids;
END
$refresh$;
"""

# The function as migration 0008 left it, for going back.
PREVIOUS = import_module("accounts.migrations.0008_search_document_refresh_plan").REFRESH


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0011_account_number_prefix_index_once"),
    ]

    operations = [
        migrations.RunSQL(REFRESH, PREVIOUS),
    ]
