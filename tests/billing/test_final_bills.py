"""Final bills: prorated to the stop date, the deposit applied, a credit refunded through
approval, the account final (closed when settled), and billed once however often it runs."""

import datetime
import uuid
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Deposit, ServiceAccount, StopRequest
from billing import final_bills, tasks
from billing.models import Bill, BillLine
from billing.refunds.kinds import REFUND_KIND
from district import roles
from district.approvals.models import ApprovalRequest
from district.approvals.services import approval_approve
from district.ledger.models import Journal, JournalLine
from district.ledger.purposes import Purpose
from district.ledger.selectors import account_balance
from district.ledger.services import Line, journal_post
from district.services import NIGHTLY_USERNAME
from field_ops.models import WorkOrder
from tests import factories
from tests.accounts.factories import charged_deposit, table_quote

D = datetime.date
TODAY = D(2026, 1, 20)


@pytest.fixture
def clerk(make_user):
    return make_user(roles.CSR_II)


def _lines(journal_id):
    return {
        (line.gl_account.purpose, line.amount, line.service_account_id)
        for line in JournalLine.objects.filter(journal_id=journal_id).select_related("gl_account")
    }


def _pending_final(
    *, start=D(2026, 1, 1), stop=D(2026, 1, 15), used=6, previous_read_on=None, reads=True
):
    """A pending-final account whose final read (used HCF since the read before) is done."""
    premise = factories.PremiseFactory(route="R01")
    installation = factories.MeterInstallationFactory(premise=premise)
    completion = {}
    if reads:
        factories.MeterReadFactory(
            meter=installation.meter, read_on=previous_read_on or start, reading=100
        )
        final_read = factories.MeterReadFactory(
            meter=installation.meter, read_on=stop, reading=100 + used
        )
        completion = {"meter_read_id": final_read.pk}
    account = factories.ServiceAccountFactory(
        premise=premise, start_date=start, status=ServiceAccount.Status.PENDING_FINAL
    )
    order = WorkOrder.objects.create(
        order_type=WorkOrder.Type.FINAL_READ,
        status=WorkOrder.Status.COMPLETED,
        premise=premise,
        service_account_id=account.pk,
        meter=installation.meter,
        requested_date=stop,
        completion=completion,
        completed_at=timezone.now(),
    )
    StopRequest.objects.create(
        account=account,
        stop_date=stop,
        reason=StopRequest.Reason.MOVING,
        forwarding_line1="9 New Rd",
        forwarding_city="Elsewhere",
        forwarding_zip="93000",
        final_read_order=order,
    )
    return account


def _deposit(account, by):
    """A $100-ish deposit charged and paid: held, with nothing owed."""
    ServiceAccount.objects.filter(pk=account.pk).update(status=ServiceAccount.Status.ACTIVE)
    # On the scenario's date: taken on a real today a year after the account's 01/01/2026
    # start, the good-history rule waives the deposit and the payment below is $0.
    quote = table_quote(account, on_date=TODAY, is_owner=account.is_owner)
    deposit = charged_deposit(account, by, quote=quote)
    journal_post(
        kind=Journal.Kind.PAYMENT,
        memo="Deposit paid",
        lines=[
            Line(Purpose.AR_CUSTOMERS, -deposit.amount, account.pk),
            Line(Purpose.CASH_IN_BANK, deposit.amount),
        ],
        by=None,
        idempotency_key=uuid.uuid4().hex,
    )
    ServiceAccount.objects.filter(pk=account.pk).update(status=ServiceAccount.Status.PENDING_FINAL)
    assert account_balance(account.pk) == 0
    return deposit


def test_a_final_bill_is_prorated_posted_and_the_account_made_final(rates, clerk):
    # given an account started 01/01 and stopped 01/15 (15 days of a monthly schedule)
    account = _pending_final(used=6)
    # when
    (bill,) = final_bills.final_bills_run(by=clerk, on_date=TODAY)
    # then
    bill.refresh_from_db()
    assert bill.kind == Bill.Kind.FINAL and bill.status == Bill.Status.POSTED
    assert (bill.period_start, bill.period_end) == (D(2026, 1, 1), D(2026, 1, 15))
    assert bill.consumption == Decimal("6.00")
    assert bill.number.startswith("F2601-")
    lines = list(BillLine.objects.filter(bill=bill))
    assert sum(line.amount for line in lines) == bill.current_charges > 0
    # worked by hand: half of each monthly charge (15/30 days), tiers halved, use at full rate
    assert sorted((line.amount, line.proration_note) for line in lines) == sorted(
        [
            (Decimal("16.08"), "prorated 15/30 days"),  # service $32.15 x 15/30 = 16.075
            (Decimal("18.38"), ""),  # tier 1 (4 of 8 HCF): 4 x $4.5960
            (Decimal("11.63"), ""),  # tier 2: 2 x $5.8125 = 11.625
            (Decimal("2.13"), "prorated 15/30 days"),  # surcharge $4.25 x 15/30
            (Decimal("14.20"), "prorated 15/30 days"),  # sewer fixed $28.40 x 15/30
            (Decimal("18.75"), ""),  # sewer 6 HCF x $3.125
        ]
    )
    assert bill.current_charges == Decimal("81.17")
    journal = Journal.objects.get(pk=bill.journal_id)
    assert journal.kind == Journal.Kind.BILL and journal.idempotency_key == f"bill:{bill.pk}"
    assert (Purpose.AR_CUSTOMERS, bill.current_charges, account.pk) in _lines(journal.pk)
    assert bill.amount_due == account_balance(account.pk) == bill.current_charges
    account.refresh_from_db()
    assert account.status == ServiceAccount.Status.FINAL  # owes: final, not closed
    assert account.end_date == D(2026, 1, 15)
    assert rates.__class__.objects.get(pk=rates.pk).locked


