"""A parsed schedule as tables people read, two schedules compared, and sample bills (pure)."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError

from billing.rates.engine import calculate
from billing.rates.proration import number_text, rate_text
from billing.rates.terms import CUSTOMER_CLASSES, METER_LABELS, METER_SIZES, UNIT_LABELS

MONTHS = ("", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
PER_TEXT = {
    "month": "per month",
    "two_months": "per two months",
    "quarter": "per quarter",
    "year": "per year",
    "day": "per day",
}


@dataclass(frozen=True)
class Table:
    title: str
    headers: list[str]
    rows: list[list[str]]
    note: str = ""
    key_columns: int = 1  # the columns that name a row (the rest are its values)


@dataclass(frozen=True)
class SampleBill:
    consumption: Decimal
    left_total: Decimal | None
    right_total: Decimal | None
    problem: str = ""

    @property
    def change(self) -> Decimal | None:
        if self.left_total is None or self.right_total is None:
            return None
        return self.right_total - self.left_total

    @property
    def change_percent(self) -> Decimal | None:
        if self.change is None or not self.left_total:
            return None
        return (self.change * 100 / self.left_total).quantize(Decimal("0.1"))


def describe_when(when: dict, zones: dict | None = None, *, only: bool = False) -> str:
    """Who a set of charges is for, in words: "Residential; 5/8", 3/4" meters; Jun, Jul"."""
    parts = []
    if "classes" in when:
        parts.append(", ".join(name.replace("_", "-").capitalize() for name in when["classes"]))
    if "meter_sizes" in when:
        parts.append(", ".join(METER_LABELS[size] for size in when["meter_sizes"]) + " meters")
    if "zones" in when:
        parts.append(", ".join((zones or {}).get(zone, zone) for zone in when["zones"]))
    if "months" in when:
        parts.append(", ".join(MONTHS[month] for month in when["months"]))
    return "; ".join(parts) or ("All customers" if only else "Everyone else")


def _fixed_amounts(body: dict) -> dict[str, str]:
    if body["amount"] is not None:
        return dict.fromkeys(METER_SIZES, body["amount"])
    return body["by_meter_size"]


def _per(body: dict) -> str:
    text = PER_TEXT[body["per"]]
    return text + (" per dwelling unit" if body["per_dwelling_unit"] else "")


def schedule_tables(parsed: dict) -> list[Table]:
    """The schedule's charges as tables: service charges by meter, tier sets, surcharges, sewer."""
    tables = []
    if parsed["service_charge"]:
        tables.append(_service_charge_table(parsed))
    if parsed["volumetric"]:
        tables.extend(_tier_tables(parsed))
    if parsed["surcharges"]:
        tables.append(_surcharge_table(parsed))
    if parsed["sewer"]:
        tables.append(_sewer_table(parsed))
    other = _other_terms(parsed)
    if other:
        tables.append(Table("Other terms", ["Term", "Definition"], other))
    return tables


def _service_charge_table(parsed: dict) -> Table:
    """One column per set of service charges, one row per meter size any set prices."""
    sets = parsed["service_charge"]["sets"]
    amounts = [_fixed_amounts(body) for body in sets]
    rows = [
        [METER_LABELS[size], *(_money(table.get(size)) for table in amounts)]
        for size in METER_SIZES
        if any(size in table for table in amounts)
    ]
    headers = [
        "Meter",
        *(
            f"{describe_when(body['when'], parsed['zones'], only=len(sets) == 1)} ({_per(body)})"
            for body in sets
        ),
    ]
    return Table(sets[0]["description"], headers, rows)


def _tier_tables(parsed: dict) -> list[Table]:
    """A table per set of tiers."""
    unit = UNIT_LABELS[parsed["unit"]]
    sets = parsed["volumetric"]["sets"]
    tables = []
    for body in sets:
        rows = [
            [
                tier["label"] or "All use",
                _up_to(tier["up_to"], body),
                f"{rate_text(Decimal(tier['rate']))} per {unit}",
            ]
            for tier in body["tiers"]
        ]
        who = describe_when(body["when"], parsed["zones"], only=len(sets) == 1)
        tables.append(
            Table(
                f"{body['description']}: {who}",
                ["Tier", "Up to", "Rate"],
                rows,
                _breakpoint_note(body, parsed),
            )
        )
    return tables


def _surcharge_table(parsed: dict) -> Table:
    unit = UNIT_LABELS[parsed["unit"]]
    rows = [
        [
            item["description"],
            _surcharge_amount(item, unit),
            describe_when(item["when"], parsed["zones"]) if item["when"] else "Everyone",
            _effective(item["effective"]),
        ]
        for item in parsed["surcharges"]
    ]
    return Table("Surcharges", ["Surcharge", "Amount", "Applies to", "In effect"], rows)


def _sewer_table(parsed: dict) -> Table:
    """A row per part (fixed, per unit) of each set of sewer charges."""
    unit = UNIT_LABELS[parsed["unit"]]
    sets = parsed["sewer"]["sets"]
    rows = []
    for body in sets:
        who = describe_when(body["when"], parsed["zones"], only=len(sets) == 1)
        if body["fixed"]:
            amounts = _fixed_amounts(body["fixed"])
            values = sorted(set(amounts.values()), key=Decimal)
            fixed = " / ".join(_money(value) for value in values)
            rows.append([who, "Fixed", f"{fixed} {_per(body['fixed'])}"])
        if body["per_unit"]:
            rows.append([who, "Per unit", _sewer_usage(body["per_unit"], unit)])
    return Table("Sewer service", ["Applies to", "Charge", "Amount"], rows, key_columns=2)


