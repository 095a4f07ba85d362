"""The rate engine: price one bill from a parsed schedule and the bill's inputs (pure: no database).

`calculate()` prices a bill with one schedule; `calculate_across_versions()` prices a bill whose
period spans a rate change, splitting its days and its consumption pro rata between the versions
in force. Every line is rounded half-up to the cent once, at the line; the total is the sum of
the lines. How each number is reached is written into the line's description, proration
included, so a clerk can read a bill back to a customer.
"""

import datetime
from decimal import Decimal
from fractions import Fraction

from billing.rates.lines import BillCalculation, BillLine, Inputs, Part, price_part
from billing.rates.proration import (
    exact,
    hundredths,
    money,
    number_text,
    rate_text,
    service_days,
    split_pro_rata,
    to_decimal,
)
from billing.rates.terms import CUSTOMER_CLASSES, HCF_PER_UNIT, METER_SIZES
from district.errors import ServiceError

MAX_BILL_DAYS = 400


def calculate(
    schedule: dict, *, period_start: datetime.date, version: str | None = None, **bill
) -> BillCalculation:
    """Price one bill with one schedule (its effective date is not checked: the caller chose it).

    `bill` takes the keyword arguments of calculate_across_versions (customer_class,
    meter_size, consumption, period_end, ...): consumption (and winter_average) are in the
    schedule's unit unless consumption_unit says otherwise ("hcf", "cf", "gal", "kgal").
    """
    effective = datetime.date.fromisoformat(schedule["effective_from"])
    return calculate_across_versions(
        [(min(effective, period_start), schedule, version or _default_label(schedule))],
        period_start=period_start,
        **bill,
    )


def calculate_across_versions(
    versions_in_force: list[tuple],
    *,
    customer_class: str,
    meter_size: str,
    consumption,
    period_start: datetime.date,
    period_end: datetime.date,
    dwelling_units: int = 1,
    zone: str | None = None,
    winter_average=None,
    consumption_unit: str | None = None,
) -> BillCalculation:
    """Price a bill whose period may span rate changes.

    versions_in_force: (effective_from, parsed schedule) or (effective_from, schedule, label)
    items. Each version prices the days from its effective date to the next version's; the
    consumption is shared between them by days (to the hundredth, the last part takes the rest),
    and so are tier breakpoints, fixed charges and caps.
    """
    inputs = _check_inputs(
        customer_class=customer_class,
        meter_size=meter_size,
        consumption=consumption,
        consumption_unit=consumption_unit,
        period_start=period_start,
        period_end=period_end,
        dwelling_units=dwelling_units,
        zone=zone,
        winter_average=winter_average,
    )
    segments = _segments(versions_in_force, inputs.period_start, inputs.period_end)
    total_days = service_days(inputs.period_start, inputs.period_end)
    shares = split_pro_rata(
        inputs.consumption, [service_days(start, end) for start, end, _s, _l in segments]
    )
    lines: list[BillLine] = []
    for (start, end, schedule, label), share in zip(segments, shares, strict=True):
        unit = schedule["unit"]
        from_unit = inputs.consumption_unit or unit
        part = Part(
            schedule=schedule,
            label=label,
            start=start,
            end=end,
            total_days=total_days,
            consumption=_convert(share, from_unit, unit),
            winter_average=None
            if inputs.winter_average is None
            else _convert(inputs.winter_average, from_unit, unit),
            zone=_zone(schedule, inputs.zone),
            split=len(segments) > 1,
        )
        lines.extend(price_part(part, inputs))
    first = segments[0][2]
    return BillCalculation(
        lines=lines,
        total=sum((line.amount for line in lines), Decimal("0.00")),
        days=total_days,
        consumption=to_decimal(inputs.consumption).quantize(Decimal("0.01")),
        unit=inputs.consumption_unit or first["unit"],
        versions=[label for _start, _end, _schedule, label in segments],
    )


def late_penalty(schedule: dict, *, current_charges, past_due) -> BillLine | None:
    """The schedule's late penalty on a bill: a percent of current charges plus of the past due."""
    definition = schedule.get("late_penalty")
    if not definition:
        return None
    current_percent = Decimal(definition["current_charges_percent"])
    past_percent = Decimal(definition["past_due_percent"])
    amount = money(
        exact(current_charges) * exact(current_percent) / 100
        + exact(past_due) * exact(past_percent) / 100
    )
    text = (
        f"{number_text(current_percent)}% of {rate_text(Decimal(current_charges))} current charges"
    )
    if past_percent:
        text += f" + {number_text(past_percent)}% of {rate_text(Decimal(past_due))} past due"
    return BillLine(
        code="late_penalty",
        category="penalty",
        description=f"{definition['description']}: {text}",
        quantity=Decimal(1),
        unit="bill",
        rate=amount,
        amount=amount,
        version=_default_label(schedule),
    )


