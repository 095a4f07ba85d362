"""Cancel and rebill: a posted bill never changes (DESIGN.md), so a correction reverses the
bill's journal, marks it cancelled with the reason and posts a corrected bill that replaces it;
both are kept. The rebill page may first record a corrected reading (field_ops.read_correct).
"""

import datetime
import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import ServiceAccount
from accounts.programs.credits import account_credit_terms
from billing.bill_runs.calculation import PricedBill, price_account, with_program_credits
from billing.bill_runs.journal_lines import bill_journal_lines
from billing.models import Bill, BillLine
from billing.rates.selectors import versions_in_force
from billing.rates.services import rate_version_lock
from district.customer_notes import CORRECTED_BILL
from district.errors import ServiceError, require
from district.ledger.models import Journal
from district.ledger.services import Line, journal_post, journal_reverse
from district.money import ZERO
from district.roles import Perm
from district.transitions import transition
from field_ops.models import MeterRead
from field_ops.readings import register_use
from field_ops.services.reads import read_correct

_REBILL_NUMBER = re.compile(r"^(?P<base>.+)-R(?P<n>\d+)$")


# -- cancel and rebill


def _rebill_number(number: str) -> str:
    match = _REBILL_NUMBER.match(number)
    if match:
        return f"{match['base']}-R{int(match['n']) + 1}"
    return f"{number}-R1"


def _bill_journal_lines(*, account_id: int, lines: list[BillLine]) -> list[Line]:
    """The corrected bill's journal lines (bill_journal_lines); a $0.00 bill is refused."""
    if sum((line.amount for line in lines), ZERO) == 0:
        raise ServiceError("The corrected bill comes to $0.00; there is nothing to post.")
    return bill_journal_lines(
        account_id=account_id,
        lines=[(line.category, line.amount) for line in lines],
        bill_label="The corrected bill",
        receivable_memo=CORRECTED_BILL.text(),
    )


def _check_reads(*, bill: Bill, current_read) -> None:
    """The corrected read must follow the bill's previous read on the same meter."""
    previous = bill.previous_read
    if previous is None or current_read is None:
        raise ServiceError("This bill has no meter reads to recalculate it from.")
    if current_read.meter_id != previous.meter_id:
        raise ServiceError(
            {"corrected_read": "The corrected read is of another meter than the bill's reads."}
        )
    if current_read.read_on < previous.read_on:
        raise ServiceError(
            {"corrected_read": "The corrected read is dated before the bill's previous read."}
        )
    if register_use(previous.reading, current_read.reading, dials=current_read.meter.dials) is None:
        raise ServiceError(
            {
                "corrected_read": (
                    f"The corrected reading {current_read.reading} is below the previous "
                    f"reading {previous.reading}."
                )
            }
        )


def _price(*, bill: Bill, current_read) -> PricedBill:
    """The corrected charges, priced as a bill run prices them (billing.bill_runs.calculation)."""
    if bill.rate_version_id is None:
        raise ServiceError(
            "This bill records no rate version, so it cannot be recalculated; "
            "use an adjustment instead."
        )
    _check_reads(bill=bill, current_read=current_read)
    meter = current_read.meter
    versions = versions_in_force(
        schedule=bill.rate_version.schedule,
        period_start=bill.period_start,
        period_end=bill.period_end,
    )
    if not versions:
        raise ServiceError("No rate version is in force for this bill's period.")
    priced = price_account(
        bill.account,
        period_start=bill.period_start,
        period_end=bill.period_end,
        schedule_versions=versions,
        previous_read=bill.previous_read,
        current_read=current_read,
        dwelling_units=bill.account.premise.dwelling_units,
        meter_size=meter.size,
        dials=meter.dials,
        multiplier=meter.multiplier,
    )
    # The corrected bill keeps the assistance credits the bill run gave.
    terms = account_credit_terms(bill.account_id, bill.period_start, bill.period_end)
    return with_program_credits(
        priced, terms, period_start=bill.period_start, period_end=bill.period_end
    )


def _rebill_reason(*, by, reason: str, idempotency_key: str) -> str:
    """The rebill's guard and its reason, cleaned (before anything is locked)."""
    require(by, Perm.ADJUST_BILLS, doing="correct bills (ask a CSR II or a supervisor)")
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError({"reason": "Say why the bill is being corrected."})
    if len(reason) > 255:
        raise ServiceError({"reason": "Keep the reason under 255 characters."})
    if not idempotency_key:
        raise ServiceError("A request key is required.")
    return reason


def _locked_bill(bill: Bill) -> Bill:
    """The bill locked with what pricing it reads; the account first (the stable order of every
    billing write)."""
    ServiceAccount.objects.select_for_update().filter(pk=bill.account_id).first()
    return (
        Bill.objects.select_for_update(of=("self",))
        .select_related("account__premise", "rate_version__schedule", "previous_read__meter")
        .select_related("current_read__meter")
        .get(pk=bill.pk)
    )


def _cancel(old: Bill, *, by, reason: str, idempotency_key: str) -> None:
    """Reverse the bill's journal and mark it cancelled with the reason."""
    if old.journal_id is not None:  # a $0.00 bill moved no money: nothing to reverse
        journal_reverse(
            journal=Journal.objects.get(pk=old.journal_id),
            by=by,
            reason=f"Bill {old.number} cancelled: {reason}",
            idempotency_key=f"{idempotency_key}:reverse",
        )
    transition(old, Bill.Status.CANCELLED, verb="cancelled")
    old.cancel_reason = reason
    old.save(update_fields=["status", "cancel_reason"])


