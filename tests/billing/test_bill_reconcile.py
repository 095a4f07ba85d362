"""Every bill reconciles: previous balance + payments + adjustments + current charges is the
ledger balance on the bill date, over a demo district billed by real bill runs."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Sum

from accounts.models import ServiceAccount
from billing.bill_runs import services as bill_runs
from billing.calendar.services import period_schedule, periods_generate
from billing.documents.selectors import bill_document, bill_for_document
from billing.models import Bill, BillingCycle, BillingPeriod
from district.ledger.models import Journal, JournalLine
from district.ledger.purposes import Purpose
from district.ledger.services import Line, journal_post

pytestmark = pytest.mark.django_db

AS_OF = datetime.date(2026, 6, 30)  # the demo's read history ends here
FIRST_PERIOD = datetime.date(2026, 2, 1)


def _ledger_balance(account_id: int, on: datetime.date) -> Decimal:
    """Independently of the bill document: the receivable lines dated on or before `on`."""
    total = JournalLine.objects.filter(
        service_account_id=account_id,
        gl_account__purpose=Purpose.AR_CUSTOMERS,
        effective_date__lte=on,
    ).aggregate(total=Sum("amount"))["total"]
    return total or Decimal("0.00")


def _post(kind, account_id, amount, on, key, other_gl=Purpose.CASH_IN_BANK):
    return journal_post(
        kind=kind,
        memo=f"{kind} {key}",
        lines=[
            Line(Purpose.AR_CUSTOMERS, Decimal(amount), service_account_id=account_id),
            Line(other_gl, -Decimal(amount)),
        ],
        by=None,
        idempotency_key=f"reconcile-{key}",
        effective_date=on,
    )


def _bill_the_history(by):
    """Bill runs for the demo's past months the seed did not bill, oldest first; then payments,
    part payments with a late fee, and an opening balance written after a first bill."""
    for cycle in BillingCycle.objects.all():
        if not cycle.periods.filter(period_start__lte=AS_OF).exists():
            periods_generate(cycle=cycle, start=FIRST_PERIOD, through=AS_OF, by=by)
    periods = BillingPeriod.objects.filter(period_end__lte=AS_OF).exclude(
        status=BillingPeriod.Status.BILLED
    )
    for period in periods.order_by("bill_date", "id"):
        if period.status == BillingPeriod.Status.PLANNED:
            period_schedule(period=period, by=by)
        run = bill_runs.bill_run_create(period=period, by=by)
        bill_runs.bill_run_calculate(run_id=run.pk)
        bill_runs.bill_run_post(run_id=run.pk, by=by, override_reason="Demo history")
        bill_runs.bill_run_post_bills(run_id=run.pk, by=by)
    posted = Bill.objects.filter(status=Bill.Status.POSTED, current_charges__gt=0)
    for number, bill in enumerate(posted.order_by("bill_date", "id")):
        paid_on = bill.bill_date + datetime.timedelta(days=10)
        if number % 3 == 0:  # paid in full
            _post(Journal.Kind.PAYMENT, bill.account_id, -bill.current_charges, paid_on,
                  f"pay-{bill.pk}")  # fmt: skip
        elif number % 3 == 1:  # part paid, and a late fee
            _post(Journal.Kind.PAYMENT, bill.account_id, "-10.00", paid_on, f"part-{bill.pk}")
            _post(Journal.Kind.FEE, bill.account_id, "5.00", paid_on, f"fee-{bill.pk}",
                  other_gl=Purpose.FEES_LATE)  # fmt: skip
    # Written after every bill posted, dated on an account's first bill date: that bill's date
    # already counts it, so the account's next bill must not show it again.
    first = posted.order_by("bill_date", "id").first()
    _post(Journal.Kind.OPENING_BALANCE, first.account_id, "42.10", first.bill_date,
          f"opening-{first.pk}", other_gl=Purpose.WATER_SALES_FIXED)  # fmt: skip


@pytest.fixture
def billed_district():
    call_command("seed_demo", "--accounts", "12", "--years", "1", "--seed", "7",
                 "--as-of", AS_OF.isoformat())  # fmt: skip
    call_command("seed_billing_demo")
    by = get_user_model().objects.get(username="demo-supervisor")
    _bill_the_history(by)
    return by


def test_every_demo_bill_reconciles_with_the_ledger(billed_district):
    # given a demo district with months of posted bills, payments, fees and opening balances
    bills = list(Bill.objects.filter(status=Bill.Status.POSTED).order_by("account_id", "bill_date"))
    assert len(bills) > 20
    assert {bill.account_id for bill in bills} >= set(
        ServiceAccount.objects.filter(status="active").values_list("id", flat=True)[:5]
    )
    # when / then: every bill's summary adds up to the books on its bill date
    for bill in bills:
        document = bill_document(bill_for_document(bill.pk))
        ledger = _ledger_balance(bill.account_id, bill.bill_date)
        activity = document.payments_total + document.adjustments_total + document.current_charges
        assert document.previous_balance + activity == ledger, bill
        assert document.amount_due == ledger, bill
        assert document.balance_forward + document.current_charges == document.amount_due
        if document.previous_bill is not None:
            assert document.previous_balance == _ledger_balance(
                bill.account_id, document.previous_bill.bill_date
            )
        # activity lies strictly after the previous bill's date, up to this bill's
        since = document.previous_bill.bill_date if document.previous_bill else datetime.date.min
        for line in document.payments + document.adjustments:
            assert since < line.date <= bill.bill_date, bill


def test_an_opening_balance_before_the_last_bill_is_not_activity_again(billed_district):
    # given an opening balance written after an account's first bill, dated on its bill date
    opening = Journal.objects.get(kind=Journal.Kind.OPENING_BALANCE, memo__contains="opening-")
    account_id = opening.lines.exclude(service_account_id=None).get().service_account_id
    first, second = Bill.objects.filter(account_id=account_id, status="posted").order_by(
        "bill_date"
    )[:2]
    # when
    document = bill_document(bill_for_document(second.pk))
    # then: counted in the previous balance, not among the second bill's adjustments
    assert document.previous_bill == first
    assert opening.pk not in {line.journal_id for line in document.adjustments}
    assert document.previous_balance == _ledger_balance(account_id, first.bill_date)
