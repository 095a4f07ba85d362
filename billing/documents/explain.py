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

from django.utils.translation import gettext as _

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
        if "tier" in line.code:
            return _("Water use, tier %(tier)s") % {"tier": _tier_number(line)}
        return _("Water use")
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
        return _("%(quantity)s a day") % {"quantity": quantity_text(value, "HCF")}
    if kind == "tier":
        return _("Tier %(tier)s") % {"tier": value}
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
# In the reader's language (gettext): the customer's on the portal, English at the counter.


def _carried_sentence(document: BillDocument) -> str | None:
    carried = document.balance_forward
    if carried < 0:
        return _("A credit of %(credit)s from before this bill is taken off it.") % {
            "credit": format_money(-carried)
        }
    if carried == 0:
        return None
    previous = document.previous_balance
    paid = -document.payments_total
    if document.previous_bill is None:
        return _(
            "%(carried)s owed from before this bill (an opening balance or earlier charges) "
            "is carried on it."
        ) % {"carried": format_money(carried)}
    if paid <= 0 and carried == previous:
        return _("The last bill's %(previous)s was not paid, so it is carried on this bill.") % {
            "previous": format_money(previous)
        }
    if paid <= 0:
        adjusted = document.adjustments_total
        if adjusted > 0:
            template = _(
                "The last bill's %(previous)s was not paid; with %(adjusted)s of charges added "
                "since, %(carried)s is carried on this bill."
            )
        else:
            template = _(
                "The last bill's %(previous)s was not paid; with %(adjusted)s of credits since, "
                "%(carried)s is carried on this bill."
            )
        return template % {
            "previous": format_money(previous),
            "adjusted": format_money(abs(adjusted)),
            "carried": format_money(carried),
        }
    return _(
        "%(carried)s of the last bill's %(previous)s was not paid (payments since: %(paid)s), "
        "so it is carried on this bill."
    ) % {
        "carried": format_money(carried),
        "previous": format_money(previous),
        "paid": format_money(paid),
    }


def _tier_part(bill: Bill, above: int) -> str:
    """ "; 4 of them were priced in tier 3 at $5.12" for the use priced above tier `above`."""
    lines = [
        line
        for line in bill.lines.all()
        if line.category == "water" and line.quantity and _tier_number(line) > above
    ]
    if not lines:
        return ""
    parts = [
        (
            _("%(quantity)s of them were priced in tier %(tier)s at %(rate)s")
            if index == 0
            else _("%(quantity)s in tier %(tier)s at %(rate)s")
        )
        % {
            "quantity": number_text(line.quantity),
            "tier": _tier_number(line),
            "rate": format_rate(line.rate),
        }
        for index, line in enumerate(lines)
    ]
    return "; " + _(" and ").join(parts)


def _use_sentence(this: Column, last: Column | None) -> str:
    used = _hcf(this.consumption)
    if last is None:
        return _("You used %(used)s. There is no earlier bill to compare with.") % {"used": used}
    difference = this.consumption - last.consumption
    if difference > 0:
        template = _("You used %(used)s, %(difference)s more than last bill%(tiers)s.")
    elif difference < 0:
        template = _("You used %(used)s, %(difference)s less than last bill%(tiers)s.")
    else:
        template = _("You used %(used)s, the same as last bill%(tiers)s.")
    tiers = ""
    if this.highest_tier > max(last.highest_tier, 1):
        tiers = _tier_part(this.bill, max(last.highest_tier, 1))
    return template % {"used": used, "difference": number_text(abs(difference)), "tiers": tiers}


def _days_sentence(this: Column, last: Column | None) -> str | None:
    if last is None or last.days == this.days:
        return None
    if this.days > last.days:
        template = _(
            "This bill covers %(days)s, %(difference)s more than the last one (%(last_days)s): "
            "per day you used %(daily)s against %(last_daily)s."
        )
    else:
        template = _(
            "This bill covers %(days)s, %(difference)s fewer than the last one (%(last_days)s): "
            "per day you used %(daily)s against %(last_daily)s."
        )
    return template % {
        "days": quantity_text(this.days, "day"),
        "difference": abs(this.days - last.days),
        "last_days": quantity_text(last.days, "day"),
        "daily": _hcf(this.daily),
        "last_daily": _hcf(last.daily),
    }


def _year_sentence(this: Column, year: Column | None) -> str:
    if year is None:
        return _("There is no bill for the same period last year to compare with.")
    text = _("In the same period last year you used %(used)s over %(days)s (%(daily)s a day)") % {
        "used": _hcf(year.consumption),
        "days": quantity_text(year.days, "day"),
        "daily": _hcf(year.daily),
    }
    if year.daily and this.daily is not None:
        change = ((this.daily - year.daily) / year.daily * 100).quantize(Decimal("1"))
        values = {"daily": _hcf(this.daily), "change": abs(change)}
        if change > 0:
            text += _("; this bill's %(daily)s a day is %(change)s%% more") % values
        elif change < 0:
            text += _("; this bill's %(daily)s a day is %(change)s%% less") % values
        else:
            text += _("; the same per day as this bill")
    return text + "."


