import datetime
from decimal import Decimal

import pytest

from billing.arrangements.models import Arrangement
from billing.documents.pdf import bill_pdf_html
from billing.documents.selectors import bill_document, bill_for_document
from tests.arrangements.factories import active_arrangement
from tests.billing.factories import account_with_meter, make_bill
from tests.factories import post_bill, post_payment

pytestmark = pytest.mark.django_db
D = datetime.date
SIX = [(D(2027, month, 15), Decimal("45.00")) for month in range(2, 8)]


@pytest.fixture
def arranged_bill():
    # given: $270 past due in six $45 installments from Feb 15; the first paid on Feb 10
    account, _meter = account_with_meter()
    post_bill(account, Decimal("270.00"), D(2027, 1, 5))
    active_arrangement(account, rows=SIX, arranged_on=D(2027, 1, 10))
    post_payment(account, Decimal("45.00"), D(2027, 2, 10))
    # a bill of $70.00 for February, dated Mar 5: the next bill comes about Apr 2
    return make_bill(
        account, period_start=D(2027, 2, 1), period_end=D(2027, 2, 28), consumption=Decimal(10)
    )


def test_the_bill_shows_the_installment_due_and_not_the_whole_arranged_balance(arranged_bill):
    # when
    document = bill_document(bill_for_document(arranged_bill.pk))
    html = bill_pdf_html(bill_for_document(arranged_bill.pk))
    # then
    assert document.current_charges == Decimal("70.00")
    assert [(line.text, line.amount) for line in document.arrangement_lines] == [
        ("Payment arrangement: installment 2 of 6, due Mar 15, 2027", Decimal("45.00"))
    ]
    assert document.arranged_not_yet_due == Decimal("180.00")
    assert document.amount_due == Decimal("115.00")  # $70.00 current + $45.00 installment
    assert document.balance_forward == Decimal("225.00")
    assert "Payment arrangement: installment 2 of 6, due Mar 15, 2027: $45.00" in html
    assert "-$180.00" in html
    assert "$115.00" in html


def test_a_late_installment_stays_on_the_bill(arranged_bill):
    # given: a second bill a month later, the March installment still unpaid
    later = make_bill(
        arranged_bill.account,
        period_start=D(2027, 3, 1),
        period_end=D(2027, 3, 31),
        consumption=Decimal(10),
    )
    # when
    document = bill_document(bill_for_document(later.pk))
    # then
    assert [(line.text, line.amount, line.late) for line in document.arrangement_lines] == [
        ("Payment arrangement: installment 2 of 6, was due Mar 15, 2027", Decimal("45.00"), True),
        ("Payment arrangement: installment 3 of 6, due Apr 15, 2027", Decimal("45.00"), False),
    ]
    assert document.amount_due == Decimal("230.00")  # $140.00 of bills + two installments


def test_a_defaulted_arrangement_leaves_the_whole_balance_due(arranged_bill):
    Arrangement.objects.update(status=Arrangement.Status.DEFAULTED, ended_on=D(2027, 3, 1))
    document = bill_document(bill_for_document(arranged_bill.pk))
    assert document.arrangement_lines == []
    assert document.amount_due == Decimal("295.00")
