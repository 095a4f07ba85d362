"""The deposit slip: HTML from templates/payments/deposits/slip_pdf.html, printed by the
district's one PDF renderer (district.pdf: tagged PDF/UA-1, the letterhead). Rendered each time it is opened
(a deposit never changes once prepared, so the same slip comes out every time).
"""

from django.conf import settings

from district.pdf import document_html, html_pdf
from payments.deposits.selectors import DepositView

TEMPLATE = "payments/deposits/slip_pdf.html"
# Until the district configures its account (settings.DISTRICT_BANK_ACCOUNT), the slip says
# where to find it rather than print a wrong number.
NO_ACCOUNT = "Account: see bank"


def slip_context(view: DepositView) -> dict:
    deposit = view.deposit
    bank_account = getattr(settings, "DISTRICT_BANK_ACCOUNT", "") or ""
    preparer = deposit.prepared_by
    return {
        "view": view,
        "deposit": deposit,
        "bank_account": f"Account {bank_account}" if bank_account else NO_ACCOUNT,
        "bills": [row for row in view.currency if not row[0].is_coin],
        "coins": [row for row in view.currency if row[0].is_coin],
        "prepared_by": preparer.get_full_name() or preparer.username,
    }


def deposit_slip_html(view: DepositView) -> str:
    """The slip as HTML (what the PDF is printed from; tests read it)."""
    return document_html(TEMPLATE, slip_context(view))


def deposit_slip_pdf(view: DepositView) -> bytes:
    return html_pdf(deposit_slip_html(view))