def _category_sentences(this: Column, last: Column | None, bill: Bill) -> list[str]:
    """Sewer and surcharges against the last bill, and charges new on this bill."""
    if last is None:
        return []
    sentences = []
    more = {
        "sewer": _("Sewer charges are %(now)s, %(change)s more than last bill."),
        "surcharge": _("Surcharges are %(now)s, %(change)s more than last bill."),
    }
    less = {
        "sewer": _("Sewer charges are %(now)s, %(change)s less than last bill."),
        "surcharge": _("Surcharges are %(now)s, %(change)s less than last bill."),
    }
    for category in ("sewer", "surcharge"):
        codes = {line.code for line in bill.lines.all() if line.category == category}
        codes |= {line.code for line in last.bill.lines.all() if line.category == category}
        now = sum((this.amounts.get(code, ZERO) for code in codes), ZERO)
        before = sum((last.amounts.get(code, ZERO) for code in codes), ZERO)
        values = {"now": format_money(now), "change": format_money(abs(now - before))}
        if now > before:
            sentences.append(more[category] % values)
        elif now < before:
            sentences.append(less[category] % values)
    new = [
        f"{_row_label(line)} ({format_money(line.amount)})"
        for line in bill.lines.all()
        if line.category not in ("water", "sewer") and line.code not in last.amounts
    ]
    if new:
        sentences.append(_("New on this bill: %(charges)s.") % {"charges": ", ".join(new)})
    return sentences


def _read_notes(this: Column) -> list[str]:
    """Read dates that do not line up with the bill period (use is billed between reads)."""
    bill = this.bill
    previous_read, current_read = this.read_dates
    notes = []
    expected_previous = bill.period_start - datetime.timedelta(days=1)
    if previous_read and previous_read not in (expected_previous, bill.period_start):
        notes.append(
            _("The previous read is dated %(read)s, not at the period's start (%(start)s).")
            % {"read": _date(previous_read), "start": _date(bill.period_start)}
        )
    if current_read and current_read != bill.period_end:
        notes.append(
            _("The current read is dated %(read)s, not at the period's end (%(end)s).")
            % {"read": _date(current_read), "end": _date(bill.period_end)}
        )
    if notes and previous_read and current_read:
        notes.append(
            _("The use billed is what the meter measured between the reads: %(days)s.")
            % {"days": quantity_text((current_read - previous_read).days, "day")}
        )
    return notes


def _rate_sentence(change: RateChange) -> str:
    values = {
        "charge": change.label.lower(),
        "old": format_rate(change.old_rate),
        "new": format_rate(change.new_rate),
    }
    if change.new_rate > change.old_rate:
        return _("The rate for %(charge)s went from %(old)s to %(new)s since the last bill.") % (
            values
        )
    return _("The rate for %(charge)s went down from %(old)s to %(new)s.") % values


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
        sentences.append(_rate_sentence(change))
    if last is not None and last.bill.rate_version_id != bill.rate_version_id:
        none = _("none")
        old = version_label(last.bill.rate_version) if last.bill.rate_version else none
        new = version_label(bill.rate_version) if bill.rate_version else none
        sentences.append(
            _("New rates apply: %(old)s on the last bill, %(new)s on this one.")
            % {"old": old, "new": new}
        )
    sentences.extend(_category_sentences(this, last, bill))
    if bill.estimated:
        sentences.append(
            _("This bill uses an estimated read; the next actual read corrects it automatically.")
        )
    elif last is not None and last.estimated:
        sentences.append(
            _(
                "The last bill was estimated; this actual read trues it up, so use the estimate "
                "missed is billed now."
            )
        )
    sentences.extend(explanation_parts["read_notes"])
    typical = document.typical_use
    if typical and bill.consumption > HIGH_USE_MULTIPLE * typical:
        sentences.append(
            _("Use is more than twice the typical %(typical)s for %(days)s: a leak is possible.")
            % {"typical": _hcf(typical), "days": quantity_text(this.days, "day")}
        )
    return sentences


# -- the table -----------------------------------------------------------------------------------


def _read_dates(column: Column) -> str | None:
    previous_read, current_read = column.read_dates
    if previous_read and current_read:
        return _("%(start)s to %(end)s") % {
            "start": _date(previous_read),
            "end": _date(current_read),
        }
    return _date(previous_read or current_read) or None


def _rows(columns: list[Column | None]) -> list[Row]:
    def values(get):
        return tuple(get(column) if column is not None else None for column in columns)

    rows = [
        Row("days", _("Days in period"), "days", values(lambda c: c.days)),
        Row("use", _("Water used"), "hcf", values(lambda c: c.consumption)),
        Row("daily", _("Use per day"), "daily", values(lambda c: c.daily)),
        Row("tier", _("Highest tier reached"), "tier", values(lambda c: c.highest_tier or None)),
        Row("reads", _("Read dates"), "text", values(_read_dates)),
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
        Row("current", _("Current charges"), "money", values(lambda c: c.current_charges), True),
        Row("carried", _("Carried from earlier bills"), "money", values(lambda c: c.carried)),
        Row("due", _("Amount due"), "money", values(lambda c: c.amount_due), True),
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
