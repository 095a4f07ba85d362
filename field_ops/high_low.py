"""The district's one rule for a high or low reading, and the usual use it compares with.

field_ops flags a read with it when the read is recorded (`read_record`, `read_correct`,
`meter_remove`); billing asks the reader to confirm with it before saving (billing.reads).

Usual use, in register units per day, from the reads that stand before the reading:
- the 12-month average: the use between consecutive reads that ended in the 365 days before
  the reading, over their days (at least MIN_HISTORY_DAYS of history);
- the same month last year: the read period that covered the same date a year earlier.
A reading is high above `read-high-percent` of every known baseline (and of the noise floor),
low below `read-low-percent` of every known baseline (and never when a baseline is under the
floor). Both percents are district policies a supervisor tunes.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Protocol

from district.policies import policy_values
from field_ops.models import Meter, MeterRead
from field_ops.readings import register_use

READ_POLICIES = ("read-high-percent", "read-low-percent")
# Below this expected use (in billing units, HCF) a swing is noise: no low flag, and a high
# flag only above read-high-percent of this amount.
HIGH_LOW_FLOOR_HCF = Decimal(2)
# 12 months of history plus the longest read period before them (two months and a margin).
LOOKBACK_DAYS = 440
MIN_HISTORY_DAYS = 25
LAST_YEAR_MAX_PERIOD_DAYS = 75
HUNDRED = Decimal(100)
WHOLE = Decimal(1)


class Read(Protocol):
    """A read that stands (a MeterRead, or billing's lighter PastRead)."""

    read_on: datetime.date
    reading: Decimal


def read_policies() -> dict:
    """The high and low percents (one query)."""
    return policy_values(*READ_POLICIES)


def daily_average(history: Sequence[Read], read_on: datetime.date, *, dials: int):
    """Register units a day over the reads that ended in the 365 days before `read_on`.

    `history` is the reads before `read_on`, oldest first. None: too little history.
    """
    start = read_on - datetime.timedelta(days=365)
    used_total, days_total = Decimal(0), 0
    for earlier, later in zip(history, history[1:], strict=False):
        if later.read_on < start:
            continue
        used = register_use(earlier.reading, later.reading, dials=dials)
        days = (later.read_on - earlier.read_on).days
        if used is None or days <= 0:
            continue
        used_total += used[0]
        days_total += days
    if days_total < MIN_HISTORY_DAYS:
        return None
    return used_total / days_total


def _same_date_last_year(day: datetime.date) -> datetime.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def daily_last_year(history: Sequence[Read], read_on: datetime.date, *, dials: int):
    """Register units a day in the read period that covered the same date last year."""
    target = _same_date_last_year(read_on)
    for earlier, later in zip(history, history[1:], strict=False):
        if earlier.read_on < target <= later.read_on:
            days = (later.read_on - earlier.read_on).days
            used = register_use(earlier.reading, later.reading, dials=dials)
            if used is None or not 0 < days <= LAST_YEAR_MAX_PERIOD_DAYS:
                return None
            return used[0] / days
    return None


@dataclass(frozen=True)
class UsualUse:
    """The use expected since the previous read, and the readings it makes plausible."""

    days: int
    baselines: list[tuple[str, Decimal]]  # (what, register units expected over `days`)
    floor: Decimal  # below this much use a swing is noise (register units)
    low_use: Decimal  # less use than this since the previous read is low
    high_use: Decimal  # more use than this is high
    previous_reading: Decimal

    @property
    def low_reading(self) -> Decimal:
        return (self.previous_reading + self.low_use).quantize(WHOLE, rounding=ROUND_FLOOR)

    @property
    def high_reading(self) -> Decimal:
        return (self.previous_reading + self.high_use).quantize(WHOLE, rounding=ROUND_CEILING)


def usual_use(
    history: Sequence[Read],
    read_on: datetime.date,
    *,
    meter: Meter,
    policies: dict | None = None,
) -> UsualUse | None:
    """What the meter usually uses up to `read_on`; None without a previous read or baseline.

    `history` is the reads that stand before `read_on`, oldest first (LOOKBACK_DAYS of them
    are enough). `policies` as `read_policies()` returns them (read only when needed if not
    given: a meter without history costs no query).
    """
    if not history:
        return None
    previous = history[-1]
    days = (read_on - previous.read_on).days
    if days <= 0:
        return None
    baselines = []
    average = daily_average(history, read_on, dials=meter.dials)
    if average is not None:
        baselines.append(("the 12-month average", average * days))
    last_year = daily_last_year(history, read_on, dials=meter.dials)
    if last_year is not None:
        baselines.append(("the same month last year", last_year * days))
    if not baselines:
        return None
    policies = policies if policies is not None else read_policies()
    high_share = Decimal(policies["read-high-percent"]) / HUNDRED
    low_share = Decimal(policies["read-low-percent"]) / HUNDRED
    floor = HIGH_LOW_FLOOR_HCF / meter.multiplier  # the floor in register units
    # High above every baseline's limit; low below every one (a baseline under the floor
    # rules low out).
    high = max(high_share * max(expected, floor) for _, expected in baselines)
    low = min(
        low_share * expected if expected >= floor else Decimal(0) for _, expected in baselines
    )
    return UsualUse(
        days=days,
        baselines=baselines,
        floor=floor,
        low_use=low,
        high_use=high,
        previous_reading=previous.reading,
    )


def high_or_low(consumption: Decimal, usual: UsualUse | None) -> str | None:
    """MeterRead.Flag.HIGH or LOW for the use since the previous read, or None."""
    if usual is None:
        return None
    if consumption > usual.high_use:
        return MeterRead.Flag.HIGH
    if consumption < usual.low_use:
        return MeterRead.Flag.LOW
    return None
