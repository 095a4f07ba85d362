"""Meter reads of the history, as COPY text, made premise by premise while PostgreSQL loads them.

Each premise's reads follow its route's schedule (monthly or every two months, a few business
days apart along a long route) plus the field reads of its events: meter exchanges (a removal
read on the old meter, an install read of 0 on the new one), move-outs (final read) and
move-ins after a vacancy (start read). Between reads the premise uses its occupant's water,
shaped by the season, with leaks on top and nothing while vacant or away.

Volumes are counted in whole cubic feet and each register shows its own unit, so readings never
go down on a meter. Flags follow field_ops' rules for a read entered by hand: zero use, and
high/low against the daily use of the meter's last six periods.

This is the hot loop of the generator (two million reads for 100,000 accounts): it works on
day ordinals and integers and caches every date's text. The premises are taken in blocks, each
with its own random stream, so that blocks can be made in parallel processes (the load's
`read_processes`) and the district is the same however many made it.
"""

import multiprocessing
from collections import deque
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date
from itertools import islice

from accounts.demo.plan import DistrictPlan, MeterPlan, PremisePlan
from accounts.demo.randomness import DemoRandom

# Use in percent of the yearly average, January to December (inland California: hot summers).
SEASON_PERCENT = {
    "single_family": (70, 68, 78, 92, 112, 128, 142, 145, 130, 110, 85, 72),
    "multi_family": (88, 86, 90, 96, 104, 110, 116, 117, 112, 104, 93, 88),
    "commercial": (92, 90, 95, 98, 102, 106, 110, 110, 106, 100, 96, 94),
    "irrigation": (18, 20, 45, 85, 130, 170, 205, 210, 170, 115, 55, 25),
}
# A register unit in cubic feet as a fraction (numerator, denominator) of the billing unit,
# HCF: what Meter.multiplier holds. Gallon meters register hundreds of gallons.
MULTIPLIER = {"hcf": (1, 1), "cf": (1, 100), "gal": (1337, 10000)}
MULTIPLIER_TEXT = {"hcf": "1", "cf": "0.01", "gal": "0.1337"}
# field_ops' rules for flags (see field_ops.services): six periods, x2 high, x0.5 low, and no
# flag on swings under 2 HCF.
HIGH_LOW_PERIODS = 6
FLOOR_HCF = 2

REMOVE, INSTALL, FINAL, START, SCHEDULED = range(5)  # the order of reads on one day
ROUTE_ENTERED = " 23:10:00+00"  # handhelds upload at the end of the day (4:10 pm Pacific)
FIELD_ENTERED = " 21:30:00+00"
NEAR_DAYS = range(-3, 4)  # a route read this close to a field read is skipped
ESTIMATE_PER_1024 = 4  # a route read is estimated now and then (locked gate, dog, car on box)
# Premises whose reads come from one random stream: large enough that a block's text is worth
# sending between processes, small enough that two processes share a small district's work.
BLOCK_PREMISES = 1_000
BLOCKS_AHEAD = 4  # per process: made before the COPY takes them


def _to_register(volume: int, unit: str) -> int:
    """Cubic feet through a meter -> what its register shows."""
    if unit == "hcf":
        return volume // 100
    if unit == "cf":
        return volume
    return volume * 748_052 // 10_000_000  # hundreds of gallons (7.48052 gallons a cubic foot)


def _preferred_dials(meter: MeterPlan) -> int:
    if meter.unit != "hcf":
        return 6
    return 4 if meter.size in {"5/8", "3/4", "1"} else 5 if meter.size in {"1-1/2", "2"} else 6


@dataclass(slots=True)
class ReadBlock:
    """The reads of one block of premises, and what they fixed on its meters."""

    text: str  # COPY lines
    count: int
    flag_counts: dict[str, int]
    meters: list[tuple[int, int | None]]  # (dials, removal reading) of each meter, in order


