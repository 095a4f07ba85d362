"""Money on bills reads $48.90 (never $48.9), rates keep their own decimals ($4.596), and
units read naturally (1 month, 2 months, 30 days, 1 HCF): pages, the PDF's HTML and emails."""

import datetime
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from billing.documents.pdf import bill_pdf_html
from billing.documents.selectors import bill_for_document
from district import roles
from district.money import format_rate
from district.quantities import quantity_text
from district.templatetags.money import money, quantity, rate
from tests.billing.factories import account_with_meter, make_bill

pytestmark = pytest.mark.django_db

LINES = [
    ("service", "service", "Water service charge, 1 in. meter: 2 months x $48.90", Decimal(2),
     Decimal("48.900000"), Decimal("97.80")),
    ("water.tier1", "water", "Water use: 1 HCF x $4.5960", Decimal("1.0000"),
     Decimal("4.596000"), Decimal("4.60")),
    ("surcharge.capital", "surcharge", "Capital improvement surcharge", Decimal(1),
     Decimal("48.9"), Decimal("48.9")),
]  # fmt: skip


def test_filters():
    assert money(Decimal("48.9")) == "$48.90"
    assert money(Decimal("-1234.5")) == "-$1,234.50"
    assert money(None) == ""
    assert rate(Decimal("48.900000")) == "$48.90"
    assert rate(Decimal("4.596000")) == "$4.596"
    assert rate(Decimal("1569.61")) == "$1,569.61"
    assert format_rate(Decimal("5")) == "$5.00"
    assert quantity(Decimal(2), "month") == "2 months"
    assert quantity(Decimal("1.0000"), "month") == "1 month"
    assert quantity(30, "day") == "30 days"
    assert quantity(Decimal("1.0000"), "HCF") == "1 HCF"
    assert quantity(Decimal("12.50"), "HCF") == "12.5 HCF"
    assert quantity(Decimal(1), "two_months") == "1 two-month period"
    assert quantity_text(Decimal("120.5"), "$") == "$120.50"


@pytest.fixture
def bill():
    account, _meter = account_with_meter()
    return make_bill(account, period_start=datetime.date(2026, 1, 1),
                     period_end=datetime.date(2026, 2, 28), consumption=Decimal("1"),
                     lines=LINES)  # fmt: skip


def _assert_reads_naturally(html: str) -> None:
    assert "$48.90" in html
    assert "$48.9<" not in html and "$48.9 " not in html
    assert "$4.596" in html and "$4.596000" not in html
    assert "2 months" in html and "2 month<" not in html
    assert "1 HCF" in html
    assert "59 days" in html


def test_staff_and_portal_pages_and_the_pdf_print_two_decimals(bill, client_for):
    # given a bill whose lines carry 48.9 (a rate and an amount) and a 4.596 rate
    staff = client_for(roles.CSR_I).get(reverse("billing:bill_detail", args=[bill.pk]))
    # when / then
    _assert_reads_naturally(staff.content.decode())
    _assert_reads_naturally(bill_pdf_html(bill_for_document(bill.pk)))
    assert "$151.30" in staff.content.decode()  # 97.80 + 4.60 + 48.90


def test_bill_ready_email_prints_two_decimals(bill):
    bill.amount_due = Decimal("48.9")
    context = {"bill": bill, "account": bill.account, "customer": bill.account.customer,
               "link": "https://example.test/bills/1"}  # fmt: skip
    for name in ("billing/emails/bill_ready.txt", "billing/emails/bill_ready.html"):
        text = render_to_string(name, context)
        assert "$48.90" in text and "$48.9\n" not in text
