"""The welcome letter of a new account, rendered from the district's "welcome" letter template
(accounts.correspondence: edited by the supervisor, in the customer's language or English)
and printed by the district's one PDF renderer.

Rendered when opened (a tenth of a second); letters are not stored, as the account's details
may still change while it is pending.
"""

from accounts.correspondence import selectors as correspondence
from accounts.correspondence.rendering import letter_pdf, letter_render
from accounts.models import Customer, ServiceAccount
from accounts.service_changes import selectors
from field_ops.models import WorkOrder

KEY = "welcome"


def letter_language(customer: Customer) -> str:
    """The customer's language when the welcome letter exists in it, else English."""
    return correspondence.letter_language(KEY, customer.language)


def welcome_facts(account: ServiceAccount) -> dict:
    """The welcome letter's own merge fields: the start, the class, billing and the visit."""
    work_order = selectors.start_order_of(account)
    return {
        "start_date": account.start_date,
        "customer_class": account.get_customer_class_display(),
        "billing_frequency": account.get_billing_frequency_display(),
        "bimonthly": account.billing_frequency == ServiceAccount.BillingFrequency.BIMONTHLY,
        "paperless": account.paperless,
        "turn_on": work_order is not None and work_order.order_type == WorkOrder.Type.TURN_ON,
        "visit_date": work_order.requested_date if work_order else None,
    }


def welcome_letter_html(account: ServiceAccount) -> str:
    """The letter as HTML (what the PDF is printed from; tests read it)."""
    return letter_render(key=KEY, account=account, context_extra=welcome_facts(account)).html


def welcome_letter_pdf(account: ServiceAccount) -> bytes:
    return letter_pdf(key=KEY, account=account, context_extra=welcome_facts(account))