def test_the_period_starts_the_day_after_the_last_posted_bill(rates, clerk):
    # given a posted bill through 01/31 and a stop on 02/10
    account = _pending_final(
        start=D(2025, 6, 1), stop=D(2026, 2, 10), previous_read_on=D(2026, 1, 31)
    )
    journal = journal_post(
        kind=Journal.Kind.BILL,
        memo="January",
        lines=[
            Line(Purpose.AR_CUSTOMERS, Decimal("50.00"), account.pk),
            Line(Purpose.WATER_SALES_FIXED, Decimal("-50.00")),
        ],
        by=None,
        idempotency_key=uuid.uuid4().hex,
    )
    Bill.objects.create(
        account=account,
        status=Bill.Status.POSTED,
        number="B2601-1-000001",
        period_start=D(2026, 1, 1),
        period_end=D(2026, 1, 31),
        bill_date=D(2026, 2, 3),
        due_date=D(2026, 2, 24),
        current_charges=Decimal("50.00"),
        amount_due=Decimal("50.00"),
        journal_id=journal.pk,
    )
    # when
    (bill,) = final_bills.final_bills_run(by=clerk, on_date=D(2026, 2, 12))
    # then
    assert (bill.period_start, bill.period_end) == (D(2026, 2, 1), D(2026, 2, 10))
    assert bill.previous_balance == Decimal("50.00")
    assert bill.amount_due == Decimal("50.00") + bill.current_charges


def test_the_deposit_is_applied_and_the_credit_goes_to_a_refund_approval(rates, clerk, supervisor):
    # given a paid deposit larger than the final bill
    account = _pending_final(used=2)
    deposit = _deposit(account, clerk)
    # when
    (bill,) = final_bills.final_bills_run(by=clerk, on_date=TODAY)
    # then the deposit paid the bill and the rest is a credit waiting for approval
    deposit.refresh_from_db()
    assert deposit.status == Deposit.Status.APPLIED
    credit = deposit.amount - bill.current_charges
    assert credit > 0
    assert account_balance(account.pk) == -credit
    bill.refresh_from_db()
    assert bill.amount_due == -credit
    request = ApprovalRequest.objects.get(kind=REFUND_KIND)
    assert request.amount == credit and request.requested_by == clerk
    account.refresh_from_db()
    assert account.status == ServiceAccount.Status.FINAL
    # when a supervisor approves the refund
    approved = approval_approve(request_id=request.pk, by=supervisor)
    # then the credit moves to refunds payable and the settled account closes
    assert _lines(approved.result["journal_id"]) == {
        (Purpose.AR_CUSTOMERS, credit, account.pk),
        (Purpose.REFUNDS_PAYABLE, -credit, None),
    }
    assert account_balance(account.pk) == 0
    account.refresh_from_db()
    assert account.status == ServiceAccount.Status.CLOSED


def test_running_twice_bills_once(rates, clerk):
    # given
    account = _pending_final()
    _deposit(account, clerk)
    final_bills.final_bills_run(by=clerk, on_date=TODAY)
    counts = (Bill.objects.count(), Journal.objects.count(), ApprovalRequest.objects.count())
    # when
    again = final_bills.final_bills_run(by=clerk, on_date=TODAY)
    again_for_account = final_bills.final_bill_for_account(
        account_id=account.pk, by=clerk, on_date=TODAY
    )
    # then
    assert again == []
    assert again_for_account == Bill.objects.get(account=account)
    assert (
        Bill.objects.count(),
        Journal.objects.count(),
        ApprovalRequest.objects.count(),
    ) == counts


def test_an_account_without_a_final_read_stays_in_the_queue(rates, clerk):
    # given a final read order completed without a read on record
    account = _pending_final(reads=False)
    before = (Bill.objects.count(), Journal.objects.count())
    # when
    bills = final_bills.final_bills_run(by=clerk, on_date=TODAY)
    # then
    assert bills == []
    assert (Bill.objects.count(), Journal.objects.count()) == before
    account.refresh_from_db()
    assert account.status == ServiceAccount.Status.PENDING_FINAL


def test_the_nightly_task_files_requests_as_the_nightly_user(rates, clerk):
    # given
    account = _pending_final(used=2)
    _deposit(account, clerk)
    # when
    (bill_id,) = tasks.final_bills_run.delay(TODAY.isoformat()).get()
    # then
    assert Bill.objects.get(pk=bill_id).account_id == account.pk
    request = ApprovalRequest.objects.get(kind=REFUND_KIND)
    assert request.requested_by.username == NIGHTLY_USERNAME
