"""URL builders and POST-only names of the integrations (merged by the access matrix)."""

from tests import factories

SAMPLE_KWARGS = {
    "account_number": lambda: factories.ServiceAccountFactory().number,
    "token_id": lambda: 1,
}
POST_ONLY = {
    "integrations:token_revoke",
    "integrations:api_payments",
    "integrations:api_read_imports",
    "integrations:api_work_order_status",
    "integrations:api_work_order_complete",
    "integrations:api_processor_notifications",
}
