"""The one rule that turns a bill into journal lines (billing.bill_runs.journal_lines), and a
bill run's chunk refused whole when one of its bills breaks it."""

from decimal import Decimal

import pytest

from billing.bill_runs import posting, services
from billing.bill_runs.journal_lines import REVENUE_BY_CATEGORY, bill_journal_lines
from billing.models import Bill, BillException, BillLine
from district.errors import ServiceError
from district.ledger.models import Journal, JournalLine
from district.ledger.purposes import Purpose
from district.ledger.selectors import ledger_problems
from tests.billing.factories import bill_run_calculated, metered_account

AR = Purpose.AR_CUSTOMERS.value


def _lines(*lines) -> list[tuple[str, Decimal]]:
    return [(category, Decimal(amount)) for category, amount in lines]


def test_the_rule_debits_the_total_and_credits_each_gl_account_once():
    # given service and minimum charges sharing a GL account, a credit, a sewer charge, a
    # surcharge that nets to nothing, and a deposit installment
    lines = _lines(
        ("service", "12.00"),
        ("minimum", "3.50"),
        ("water", "40.25"),
        ("sewer", "20.00"),
        ("credit", "-5.00"),
        ("surcharge", "1.10"),
        ("surcharge", "-1.10"),
        ("deposit", "25.00"),
    )
    # when
    journal = bill_journal_lines(account_id=7, lines=lines, total=Decimal("95.75"))
    # then: the receivable first (the total less the installment), then the credits by GL
    # account in order, the one summing to nothing left out
    assert [(line.gl, line.amount, line.service_account_id) for line in journal] == [
        (AR, Decimal("70.75"), 7),
        (Purpose.PROGRAM_CREDITS.value, Decimal("5.00"), None),
        (Purpose.SEWER.value, Decimal("-20.00"), None),
        (Purpose.WATER_SALES_FIXED.value, Decimal("-15.50"), None),
        (Purpose.WATER_SALES_VOLUMETRIC.value, Decimal("-40.25"), None),
    ]


def test_a_bill_that_nets_to_nothing_by_gl_account_has_no_lines():
    assert bill_journal_lines(account_id=7, lines=[]) == []
    assert bill_journal_lines(account_id=7, lines=_lines(("sewer", "0.00"))) == []
    assert bill_journal_lines(account_id=7, lines=_lines(("water", "4"), ("water", "-4"))) == []
    # a $0.00 bill whose charges fall on two GL accounts still moves them
    netted = bill_journal_lines(account_id=7, lines=_lines(("water", "4.00"), ("credit", "-4.00")))
    assert [(line.gl, line.amount) for line in netted] == [
        (Purpose.PROGRAM_CREDITS.value, Decimal("4.00")),
        (Purpose.WATER_SALES_VOLUMETRIC.value, Decimal("-4.00")),
    ]


def test_every_category_has_a_gl_account():
    journal = bill_journal_lines(
        account_id=7, lines=_lines(*((category, "1.00") for category in REVENUE_BY_CATEGORY))
    )
    assert journal[0] == (AR, Decimal(len(REVENUE_BY_CATEGORY)), 7, "")


def test_a_line_without_a_gl_account_or_lines_off_the_total_are_refused():
    with pytest.raises(ServiceError, match="Bill 9 has a “bottled” line that no GL account"):
        bill_journal_lines(
            account_id=7, lines=_lines(("water", "4.00"), ("bottled", "2.00")), bill_label="Bill 9"
        )
    with pytest.raises(ServiceError, match="The final bill's lines do not add up to its total"):
        bill_journal_lines(
            account_id=7,
            lines=_lines(("water", "4.00"), ("deposit", "1.00")),
            total=Decimal("4.01"),
            bill_label="The final bill",
        )


def test_a_chunk_with_a_bill_it_cannot_post_is_refused_whole(rates, period, biller):
    # given a calculated run of three accounts, one bill given a line no GL account takes
    for _ in range(3):
        metered_account()
    run = bill_run_calculated(period, biller)
    for exception in BillException.objects.filter(run=run, blocking=True):
        services.bill_exception_accept(exception_id=exception.pk, by=biller)
    bad = Bill.objects.filter(run=run).order_by("pk").last()
    BillLine.objects.filter(bill=bad).update(category="bottled")
    # when / then: refused, naming the bill, and no bill of the chunk posted
    with pytest.raises(ServiceError, match=f"Bill {bad.pk} has a “bottled” line"):
        posting.post_chunk(run=run, by=biller)
    assert not Bill.objects.filter(run=run, status=Bill.Status.POSTED).exists()
    assert Journal.objects.count() == JournalLine.objects.count() == 0
    assert ledger_problems() == []
