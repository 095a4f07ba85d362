"""The monthly bill of each lent meter, and the nightly job that makes them and the pull orders.

A month is billed once it is over, for every meter out during it (a catch-up: any month the job
missed is billed on the next night, oldest first): the water from the last billed reading to
the month's last read, priced by the rate engine, plus the month's rental (a partial month by
its days). A month without a read is charged the "hydrant-missing-read" policy's amount instead
of water (the district's minimum monthly charge: the water is not guessed, it is billed from the
next read, which covers the whole use since the last billed reading). A returned meter's last
part-month is its final bill (returns.py), never a monthly one.

Each bill posts one journal: debit ar_customers (the contractor's account), credit hydrant_water,
key "hydrant-bill:<issue>:<yyyy-mm>"; one bill per issue and month (a unique constraint), so the
job is safe to run twice.
"""

import datetime
import logging
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from district.attribution import acting_user
from district.errors import ServiceError
from district.ledger.models import Journal
from district.ledger.purposes import Purpose
from district.ledger.services import Line, journal_post
from district.money import ZERO
from district.policies import policy_value
from field_ops.models import WorkOrder
from field_ops.work_orders.services import work_order_create
from hydrants.models import HydrantBill, HydrantPermit, HydrantRead, MeterIssue
from hydrants.usage import pricing
from hydrants.usage.reads import lock_issue
from hydrants.usage.reference_data import IDLE_MONTHS_KEY

logger = logging.getLogger(__name__)


def bill_key(issue_id: int, month: datetime.date) -> str:
    return f"hydrant-bill:{issue_id}:{month:%Y-%m}"


def last_billed(issue: MeterIssue) -> tuple:
    """(reading, last day) the issue's bills reached: its last bill with a read, and the end of
    its last bill; before any bill, the start read and the day before the meter went out."""
    bills = issue.bills.order_by("-period_end", "-id")
    latest = bills.first()
    with_read = bills.filter(to_reading__isnull=False).first()
    reading = with_read.to_reading if with_read is not None else issue.start_read
    through = (
        latest.period_end
        if latest is not None
        else timezone.localdate(issue.issued_at) - datetime.timedelta(days=1)
    )
    return reading, through


def post_bill(bill: HydrantBill, *, account_id: int, by, memo: str, key: str) -> HydrantBill:
    """Post the bill's journal: the receivable against hydrant water (water, rental, missing
    read) and damage recovery (damages, a lost meter's replacement)."""
    water = bill.water_amount + bill.rental_amount + bill.missing_read_amount
    damages = bill.damage_amount + bill.replacement_amount
    if bill.total == ZERO:
        return bill  # nothing owed (a zero bill is kept, with no journal)
    lines = [Line(Purpose.AR_CUSTOMERS, bill.total, account_id, memo=memo[:255])]
    if water:
        lines.append(Line(Purpose.HYDRANT_WATER, -water, account_id))
    if damages:
        lines.append(Line(Purpose.DAMAGE_RECOVERY, -damages, account_id))
    journal = journal_post(
        kind=Journal.Kind.BILL,
        memo=memo[:255],
        lines=lines,
        by=by,
        idempotency_key=key,
        source=bill,
    )
    bill.journal_id = journal.pk
    bill.save(update_fields=["journal_id"])
    return bill


def _month_read(issue: MeterIssue, first: datetime.date, last: datetime.date) -> HydrantRead | None:
    return (
        issue.reads.filter(read_on__range=(first, last), is_final=False)
        .order_by("-read_on", "-id")
        .first()
    )


def bill_issue_month(
    issue: MeterIssue, month: datetime.date, *, by, today: datetime.date
) -> HydrantBill | None:
    """Bill one month of a locked issue once it is over (None when it is not its to bill)."""
    first, last = pricing.month_first(month), pricing.month_last(month)
    existing = issue.bills.filter(kind=HydrantBill.Kind.MONTHLY, period_start__gte=first).filter(
        period_start__lte=last
    )
    if (found := existing.first()) is not None:
        return found
    issued_on = timezone.localdate(issue.issued_at)
    if not issue.is_open or issued_on > last or last >= today:
        return None
    if issue.bills.exclude(kind=HydrantBill.Kind.MONTHLY).exists():
        return None
    if issue.reads.filter(is_final=True).exists():
        return None  # coming back: its final bill covers the rest
    from_reading, through = last_billed(issue)
    start = max(first, issued_on, through + datetime.timedelta(days=1))
    if start > last:
        return None
    meter = issue.meter
    read = _month_read(issue, first, last)
    charges = []
    consumption = ZERO
    if read is not None:
        consumption = read.reading - from_reading
        charges.append(
            pricing.water_charge(
                meter_size=meter.size,
                unit=meter.unit,
                consumption=consumption,
                period_start=start,
                period_end=last,
            )
        )
    else:
        charges.append(pricing.missing_read_charge(first))
    charges.append(
        pricing.rental_charge(meter_size=meter.size, period_start=start, period_end=last)
    )
    amounts = {charge.code: charge.amount for charge in charges}
    bill = HydrantBill.objects.create(
        issue=issue,
        kind=HydrantBill.Kind.MONTHLY,
        period_start=start,
        period_end=last,
        read=read,
        from_reading=from_reading if read is not None else None,
        to_reading=read.reading if read is not None else None,
        consumption=consumption,
        water_amount=amounts.get("water", ZERO),
        rental_amount=amounts.get("rental", ZERO),
        missing_read_amount=amounts.get("missing_read", ZERO),
        total=pricing.total_of(charges),
        lines=[charge.as_line() for charge in charges],
        created_by=by,
    )
    return post_bill(
        bill,
        account_id=issue.permit.account_id,
        by=by,
        memo=f"Hydrant meter {meter.serial}, permit {issue.permit.number}: {first:%B %Y}",
        key=bill_key(issue.pk, first),
    )


