"""The database FK from field_ops work orders to service accounts (field_ops sits below accounts)."""

from django.db import migrations

FORWARD = """
ALTER TABLE field_ops_workorder
    ADD CONSTRAINT field_ops_workorder_service_account_fk
    FOREIGN KEY (service_account_id) REFERENCES accounts_serviceaccount (id)
    DEFERRABLE INITIALLY DEFERRED;
"""
BACKWARD = """
ALTER TABLE field_ops_workorder DROP CONSTRAINT IF EXISTS field_ops_workorder_service_account_fk;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_ledger_links_and_number_sequence"),
        ("field_ops", "0002_work_orders"),
    ]
    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
