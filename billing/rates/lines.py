"""Bill lines: what each part of a bill is charged, line by line (pure: no database).

A `Part` is a stretch of the bill's days priced by one rate version (the whole bill unless the
rates changed during it). Each function here builds the lines of one kind of charge and writes
how its number is reached into the description.
"""

import datetime
from dataclasses import asdict, dataclass
from decimal import Decimal
from fractions import Fraction

from billing.rates.proration import (
    exact,
    hundredths,
    money,
    number_text,
    overlap_days,
    periods_factor,
    rate_text,
    service_days,
    to_decimal,
)
from billing.rates.terms import (
    HCF_PER_UNIT,
    METER_LABELS,
    PER_WORDS,
    PERIOD_MONTHS,
    STATED_MONTHS,
    UNIT_LABELS,
)
from district.customer_notes import IN_EFFECT, PRORATED, SPLIT, join_notes
from district.errors import ServiceError


@dataclass(frozen=True)
class BillLine:
    code: str  # service, water.tier1, surcharge.<code>, sewer.fixed, sewer.usage, minimum
    category: str  # service | water | surcharge | sewer | minimum (what the line is, for posting)
    description: str
    quantity: Decimal
    unit: str
    rate: Decimal
    amount: Decimal  # dollars and cents, rounded half-up once
    proration: str = ""  # how the period was prorated or split, "" for a whole period
    version: str = ""  # the rate version that priced the line

    def as_dict(self) -> dict:
        data = asdict(self)
        for key in ("quantity", "rate", "amount"):
            data[key] = str(data[key])
        return data


@dataclass(frozen=True)
class BillCalculation:
    lines: list[BillLine]
    total: Decimal
    days: int
    consumption: Decimal
    unit: str
    versions: list[str]

    def as_dict(self) -> dict:
        return {
            "lines": [line.as_dict() for line in self.lines],
            "total": str(self.total),
            "days": self.days,
            "consumption": str(self.consumption),
            "unit": self.unit,
            "versions": self.versions,
        }


@dataclass(frozen=True)
class Inputs:
    customer_class: str
    meter_size: str
    consumption: Fraction
    consumption_unit: str | None
    period_start: datetime.date
    period_end: datetime.date
    dwelling_units: int
    zone: str | None
    winter_average: Fraction | None


@dataclass(frozen=True)
class Part:
    """One stretch of the bill priced by one version (the whole bill unless rates changed)."""

    schedule: dict
    label: str
    start: datetime.date
    end: datetime.date
    total_days: int
    consumption: Fraction  # in the schedule's unit
    winter_average: Fraction | None  # in the schedule's unit
    zone: str | None
    split: bool

    @property
    def days(self) -> int:
        return service_days(self.start, self.end)

    @property
    def share(self) -> Fraction:
        return Fraction(self.days, self.total_days)

    @property
    def note(self) -> str:
        if not self.split:
            return ""
        return SPLIT.text(days=self.days, total=self.total_days, version=self.label)


def price_part(part: Part, inputs: Inputs) -> list[BillLine]:
    schedule = part.schedule
    factor, prorated = periods_factor(
        part.total_days,
        period_days=exact(schedule["period_days"]),
        whole_periods=schedule["whole_periods"],
    )
    lines = []
    if schedule["service_charge"]:
        chosen = _first(schedule["service_charge"]["sets"], part, inputs)
        if chosen is None:
            raise ServiceError({"customer_class": _no_rates("service charge", inputs, part)})
        lines.append(_fixed_line("service", "service", chosen, part, inputs, factor, prorated))
    if schedule["volumetric"]:
        chosen = _first(schedule["volumetric"]["sets"], part, inputs)
        if chosen is None:
            raise ServiceError({"customer_class": _no_rates("water use rate", inputs, part)})
        lines.extend(_tier_lines(chosen, part, inputs, factor, prorated))
    for surcharge in schedule["surcharges"]:
        if surcharge["kind"] != "percent" and _matches(surcharge["when"], part, inputs):
            line = _surcharge_line(surcharge, part, inputs, factor, prorated)
            if line is not None:
                lines.append(line)
    if schedule["sewer"]:
        chosen = _first(schedule["sewer"]["sets"], part, inputs)
        if chosen and chosen["fixed"]:
            lines.append(
                _fixed_line("sewer.fixed", "sewer", chosen["fixed"], part, inputs, factor, prorated)
            )
        if chosen and chosen["per_unit"]:
            lines.append(_sewer_usage_line(chosen, part, factor))
    # A percent surcharge is taken of the lines above (never of another percent surcharge).
    base_lines = list(lines)
    for surcharge in schedule["surcharges"]:
        if surcharge["kind"] == "percent" and _matches(surcharge["when"], part, inputs):
            line = _percent_line(surcharge, base_lines, part)
            if line is not None:
                lines.append(line)
    if schedule["minimum_charge"]:
        line = _minimum_line(schedule["minimum_charge"], lines, part, factor, prorated)
        if line is not None:
            lines.append(line)
    return lines