# -- inputs and segments


def _check_inputs(**values) -> Inputs:
    errors: dict[str, str] = {}
    if values["customer_class"] not in CUSTOMER_CLASSES:
        errors["customer_class"] = f"Choose a customer class ({', '.join(CUSTOMER_CLASSES)})."
    if values["meter_size"] not in METER_SIZES:
        errors["meter_size"] = f"Choose a meter size ({', '.join(METER_SIZES)})."
    consumption = _quantity(values["consumption"], "consumption", errors)
    winter = values["winter_average"]
    winter = None if winter in (None, "") else _quantity(winter, "winter_average", errors)
    unit = values["consumption_unit"] or None
    if unit is not None and unit not in HCF_PER_UNIT:
        errors["consumption_unit"] = f"Choose a unit ({', '.join(HCF_PER_UNIT)})."
    start, end = values["period_start"], values["period_end"]
    if not isinstance(start, datetime.date):
        errors["period_start"] = "Enter the first day of the bill."
    if not isinstance(end, datetime.date):
        errors["period_end"] = "Enter the last day of the bill."
    elif isinstance(start, datetime.date):
        if end < start:
            errors["period_end"] = "The last day must be on or after the first day."
        elif service_days(start, end) > MAX_BILL_DAYS:
            errors["period_end"] = f"A bill covers at most {MAX_BILL_DAYS} days: check the dates."
    units = values["dwelling_units"]
    if isinstance(units, bool) or not isinstance(units, int) or units < 1:
        errors["dwelling_units"] = "Dwelling units is a whole number, at least 1."
    if errors:
        raise ServiceError(errors)
    return Inputs(
        customer_class=values["customer_class"],
        meter_size=values["meter_size"],
        consumption=consumption,
        consumption_unit=unit,
        period_start=start,
        period_end=end,
        dwelling_units=units,
        zone=values["zone"] or None,
        winter_average=winter,
    )


def _quantity(value, field: str, errors: dict) -> Fraction | None:
    try:
        number = Decimal(str(value).strip())
    except ArithmeticError:
        errors[field] = "Enter a number, e.g. 12 or 12.5."
        return None
    if not number.is_finite() or number < 0:
        errors[field] = "Enter a number, zero or more."
    elif -number.as_tuple().exponent > 2:
        errors[field] = "At most two decimals (hundredths of a unit)."
    return Fraction(number) if field not in errors else None


def _segments(versions, start: datetime.date, end: datetime.date) -> list[tuple]:
    items = []
    for item in versions:
        effective, schedule = item[0], item[1]
        label = item[2] if len(item) > 2 and item[2] else _default_label(schedule)
        items.append((effective, schedule, label))
    items.sort(key=lambda item: item[0])
    in_force = [item for item in items if item[0] <= start]
    if not in_force:
        first = items[0][0].strftime("%m/%d/%Y") if items else "never"
        raise ServiceError(
            {
                "period_start": f"No rates are in force on {start:%m/%d/%Y}: the first take effect {first}."
            }
        )
    current = in_force[-1]
    segments = []
    segment_start = start
    for later in items:
        if later[0] <= start or later[0] > end:
            continue
        if later[0] > segment_start:
            segments.append((segment_start, later[0] - datetime.timedelta(days=1), *current[1:]))
            segment_start = later[0]
        current = later
    segments.append((segment_start, end, *current[1:]))
    return segments


def _default_label(schedule: dict) -> str:
    effective = datetime.date.fromisoformat(schedule["effective_from"])
    return f"{schedule['schedule']} rates from {effective:%m/%d/%Y}"


def _zone(schedule: dict, zone: str | None) -> str | None:
    zones = schedule.get("zones") or {}
    if not zones:
        return None
    zone = zone or schedule.get("default_zone")
    if zone not in zones:
        raise ServiceError({"zone": f"Choose a zone: {', '.join(zones)}."})
    return zone


def _convert(quantity: Fraction, from_unit: str, to_unit: str) -> Fraction:
    if from_unit == to_unit:
        return quantity
    return hundredths(quantity * HCF_PER_UNIT[from_unit] / HCF_PER_UNIT[to_unit])
