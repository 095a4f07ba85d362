"""The one rule that turns a bill into journal lines, used by bill runs, final bills and rebills.

Debit ar_customers for the account; credit the revenue GL account of each line's category
(summed per GL account). A deposit installment line (category "deposit") is not revenue: it
posts by a journal of its own (billing.bill_runs.posting), so the receivable here is the bill's
total less its installments. Lines of zero are dropped, so a bill whose charges net to nothing
by GL account (a $0.00 bill) has no lines: it moves no money and posts no journal.
"""

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from billing.bill_runs.calculation import DEPOSIT_CATEGORY
from district.errors import ServiceError
from district.ledger.purposes import Purpose
from district.ledger.services import Line

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
# The same as plain strings: hashed and sorted for every bill of a run, faster than enum members.
_REVENUE_GL = {category: purpose.value for category, purpose in REVENUE_BY_CATEGORY.items()}
_RECEIVABLE_GL = Purpose.AR_CUSTOMERS.value


def bill_journal_lines(
    *,
    account_id: int,
    lines: Iterable[tuple[str, Decimal]],
    total: Decimal | None = None,
    bill_label: str = "The bill",
    receivable_memo: str = "",
) -> list[Line]:
    """The journal lines of a bill from its lines as (category, amount); [] for a bill that
    moves no money. `total`, when given, must be what the lines add up to (deposit
    installments included)."""
    credits: dict[str, Decimal] = defaultdict(Decimal)
    installments = Decimal(0)
    for category, amount in lines:
        if category == DEPOSIT_CATEGORY:
            installments += amount
            continue
        purpose = _REVENUE_GL.get(category)
        if purpose is None:
            raise ServiceError(
                f"{bill_label} has a “{category}” line that no GL account is set up for."
            )
        credits[purpose] -= amount
    receivable = -sum(credits.values(), Decimal(0))
    if total is not None and receivable + installments != total:
        raise ServiceError(f"{bill_label}'s lines do not add up to its total.")
    journal = [Line(_RECEIVABLE_GL, receivable, account_id, receivable_memo)] + [
        Line(purpose, amount) for purpose, amount in sorted(credits.items())
    ]
    return [line for line in journal if line.amount]
