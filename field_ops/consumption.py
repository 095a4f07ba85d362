"""Water use at a premise: read periods from consecutive reads, and use per month.

A read period runs from one read (or the meter's installation) to the next read of the same
meter at the same premise: consumption = (end - start) x multiplier, in HCF. A register that
passed its top (10^dials) and started again from zero rolled over. Readings of different meters
are never subtracted from each other: an exchanged meter's last period ends at its removal
reading, and the new meter's first period starts at its install reading. Corrected reads are
left out (their correction stands in their place).

Two queries whatever the history's length: the premise's installations with their meters,
then the standing reads of those meters in the window.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from django.utils.formats import date_format

from field_ops.models import MeterInstallation, MeterRead

HUNDREDTHS = Decimal("0.01")
# How far before the window to look for the read a period starts from (reads come monthly or
# every two months; a year covers a long vacancy too).
LOOKBACK_DAYS = 400


@dataclass(frozen=True)
class ReadPeriod:
    meter_id: int
    meter_serial: str
    read_id: int | None  # the read ending the period; None when it ends at the meter's removal
    start_date: datetime.date
    end_date: datetime.date
    start_reading: Decimal
    end_reading: Decimal
    consumption_hcf: Decimal
    source: str  # label: "Route / handheld", "Estimate", "Meter removed", ...
    estimated: bool
    rolled_over: bool

    @property
    def says_estimated(self) -> bool:
        """Estimated, where the source's own label does not already say so."""
        return self.estimated and self.source != MeterRead.Source.ESTIMATE.label


@dataclass(frozen=True)
class MonthUsage:
    month: datetime.date  # the first day of the month
    consumption_hcf: Decimal | None  # None: no period ended in this month (no read)
    estimated: bool  # some of it comes from an estimated read

    @property
    def label(self) -> str:
        return date_format(self.month, "M Y")  # "Dec 2026", "dic 2026" in Spanish


def first_months(*, months: int, as_of: datetime.date) -> list[datetime.date]:
    """The first days of the `months` months ending with as_of's month, oldest first."""
    year, month = as_of.year, as_of.month
    firsts = []
    for _ in range(months):
        firsts.append(datetime.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return firsts[::-1]


def _consumption(start: Decimal, end: Decimal, *, dials: int, multiplier: Decimal):
    """(HCF used between two readings of one register, whether it rolled over)."""
    rolled_over = end < start
    used = end - start + (Decimal(10) ** dials if rolled_over else 0)
    return (used * multiplier).quantize(HUNDREDTHS), rolled_over


def premise_read_periods(
    *, premise_id: int, since: datetime.date, until: datetime.date
) -> list[ReadPeriod]:
    """Read periods at the premise ending between `since` and `until`, oldest first."""
    fetch_from = since - datetime.timedelta(days=LOOKBACK_DAYS)
    installations = list(
        MeterInstallation.objects.filter(premise_id=premise_id, installed_on__lte=until)
        .exclude(removed_on__lt=fetch_from)
        .select_related("meter")
        .order_by("installed_on", "id")
    )
    if not installations:
        return []
    reads = (
        MeterRead.objects.filter(
            meter_id__in={installation.meter_id for installation in installations},
            corrections__isnull=True,
            read_on__gte=fetch_from,
            read_on__lte=until,
        )
        .order_by("read_on", "id")
        .values_list("id", "meter_id", "read_on", "reading", "source", "flags")
    )
    reads_by_meter: dict[int, list[tuple]] = {}
    for read in reads:
        reads_by_meter.setdefault(read[1], []).append(read)
    source_labels = dict(MeterRead.Source.choices)

    periods = []
    for installation in installations:
        meter = installation.meter
        # The period before the first read starts at the install reading, if that is fetched.
        previous = None
        if installation.installed_on >= fetch_from:
            previous = (installation.installed_on, installation.install_reading)
        ends = [
            (read_on, reading, read_id, source, flags)
            for read_id, _meter, read_on, reading, source, flags in reads_by_meter.get(meter.pk, [])
            if installation.installed_on <= read_on
            and (installation.removed_on is None or read_on <= installation.removed_on)
        ]
        removed = installation.removed_on
        if removed is not None and removed <= until and not any(e[0] == removed for e in ends):
            ends.append((removed, installation.removal_reading, None, "removed", []))
        for read_on, reading, read_id, source, flags in ends:
            if previous is not None and read_on >= since:
                used, rolled_over = _consumption(
                    previous[1], reading, dials=meter.dials, multiplier=meter.multiplier
                )
                estimated = source == MeterRead.Source.ESTIMATE or "estimated" in flags
                periods.append(
                    ReadPeriod(
                        meter_id=meter.pk,
                        meter_serial=meter.serial,
                        read_id=read_id,
                        start_date=previous[0],
                        end_date=read_on,
                        start_reading=previous[1],
                        end_reading=reading,
                        consumption_hcf=used,
                        source=source_labels.get(source, "Meter removed"),
                        estimated=estimated,
                        rolled_over=rolled_over,
                    )
                )
            previous = (read_on, reading)
    periods.sort(key=lambda period: (period.end_date, period.meter_serial))
    return periods


def usage_by_month(
    periods: list[ReadPeriod], *, months: int, as_of: datetime.date
) -> list[MonthUsage]:
    """Bucket read periods by the month of the read that ends them; every month listed."""
    firsts = first_months(months=months, as_of=as_of)
    totals: dict[datetime.date, Decimal] = {}
    estimated: set[datetime.date] = set()
    for period in periods:
        month = period.end_date.replace(day=1)
        if month < firsts[0] or month > firsts[-1]:
            continue
        totals[month] = totals.get(month, Decimal("0.00")) + period.consumption_hcf
        if period.estimated:
            estimated.add(month)
    return [
        MonthUsage(month=month, consumption_hcf=totals.get(month), estimated=month in estimated)
        for month in firsts
    ]


def monthly_consumption(
    *, premise_id: int, months: int = 24, as_of: datetime.date | None = None
) -> list[MonthUsage]:
    """Water used at the premise in each of the `months` months ending with as_of's month."""
    as_of = as_of or timezone.localdate()
    since = first_months(months=months, as_of=as_of)[0]
    periods = premise_read_periods(premise_id=premise_id, since=since, until=as_of)
    return usage_by_month(periods, months=months, as_of=as_of)