class ReadMaker:
    """Makes the reads of one district; counts them and fixes each meter's dials."""

    def __init__(self, seed: int, plan: DistrictPlan):
        self.seed = seed
        self.premises = plan.premises
        self.first_day = plan.history_start.toordinal()
        self.last_day = plan.as_of.toordinal()
        self.count = 0
        self.flag_counts = {"zero": 0, "high": 0, "low": 0, "leak": 0, "estimated": 0}
        days = range(self.first_day, self.last_day + 1)
        months = [date.fromordinal(day).month - 1 for day in days]
        self.season = {kind: [table[m] for m in months] for kind, table in SEASON_PERCENT.items()}
        self._schedules: dict[tuple[str, str, int], list[int]] = {}
        self._day_text: dict[int, str] = {}
        self._history_months = self._months(plan.history_start, plan.as_of)

    @staticmethod
    def _months(first: date, last: date) -> list[tuple[int, int]]:
        months, year, month = [], first.year, first.month
        while (year, month) <= (last.year, last.month):
            months.append((year, month))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return months

    def _text(self, day: int) -> str:
        text = self._day_text.get(day)
        if text is None:
            text = self._day_text[day] = date.fromordinal(day).isoformat()
        return text

    def schedule(self, premise: PremisePlan) -> list[int]:
        """The route's read days: the cycle's day of the month, later along a long route."""
        key = (premise.billing_cycle, premise.billing_frequency, premise.read_day_offset)
        days = self._schedules.get(key)
        if days is None:
            cycle = int(premise.billing_cycle) - 1
            day_of_month = 2 + cycle % 20
            parity = (cycle // 4) % 2
            days = []
            for year, month in self._history_months:
                if premise.billing_frequency == "bimonthly" and (year * 12 + month + parity) % 2:
                    continue
                day = _business_day(date(year, month, day_of_month).toordinal(), 0)
                day = _business_day(day, premise.read_day_offset)
                if self.first_day <= day <= self.last_day:
                    days.append(day)
            self._schedules[key] = days
        return days

    def _points(self, premise: PremisePlan) -> list[tuple[int, int, int]]:
        """(day, kind, meter index) of every read of the premise, in order."""
        first_day, points = self.first_day, []
        for index, meter in enumerate(premise.meters):
            installed = meter.installed_on.toordinal()
            if installed >= first_day:
                points.append((installed, INSTALL, index))
            if meter.removed_on is not None:
                points.append((meter.removed_on.toordinal(), REMOVE, index))
        previous_end = None
        for account in premise.accounts:
            start = account.start_date.toordinal()
            if start >= first_day and start != previous_end:
                points.append((start, START, -1))
            if account.end_date is not None:
                previous_end = account.end_date.toordinal()
                if previous_end >= first_day:
                    points.append((previous_end, FINAL, -1))
        # A field read a few days from a route day stands in for the route read.
        taken = {day + near for day, _kind, _meter in points for near in NEAR_DAYS}
        available = premise.meters[0].installed_on.toordinal()
        points.extend(
            (day, SCHEDULED, -1)
            for day in self.schedule(premise)
            if day > available and day not in taken
        )
        points.sort()
        return points

    def premise_lines(self, premise: PremisePlan, rng, flag_counts) -> list[str]:
        """COPY lines of the premise's reads (meter, day, reading, source, flags, note, entered),
        drawn from `rng`; counts the flags into `flag_counts`."""
        lines = []
        getrandbits = rng.getrandbits
        season = self.season[premise.premise_type]
        first_day = self.first_day
        tenures = [
            (
                account.start_date.toordinal(),
                account.end_date.toordinal() if account.end_date else self.last_day + 1,
                account.monthly_cubic_feet,
            )
            for account in premise.accounts
        ]
        meters = premise.meters
        meter_index, meter = 0, meters[0]
        numerator, denominator = MULTIPLIER[meter.unit]
        volume, previous_day = 0, None
        # The current meter's last standing reading, and its periods' days and use (two lists:
        # the high/low rule sums the last few of each, millions of times in a large district).
        last_register, period_days, period_used = None, [], []
        top = {}  # meter index -> highest register shown
        address = premise.address_line
        for day, kind, index in self._points(premise):
            if kind == INSTALL:
                if index != meter_index:
                    meter_index, meter = index, meters[index]
                    numerator, denominator = MULTIPLIER[meter.unit]
                volume, last_register, previous_day = 0, 0, day
                period_days, period_used = [], []
                top[meter_index] = 0
                lines.append(
                    f"{meter.id}\t{self._text(day)}\t0\tfield_order\t{{meter_change}}\t"
                    f"Install reading at {address}\t{self._text(day)}{FIELD_ENTERED}\n"
                )
                continue
            leaking = False
            if previous_day is None:
                # The first read of the history: the register shows years of use already.
                monthly = _monthly_at(tenures, day) or tenures[-1][2]
                volume = monthly * (day - meter.installed_on.toordinal()) // 30
                volume = volume * rng.randrange(60, 100) // 100
            else:
                used, leaking = _use_between(
                    premise, tenures, season, previous_day, day, first_day, getrandbits
                )
                volume += used
            register = _to_register(volume, meter.unit)
            source, note, flags = "route", "", ""
            if last_register is not None:
                used_units = register - last_register
                flags, note = _flags(
                    used_units,
                    day - previous_day,
                    period_days,
                    period_used,
                    leaking,
                    numerator,
                    denominator,
                )
                if kind == SCHEDULED and flags == "" and getrandbits(10) < ESTIMATE_PER_1024:
                    register = last_register + used_units * 9 // 10
                    source, flags = "estimate", "estimated"
                period_days.append(day - previous_day)
                period_used.append(register - last_register)
            entered = ROUTE_ENTERED
            if kind != SCHEDULED:
                source, entered = "field_order", FIELD_ENTERED
                flags, note = _field_read(kind, flags, address)
                if kind == REMOVE:
                    meter.removal_reading = register
            if flags:
                _count_flags(flag_counts, flags)
            text = self._text(day)
            lines.append(
                f"{meter.id}\t{text}\t{register}\t{source}\t{{{flags}}}\t{note}\t{text}{entered}\n"
            )
            last_register, previous_day = register, day
            top[meter_index] = register
        for index, meter in enumerate(meters):
            meter.dials = max(_preferred_dials(meter), len(str(top.get(index, 0))))
        return lines

    @property
    def blocks(self) -> int:
        return -(-len(self.premises) // BLOCK_PREMISES)

    def _block_premises(self, index: int) -> list[PremisePlan]:
        return self.premises[index * BLOCK_PREMISES : (index + 1) * BLOCK_PREMISES]

    def block(self, index: int) -> ReadBlock:
        """The reads of the index-th block of premises, from the block's own random stream."""
        rng = DemoRandom(f"{self.seed}:reads:{index}")
        premises = self._block_premises(index)
        flag_counts = dict.fromkeys(self.flag_counts, 0)
        lines = []
        for premise in premises:
            lines += self.premise_lines(premise, rng, flag_counts)
        meters = [(m.dials, m.removal_reading) for p in premises for m in p.meters]
        return ReadBlock("".join(lines), len(lines), flag_counts, meters)

    def _take(self, index: int, block: ReadBlock) -> str:
        """Keep a block's counts and its meters' dials and removal readings (made in another
        process, they are not on this process's plan yet); its text for the COPY."""
        self.count += block.count
        for flag, count in block.flag_counts.items():
            self.flag_counts[flag] += count
        meters = (meter for premise in self._block_premises(index) for meter in premise.meters)
        for meter, (dials, removal_reading) in zip(meters, block.meters, strict=True):
            meter.dials, meter.removal_reading = dials, removal_reading
        return block.text

    def texts(self, processes: int = 1) -> Iterator[str]:
        """The reads of every premise as COPY text, a block at a time, in the premises' order;
        with `processes` > 1, made by that many forked processes while this one COPYs.

        A few blocks a process are made ahead, no more (memory stays flat however large the
        district), and a process that dies (killed for memory, say) raises BrokenProcessPool
        here rather than leaving the load waiting for its block: the load rolls back."""
        if processes <= 1:
            for index in range(self.blocks):
                yield self._take(index, self.block(index))
            return
        global _FORKED_MAKER
        _FORKED_MAKER = self  # what the forked processes inherit: the plan is not pickled
        try:
            context = multiprocessing.get_context("fork")
            with ProcessPoolExecutor(processes, mp_context=context) as pool:
                indexes = iter(range(self.blocks))
                ahead = deque(
                    (index, pool.submit(_forked_block, index))
                    for index in islice(indexes, BLOCKS_AHEAD * processes)
                )
                while ahead:
                    index, made = ahead.popleft()
                    block = made.result()
                    for following in islice(indexes, 1):
                        ahead.append((following, pool.submit(_forked_block, following)))
                    yield self._take(index, block)
        finally:
            _FORKED_MAKER = None


_FORKED_MAKER: ReadMaker | None = None


def _forked_block(index: int) -> ReadBlock:
    return _FORKED_MAKER.block(index)


def _count_flags(flag_counts: dict[str, int], flags: str) -> None:
    for flag in flags.split(","):
        if flag in flag_counts:
            flag_counts[flag] += 1


def _use_between(
    premise, tenures, season, previous_day: int, day: int, first_day: int, getrandbits
):
    """Cubic feet used since the last read (the occupant's use then, by the season and the
    weather, nothing while vacant or away), with any leak on top; and whether one leaked."""
    middle = (previous_day + day) >> 1
    monthly = 0
    for start, end, use in tenures:
        if start <= middle < end:
            monthly = use
            break
    for begins, ends in premise.idle:
        if begins <= middle <= ends:
            monthly = 0
    used = (
        monthly
        * (day - previous_day)
        * season[middle - first_day]
        * (85 + getrandbits(5))
        // 300_000  # 30 days x 100% season x 100% weather
    )
    leaking = False
    for begins, ends, a_day in premise.leaks:
        overlap = min(day, ends) - max(previous_day, begins)
        if overlap > 0:
            used += overlap * a_day
            leaking = True
    return used, leaking


def _flags(
    used_units: int, days: int, period_days, period_used, leaking: bool, numerator, denominator
):
    """The flags (and note) field_ops would put on a read entered by hand."""
    if used_units == 0:
        return "zero", ""
    if len(period_days) < 2:
        return "", ""
    flags = _high_or_low(used_units, days, period_days, period_used, numerator, denominator)
    if flags == "high" and leaking:
        return "high,leak", "Possible leak: door hanger left"
    return flags, ""


def _field_read(kind: int, flags: str, address: str) -> tuple[str, str]:
    """A field order's read: the removal read marks the meter change; each says what it was."""
    if kind == REMOVE:
        return (f"{flags},meter_change" if flags else "meter_change"), (
            f"Removal reading at {address}"
        )
    if kind == FINAL:
        return flags, "Final read (move-out)"
    return flags, "Start read (move-in)"


def _monthly_at(tenures, day: int) -> int:
    for start, end, use in tenures:
        if start <= day < end:
            return use
    return 0


def _business_day(day: int, later: int) -> int:
    """The day moved off a weekend, then `later` business days on (ordinal 1 is a Monday)."""
    while (day - 1) % 7 >= 5:
        day += 1
    for _ in range(later):
        day += 1
        while (day - 1) % 7 >= 5:
            day += 1
    return day


def _high_or_low(
    used: int, days: int, period_days, period_used, numerator: int, denominator: int
) -> str:
    """field_ops' high/low rule in integers: compare with the daily use of the last periods."""
    used_total = sum(period_used[-HIGH_LOW_PERIODS:])
    days_total = sum(period_days[-HIGH_LOW_PERIODS:])
    if days_total <= 0 or days <= 0:
        return ""
    # expected = used_total / days_total * days; floor = FLOOR_HCF / multiplier (register units)
    expected_scaled = used_total * days * numerator  # x days_total x numerator
    floor_scaled = FLOOR_HCF * denominator * days_total  # x days_total x numerator
    if used * days_total * numerator > 2 * max(expected_scaled, floor_scaled):
        return "high"
    if expected_scaled >= floor_scaled and 2 * used * days_total < used_total * days:
        return "low"
    return ""