def months_to_bill(issue: MeterIssue, today: datetime.date) -> list[datetime.date]:
    """The months the issue was out that are over and not billed yet, oldest first."""
    _reading, through = last_billed(issue)
    month = pricing.month_first(through + datetime.timedelta(days=1))
    months = []
    while pricing.month_last(month) < today:
        months.append(month)
        month = pricing.next_month(month)
    return months


@dataclass
class BillingNight:
    bills: list[int] = field(default_factory=list)
    missing_reads: list[int] = field(default_factory=list)  # bills charging a missing read
    pull_orders: list[int] = field(default_factory=list)  # work order ids made
    errors: list[str] = field(default_factory=list)


def _open_issue_ids() -> list[int]:
    return list(
        MeterIssue.objects.filter(
            returned_at__isnull=True, permit__status=HydrantPermit.Status.ACTIVE
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def hydrant_bills_run(*, today: datetime.date, by) -> BillingNight:
    """The nightly job: bill every month over and not yet billed of every meter out, then make
    the pull orders of meters idle too long. One transaction per issue (a failure is reported,
    the others go on); safe to run twice."""
    night = BillingNight()
    for issue_id in _open_issue_ids():
        try:
            with transaction.atomic(), acting_user(by):
                issue = lock_issue(issue_id)
                for month in months_to_bill(issue, today):
                    bill = bill_issue_month(issue, month, by=by, today=today)
                    if bill is None or bill.pk in night.bills:
                        continue
                    night.bills.append(bill.pk)
                    if bill.missing_read_amount:
                        night.missing_reads.append(bill.pk)
        except ValidationError as error:
            night.errors.append(f"Issue {issue_id}: {' '.join(error.messages)}")
            logger.warning("hydrant billing of issue %s failed: %s", issue_id, error.messages)
    night.pull_orders = hydrant_idle_pull_orders(today=today, by=by)
    return night


# -- meters idle too long: a pull order, once


def months_before(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` months earlier (the month's last day when it is shorter)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    first = datetime.date(year, month + 1, 1)
    return first.replace(day=min(day.day, pricing.month_last(first).day))


def last_use_on(issue: MeterIssue) -> datetime.date:
    """The day of the first read at the meter's highest reading (its last use), else the day it
    went out (no read above the start read)."""
    reads = list(issue.reads.order_by("read_on", "id").values_list("read_on", "reading"))
    highest = max((reading for _day, reading in reads), default=issue.start_read)
    if highest <= issue.start_read:
        return timezone.localdate(issue.issued_at)
    return next(day for day, reading in reads if reading == highest)


def custody_to_check(issue: MeterIssue) -> str:
    """What the crew checks back in on a pick-up: the meter, its backflow assembly and the
    accessories that went out with it, and the read it went out at."""
    meter = issue.meter
    parts = [f"Check in meter {meter.serial}"]
    if meter.backflow_serial:
        parts.append(f"backflow assembly {meter.backflow_serial}")
    if issue.accessories:
        parts.append("accessories: " + ", ".join(issue.accessories))
    return f"{'; '.join(parts)}. It went out reading {issue.start_read}."


def pickup_order_create(issue: MeterIssue, *, by, instructions: str, requested_date) -> WorkOrder:
    """A HYDRANT_METER_PICKUP order at the hydrant for a locked issue, noted on the issue; its
    instructions end with the custody to check back in (what went out with the meter)."""
    instructions = f"{instructions} {custody_to_check(issue)}"
    hydrant = issue.permit.hydrant
    if hydrant.premise is None:
        raise ServiceError(
            f"{hydrant} has no premise for field work yet: set the meter through a set order "
            "first, or ask field operations to add the hydrant's location."
        )
    order = work_order_create(
        order_type=WorkOrder.Type.HYDRANT_METER_PICKUP,
        premise=hydrant.premise,
        by=by,
        requested_date=requested_date,
        origin=WorkOrder.Origin.HYDRANTS,
        service_account_id=issue.permit.account_id,
        instructions=instructions,
    )
    issue.pickup_work_order_id = order.pk
    issue.save(update_fields=["pickup_work_order_id"])
    return order


def hydrant_idle_pull_orders(*, today: datetime.date, by) -> list[int]:
    """A pick-up order for each meter out with no use for the policy's months (once: an issue
    that has a pick-up order is left alone)."""
    months = int(policy_value(IDLE_MONTHS_KEY))
    idle_since = months_before(today, months)
    made = []
    candidates = (
        MeterIssue.objects.filter(
            returned_at__isnull=True,
            pickup_work_order_id__isnull=True,
            permit__status=HydrantPermit.Status.ACTIVE,
            issued_at__date__lte=idle_since,
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for issue_id in list(candidates):
        try:
            with transaction.atomic(), acting_user(by):
                issue = lock_issue(issue_id)
                if issue.pickup_work_order_id is not None or not issue.is_open:
                    continue
                idle_from = last_use_on(issue)
                if idle_from > idle_since:
                    continue
                order = pickup_order_create(
                    issue,
                    by=by,
                    # a routine order is never asked for a past day (a catch-up run's today)
                    requested_date=max(today, timezone.localdate()),
                    instructions=(
                        f"Pull hydrant meter {issue.meter.serial} (permit {issue.permit.number}): "
                        f"no use since {idle_from:%m/%d/%Y}. Record its reading when you take it."
                    ),
                )
                made.append(order.pk)
        except ValidationError as error:
            logger.warning("hydrant pull order for issue %s failed: %s", issue_id, error.messages)
    return made
