"""Final bills: billing's step of the stop-service queue (DESIGN.md, "state plus a queue").

For each account in accounts' awaiting_final_bill() (pending final, final read done), in one
transaction per account:
  1. a final bill from the day after the last posted bill's period end (or the account's start)
     to the stop date, priced by the rate engine (which prorates the partial period by days)
     from the read before and the final read; posted with one journal of kind "bill"
     (key "bill:<id>", lines by billing.bill_runs.journal_lines, as a bill run's) and numbered
     F<yymm of the stop>-<bill id>;
  2. the held deposit applied to it (accounts' deposit_apply_to_final_bill);
  3. the account moved to final on the stop date;
  4. a credit left over (the deposit was more than owed) filed for approval as a refund of
     the credit (billing.refunds, the same request the counter files), whose approval posts
     debit ar_customers / credit refunds_payable and closes the account; with nothing owed
     either way the account is closed at once.
An account already billed through its stop date gets no bill; steps 2 to 4 still run.
Running it again bills nobody twice: the account has left the queue (it is final), and a live
final bill of the account is reused rather than made again.
"""

import datetime
import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.deposits.selectors import held_deposit
from accounts.deposits.services import deposit_apply_to_final_bill
from accounts.models import ServiceAccount
from accounts.service_changes.selectors import awaiting_final_bill
from accounts.service_changes.services import service_close_if_settled
from accounts.services import service_account_transition
from billing.bill_runs import calculation
from billing.bill_runs.journal_lines import bill_journal_lines
from billing.models import Bill, BillingCycle, BillingPeriod, BillLine
from billing.rates.services import rate_version_lock
from billing.refunds.services import final_credit_refund_request
from district.attribution import acting_user
from district.errors import ServiceError
from district.ledger.models import AccountBalance, Journal
from district.ledger.selectors import account_balance
from district.ledger.services import Line, journal_post
from district.transitions import transition
from field_ops.models import MeterRead

logger = logging.getLogger(__name__)

DEFAULT_DUE_DAYS = 21


def final_bill_number(bill: Bill) -> str:
    return f"F{bill.period_end:%y%m}-{bill.pk:07d}"


def _due_days(account: ServiceAccount) -> int:
    cycle = BillingCycle.objects.filter(code=account.billing_cycle).only("due_days").first()
    return cycle.due_days if cycle is not None else DEFAULT_DUE_DAYS


def _period_start(account: ServiceAccount) -> datetime.date:
    last_end = (
        Bill.objects.filter(account=account, status=Bill.Status.POSTED)
        .order_by("-period_end")
        .values_list("period_end", flat=True)
        .first()
    )
    return last_end + datetime.timedelta(days=1) if last_end else account.start_date


def _final_read_date(account: ServiceAccount) -> datetime.date:
    """The day of the final read (the completed order's read), else the stop date."""
    stop = account.stop
    order = stop.final_read_order
    read_id = (order.completion or {}).get("meter_read_id") if order is not None else None
    if read_id:
        read_on = MeterRead.objects.filter(pk=read_id).values_list("read_on", flat=True).first()
        if read_on is not None:
            return max(read_on, stop.stop_date)
    return stop.stop_date


def _price(account: ServiceAccount, *, period_start, period_end, on_date):
    """(inputs, priced bill) of the final period, or a ServiceError a clerk can act on."""
    # An unsaved period: the loader reads only its dates. The current read is the newest
    # standing read by the final read's day (the final read itself).
    until = _final_read_date(account)
    period = BillingPeriod(
        period_start=period_start,
        period_end=period_end,
        read_window_start=period_start,
        read_window_end=until,
        bill_date=on_date,
        due_date=on_date,
    )
    (inputs,) = calculation.load_chunk([account.pk], period)
    if inputs.current_read is None or inputs.previous_read is None:
        raise ServiceError(
            f"Account {account.formatted_number} has no final read to bill from: "
            "enter the final read, then run final bills again."
        )
    rates = calculation.load_rates(period_start, period_end)
    versions = rates.versions_for(inputs.customer_class)
    if not versions:
        raise ServiceError(
            f"No rate schedule is in force for {period_start:%m/%d/%Y} to "
            f"{period_end:%m/%d/%Y}: account {account.formatted_number} cannot be billed."
        )
    priced = calculation.price_inputs(
        inputs, period_start=period_start, period_end=period_end, schedule_versions=versions
    )
    return inputs, priced


def _journal_lines(bill: Bill, lines: list[BillLine]) -> list[Line]:
    return bill_journal_lines(
        account_id=bill.account_id,
        lines=[(line.category, line.amount) for line in lines],
        total=bill.current_charges,
        bill_label="The final bill",
    )


def _make_bill(account: ServiceAccount, *, by, on_date: datetime.date) -> Bill | None:
    """The account's posted final bill (made and posted now unless it exists); None when the
    account was already billed through its stop date."""
    existing = (
        Bill.objects.filter(account=account, kind=Bill.Kind.FINAL)
        .exclude(status=Bill.Status.CANCELLED)
        .first()
    )
    if existing is not None and existing.status == Bill.Status.POSTED:
        return existing
    period_start = _period_start(account)
    period_end = account.stop.stop_date
    if period_start > period_end:
        return None
    _refuse_a_bill_in_a_run(account, period_start, existing)
    inputs, priced = _price(
        account, period_start=period_start, period_end=period_end, on_date=on_date
    )
    previous_balance = account_balance(account.pk)
    bill = existing or Bill(account=account, kind=Bill.Kind.FINAL)
    lines = _save_calculated(
        bill,
        inputs,
        priced,
        period=(period_start, period_end),
        on_date=on_date,
        due_days=_due_days(account),
    )
    if bill.current_charges == 0:
        raise ServiceError(
            f"The final bill of account {account.formatted_number} comes to $0.00; "
            "check the final read and the rates."
        )
    _post(bill, lines, priced.version, previous_balance=previous_balance, by=by)
    return bill


