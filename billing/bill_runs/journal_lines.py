"""The one rule that turns a bill into journal lines, used by bill runs, final bills and rebills.

Debit ar_customers for the account; credit the revenue GL account of each line's category
(summed per GL account). A deposit installment line (category "deposit") is not revenue: it
posts by a journal of its own (billing.bill_runs.posting), so the receivable here is the bill's
total less its installments. Lines of zero are dropped, so a bill whose charges net to nothing
by GL account (a $0.00 bill) has no lines: it moves no money and posts no journal.

The rule is one SELECT over the bills' saved lines (`bill_journal_lines_selected`): a bill run
posts a chunk's 2,000 bills through it in one statement (the ledger's journals_post_selected),
and a single bill (final bills, rebills) reads its lines through the same SELECT
(`bill_journal_lines`). Before either, `check_bill_lines` refuses a bill with a line of a
category no GL account is set up for, or whose lines do not add up to its total, from the
bills' `line_summaries` (one statement, which also gives their deposit installment lines).
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection

from billing.bill_runs.calculation import DEPOSIT_CATEGORY
from billing.models import Bill, BillLine
from district.errors import ServiceError
from district.ledger.purposes import Purpose
from district.ledger.rules import Line
from district.ledger.selected_posting import SelectedLines

# Bill line category (billing.rates.BillLine.category) -> GL purpose credited.
REVENUE_BY_CATEGORY = {
    "service": Purpose.WATER_SALES_FIXED,
    "minimum": Purpose.WATER_SALES_FIXED,
    "water": Purpose.WATER_SALES_VOLUMETRIC,
    "surcharge": Purpose.SURCHARGES,
    "sewer": Purpose.SEWER,
    "penalty": Purpose.FEES_LATE,
    "credit": Purpose.PROGRAM_CREDITS,
}
_CATEGORIES = sorted(REVENUE_BY_CATEGORY)
BILL_KEY_PREFIX = "bill:"  # a bill run's journal of bill 42 is "bill:42"
BILLS = Bill._meta.db_table
LINES = BillLine._meta.db_table


def _purpose_of_category() -> str:
    """The mapping as an SQL CASE (the categories and purposes are the fixed strings above;
    a CASE costs a chunk less than joining a list of them)."""
    branches = " ".join(
        f"WHEN '{category}' THEN '{REVENUE_BY_CATEGORY[category].value}'"
        for category in _CATEGORIES
    )
    return f"CASE line.category {branches} END"


# (key, source id, GL purpose, amount, service account id, memo) of each bill's journal: the
# receivable first, then the revenue credits by purpose; a purpose summing to zero dropped.
# Lines of other categories (deposit installments) are not revenue and not selected.
_RULE = f"""
WITH charge AS (
    SELECT line.bill_id, bill.account_id, {_purpose_of_category()} AS purpose, line.amount
    FROM {BILLS} AS bill
    JOIN {LINES} AS line ON line.bill_id = bill.id
    -- Both sides by the ids: the planner then reads only these bills, not the whole table.
    WHERE bill.id = ANY(%(bills)s) AND line.bill_id = ANY(%(bills)s)
      AND line.category = ANY(%(categories)s)
)
SELECT key, source_id, purpose, amount, service_account_id, memo FROM (
    SELECT bill_id, 0 AS place, %(prefix)s || bill_id AS key, bill_id::text AS source_id,
           %(receivable)s AS purpose, sum(amount) AS amount, account_id AS service_account_id,
           %(memo)s AS memo
    FROM charge GROUP BY bill_id, account_id HAVING sum(amount) <> 0
    UNION ALL
    SELECT bill_id, 1, %(prefix)s || bill_id, bill_id::text, purpose, -sum(amount), NULL, ''
    FROM charge GROUP BY bill_id, purpose HAVING sum(amount) <> 0
) AS journal_line
ORDER BY bill_id, place, purpose COLLATE "C"
"""


def bill_journal_lines_selected(
    bill_ids: Sequence[int], *, key_prefix: str = BILL_KEY_PREFIX, receivable_memo: str = ""
) -> SelectedLines:
    """The journal lines of these bills, as journals_post_selected takes them: the journal of
    bill 42 keyed "<key_prefix>42", with the bill as its source."""
    return SelectedLines(
        _RULE,
        {
            "categories": _CATEGORIES,
            "bills": list(bill_ids),
            "prefix": key_prefix,
            "receivable": Purpose.AR_CUSTOMERS.value,
            "memo": receivable_memo,
        },
    )


@dataclass(frozen=True)
class LineSummary:
    """A bill's lines in brief: their sum, the categories no GL account is set up for, and its
    deposit installment lines as (code, amount), by code."""

    total: Decimal
    unknown: tuple[str, ...] = ()
    installments: tuple[tuple[str, Decimal], ...] = field(default=())


def line_summaries(cursor, bill_ids: Sequence[int]) -> dict[int, LineSummary]:
    """{bill id: LineSummary} of these bills (one statement); a bill without lines is absent."""
    cursor.execute(
        f"""
        SELECT bill_id, sum(amount),
               array_agg(DISTINCT category) FILTER (
                   WHERE NOT category = ANY(%(categories)s) AND category <> %(deposit)s),
               array_agg(code ORDER BY code) FILTER (WHERE category = %(deposit)s),
               array_agg(amount ORDER BY code) FILTER (WHERE category = %(deposit)s)
        FROM {LINES} WHERE bill_id = ANY(%(bills)s) GROUP BY bill_id
        """,
        {"bills": list(bill_ids), "categories": _CATEGORIES, "deposit": DEPOSIT_CATEGORY},
    )
    return {
        bill_id: LineSummary(
            total, tuple(unknown or ()), tuple(zip(codes or (), amounts or (), strict=True))
        )
        for bill_id, total, unknown, codes, amounts in cursor.fetchall()
    }


def check_bill_lines(
    summaries: dict[int, LineSummary],
    totals: dict[int, Decimal] | None = None,
    *,
    label: Callable[[int], str] = lambda bill_id: f"Bill {bill_id}",
) -> None:
    """Refuse the first bill (by id) with a line no GL account is set up for or, given its
    total, whose lines (deposit installments included) do not add up to it."""
    for bill_id in sorted({*summaries, *(totals or {})}):
        summary = summaries.get(bill_id, LineSummary(Decimal(0)))
        if summary.unknown:
            raise ServiceError(
                f"{label(bill_id)} has a “{summary.unknown[0]}” line that no GL account is "
                "set up for."
            )
        if totals is not None and bill_id in totals and summary.total != totals[bill_id]:
            raise ServiceError(f"{label(bill_id)}'s lines do not add up to its total.")


def bill_journal_lines(
    bill: Bill, *, label: str = "The bill", receivable_memo: str = "", totals: bool = True
) -> list[Line]:
    """One bill's journal lines by the rule; [] for a bill that moves no money."""
    selected = bill_journal_lines_selected([bill.pk], receivable_memo=receivable_memo)
    with connection.cursor() as cursor:
        check_bill_lines(
            line_summaries(cursor, [bill.pk]),
            {bill.pk: bill.current_charges} if totals else None,
            label=lambda _bill_id: label,
        )
        cursor.execute(selected.sql, selected.params)
        return [
            Line(purpose, Decimal(amount), service_account_id, memo)
            for _key, _source, purpose, amount, service_account_id, memo in cursor.fetchall()
        ]