def _first(sets: list[dict], part: Part, inputs: Inputs) -> dict | None:
    return next((entry for entry in sets if _matches(entry["when"], part, inputs)), None)


def _matches(when: dict, part: Part, inputs: Inputs) -> bool:
    return (
        ("classes" not in when or inputs.customer_class in when["classes"])
        and ("meter_sizes" not in when or inputs.meter_size in when["meter_sizes"])
        and ("zones" not in when or part.zone in when["zones"])
        and ("months" not in when or part.end.month in when["months"])
    )


def _no_rates(what: str, inputs: Inputs, part: Part) -> str:
    zone = f" in the {part.zone} zone" if part.zone else ""
    return (
        f"{part.label} has no {what} for {inputs.customer_class.replace('_', '-')} customers "
        f"with a {METER_LABELS[inputs.meter_size]} meter{zone}."
    )


def _stated_quantity(per: str, part: Part, factor: Fraction) -> Fraction:
    """How many of `per` (month, two months, day) this part of the bill is charged."""
    if per == "day":
        return Fraction(part.days)
    return factor * PERIOD_MONTHS[part.schedule["period"]] / STATED_MONTHS[per] * part.share


def _stated_text(per: str, rate: Decimal, part: Part, factor: Fraction, prorated: bool) -> str:
    if per == "day":
        return f"{part.days} days x {rate_text(rate)}"
    if prorated:
        basis = exact(part.schedule["period_days"]) * STATED_MONTHS[per]
        basis /= PERIOD_MONTHS[part.schedule["period"]]
        text = f"{rate_text(rate)} per {PER_WORDS[per][0]} x {part.total_days}/{number_text(basis)} days"
    else:
        count = factor * PERIOD_MONTHS[part.schedule["period"]] / STATED_MONTHS[per]
        shown = _count_text(count)
        word = PER_WORDS[per][0] if count == 1 or "/" in shown else PER_WORDS[per][1]
        text = f"{shown} {word} x {rate_text(rate)}"
    if part.split:
        text += f", {part.days} of {part.total_days} days"
    return text


def _count_text(count: Fraction) -> str:
    """1, 2, 0.5 - or 1/12 and 1/6 (a charge stated per year on a monthly or two-month bill)."""
    if (count * 10_000).denominator == 1:
        return number_text(count)
    return f"{count.numerator}/{count.denominator}"


def _proration(per: str, part: Part, prorated: bool) -> str:
    """The line's proration note: "prorated 45/30 days", "15 of 30 days at ...", or ""."""
    notes = []
    if prorated and per != "day":
        basis = exact(part.schedule["period_days"]) * STATED_MONTHS[per]
        basis /= PERIOD_MONTHS[part.schedule["period"]]
        notes.append(PRORATED.text(total=part.total_days, basis=number_text(basis)))
    notes.append(part.note)
    return join_notes(notes)


def _fixed_line(code, category, body, part, inputs, factor, prorated) -> BillLine:
    if body["amount"] is not None:
        rate, meter = Decimal(body["amount"]), ""
    else:
        amounts = body["by_meter_size"]
        if inputs.meter_size not in amounts:
            raise ServiceError(
                {
                    "meter_size": f"{part.label} has no {body['description'].lower()} "
                    f"for a {METER_LABELS[inputs.meter_size]} meter."
                }
            )
        rate, meter = (
            Decimal(amounts[inputs.meter_size]),
            f", {METER_LABELS[inputs.meter_size]} meter",
        )
    quantity = _stated_quantity(body["per"], part, factor)
    text = _stated_text(body["per"], rate, part, factor, prorated)
    if body["per_dwelling_unit"]:
        quantity *= inputs.dwelling_units
        text += f" x {inputs.dwelling_units} units"
    return BillLine(
        code=code,
        category=category,
        description=f"{body['description']}{meter}: {text}",
        quantity=to_decimal(quantity).quantize(Decimal("0.0001")),
        unit=body["per"],
        rate=rate,
        amount=money(quantity * exact(rate)),
        proration=_proration(body["per"], part, prorated),
        version=part.label,
    )


