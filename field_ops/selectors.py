"""Reads of premises, meters, installations and meter reads that other code reuses."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from field_ops.models import Meter, MeterInstallation, MeterRead, Premise


def current_reads(meter: Meter, limit: int | None = None) -> list[MeterRead]:
    """The meter's reads that stand (not superseded by a correction), newest first."""
    reads = (
        MeterRead.objects.filter(meter=meter, corrections__isnull=True)
        .select_related("entered_by")
        .order_by("-read_on", "-id")
    )
    return list(reads[:limit] if limit else reads)


def last_read(meter: Meter) -> MeterRead | None:
    """The newest read that stands, or None for a meter never read."""
    reads = current_reads(meter, limit=1)
    return reads[0] if reads else None


def active_installation(meter: Meter, on_date: datetime.date | None = None):
    """The installation of this meter in place on `on_date` (default: now), or None."""
    installations = MeterInstallation.objects.filter(meter=meter).select_related("premise")
    if on_date is None:
        return installations.filter(removed_on__isnull=True).first()
    return (
        installations.filter(installed_on__lte=on_date)
        .filter(Q(removed_on__isnull=True) | Q(removed_on__gte=on_date))
        .order_by("-installed_on", "-id")
        .first()
    )


def installed_meter(premise: Premise, on_date: datetime.date | None = None) -> Meter | None:
    """The meter at the premise on `on_date` (default: today); the newest if there are several."""
    on_date = on_date or timezone.localdate()
    installation = (
        MeterInstallation.objects.filter(premise=premise, installed_on__lte=on_date)
        .filter(Q(removed_on__isnull=True) | Q(removed_on__gt=on_date))
        .select_related("meter")
        .order_by("-installed_on", "-id")
        .first()
    )
    return installation.meter if installation else None


def installed_meters(premise: Premise) -> list[MeterInstallation]:
    """The installations in place at the premise now (a premise may have more than one meter)."""
    return list(
        MeterInstallation.objects.filter(premise=premise, removed_on__isnull=True)
        .select_related("meter")
        .order_by("meter__serial")
    )


def premise_installations(premise: Premise) -> QuerySet[MeterInstallation]:
    """Every meter that sat at the premise, newest installation first."""
    return MeterInstallation.objects.filter(premise=premise).select_related("meter", "installed_by")


@dataclass(frozen=True)
class Correction:
    """The read that corrected a read on the meter page: where it is and what it reads."""

    pk: int
    reading: Decimal


@dataclass(frozen=True)
class MeterHistory:
    installations: list[MeterInstallation]
    # every read, corrections and the reads they replaced, newest first; each with .correction
    reads: list[MeterRead]


def meter_history(meter: Meter, *, read_limit: int = 200) -> MeterHistory:
    """Where the meter sat and what it read, for the meter page (a fixed number of queries)."""
    installations = list(
        MeterInstallation.objects.filter(meter=meter).select_related("premise", "installed_by")
    )
    # A read has at most one correction (meter_read_corrected_once), so joining it keeps one
    # row a read.
    reads = list(
        MeterRead.objects.filter(meter=meter)
        .select_related("entered_by", "supersedes")
        .annotate(correction_pk=F("corrections__pk"), correction_reading=F("corrections__reading"))
        .order_by("-read_on", "-id")[:read_limit]
    )
    for read in reads:
        read.correction = (
            None
            if read.correction_pk is None
            else Correction(pk=read.correction_pk, reading=read.correction_reading)
        )
    return MeterHistory(installations=installations, reads=reads)


def premise_list() -> QuerySet[Premise]:
    """Premises in read-route order (field_ops.filters narrows them, the table sorts them)."""
    return Premise.objects.order_by("route", "read_sequence", "id")


def meter_list() -> QuerySet[Meter]:
    """Meters by serial (field_ops.filters narrows them, the table sorts them)."""
    return Meter.objects.order_by("serial")


def meter_by_serial(serial: str) -> Meter | None:
    """The meter with this serial, typed in any case, or None."""
    return Meter.objects.filter(serial__iexact=(serial or "").strip()).first()
