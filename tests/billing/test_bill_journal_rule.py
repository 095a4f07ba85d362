"""The one rule that turns a bill into journal lines (billing.bill_runs.journal_lines): a bill
run's chunk posts by it in one statement, a single bill reads its lines by the same SELECT, and
a bill the rule cannot post is refused with nothing written."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection

from billing.bill_runs import posting, services
from billing.bill_runs.journal_lines import (
    REVENUE_BY_CATEGORY,
    bill_journal_lines,
    bill_journal_lines_selected,
    check_bill_lines,
    line_summaries,
)
from billing.models import Bill, BillException, BillLine
from district.errors import ServiceError
from district.ledger.models import Journal, JournalLine
from district.ledger.purposes import Purpose
from district.ledger.selectors import ledger_problems
from tests.billing.factories import bill_run_calculated, metered_account

AR = Purpose.AR_CUSTOMERS.value


def _bill(lines, *, total=None, account=None) -> Bill:
    """A calculated bill with lines [(category, amount)], of a new account unless given."""
    account = account or metered_account()
    amounts = [Decimal(amount) for _category, amount in lines]
    bill = Bill.objects.create(
        account=account,
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 1, 31),
        bill_date=datetime.date(2026, 2, 3),
        due_date=datetime.date(2026, 2, 24),
        current_charges=sum(amounts, Decimal(0)) if total is None else Decimal(total),
    )
    BillLine.objects.bulk_create(
        BillLine(
            bill=bill,
            position=position,
            code=f"{category}.{position}",
            category=category,
            description=category,
            amount=amount,
        )
        for position, ((category, _), amount) in enumerate(zip(lines, amounts), start=1)
    )
    return bill


def test_the_rule_debits_the_total_and_credits_each_gl_account_once(db):
    # given a bill whose service and minimum charges share a GL account, a credit, a sewer
    # charge, a surcharge that nets to nothing, and a deposit installment
    account = metered_account()
    bill = _bill(
        account=account,
        lines=[
            ("service", "12.00"),
            ("minimum", "3.50"),
            ("water", "40.25"),
            ("sewer", "20.00"),
            ("credit", "-5.00"),
            ("surcharge", "1.10"),
            ("surcharge", "-1.10"),
            ("deposit", "25.00"),
        ],
    )
    # when / then: the receivable first (the total less the installment), then the credits by
    # GL account in order, the one summing to nothing left out
    assert [(line.gl, line.amount, line.service_account_id) for line in bill_journal_lines(bill)] == [
        (AR, Decimal("70.75"), account.pk),
        (Purpose.PROGRAM_CREDITS.value, Decimal("5.00"), None),
        (Purpose.SEWER.value, Decimal("-20.00"), None),
        (Purpose.WATER_SALES_FIXED.value, Decimal("-15.50"), None),
        (Purpose.WATER_SALES_VOLUMETRIC.value, Decimal("-40.25"), None),
    ]  # fmt: skip


def test_a_bill_that_nets_to_nothing_by_gl_account_has_no_lines(db):
    assert bill_journal_lines(_bill([])) == []
    assert bill_journal_lines(_bill([("sewer", "0.00")])) == []
    assert bill_journal_lines(_bill([("water", "4.00"), ("water", "-4.00")])) == []
    # a $0.00 bill whose charges fall on two GL accounts still moves them
    netted = bill_journal_lines(_bill([("water", "4.00"), ("credit", "-4.00")]))
    assert [(line.gl, line.amount) for line in netted] == [
        (Purpose.PROGRAM_CREDITS.value, Decimal("4.00")),
        (Purpose.WATER_SALES_VOLUMETRIC.value, Decimal("-4.00")),
    ]


def test_every_category_has_a_gl_account_and_the_selection_names_the_bill(db):
    account = metered_account()
    bill = _bill([(category, "1.00") for category in REVENUE_BY_CATEGORY], account=account)
    selected = bill_journal_lines_selected([bill.pk], key_prefix="final:")
    with connection.cursor() as cursor:
        cursor.execute(selected.sql, selected.params)
        rows = cursor.fetchall()
    assert {row[0] for row in rows} == {f"final:{bill.pk}"}
    assert {row[1] for row in rows} == {str(bill.pk)}
    assert rows[0][2:5] == (AR, Decimal("7.00"), account.pk)


def test_a_line_without_a_gl_account_or_lines_off_the_total_are_refused(db):
    odd = _bill([("water", "4.00"), ("bottled", "2.00")])
    off = _bill([("water", "4.00")], total="4.01")
    with connection.cursor() as cursor:
        summaries = line_summaries(cursor, [odd.pk, off.pk])
    with pytest.raises(ServiceError, match=f"Bill {odd.pk} has a “bottled” line"):
        check_bill_lines(summaries)
    with pytest.raises(ServiceError, match="The final bill's lines do not add up to its total"):
        bill_journal_lines(off, label="The final bill")
    assert bill_journal_lines(off, totals=False)[0].amount == Decimal("4.00")


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