def _tier_lines(chosen, part, inputs, factor, prorated) -> list[BillLine]:
    schedule = part.schedule
    unit_label = UNIT_LABELS[schedule["unit"]]
    breakpoints = chosen["breakpoints"]
    multiplier, how = _breakpoint_multiplier(breakpoints, part, inputs, factor, prorated)
    conversion = HCF_PER_UNIT[breakpoints["unit"]] / HCF_PER_UNIT[schedule["unit"]]
    lines = []
    lower = Fraction(0)
    tiers = chosen["tiers"]
    for index, tier in enumerate(tiers):
        upper, size_note = None, ""
        if tier["up_to"] == "winter_average":
            if part.winter_average is not None:
                upper = hundredths(part.winter_average * multiplier)
                size_note = f"up to the winter average, {number_text(upper)} {unit_label}"
            else:
                size_note = "no winter average given: all use"
        elif tier["up_to"] is not None:
            stated = exact(tier["up_to"])
            upper = hundredths(stated * conversion * multiplier)
            if how or conversion != 1:
                per = _breakpoint_per(breakpoints)
                size_note = (
                    f"up to {number_text(upper)} {unit_label}: "
                    f"{number_text(stated)} {UNIT_LABELS[breakpoints['unit']]}{per}{how}"
                )
        upper = None if upper is None else max(upper, lower)
        top = part.consumption if upper is None else min(part.consumption, upper)
        quantity = max(Fraction(0), top - lower)
        # An unbounded tier (the last, or tier 1 with no winter average) takes all the rest.
        lower = max(lower, part.consumption) if upper is None else upper
        if quantity == 0:
            continue
        rate = Decimal(tier["rate"])
        label = tier["label"] or chosen["description"]
        if size_note:
            label += f" ({size_note})"
        lines.append(
            BillLine(
                code=f"water.tier{index + 1}" if len(tiers) > 1 else "water",
                category="water",
                description=f"{label}: {number_text(quantity)} {unit_label} x {rate_text(rate)}",
                quantity=to_decimal(quantity),
                unit=unit_label,
                rate=rate,
                amount=money(quantity * exact(rate)),
                proration=part.note,
                version=part.label,
            )
        )
    return lines


def _breakpoint_multiplier(breakpoints, part, inputs, factor, prorated):
    """(what each stated breakpoint is multiplied by, how that reads: " x 61 days x 4 units")."""
    how = ""
    if breakpoints["scale"] == "days":
        days = exact(breakpoints["days"])
        multiplier = Fraction(part.days) / days
        how = f" x {part.days} days" if days == 1 else f" x {part.days}/{number_text(days)} days"
    elif breakpoints["scale"] == "period":
        multiplier = factor * part.share
        if prorated:
            how = f" x {part.total_days}/{number_text(exact(part.schedule['period_days']))} days"
        elif factor != 1:  # a whole-periods window of 2 months, or half a two-month period
            words = PER_WORDS[part.schedule["period"]]
            how = f" x {number_text(factor)} {words[0] if factor == 1 else words[1]}"
        if part.split:
            how += f" x {part.days}/{part.total_days} days"
    else:
        multiplier = part.share
        if part.split:
            how = f" x {part.days}/{part.total_days} days"
    if breakpoints["per_dwelling_unit"]:
        multiplier *= inputs.dwelling_units
        how += f" x {inputs.dwelling_units} units"
    return multiplier, how


def _breakpoint_per(breakpoints) -> str:
    if breakpoints["scale"] != "days":
        return ""
    days = exact(breakpoints["days"])
    return " per day" if days == 1 else f" per {number_text(days)} days"


def _days_in_effect(surcharge, part) -> int:
    """The days of this part of the bill inside the surcharge's `effective` ranges."""
    if not surcharge["effective"]:
        return part.days
    return min(
        part.days,
        sum(
            overlap_days(
                part.start,
                part.end,
                datetime.date.fromisoformat(window["from"]),
                datetime.date.fromisoformat(window["to"]) if window["to"] else None,
            )
            for window in surcharge["effective"]
        ),
    )


