"""The counter search's document per service account, kept by triggers; filled once here.

The triggers are statement-level with transition tables: one set statement refreshes the
documents a statement touched, so a COPY of 100,000 accounts (the demo seeder, a conversion)
costs one INSERT ... SELECT, and a CSR's change of one phone costs one row. CREATE TRIGGER locks
each source table against writes until this migration commits, so no change slips between the
triggers and the fill. The indexes come in 0007, built CONCURRENTLY.
"""

import django.contrib.postgres.fields
import django.db.models.deletion
from django.db import migrations, models

# Lower case, anything but letters and digits one space: what accounts.search does to the box.
WORDS = """
CREATE FUNCTION accounts_search_words(typed text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN btrim(regexp_replace(lower(typed), '[^[:alnum:]]+', ' ', 'g'));
"""

# The documents of `account_ids` (every account when NULL) built again from their records.
# EXECUTE plans each call with the ids it is given: hash joins for a COPY's 100,000 accounts,
# index look-ups for one.
REFRESH = """
CREATE FUNCTION accounts_search_document_refresh(account_ids bigint[]) RETURNS void
LANGUAGE plpgsql AS $refresh$
BEGIN
  IF account_ids IS NOT NULL AND cardinality(account_ids) = 0 THEN
    RETURN;
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
    LEFT JOIN LATERAL (
      SELECT array_agg(upper(meter.serial) ORDER BY meter.serial) AS serials
      FROM field_ops_meterinstallation installation
      JOIN field_ops_meter meter ON meter.id = installation.meter_id
      WHERE installation.premise_id = account.premise_id AND installation.removed_on IS NULL
    ) meters ON true
  $sql$ || CASE WHEN account_ids IS NULL THEN '' ELSE ' WHERE account.id = ANY($1)' END || $sql$
    ON CONFLICT (account_id) DO UPDATE SET
      customer_id = EXCLUDED.customer_id, number = EXCLUDED.number,
      former_number = EXCLUDED.former_number, status = EXCLUDED.status,
      phone = EXCLUDED.phone, alternate_phone = EXCLUDED.alternate_phone,
      email = EXCLUDED.email, apn = EXCLUDED.apn, serials = EXCLUDED.serials,
      name = EXCLUDED.name, name_first_last = EXCLUDED.name_first_last,
      address = EXCLUDED.address, customer_name = EXCLUDED.customer_name,
      service_address = EXCLUDED.service_address
    WHERE document IS DISTINCT FROM EXCLUDED
  $sql$ USING account_ids;
END
$refresh$;
"""

# One trigger function per source table; each finds the accounts its statement touched.
TRIGGER_FUNCTIONS = """
CREATE FUNCTION accounts_search_doc_from_accounts() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM accounts_search_document_refresh(ARRAY(SELECT id FROM new_rows));
  ELSIF TG_OP = 'UPDATE' THEN
    PERFORM accounts_search_document_refresh(ARRAY(
      SELECT new_rows.id FROM new_rows JOIN old_rows ON old_rows.id = new_rows.id
      WHERE (new_rows.number, new_rows.status, new_rows.customer_id, new_rows.premise_id)
        IS DISTINCT FROM (old_rows.number, old_rows.status, old_rows.customer_id,
                          old_rows.premise_id)));
  ELSE
    DELETE FROM accounts_searchdocument WHERE account_id IN (SELECT id FROM old_rows);
  END IF;
  RETURN NULL;
END
$$;

CREATE FUNCTION accounts_search_doc_from_customers() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM accounts_search_document_refresh(ARRAY(
    SELECT account.id FROM accounts_serviceaccount account
    WHERE account.customer_id IN (
      SELECT new_rows.id FROM new_rows JOIN old_rows ON old_rows.id = new_rows.id
      WHERE (new_rows.kind, new_rows.first_name, new_rows.last_name, new_rows.business_name,
             new_rows.phone, new_rows.alternate_phone, new_rows.email)
        IS DISTINCT FROM (old_rows.kind, old_rows.first_name, old_rows.last_name,
             old_rows.business_name, old_rows.phone, old_rows.alternate_phone,
             old_rows.email))));
  RETURN NULL;
END
$$;

CREATE FUNCTION accounts_search_doc_from_premises() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM accounts_search_document_refresh(ARRAY(
    SELECT account.id FROM accounts_serviceaccount account
    WHERE account.premise_id IN (
      SELECT new_rows.id FROM new_rows JOIN old_rows ON old_rows.id = new_rows.id
      WHERE (new_rows.house_number, new_rows.street, new_rows.unit, new_rows.city,
             new_rows.state, new_rows.zip_code, new_rows.apn)
        IS DISTINCT FROM (old_rows.house_number, old_rows.street, old_rows.unit,
             old_rows.city, old_rows.state, old_rows.zip_code, old_rows.apn))));
  RETURN NULL;
END
$$;

CREATE FUNCTION accounts_search_doc_from_meters() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM accounts_search_document_refresh(ARRAY(
    SELECT account.id FROM accounts_serviceaccount account
    WHERE account.premise_id IN (
      SELECT installation.premise_id FROM field_ops_meterinstallation installation
      WHERE installation.removed_on IS NULL AND installation.meter_id IN (
        SELECT new_rows.id FROM new_rows JOIN old_rows ON old_rows.id = new_rows.id
        WHERE new_rows.serial IS DISTINCT FROM old_rows.serial))));
  RETURN NULL;
END
$$;

CREATE FUNCTION accounts_search_doc_from_installations() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  premise_ids bigint[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    premise_ids := ARRAY(SELECT DISTINCT premise_id FROM new_rows);
  ELSIF TG_OP = 'DELETE' THEN
    premise_ids := ARRAY(SELECT DISTINCT premise_id FROM old_rows);
  ELSE
    premise_ids := ARRAY(
      SELECT new_rows.premise_id FROM new_rows JOIN old_rows ON old_rows.id = new_rows.id
      WHERE (new_rows.premise_id, new_rows.meter_id, new_rows.removed_on)
        IS DISTINCT FROM (old_rows.premise_id, old_rows.meter_id, old_rows.removed_on)
      UNION
      SELECT old_rows.premise_id FROM new_rows JOIN old_rows ON old_rows.id = new_rows.id
      WHERE (new_rows.premise_id, new_rows.meter_id, new_rows.removed_on)
        IS DISTINCT FROM (old_rows.premise_id, old_rows.meter_id, old_rows.removed_on));
  END IF;
  IF cardinality(premise_ids) > 0 THEN
    PERFORM accounts_search_document_refresh(ARRAY(
      SELECT id FROM accounts_serviceaccount WHERE premise_id = ANY(premise_ids)));
  END IF;
  RETURN NULL;
END
$$;

CREATE FUNCTION accounts_search_doc_from_former_numbers() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM accounts_search_document_refresh(ARRAY(SELECT account_id FROM new_rows));
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM accounts_search_document_refresh(ARRAY(SELECT account_id FROM old_rows));
  ELSE
    PERFORM accounts_search_document_refresh(ARRAY(
      SELECT account_id FROM new_rows UNION SELECT account_id FROM old_rows));
  END IF;
  RETURN NULL;
END
$$;
"""


