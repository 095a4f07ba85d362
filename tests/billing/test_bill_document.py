"""The bill document: figures from the ledger, the PDF and its HTML, stored once, drafts."""

import datetime
from decimal import Decimal
from unittest import mock

import pytest

from billing.documents import pdf as bill_pdf_module
from billing.documents.pdf import bill_pdf, bill_pdf_file, bill_pdf_html
from billing.documents.scan_line import parse_scan_line
from billing.documents.selectors import bill_document, bill_for_document
from billing.models import Bill
from tests.billing.factories import account_with_meter, make_bill, monthly_history
from tests.factories import post_credit, post_payment

pytestmark = pytest.mark.django_db

TWELVE_MONTHS = [(2025, month, "8") for month in range(1, 13)]


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _history_then_bill(consumption="9", *, estimated=False, status=Bill.Status.POSTED):
    account, meter = account_with_meter()
    history = monthly_history(account, meter, months=TWELVE_MONTHS)
    post_payment(account, "40.00", datetime.date(2026, 1, 10), memo="Check 1042")
    post_credit(account, "5.00", datetime.date(2026, 1, 12))
    last_reading = history[-1].current_read.reading
    bill = make_bill(
        account,
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 1, 31),
        consumption=Decimal(consumption),
        meter=meter,
        reading=last_reading + Decimal(consumption),
        previous_read=history[-1].current_read,
        estimated=estimated,
        status=status,
    )
    return account, history, bill


def test_document_figures_add_up_from_the_ledger():
    # given twelve posted bills, then a payment and a credit, then this bill
    account, history, bill = _history_then_bill("9")
    # when
    document = bill_document(bill_for_document(bill.pk))
    # then: previous balance is the balance right after the last bill
    assert document.previous_bill == history[-1]
    assert document.previous_balance == history[-1].amount_due
    assert [line.amount for line in document.payments] == [Decimal("-40.00")]
    assert [line.amount for line in document.adjustments] == [Decimal("-5.00")]
    assert document.balance_forward == history[-1].amount_due - Decimal("45.00")
    assert document.amount_due == document.balance_forward + bill.current_charges
    assert document.amount_due == bill.amount_due
    assert document.days == 31
    assert parse_scan_line(document.scan_line).amount == bill.amount_due
    assert parse_scan_line(document.scan_line).account_number == account.number
    assert [message.key for message in document.messages] == []


def test_estimated_and_high_use_messages():
    # given 8 HCF a month for a year, then an estimated 20 HCF
    _account, _history, bill = _history_then_bill("20", estimated=True)
    # when
    document = bill_document(bill_for_document(bill.pk))
    # then: 20 > 2 x (8 HCF/month over 31 days)
    assert document.typical_use is not None
    assert [message.key for message in document.messages] == ["estimated", "high_use"]


def test_html_has_the_scan_line_lines_amount_due_and_chart_table():
    _account, _history, bill = _history_then_bill("12")
    document = bill_document(bill_for_document(bill.pk))
    # when
    html = bill_pdf_html(bill_for_document(bill.pk))
    # then
    assert document.scan_line in html
    assert "Tier 1 (0-10 HCF)" in html and "Tier 2 (over 10 HCF)" in html
    assert "Service charge, 5/8 in. meter" in html
    assert f"${bill.amount_due:,.2f}" in html
    assert 'class="chart-table"' in html
    assert 'alt="Bar chart of water use by month' in html
    assert 'lang="en"' in html
    # the 13 months of the chart, January 2025 to January 2026, with the numbers
    assert "Jan 25" in html and "Jan 26" in html
    assert "12.00" in html  # this month's use in the chart table
    assert "Check 1042" in html and "Goodwill credit" in html
    assert "DRAFT" not in html


def test_the_bill_writes_its_dates_mm_dd_yyyy():
    _account, _history, bill = _history_then_bill("12")
    # when
    html = bill_pdf_html(bill_for_document(bill.pk))
    # then: the bill date, the due date and the period as on every other page
    assert f"{bill.bill_date:%m/%d/%Y}" in html
    assert f"{bill.due_date:%m/%d/%Y}" in html
    assert f"{bill.period_start:%m/%d/%Y} to {bill.period_end:%m/%d/%Y}" in html
    assert f"{bill.due_date:%B} {bill.due_date.day}, " not in html


def test_pdf_renders():
    _account, _history, bill = _history_then_bill("9")
    content = bill_pdf(bill_for_document(bill.pk))
    assert content.startswith(b"%PDF")


def test_posted_bill_pdf_is_stored_once(media_root):
    # given a posted bill without a stored PDF
    _account, _history, bill = _history_then_bill("9")
    # when it is opened twice
    with mock.patch.object(bill_pdf_module, "bill_pdf", wraps=bill_pdf_module.bill_pdf) as render:
        first = bill_pdf_file(bill_for_document(bill.pk))
        second = bill_pdf_file(bill_for_document(bill.pk))
    # then it rendered once, was stored, and the second open served the stored file
    assert render.call_count == 1
    assert first == second and first.startswith(b"%PDF")
    bill.refresh_from_db()
    assert bill.pdf.name.startswith("bills/")
    assert (media_root / bill.pdf.name).read_bytes() == first


def test_concurrent_first_open_keeps_the_first_stored_file(media_root):
    # given a posted bill whose PDF someone else stored while this request rendered
    _account, _history, bill = _history_then_bill("9")
    loaded = bill_for_document(bill.pk)
    first = bill_pdf_file(bill_for_document(bill.pk))
    stored_name = Bill.objects.get(pk=bill.pk).pdf.name
    # when the stale copy (no pdf yet) is opened
    assert not loaded.pdf
    served = bill_pdf_file(loaded)
    # then the stored file is served and not replaced; the extra render left no file behind
    assert Bill.objects.get(pk=bill.pk).pdf.name == stored_name
    assert served == first
    assert sorted(path.name for path in media_root.rglob("*.pdf")) == [
        stored_name.rsplit("/", 1)[-1]
    ]


def test_draft_is_watermarked_and_not_stored(media_root):
    # given a calculated (not posted) bill
    _account, _history, bill = _history_then_bill("9", status=Bill.Status.CALCULATED)
    # when
    html = bill_pdf_html(bill_for_document(bill.pk))
    content = bill_pdf_file(bill_for_document(bill.pk))
    # then
    assert "DRAFT" in html
    assert content.startswith(b"%PDF")
    bill.refresh_from_db()
    assert not bill.pdf
    assert list(media_root.rglob("*.pdf")) == []


def test_document_query_count(django_assert_num_queries):
    _account, _history, bill = _history_then_bill("9")
    # bill + lines, earlier bills, statement, the previous bill sent, the bill's deposit
    # installment journals, a payment arrangement's installments, installations, reads,
    # deposit installments left
    with django_assert_num_queries(10):
        bill_document(bill_for_document(bill.pk))