def _percent_line(surcharge, base_lines, part) -> BillLine | None:
    """A percent of the (already rounded) lines of the kinds in `of`, rounded once."""
    in_effect = _days_in_effect(surcharge, part)
    base = sum(
        (line.amount for line in base_lines if line.category in surcharge["of"]), Decimal("0.00")
    )
    if in_effect == 0 or not base:
        return None
    portion = Fraction(in_effect, part.days)
    percent = Decimal(surcharge["percent"])
    quantity = exact(base) * portion
    in_effect_note = IN_EFFECT.text(days=in_effect, total=part.days) if portion != 1 else ""
    effect_note = f", {in_effect_note}" if in_effect_note else ""
    kinds = " and ".join(surcharge["of"])
    return BillLine(
        code=f"surcharge.{surcharge['code']}",
        category="surcharge",
        description=(
            f"{surcharge['description']}: {number_text(percent)}% of {rate_text(base)} "
            f"{kinds} charges{effect_note}"
        ),
        quantity=to_decimal(quantity).quantize(Decimal("0.0001")),
        unit="$",
        rate=percent / 100,
        amount=money(quantity * exact(percent) / 100),
        proration=join_notes([part.note, in_effect_note]),
        version=part.label,
    )


def _surcharge_line(surcharge, part, inputs, factor, prorated) -> BillLine | None:
    in_effect = _days_in_effect(surcharge, part)
    if in_effect == 0:
        return None
    portion = Fraction(in_effect, part.days)
    in_effect_note = IN_EFFECT.text(days=in_effect, total=part.days) if portion != 1 else ""
    effect_note = f", {in_effect_note}" if in_effect_note else ""
    if surcharge["kind"] == "per_unit":
        rate = Decimal(surcharge["rate"])
        quantity = hundredths(part.consumption * portion)
        unit = UNIT_LABELS[part.schedule["unit"]]
        text = f"{number_text(quantity)} {unit} x {rate_text(rate)}"
    else:
        rate = Decimal(surcharge["amount"])
        unit = surcharge["per"]
        quantity = _stated_quantity(surcharge["per"], part, factor) * portion
        text = _stated_text(surcharge["per"], rate, part, factor, prorated)
        if surcharge["per_dwelling_unit"]:
            quantity *= inputs.dwelling_units
            text += f" x {inputs.dwelling_units} units"
    proration = part.note if surcharge["kind"] == "per_unit" else _proration(unit, part, prorated)
    return BillLine(
        code=f"surcharge.{surcharge['code']}",
        category="surcharge",
        description=f"{surcharge['description']}: {text}{effect_note}",
        quantity=to_decimal(quantity).quantize(Decimal("0.0001")),
        unit=unit,
        rate=rate,
        amount=money(quantity * exact(rate)),
        proration=join_notes([proration, in_effect_note]),
        version=part.label,
    )


def _sewer_usage_line(chosen, part, factor) -> BillLine:
    per_unit = chosen["per_unit"]
    unit = UNIT_LABELS[part.schedule["unit"]]
    quantity = part.consumption
    notes = []
    if per_unit["billable_percent"]:
        quantity = hundredths(quantity * exact(per_unit["billable_percent"]) / 100)
        notes.append(f"{number_text(exact(per_unit['billable_percent']))}% of water use")
    cap = per_unit["cap"]
    if cap == "winter_average":
        if part.winter_average is None:
            notes.append("no winter average given: actual use")
        else:
            limit = hundredths(part.winter_average * factor * part.share)
            if quantity > limit:
                quantity = limit
                notes.append(f"capped at the winter average, {number_text(limit)} {unit}")
    elif cap is not None:
        limit = hundredths(exact(cap) * factor * part.share)
        if quantity > limit:
            quantity = limit
            notes.append(f"capped at {number_text(limit)} {unit}")
    rate = Decimal(per_unit["rate"])
    extra = f" ({'; '.join(notes)})" if notes else ""
    return BillLine(
        code="sewer.usage",
        category="sewer",
        description=f"{chosen['description']}{extra}: {number_text(quantity)} {unit} x {rate_text(rate)}",
        quantity=to_decimal(quantity),
        unit=unit,
        rate=rate,
        amount=money(quantity * exact(rate)),
        proration=part.note,
        version=part.label,
    )


def _minimum_line(minimum, lines, part, factor, prorated) -> BillLine | None:
    rate = Decimal(minimum["amount"])
    floor = money(_stated_quantity(minimum["per"], part, factor) * exact(rate))
    covered = sum(
        (line.amount for line in lines if line.category in minimum["covers"]), Decimal("0.00")
    )
    if covered >= floor:
        return None
    text = _stated_text(minimum["per"], rate, part, factor, prorated)
    return BillLine(
        code="minimum",
        category="minimum",
        description=(
            f"{minimum['description']} ({text} = {rate_text(floor)}): "
            f"brings {rate_text(covered)} of {' and '.join(minimum['covers'])} charges up to it"
        ),
        quantity=Decimal(1),
        unit="bill",
        rate=floor - covered,
        amount=floor - covered,
        proration=_proration(minimum["per"], part, prorated),
        version=part.label,
    )
