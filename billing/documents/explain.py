"""Why is this bill high? This bill against the last one and the same period last year.

What people ask at the counter, answered in the order it matters: a balance carried because
the last bill was not paid comes first (it is most often the reason), then use (more water,
and the part of it priced in a higher tier), days in the period (use per day when the periods
differ), rate changes, sewer and surcharges, estimated reads and read dates that do not line up
with the period. Then the same facts line by line: this bill / last bill / same period last
year. Everything comes from the bills, their lines and the ledger: nothing is recalculated.

Queries: the bill document's (billing.documents.selectors), with the earlier bills fetched once
with their lines (2), and the open leak orders at the premise (1).
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from billing.documents.selectors import (
    HIGH_USE_MULTIPLE,
    BillDocument,
    bill_days,
    bill_document,
    earlier_bills,
)
from billing.documents.statement import balance_on
from billing.models import Bill, BillLine
from billing.rates.services import version_label
from district.money import ZERO, format_money, format_rate
from district.quantities import number_text, quantity_text
from field_ops.models import WorkOrder

# The bill a year earlier: the one whose period ends within this many days of a year before.
LAST_YEAR_TOLERANCE_DAYS = 20
HISTORY_BILLS = 14  # a year of monthly bills and a little more, to find last year's
LEAK_ORDER_TYPES = (WorkOrder.Type.LEAK_INVESTIGATION, WorkOrder.Type.HIGH_BILL_INVESTIGATION)
OPEN_ORDER_STATUSES = (
    WorkOrder.Status.NEW,
    WorkOrder.Status.SCHEDULED,
    WorkOrder.Status.DISPATCHED,
    WorkOrder.Status.IN_PROGRESS,
)
DAILY_PLACES = Decimal("0.001")


def _date(day: datetime.date | None) -> str:
    return f"{day:%m/%d/%Y}" if day else ""


def _hcf(value) -> str:
    return quantity_text(value, "HCF")


def _tier_number(line: BillLine) -> int:
    """water.tier3 -> 3; a single-rate "water" line is tier 1."""
    suffix = line.code.removeprefix("water.tier")
    return int(suffix) if suffix.isdigit() else 1


def _row_label(line: BillLine) -> str:
    if line.category == "water":
        return f"Water use, tier {_tier_number(line)}" if "tier" in line.code else "Water use"
    return line.description.split(":", 1)[0]


@dataclass(frozen=True)
class Column:
    """One bill's figures in the comparison (this bill, the last one, last year's)."""

    label: str
    bill: Bill
    days: int
    consumption: Decimal
    daily: Decimal | None  # HCF a day
    highest_tier: int  # 0: no water use charge
    amounts: dict[str, Decimal]  # line code -> amount
    current_charges: Decimal
    carried: Decimal  # owed from before this bill's charges (negative: a credit)
    amount_due: Decimal
    read_dates: tuple[datetime.date | None, datetime.date | None]
    estimated: bool


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    kind: str  # "days", "hcf", "daily", "tier", "money", "text"
    values: tuple  # this, last, last year (None: no such bill or no such line)
    total: bool = False

    @property
    def cells(self) -> tuple:
        """The values as the comparison table prints them (None stays None: a dash)."""
        return tuple(None if value is None else _cell(self.kind, value) for value in self.values)


def _cell(kind: str, value) -> str:
    if kind == "money":
        return format_money(value)
    if kind == "days":
        return quantity_text(value, "day")
    if kind == "hcf":
        return quantity_text(value, "HCF")
    if kind == "daily":
        return f"{quantity_text(value, 'HCF')} a day"
    if kind == "tier":
        return f"Tier {value}"
    return str(value)


@dataclass(frozen=True)
class RateChange:
    code: str
    label: str
    old_rate: Decimal
    new_rate: Decimal


@dataclass
class Explanation:
    bill: Bill
    document: BillDocument
    this: Column
    last: Column | None
    last_year: Column | None
    sentences: list[str]
    rows: list[Row]
    read_notes: list[str]
    rate_changes: list[RateChange]
    open_orders: list[WorkOrder] = field(default_factory=list)

    @property
    def columns(self) -> list[Column | None]:
        return [self.this, self.last, self.last_year]


def _column(label: str, bill: Bill, *, carried: Decimal, amount_due: Decimal) -> Column:
    days = bill_days(bill)
    lines = list(bill.lines.all())
    amounts: dict[str, Decimal] = {}
    for line in lines:
        amounts[line.code] = amounts.get(line.code, ZERO) + line.amount
    tiers = [_tier_number(line) for line in lines if line.category == "water" and line.quantity]
    previous_read, current_read = bill.previous_read, bill.current_read
    return Column(
        label=label,
        bill=bill,
        days=days,
        consumption=bill.consumption,
        daily=(bill.consumption / days).quantize(DAILY_PLACES) if days else None,
        highest_tier=max(tiers, default=0),
        amounts=amounts,
        current_charges=bill.current_charges,
        carried=carried,
        amount_due=amount_due,
        read_dates=(
            previous_read.read_on if previous_read else None,
            current_read.read_on if current_read else None,
        ),
        estimated=bill.estimated,
    )


def _ledger_column(label: str, bill: Bill, document: BillDocument) -> Column:
    """An earlier bill's column: its amount due is the ledger balance on its bill date, and
    what it carried is that less its own charges (the bill reconciles: see statement.py)."""
    due = balance_on(document.ledger, bill.bill_date)
    return _column(label, bill, carried=due - bill.current_charges, amount_due=due)


def bill_a_year_before(bill: Bill, history: list[Bill]) -> Bill | None:
    try:
        target = bill.period_end.replace(year=bill.period_end.year - 1)
    except ValueError:  # 29 February
        target = bill.period_end - datetime.timedelta(days=365)
    candidates = [
        other
        for other in history
        if abs((other.period_end - target).days) <= LAST_YEAR_TOLERANCE_DAYS
    ]
    return min(candidates, key=lambda other: abs((other.period_end - target).days), default=None)


def rate_changes(bill: Bill, history: list[Bill]) -> list[RateChange]:
    """Lines whose rate differs from the last earlier bill that had a line of that code.

    (The last bill may not reach a tier this one does: its rate is then the one billed before.)
    """
    old: dict[str, BillLine] = {}
    for earlier in history:  # newest first: the first line seen of each code is the latest
        for line in earlier.lines.all():
            if line.rate is not None:
                old.setdefault(line.code, line)
    changes = []
    for line in bill.lines.all():
        if line.rate is None or line.code not in old or old[line.code].rate == line.rate:
            continue
        changes.append(RateChange(line.code, _row_label(line), old[line.code].rate, line.rate))
    return changes


# -- the sentences ------------------------------------------------------------------------------


def _carried_sentence(document: BillDocument) -> str | None:
    carried = document.balance_forward
    if carried < 0:
        return f"A credit of {format_money(-carried)} from before this bill is taken off it."
    if carried == 0:
        return None
    previous = document.previous_balance
    paid = -document.payments_total
    if document.previous_bill is None:
        return (
            f"{format_money(carried)} owed from before this bill (an opening balance or earlier "
            "charges) is carried on it."
        )
    if paid <= 0 and carried == previous:
        return (
            f"The last bill's {format_money(previous)} was not paid, so it is carried on this bill."
        )
    if paid <= 0:
        adjusted = document.adjustments_total
        since = (
            f"{format_money(adjusted)} of charges added since"
            if adjusted > 0
            else f"{format_money(-adjusted)} of credits since"
        )
        return (
            f"The last bill's {format_money(previous)} was not paid; with {since}, "
            f"{format_money(carried)} is carried on this bill."
        )
    return (
        f"{format_money(carried)} of the last bill's {format_money(previous)} was not paid "
        f"(payments since: {format_money(paid)}), so it is carried on this bill."
    )


def _tier_part(bill: Bill, above: int) -> str:
    """ "; 4 of them were priced in tier 3 at $5.12" for the use priced above tier `above`."""
    parts = [
        f"{number_text(line.quantity)} in tier {_tier_number(line)} at {format_rate(line.rate)}"
        for line in bill.lines.all()
        if line.category == "water" and line.quantity and _tier_number(line) > above
    ]
    if not parts:
        return ""
    first, *rest = parts
    first = first.replace(" in tier", " of them were priced in tier", 1)
    return "; " + " and ".join([first, *rest])


def _use_sentence(this: Column, last: Column | None) -> str:
    used = f"You used {_hcf(this.consumption)}"
    if last is None:
        return f"{used}. There is no earlier bill to compare with."
    difference = this.consumption - last.consumption
    if difference > 0:
        compared = f"{number_text(difference)} more than last bill"
    elif difference < 0:
        compared = f"{number_text(-difference)} less than last bill"
    else:
        compared = "the same as last bill"
    tiers = ""
    if this.highest_tier > max(last.highest_tier, 1):
        tiers = _tier_part(this.bill, max(last.highest_tier, 1))
    return f"{used}, {compared}{tiers}."


def _days_sentence(this: Column, last: Column | None) -> str | None:
    if last is None or last.days == this.days:
        return None
    more = "more" if this.days > last.days else "fewer"
    return (
        f"This bill covers {quantity_text(this.days, 'day')}, {abs(this.days - last.days)} "
        f"{more} than the last one ({quantity_text(last.days, 'day')}): per day you used "
        f"{_hcf(this.daily)} against {_hcf(last.daily)}."
    )


def _year_sentence(this: Column, year: Column | None) -> str:
    if year is None:
        return "There is no bill for the same period last year to compare with."
    text = (
        f"In the same period last year you used {_hcf(year.consumption)} over "
        f"{quantity_text(year.days, 'day')} ({_hcf(year.daily)} a day)"
    )
    if year.daily and this.daily is not None:
        change = ((this.daily - year.daily) / year.daily * 100).quantize(Decimal("1"))
        if change > 0:
            text += f"; this bill's {_hcf(this.daily)} a day is {change}% more"
        elif change < 0:
            text += f"; this bill's {_hcf(this.daily)} a day is {-change}% less"
        else:
            text += "; the same per day as this bill"
    return text + "."


def _category_sentences(this: Column, last: Column | None, bill: Bill) -> list[str]:
    """Sewer and surcharges against the last bill, and charges new on this bill."""
    if last is None:
        return []
    sentences = []
    for category, name in (("sewer", "Sewer charges"), ("surcharge", "Surcharges")):
        codes = {line.code for line in bill.lines.all() if line.category == category}
        codes |= {line.code for line in last.bill.lines.all() if line.category == category}
        now = sum((this.amounts.get(code, ZERO) for code in codes), ZERO)
        before = sum((last.amounts.get(code, ZERO) for code in codes), ZERO)
        if now > before:
            sentences.append(
                f"{name} are {format_money(now)}, {format_money(now - before)} more than last bill."
            )
        elif now < before:
            sentences.append(
                f"{name} are {format_money(now)}, {format_money(before - now)} less than last bill."
            )
    new = [
        f"{_row_label(line)} ({format_money(line.amount)})"
        for line in bill.lines.all()
        if line.category not in ("water", "sewer") and line.code not in last.amounts
    ]
    if new:
        sentences.append("New on this bill: " + ", ".join(new) + ".")
    return sentences


def _read_notes(this: Column) -> list[str]:
    """Read dates that do not line up with the bill period (use is billed between reads)."""
    bill = this.bill
    previous_read, current_read = this.read_dates
    notes = []
    expected_previous = bill.period_start - datetime.timedelta(days=1)
    if previous_read and previous_read not in (expected_previous, bill.period_start):
        notes.append(
            f"The previous read is dated {_date(previous_read)}, not at the period's start "
            f"({_date(bill.period_start)})."
        )
    if current_read and current_read != bill.period_end:
        notes.append(
            f"The current read is dated {_date(current_read)}, not at the period's end "
            f"({_date(bill.period_end)})."
        )
    if notes and previous_read and current_read:
        notes.append(
            f"The use billed is what the meter measured between the reads: "
            f"{quantity_text((current_read - previous_read).days, 'day')}."
        )
    return notes


def _sentences(explanation_parts: dict) -> list[str]:
    document, this, last, year = (
        explanation_parts["document"],
        explanation_parts["this"],
        explanation_parts["last"],
        explanation_parts["year"],
    )
    bill = document.bill
    sentences = []
    carried = _carried_sentence(document)
    if carried:
        sentences.append(carried)
    sentences.append(_use_sentence(this, last))
    days = _days_sentence(this, last)
    if days:
        sentences.append(days)
    sentences.append(_year_sentence(this, year))
    for change in explanation_parts["rate_changes"]:
        sentences.append(
            f"The rate for {change.label.lower()} went from {format_rate(change.old_rate)} to "
            f"{format_rate(change.new_rate)} since the last bill."
            if change.new_rate > change.old_rate
            else f"The rate for {change.label.lower()} went down from "
            f"{format_rate(change.old_rate)} to {format_rate(change.new_rate)}."
        )
    if last is not None and last.bill.rate_version_id != bill.rate_version_id:
        old = version_label(last.bill.rate_version) if last.bill.rate_version else "none"
        new = version_label(bill.rate_version) if bill.rate_version else "none"
        sentences.append(f"New rates apply: {old} on the last bill, {new} on this one.")
    sentences.extend(_category_sentences(this, last, bill))
    if bill.estimated:
        sentences.append(
            "This bill uses an estimated read; the next actual read corrects it automatically."
        )
    elif last is not None and last.estimated:
        sentences.append(
            "The last bill was estimated; this actual read trues it up, so use the estimate "
            "missed is billed now."
        )
    sentences.extend(explanation_parts["read_notes"])
    typical = document.typical_use
    if typical and bill.consumption > HIGH_USE_MULTIPLE * typical:
        sentences.append(
            f"Use is more than twice the typical {_hcf(typical)} for "
            f"{quantity_text(this.days, 'day')}: a leak is possible."
        )
    return sentences


# -- the table -----------------------------------------------------------------------------------


def _rows(columns: list[Column | None]) -> list[Row]:
    def values(get):
        return tuple(get(column) if column is not None else None for column in columns)

    rows = [
        Row("days", "Days in period", "days", values(lambda c: c.days)),
        Row("use", "Water used", "hcf", values(lambda c: c.consumption)),
        Row("daily", "Use per day", "daily", values(lambda c: c.daily)),
        Row("tier", "Highest tier reached", "tier", values(lambda c: c.highest_tier or None)),
        Row(
            "reads",
            "Read dates",
            "text",
            values(lambda c: " to ".join(_date(day) for day in c.read_dates if day) or None),
        ),
    ]
    seen: dict[str, str] = {}
    for column in columns:
        if column is None:
            continue
        for line in column.bill.lines.all():
            seen.setdefault(line.code, _row_label(line))
    for code, label in seen.items():
        rows.append(Row(code, label, "money", values(lambda c, code=code: c.amounts.get(code))))
    rows += [
        Row("current", "Current charges", "money", values(lambda c: c.current_charges), True),
        Row("carried", "Carried from earlier bills", "money", values(lambda c: c.carried)),
        Row("due", "Amount due", "money", values(lambda c: c.amount_due), True),
    ]
    return rows


def explain_bill(bill: Bill, *, with_orders: bool = True) -> Explanation:
    """The comparison a CSR (or the customer) reads when asking why this bill is high."""
    history = earlier_bills(bill, limit=HISTORY_BILLS, with_lines=True)
    document = bill_document(bill, history=history)
    this = _column(
        "This bill", bill, carried=document.balance_forward, amount_due=document.amount_due
    )
    last_bill = history[0] if history else None
    last = _ledger_column("Last bill", last_bill, document) if last_bill else None
    year_bill = bill_a_year_before(bill, history)
    year = _ledger_column("Same period last year", year_bill, document) if year_bill else None
    changes = rate_changes(bill, history)
    read_notes = _read_notes(this)
    open_orders = []
    if with_orders:
        open_orders = list(
            WorkOrder.objects.filter(
                premise_id=bill.account.premise_id,
                order_type__in=LEAK_ORDER_TYPES,
                status__in=OPEN_ORDER_STATUSES,
            ).order_by("requested_date", "id")
        )
    sentences = _sentences(
        {
            "document": document,
            "this": this,
            "last": last,
            "year": year,
            "rate_changes": changes,
            "read_notes": read_notes,
        }
    )
    return Explanation(
        bill=bill,
        document=document,
        this=this,
        last=last,
        last_year=year,
        sentences=sentences,
        rows=_rows([this, last, year]),
        read_notes=read_notes,
        rate_changes=changes,
        open_orders=open_orders,
    )
