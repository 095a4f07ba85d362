"""Recording a lent meter's reads: monthly (the contractor online, the counter, a technician) and
the final read when it comes back."""

import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from district.attribution import acting_user
from district.errors import ServiceError, require
from district.roles import Perm
from hydrants.models import HydrantRead, MeterIssue
from hydrants.usage.pricing import drought_stage

Source = HydrantRead.Source
# Who may enter a read for each source (a contractor's own online read is checked by account).
SOURCE_PERMISSIONS = {
    Source.COUNTER: (Perm.ENTER_READS,),
    Source.FIELD: (Perm.ENTER_READS, Perm.WORK_FIELD_ORDERS),
}


def lock_issue(issue_id: int) -> MeterIssue:
    """The issue locked, with its permit, hydrant and meter (the lock every usage write takes)."""
    issue = (
        MeterIssue.objects.select_for_update(of=("self",))
        .select_related("permit__hydrant", "permit__account", "meter")
        .filter(pk=issue_id)
        .first()
    )
    if issue is None:
        raise ServiceError("That meter issue does not exist.")
    return issue


def last_read(issue: MeterIssue) -> HydrantRead | None:
    return issue.reads.order_by("-read_on", "-id").first()


def last_reading(issue: MeterIssue) -> tuple[Decimal, datetime.date]:
    """The latest reading and its day: the last read, else the read the meter left with."""
    read = last_read(issue)
    if read is not None:
        return read.reading, read.read_on
    return issue.start_read, timezone.localdate(issue.issued_at)


def parse_reading(value) -> Decimal:
    try:
        reading = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise ServiceError({"reading": "Enter the reading as a number, e.g. 1234.5."}) from None
    if not reading.is_finite() or reading < 0:
        raise ServiceError({"reading": "Enter the reading, zero or more."})
    if reading != reading.quantize(Decimal("0.01")):
        raise ServiceError({"reading": "A reading has at most two decimals."})
    return reading.quantize(Decimal("0.01"))


def _check_who(by, issue: MeterIssue, source: str) -> None:
    if source not in Source.values:
        raise ServiceError({"source": "Choose where the read came from."})
    if source == Source.CONTRACTOR_ONLINE:
        # The contractor's own account: their portal login holds the permit's account (the
        # portal's account links, read by their reverse name).
        holds = by is not None and issue.permit.account.portal_links.filter(user_id=by.pk).exists()
        if not holds:
            require(by, Perm.ENTER_READS, doing="enter hydrant meter reads")
        return
    require(by, *SOURCE_PERMISSIONS[source], doing="enter hydrant meter reads", any_of=True)


def check_read(issue: MeterIssue, *, read_on: datetime.date, reading: Decimal) -> None:
    """The rules a read keeps: the meter is out, the day is sensible, the register never runs
    backwards (a lower reading than the last is refused, nothing written)."""
    if not issue.is_open:
        raise ServiceError(
            f"Meter {issue.meter.serial} was returned on "
            f"{timezone.localdate(issue.returned_at):%m/%d/%Y}: it takes no more reads."
        )
    if issue.reads.filter(is_final=True).exists():
        raise ServiceError(f"Meter {issue.meter.serial} already has its final read.")
    if not isinstance(read_on, datetime.date):
        raise ServiceError({"read_on": "Enter the day the meter was read."})
    if read_on > timezone.localdate():
        raise ServiceError({"read_on": "A read cannot be dated in the future."})
    issued_on = timezone.localdate(issue.issued_at)
    if read_on < issued_on:
        raise ServiceError(
            {"read_on": f"The meter went out on {issued_on:%m/%d/%Y}: date the read after that."}
        )
    previous, previous_on = last_reading(issue)
    if read_on < previous_on:
        raise ServiceError(
            {"read_on": f"The last read is dated {previous_on:%m/%d/%Y}: a read cannot be earlier."}
        )
    if reading < previous:
        raise ServiceError(
            {
                "reading": f"{reading} is lower than the last reading, {previous} on "
                f"{previous_on:%m/%d/%Y}: a meter does not run backwards. Check the register "
                "(and the meter's serial)."
            }
        )


def record_read(
    issue: MeterIssue,
    *,
    read_on: datetime.date,
    reading,
    source: str,
    by,
    is_final: bool = False,
    work_order_id: int | None = None,
    notes: str = "",
) -> HydrantRead:
    """Write a read on a locked issue (for the services here and the pick-up completion)."""
    reading = parse_reading(reading)
    check_read(issue, read_on=read_on, reading=reading)
    flags = []
    # Still recorded (the water was drawn and is billed); flagged for the office to follow up.
    if issue.permit.hydrant.restricted_at(drought_stage()):
        flags.append(HydrantRead.Flag.DROUGHT_RESTRICTED)
    read = HydrantRead(
        issue=issue,
        read_on=read_on,
        reading=reading,
        source=source,
        is_final=is_final,
        flags=flags,
        work_order_id=work_order_id,
        notes=(notes or "").strip()[:255],
        entered_by=by,
        entered_at=timezone.now(),
    )
    with acting_user(by):
        read.save()
    return read


@transaction.atomic
def hydrant_read_record(
    *,
    issue_id: int,
    read_on: datetime.date,
    reading,
    source: str,
    by,
    is_final: bool = False,
    notes: str = "",
) -> HydrantRead:
    """Record a read of a lent meter (monthly, or its final read before the return).

    A reading lower than the last is refused; a read while the drought stage restricts the
    hydrant is accepted and flagged "drought_restricted"."""
    issue = lock_issue(issue_id)
    _check_who(by, issue, source)
    return record_read(
        issue,
        read_on=read_on,
        reading=reading,
        source=source,
        by=by,
        is_final=is_final,
        notes=notes,
    )
