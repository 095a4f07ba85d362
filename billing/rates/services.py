"""Rate schedule versions: load a schedule file as a version, lock it, compare two versions.

A version keeps the file exactly as loaded (`source`), what the engine reads (`parsed`) and the
file's SHA-256. Loading the same file again returns the version already made from it; a changed
file becomes the next version of its schedule, and it needs its own effective date (two versions
of a schedule never take effect the same day). A version that priced a posted bill is locked and
the database refuses any change to it.
"""

import datetime
import hashlib
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max

from billing.models import RateSchedule, RateScheduleVersion
from billing.rates import parse_schedule
from billing.rates.tables import SampleBill, compare_facts, sample_bills
from district.errors import ServiceError

MAX_SOURCE_CHARACTERS = 200_000


def version_label(version: RateScheduleVersion) -> str:
    """How lines and pages name a version: "water v3 (07/01/2025)"."""
    return f"{version.schedule.code} v{version.version} ({version.effective_from:%m/%d/%Y})"


@transaction.atomic
def rate_version_load(*, source: str, by, notes: str = "") -> tuple[RateScheduleVersion, bool]:
    """Validate a schedule file and store it as the next version of its schedule.

    Returns (version, created): the same file loaded twice gives back the version made from it
    the first time, and nothing is written.
    """
    if len(source) > MAX_SOURCE_CHARACTERS:
        raise ServiceError("That file is too long for a rate schedule.")
    parsed = parse_schedule(source)
    digest = hashlib.sha256(source.encode("utf-8")).hexdigest()
    schedule, _created = RateSchedule.objects.get_or_create(
        code=parsed["schedule"], defaults={"name": parsed["name"]}
    )
    # One loader at a time per schedule: version numbers are counted under this lock.
    schedule = RateSchedule.objects.select_for_update().get(pk=schedule.pk)
    already = schedule.versions.filter(sha256=digest).first()
    if already is not None:
        return already, False
    same_day = schedule.versions.filter(effective_from=parsed["effective_from"]).first()
    if same_day is not None:
        locked = " and has priced posted bills" if same_day.locked else ""
        raise ServiceError(
            f"Version {same_day.version} of {schedule.code} already takes effect on "
            f"{same_day.effective_from:%m/%d/%Y}{locked}. A changed schedule is a new version "
            "with its own effective_from date."
        )
    number = (schedule.versions.aggregate(highest=Max("version"))["highest"] or 0) + 1
    version = RateScheduleVersion.objects.create(
        schedule=schedule,
        version=number,
        effective_from=datetime.date.fromisoformat(parsed["effective_from"]),
        source=source,
        parsed=parsed,
        sha256=digest,
        notes=(notes or parsed["notes"])[:255],
        created_by=by,
    )
    return version, True


@transaction.atomic
def rate_version_lock(*, version: RateScheduleVersion) -> RateScheduleVersion:
    """Lock a version (it priced a posted bill): from now on the database refuses edits."""
    RateScheduleVersion.objects.filter(pk=version.pk, locked=False).update(locked=True)
    version.refresh_from_db(fields=["locked"])
    return version


@dataclass(frozen=True)
class VersionComparison:
    left: RateScheduleVersion
    right: RateScheduleVersion
    facts: list[tuple[str, str, str, bool]]  # (item, left, right, changed)
    bills: list[SampleBill]


def rate_versions_compare(
    *,
    left: RateScheduleVersion,
    right: RateScheduleVersion,
    customer_class: str,
    meter_size: str,
    consumptions: list,
    dwelling_units: int = 1,
    zone: str | None = None,
) -> VersionComparison:
    """Two versions side by side, and the bill each gives for a few sample consumptions."""
    return VersionComparison(
        left=left,
        right=right,
        facts=compare_facts(left.parsed, right.parsed),
        bills=sample_bills(
            (version_label(left), left.parsed),
            (version_label(right), right.parsed),
            customer_class=customer_class,
            meter_size=meter_size,
            consumptions=consumptions,
            dwelling_units=dwelling_units,
            zone=zone,
        ),
    )