def _refuse_a_bill_in_a_run(account: ServiceAccount, period_start, existing: Bill | None):
    if (
        Bill.objects.filter(account=account, period_start=period_start)
        .exclude(status=Bill.Status.CANCELLED)
        .exclude(pk=getattr(existing, "pk", None))
        .exists()
    ):
        raise ServiceError(
            f"Account {account.formatted_number} has a bill from {period_start:%m/%d/%Y} "
            "waiting in a bill run: post or hold it there, then run final bills again."
        )


def _save_calculated(
    bill: Bill, inputs, priced, *, period, on_date, due_days: int
) -> list[BillLine]:
    """Save the bill as calculated from `priced` (its lines written anew); returns the lines."""
    transition(bill, Bill.Status.CALCULATED, verb="calculated again")
    bill.period_start, bill.period_end = period
    bill.bill_date = on_date
    bill.due_date = on_date + datetime.timedelta(days=due_days)
    bill.rate_version = priced.version
    bill.previous_read_id = inputs.previous_read.read_id
    bill.current_read_id = inputs.current_read.read_id
    bill.consumption = priced.consumption
    bill.estimated = priced.estimated
    bill.current_charges = priced.total
    bill.save()
    BillLine.objects.filter(bill=bill).delete()
    return BillLine.objects.bulk_create(
        [
            BillLine(
                bill=bill,
                position=position,
                code=line.code[:40],
                category=line.category[:20],
                description=line.description[:200],
                quantity=line.quantity,
                unit=line.unit[:10],
                rate=line.rate,
                amount=line.amount,
                version_label=line.version[:60],
                proration_note=line.proration[:120],
            )
            for position, line in enumerate(priced.lines, start=1)
        ]
    )


def _post(bill: Bill, lines: list[BillLine], version, *, previous_balance, by) -> None:
    """Journal the bill, lock its rate version, and mark it posted with its number."""
    journal = journal_post(
        kind=Journal.Kind.BILL,
        memo=f"Final bill for {bill.period_start:%m/%d/%Y}-{bill.period_end:%m/%d/%Y}",
        lines=_journal_lines(bill, lines),
        by=by,
        idempotency_key=f"bill:{bill.pk}",
        effective_date=bill.bill_date,
        source=bill,
    )
    rate_version_lock(version=version)
    transition(bill, Bill.Status.POSTED, verb="posted")
    bill.number = final_bill_number(bill)
    bill.journal_id = journal.pk
    bill.previous_balance = previous_balance
    bill.amount_due = previous_balance + bill.current_charges
    bill.posted_at = timezone.now()
    bill.save(
        update_fields=[
            "status",
            "number",
            "journal_id",
            "previous_balance",
            "amount_due",
            "posted_at",
        ]
    )


@transaction.atomic
def final_bill_for_account(*, account_id: int, by, on_date: datetime.date) -> Bill | None:
    """Bill, settle and finalize one pending-final account (see the module); returns its final
    bill (None when there was nothing left to bill). Asked again, changes nothing."""
    account = (
        ServiceAccount.objects.select_for_update(of=("self",))
        .select_related("customer", "premise", "stop", "stop__final_read_order")
        .get(pk=account_id)
    )
    if account.status != ServiceAccount.Status.PENDING_FINAL:
        return (
            Bill.objects.filter(account=account, kind=Bill.Kind.FINAL, status=Bill.Status.POSTED)
            .order_by("-id")
            .first()
        )
    bill = _make_bill(account, by=by, on_date=on_date)
    deposit = held_deposit(account)
    if deposit is not None:
        deposit_apply_to_final_bill(deposit=deposit, by=by)
    account = service_account_transition(
        account=account,
        to_status=ServiceAccount.Status.FINAL,
        by=by,
        on_date=account.stop.stop_date,
    )
    AccountBalance.objects.select_for_update().filter(service_account_id=account.pk).first()
    balance = account_balance(account.pk)
    if bill is not None and bill.amount_due != balance:
        # What is due after the deposit, as printed on the final bill.
        Bill.objects.filter(pk=bill.pk).update(amount_due=balance)
        bill.amount_due = balance
    if balance < 0:
        final_credit_refund_request(account=account, amount=-balance, by=by)
    elif balance == 0:
        service_close_if_settled(account=account, by=by)
    return bill


def final_bills_run(*, by, on_date: datetime.date) -> list[Bill]:
    """Final-bill every account waiting for one; returns the bills made or found.

    Each account is its own transaction, so one account's problem (logged, and the account
    stays in the queue) does not hold up the others.
    """
    bills = []
    for account_id in list(awaiting_final_bill().values_list("pk", flat=True)):
        try:
            with acting_user(by):
                bill = final_bill_for_account(account_id=account_id, by=by, on_date=on_date)
        except ValidationError as error:
            logger.warning("Final bill of account %s not made: %s", account_id, error.messages)
            continue
        if bill is not None:
            bills.append(bill)
    return bills