def _triggers(table: str, function: str, events: tuple[str, ...]) -> str:
    """Statement-level AFTER triggers, one per event (each names only its transition tables)."""
    tables = {
        "INSERT": "NEW TABLE AS new_rows",
        "UPDATE": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
        "DELETE": "OLD TABLE AS old_rows",
    }
    return "".join(
        f"CREATE TRIGGER accounts_search_doc_{event.lower()} AFTER {event} ON {table} "
        f"REFERENCING {tables[event]} FOR EACH STATEMENT EXECUTE FUNCTION {function}();\n"
        for event in events
    )


_SOURCES = [
    (
        "accounts_serviceaccount",
        "accounts_search_doc_from_accounts",
        ("INSERT", "UPDATE", "DELETE"),
    ),
    ("accounts_customer", "accounts_search_doc_from_customers", ("UPDATE",)),
    ("field_ops_premise", "accounts_search_doc_from_premises", ("UPDATE",)),
    ("field_ops_meter", "accounts_search_doc_from_meters", ("UPDATE",)),
    (
        "field_ops_meterinstallation",
        "accounts_search_doc_from_installations",
        ("INSERT", "UPDATE", "DELETE"),
    ),
    (
        "accounts_legacyaccountnumber",
        "accounts_search_doc_from_former_numbers",
        ("INSERT", "UPDATE", "DELETE"),
    ),
]

INSTALL = (
    WORDS
    + REFRESH
    + TRIGGER_FUNCTIONS
    + "".join(_triggers(*source) for source in _SOURCES)
    + "SELECT accounts_search_document_refresh(NULL);"
)
UNINSTALL = (
    "".join(
        f"DROP TRIGGER accounts_search_doc_{event.lower()} ON {table};"
        for table, _function, events in _SOURCES
        for event in events
    )
    + "".join(f"DROP FUNCTION {function}();" for _table, function, _events in _SOURCES)
    + "DROP FUNCTION accounts_search_document_refresh(bigint[]);"
    + "DROP FUNCTION accounts_search_words(text);"
)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_legacy_account_numbers_and_conversion_flags"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchDocument",
            fields=[
                (
                    "account",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="search_document",
                        serialize=False,
                        to="accounts.serviceaccount",
                    ),
                ),
                ("number", models.CharField(max_length=12)),
                ("former_number", models.CharField(blank=True, max_length=30)),
                ("status", models.CharField(max_length=15)),
                ("phone", models.CharField(blank=True, max_length=10)),
                ("alternate_phone", models.CharField(blank=True, max_length=10)),
                ("email", models.CharField(blank=True, max_length=254)),
                ("apn", models.CharField(blank=True, max_length=20)),
                (
                    "serials",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.CharField(max_length=30), default=list, size=None
                    ),
                ),
                ("name", models.CharField(max_length=200)),
                ("name_first_last", models.CharField(max_length=200)),
                ("address", models.CharField(max_length=120)),
                ("customer_name", models.CharField(max_length=200)),
                ("service_address", models.CharField(max_length=255)),
                (
                    "customer",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="accounts.customer",
                    ),
                ),
            ],
        ),
        migrations.RunSQL(INSTALL, UNINSTALL),
    ]