def _other_terms(parsed: dict) -> list[list[str]]:
    """The minimum charge and the late penalty, as (term, definition) rows."""
    other = []
    if parsed["minimum_charge"]:
        minimum = parsed["minimum_charge"]
        covers = ", ".join(minimum["covers"])
        other.append(
            [
                minimum["description"],
                f"{_money(minimum['amount'])} {PER_TEXT[minimum['per']]} (covers {covers})",
            ]
        )
    if parsed["late_penalty"]:
        penalty = parsed["late_penalty"]
        current = number_text(Decimal(penalty["current_charges_percent"]))
        past_due = number_text(Decimal(penalty["past_due_percent"]))
        other.append(
            [
                penalty["description"],
                f"{current}% of current charges + {past_due}% of the past-due balance",
            ]
        )
    return other


def _money(value) -> str:
    return "" if value is None else rate_text(Decimal(value))


def _up_to(up_to, body) -> str:
    if up_to is None:
        return "All the rest"
    if up_to == "winter_average":
        return "The winter average"
    return f"{number_text(Decimal(up_to))} {UNIT_LABELS[body['breakpoints']['unit']]}"


def _breakpoint_note(body: dict, parsed: dict) -> str:
    breakpoints = body["breakpoints"]
    if len(body["tiers"]) < 2:
        return ""
    notes = {
        "period": f"Tier sizes are per {parsed['period'].replace('_', ' ')}, prorated by days on a partial bill.",
        "days": f"Tier sizes are per {number_text(Decimal(breakpoints['days'] or 1))} day(s) and grow with the days in the bill.",
        "none": "Tier sizes are per bill, whatever its length.",
    }
    note = notes[breakpoints["scale"]]
    if breakpoints["per_dwelling_unit"]:
        note += " Each dwelling unit gets the tier sizes."
    return note


def _effective(windows: list[dict]) -> str:
    if not windows:
        return "Always"
    return "; ".join(
        f"{window['from']} to {window['to'] or 'further notice'}" for window in windows
    )


def _surcharge_amount(item: dict, unit: str) -> str:
    if item["kind"] == "flat":
        return f"{rate_text(Decimal(item['amount']))} {PER_TEXT[item['per']]}"
    if item["kind"] == "percent":
        return f"{number_text(Decimal(item['percent']))}% of {' and '.join(item['of'])} charges"
    return f"{rate_text(Decimal(item['rate']))} per {unit}"


def _sewer_usage(per_unit: dict, unit: str) -> str:
    text = f"{rate_text(Decimal(per_unit['rate']))} per {unit}"
    if per_unit["billable_percent"]:
        text += f" on {number_text(Decimal(per_unit['billable_percent']))}% of water use"
    if per_unit["cap"] == "winter_average":
        text += ", capped at the winter average"
    elif per_unit["cap"]:
        text += f", capped at {number_text(Decimal(per_unit['cap']))} {unit}"
    return text


def schedule_facts(parsed: dict) -> dict[str, str]:
    """Every priced item of a schedule as "what" -> "how much", for comparing two versions."""
    facts = {
        "Effective from": parsed["effective_from"],
        "Unit": UNIT_LABELS[parsed["unit"]],
        "Period": f"{parsed['period'].replace('_', ' ')} of {parsed['period_days']} days",
    }
    for table in schedule_tables(parsed):
        for row in table.rows:
            if table.headers[0] == "Meter":
                for header, value in zip(table.headers[1:], row[1:], strict=True):
                    if value:
                        facts[f"{table.title}, {row[0]} meter, {header}"] = value
            else:
                name = ", ".join(row[: table.key_columns])
                facts[f"{table.title}: {name}"] = " · ".join(row[table.key_columns :])
    return facts


def compare_facts(left: dict, right: dict) -> list[tuple[str, str, str, bool]]:
    """(item, left value, right value, changed) for every item of either schedule."""
    left_facts, right_facts = schedule_facts(left), schedule_facts(right)
    items = list(left_facts) + [item for item in right_facts if item not in left_facts]
    return [
        (
            item,
            left_facts.get(item, "—"),
            right_facts.get(item, "—"),
            left_facts.get(item) != right_facts.get(item),
        )
        for item in items
    ]


def sample_bills(
    left, right, *, customer_class, meter_size, consumptions, dwelling_units=1, zone=None
):
    """The bill for one whole period at each sample consumption under two (label, schedule)s."""
    if customer_class not in CUSTOMER_CLASSES or meter_size not in METER_SIZES:
        return []
    start = datetime.date.fromisoformat(right[1]["effective_from"])
    end = start + datetime.timedelta(days=int(Decimal(right[1]["period_days"])) - 1)
    bills = []
    for consumption in consumptions:
        totals, problems = [], []
        for label, schedule in (left, right):
            try:
                bill = calculate(
                    schedule,
                    customer_class=customer_class,
                    meter_size=meter_size,
                    consumption=consumption,
                    consumption_unit=right[1]["unit"],
                    period_start=start,
                    period_end=end,
                    dwelling_units=dwelling_units,
                    zone=zone,
                    version=label,
                )
                totals.append(bill.total)
            except ValidationError as error:
                totals.append(None)
                problems.append(" ".join(error.messages))
        bills.append(
            SampleBill(
                Decimal(consumption), totals[0], totals[1], " ".join(dict.fromkeys(problems))
            )
        )
    return bills