def _replacement(old: Bill, *, priced: PricedBill, current_read) -> tuple[Bill, list[BillLine]]:
    """The corrected bill (not yet posted) and its lines: the old bill's period, billed today
    with as many days to pay as the old bill gave."""
    today = timezone.localdate()
    new = Bill.objects.create(
        account=old.account,
        run=None,
        kind=Bill.Kind.REBILL,
        status=Bill.Status.CALCULATED,
        period_start=old.period_start,
        period_end=old.period_end,
        bill_date=today,
        due_date=today + datetime.timedelta(days=(old.due_date - old.bill_date).days),
        rate_version=priced.version,
        previous_read=old.previous_read,
        current_read=current_read,
        consumption=priced.consumption,
        estimated=MeterRead.Source.ESTIMATE in {old.previous_read.source, current_read.source},
        current_charges=priced.total,
        previous_balance=old.previous_balance,
        amount_due=old.previous_balance + priced.total,
        replaces=old,
    )
    lines = BillLine.objects.bulk_create(
        [
            BillLine(
                bill=new,
                position=position,
                code=line.code[:40],
                category=line.category,
                description=line.description[:200],
                quantity=line.quantity,
                unit=line.unit[:10],
                rate=line.rate,
                amount=line.amount,
                version_label=(line.version or "")[:60],
                proration_note=(line.proration or "")[:120],
            )
            for position, line in enumerate(priced.lines, start=1)
        ]
    )
    return new, lines


def _post_replacement(new: Bill, lines: list[BillLine], *, old: Bill, by, idempotency_key: str):
    number = _rebill_number(old.number)
    journal = journal_post(
        kind=Journal.Kind.BILL,
        memo=f"Corrected bill {number} replacing {old.number}"[:255],
        lines=_bill_journal_lines(account_id=old.account_id, lines=lines),
        by=by,
        idempotency_key=f"{idempotency_key}:rebill",
        source=new,
    )
    rate_version_lock(version=new.rate_version)
    new.number = number
    new.journal_id = journal.pk
    transition(new, Bill.Status.POSTED, verb="posted")
    new.posted_at = timezone.now()
    new.save(update_fields=["number", "journal_id", "status", "posted_at"])


@transaction.atomic
def bill_cancel_and_rebill(
    *, bill: Bill, by, reason: str, idempotency_key: str, corrected_read=None
) -> Bill:
    """Cancel a posted bill (a reversing journal) and post the corrected bill that replaces it.

    The corrected bill has the same period, is priced as a bill run prices it
    (billing.bill_runs.calculation.price_account; with the corrected read when given),
    is numbered after the old one ("-R1", "-R2"...), and is billed today with as many days to pay
    as the old bill gave. A repeated key returns the corrected bill of the first request.
    """
    reason = _rebill_reason(by=by, reason=reason, idempotency_key=idempotency_key)
    old = _locked_bill(bill)
    if old.status == Bill.Status.CANCELLED:
        replacement = _replacement_for_key(bill=old, idempotency_key=idempotency_key)
        if replacement is not None:
            return replacement  # the same request again
        raise ServiceError(f"Bill {old} was already cancelled.")
    if not old.can_move_to(Bill.Status.CANCELLED):
        raise ServiceError(
            "Only a posted bill can be cancelled and rebilled; this one is "
            f"{old.get_status_display().lower()} (correct it in its bill run)."
        )
    current_read = corrected_read if corrected_read is not None else old.current_read
    priced = _price(bill=old, current_read=current_read)
    _cancel(old, by=by, reason=reason, idempotency_key=idempotency_key)
    new, lines = _replacement(old, priced=priced, current_read=current_read)
    _post_replacement(new, lines, old=old, by=by, idempotency_key=idempotency_key)
    return new


def _replacement_for_key(*, bill: Bill, idempotency_key: str) -> Bill | None:
    if bill.journal_id is None:  # a $0.00 bill: its replacement's journal holds the key
        done = Journal.objects.filter(idempotency_key=f"{idempotency_key}:rebill").exists()
    else:
        done = Journal.objects.filter(
            idempotency_key=f"{idempotency_key}:reverse", reverses_id=bill.journal_id
        ).exists()
    return Bill.objects.filter(replaces_id=bill.pk).first() if done else None


@transaction.atomic
def bill_correct_read_and_rebill(
    *, bill: Bill, reading, by, reason: str, idempotency_key: str
) -> Bill:
    """The rebill page's action with a corrected reading: record the corrected read (it
    supersedes the bill's read, field_ops.read_correct), then cancel and rebill with it."""
    require(by, Perm.ADJUST_BILLS, doing="correct bills (ask a CSR II or a supervisor)")
    again = _replacement_for_key(bill=bill, idempotency_key=idempotency_key)
    if again is not None:
        return again
    if not bill.can_move_to(Bill.Status.CANCELLED):
        raise ServiceError("Only a posted bill can be cancelled and rebilled.")
    if bill.current_read_id is None:
        raise ServiceError({"corrected_reading": "This bill has no read to correct."})
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError({"reason": "Say why the bill is being corrected."})
    try:
        corrected = read_correct(read=bill.current_read, reading=reading, by=by, reason=reason)
    except ValidationError as error:
        if hasattr(error, "error_dict") and "reading" in error.error_dict:
            raise ServiceError({"corrected_reading": error.error_dict["reading"]}) from None
        raise
    return bill_cancel_and_rebill(
        bill=bill, by=by, reason=reason, idempotency_key=idempotency_key, corrected_read=corrected
    )
