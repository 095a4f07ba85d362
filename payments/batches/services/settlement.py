"""A processor's daily settlement batch: which day a payment settles on, the open batch that
gathers it, and the close after the processor's cut-off.

Card and ACH processors pay the district one bank credit a day (a payout) for the day's
payments. The day is the processor's settlement day, which ends at its cut-off: policy
"processor-settlement-cutoff", a time in the district's TIME_ZONE, default 17:00 (a payment
taken at 17:00 or later settles with the next day's); "00:00" means midnight, the calendar day.
The policy may name a processor's own cut-off after the default: "17:00; stripe=00:00".

The batch of (processor, settlement day) is made by the day's first payment (a unique
constraint, not a check-then-insert), stays open while the day's payments arrive, and closes
once the cut-off has passed (the hourly task, or Finance from the batch page); a close is
refused before the cut-off, so a closed batch never needs another payment of its day. The
closed batch's control total (the day's payments and convenience fees) is what the bank's
reconciliation matches the payout against; a processor that settles net of its fees (policy
"processor-net-settlement") pays less, and Finance books the difference as processor fees when
it matches the credit by hand (payments/bank/resolve.py).
"""

import datetime
import logging
import re
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone

from district.attribution import acting_user
from district.errors import ServiceError
from district.money import ZERO, format_money
from district.policies import policy_value
from district.transitions import transition
from payments.batches.services.common import locked_batch
from payments.models import PaymentBatch

log = logging.getLogger(__name__)

CUTOFF_POLICY = "processor-settlement-cutoff"
NET_POLICY = "processor-net-settlement"
FEE_TOLERANCE_POLICY = "processor-fee-tolerance-percent"
DEFAULT_CUTOFF = datetime.time(17, 0)
MIDNIGHT = datetime.time(0, 0)
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def _parse_time(text: str) -> datetime.time | None:
    found = _TIME.match(text.strip())
    return datetime.time(int(found[1]), int(found[2])) if found else None


def parse_cutoffs(text: str) -> tuple[datetime.time, dict[str, datetime.time]]:
    """(the default cut-off, each named processor's) from the policy's text; a part that does
    not read as a time is ignored (and logged), so a typo never stops payments being taken."""
    default, named = DEFAULT_CUTOFF, {}
    for part in (text or "").replace(",", ";").split(";"):
        part = part.strip()
        if not part:
            continue
        code, _, when = part.rpartition("=")
        cutoff = _parse_time(when)
        if cutoff is None:
            log.warning("Policy %s: %r is not a time HH:MM; ignored.", CUTOFF_POLICY, part)
        elif code.strip():
            named[code.strip().lower()] = cutoff
        else:
            default = cutoff
    return default, named


def settlement_cutoff(processor: str) -> datetime.time:
    default, named = parse_cutoffs(str(policy_value(CUTOFF_POLICY)))
    return named.get(processor.lower(), default)


def settlement_date_for(moment: datetime.datetime, *, processor: str) -> datetime.date:
    """The settlement day of a payment taken at `moment`: its local date, or the next day's when
    taken at or after the processor's cut-off."""
    local = timezone.localtime(moment)
    cutoff = settlement_cutoff(processor)
    if cutoff == MIDNIGHT or local.time() < cutoff:
        return local.date()
    return local.date() + datetime.timedelta(days=1)


def net_settling_processors() -> set[str]:
    """The processors whose payout is net of their fees (policy, comma-separated codes)."""
    text = str(policy_value(NET_POLICY) or "")
    return {code.strip().lower() for code in re.split(r"[,;\s]+", text) if code.strip()}


def settles_net(processor: str) -> bool:
    return bool(processor) and processor.lower() in net_settling_processors()


def fee_tolerance(amount: Decimal) -> Decimal:
    """The most a net payout may fall short of a batch of `amount` and still be its payout."""
    percent = Decimal(policy_value(FEE_TOLERANCE_POLICY))
    return (amount * percent / 100).quantize(Decimal("0.01"))


def settlement_batch_open_locked(
    *, processor: str, settlement_date: datetime.date, label: str, by
) -> PaymentBatch:
    """The open settlement batch of the processor's day, made by its first payment, locked.

    A day already closed (only when the clock moved back across a cut-off) sends the payment to
    the next open day: a closed batch's control total is final."""
    for _ in range(7):
        batch, _created = PaymentBatch.objects.get_or_create(
            processor=processor,
            settlement_date=settlement_date,
            defaults={
                "kind": PaymentBatch.Kind.PROCESSOR,
                "business_date": settlement_date,
                "control_count": 0,
                "control_total": ZERO,
                "created_by": by,
                "description": f"{label} settlement of {settlement_date:%m/%d/%Y}"[:120],
                "file_name": f"{processor} settlement {settlement_date:%Y-%m-%d}"[:200],
            },
        )
        batch = locked_batch(batch.pk)
        if batch.status == PaymentBatch.Status.OPEN:
            return batch
        settlement_date += datetime.timedelta(days=1)
    raise ServiceError("No open settlement day was found for this processor.", code="closed")


def settlement_batch_close(*, batch_id: int, by, now=None) -> tuple[PaymentBatch, bool]:
    """Close a settlement batch after its processor's cut-off: (the batch, closed now?).

    A closed batch is returned as it is (a rerun is a no-op). Refused before the cut-off: the
    day is still taking payments. The control figures kept as items arrived are checked against
    the items themselves before the close."""
    now = now or timezone.now()
    with transaction.atomic(), acting_user(by):
        batch = locked_batch(batch_id)
        if not batch.is_settlement:
            raise ServiceError(
                "Only a processor's settlement batch is closed.", code="not_settlement"
            )
        if batch.status == PaymentBatch.Status.POSTED:
            return batch, False
        if settlement_date_for(now, processor=batch.processor) <= batch.settlement_date:
            cutoff = settlement_cutoff(batch.processor)
            raise ServiceError(
                f"{batch} is still taking payments: the processor's day of "
                f"{batch.settlement_date:%m/%d/%Y} ends at "
                f"{'midnight' if cutoff == MIDNIGHT else cutoff.strftime('%I:%M %p').lstrip('0')}.",
                code="before_cutoff",
            )
        items = batch.items.aggregate(count=Count("pk"), total=Sum("amount"))
        if (items["count"], (items["total"] or ZERO) + batch.fees_total) != (
            batch.control_count,
            batch.control_total,
        ):
            raise ServiceError(
                f"{batch} holds {items['count']} payments of "
                f"{format_money(items['total'] or ZERO)} and fees of "
                f"{format_money(batch.fees_total)}, but its control figures say "
                f"{batch.control_count} and {format_money(batch.control_total)}.",
                code="control",
            )
        transition(batch, PaymentBatch.Status.POSTED, verb="closed")
        batch.posted_by = by
        batch.posted_at = now
        batch.save(update_fields=["status", "posted_by", "posted_at"])
        return batch, True


def settlement_batches_close_due(*, by, now=None) -> list[int]:
    """Close every open settlement batch whose processor's cut-off has passed (the hourly task);
    the ids closed now. Safe to run any number of times."""
    now = now or timezone.now()
    open_batches = PaymentBatch.objects.filter(
        status=PaymentBatch.Status.OPEN, settlement_date__isnull=False
    ).values_list("pk", "processor", "settlement_date")
    closed = []
    for batch_id, processor, settlement_date in sorted(open_batches):
        if settlement_date_for(now, processor=processor) <= settlement_date:
            continue
        _batch, closed_now = settlement_batch_close(batch_id=batch_id, by=by, now=now)
        if closed_now:
            closed.append(batch_id)
    return closed
