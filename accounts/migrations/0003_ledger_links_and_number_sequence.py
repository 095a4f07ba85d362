"""Database links the Python layers cannot declare, and the account number sequence.

The ledger sits below accounts, so its service_account_id columns are plain integers in Python;
here accounts adds the foreign-key constraints, so the database still refuses a line for an
account that does not exist. Account numbers come from a sequence (no check-then-insert).
"""

from django.db import migrations

FORWARD = """
ALTER TABLE ledger_journalline
    ADD CONSTRAINT ledger_journalline_service_account_fk
    FOREIGN KEY (service_account_id) REFERENCES accounts_serviceaccount (id)
    DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE ledger_accountbalance
    ADD CONSTRAINT ledger_accountbalance_service_account_fk
    FOREIGN KEY (service_account_id) REFERENCES accounts_serviceaccount (id)
    DEFERRABLE INITIALLY DEFERRED;
CREATE SEQUENCE IF NOT EXISTS accounts_account_number_seq START WITH 1000001;
"""

BACKWARD = """
ALTER TABLE ledger_journalline DROP CONSTRAINT IF EXISTS ledger_journalline_service_account_fk;
ALTER TABLE ledger_accountbalance DROP CONSTRAINT IF EXISTS ledger_accountbalance_service_account_fk;
DROP SEQUENCE IF EXISTS accounts_account_number_seq;
"""


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_initial"), ("ledger", "0002_chart_of_accounts")]
    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
