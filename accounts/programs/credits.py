"""Program bill credits, priced from a bill's own charges (pure: no queries).

The bill run loads each account's enrolment terms with its other inputs
(`credit_terms_subquery`, in the same statement) and asks `program_credits` for the credit
lines: each is worked out on the bill's water charges (service, minimum and water use lines),
for the days of the period an enrolment covers, rounded half-up to the cent once, and never
more than the water charges left after the credits before it.

- percent discount: the percentage of the water charges, times covered days / period days;
- fixed monthly credit: the monthly amount times the months the period spans (a period of
  28 to 31 days is one month, 59 to 62 days two), times covered days / period days;
- one-time rebate: the amount, on the bill whose period holds the enrolment's first day
  (a renewal gives no second rebate).
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import CharField, OuterRef
from django.db.models.functions import Cast, JSONObject

from accounts.models import Enrolment, Program
from accounts.programs.selectors import overlapping
from district.customer_notes import ENROLLED
from district.money import ZERO, quantize_money

# Bill line categories that are water charges (billing.rates lines): what a credit discounts.
WATER_CHARGE_CATEGORIES = frozenset({"service", "minimum", "water"})
CREDIT_CODE_PREFIX = "program."
DAYS_PER_MONTH = Decimal(365) / Decimal(12)


@dataclass(frozen=True)
class CreditTerms:
    """One enrolment in a benefit-giving program, as the bill run loads it."""

    program_id: int
    name: str
    benefit: str
    amount: Decimal
    starts_on: datetime.date
    until: datetime.date | None  # first day not covered
    is_renewal: bool = False


@dataclass(frozen=True)
class ProgramCredit:
    code: str  # "program.<program id>"
    description: str
    amount: Decimal  # negative: a credit
    proration: str = ""


def credit_terms_subquery(period_start: datetime.date, period_end: datetime.date):
    """An expression for a ServiceAccount query: the account's enrolments in benefit-giving
    programs that cover a day of the period, as JSON objects (read with `credit_terms`)."""
    enrolments = (
        Enrolment.objects.filter(overlapping(period_start, period_end), account_id=OuterRef("pk"))
        .exclude(program__benefit=Program.Benefit.NONE)
        .order_by("program__name", "program_id", "starts_on", "id")
        .values(
            terms=JSONObject(
                program_id="program_id",
                name="program__name",
                benefit="program__benefit",
                # As text: a JSON number would come back a float.
                amount=Cast("program__benefit_amount", CharField()),
                starts_on="starts_on",
                expires_on="expires_on",
                ended_on="ended_on",
                renewal_of_id="renewal_of_id",
            )
        )
    )
    return ArraySubquery(enrolments)


def _day(text: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(text) if text else None


def credit_terms(rows) -> tuple[CreditTerms, ...]:
    """The subquery's JSON objects as CreditTerms."""
    terms = []
    for row in rows or ():
        ends = [day for day in (_day(row["expires_on"]), _day(row["ended_on"])) if day]
        terms.append(
            CreditTerms(
                program_id=row["program_id"],
                name=row["name"],
                benefit=row["benefit"],
                amount=Decimal(row["amount"]),
                starts_on=_day(row["starts_on"]),
                until=min(ends) if ends else None,
                is_renewal=row["renewal_of_id"] is not None,
            )
        )
    return tuple(terms)


def account_credit_terms(
    account_id: int, period_start: datetime.date, period_end: datetime.date
) -> tuple[CreditTerms, ...]:
    """One account's credit terms for a period (one query): for pricing a bill outside a run's
    chunk, e.g. a rebill, with billing's `with_program_credits`."""
    enrolments = (
        Enrolment.objects.filter(overlapping(period_start, period_end), account_id=account_id)
        .exclude(program__benefit=Program.Benefit.NONE)
        .select_related("program")
        .order_by("program__name", "program_id", "starts_on", "id")
    )
    return tuple(terms_of(enrolment) for enrolment in enrolments)


def terms_of(enrolment: Enrolment) -> CreditTerms:
    """CreditTerms of a loaded enrolment (its program loaded too)."""
    return CreditTerms(
        program_id=enrolment.program_id,
        name=enrolment.program.name,
        benefit=enrolment.program.benefit,
        amount=enrolment.program.benefit_amount,
        starts_on=enrolment.starts_on,
        until=enrolment.covered_until,
        is_renewal=enrolment.renewal_of_id is not None,
    )


def _covered_days(terms: list[CreditTerms], start: datetime.date, end: datetime.date) -> int:
    """Days from start to end (inclusive) that at least one of the enrolments covers."""
    after_end = end + datetime.timedelta(days=1)
    spans = sorted((max(t.starts_on, start), min(t.until or after_end, after_end)) for t in terms)
    days, reached = 0, start
    for span_start, span_end in spans:
        span_start = max(span_start, reached)
        if span_end > span_start:
            days += (span_end - span_start).days
            reached = span_end
    return days


def _percent_text(percent: Decimal) -> str:
    return f"{percent.normalize():f}%"


def program_credits(
    terms: tuple[CreditTerms, ...],
    charges: list[tuple[str, Decimal]],
    *,
    period_start: datetime.date,
    period_end: datetime.date,
) -> list[ProgramCredit]:
    """The credit lines of a bill from the account's enrolment terms and the bill's lines as
    (category, amount); [] when nothing is due."""
    if not terms:
        return []
    water_charges = sum(
        (amount for category, amount in charges if category in WATER_CHARGE_CATEGORIES), ZERO
    )
    left = water_charges
    period_days = (period_end - period_start).days + 1
    by_program: dict[int, list[CreditTerms]] = {}
    for term in terms:
        by_program.setdefault(term.program_id, []).append(term)
    credits = []
    for program_id, program_terms in by_program.items():
        if left <= 0:
            break
        first = program_terms[0]
        days = _covered_days(program_terms, period_start, period_end)
        share = Decimal(days) / Decimal(period_days)
        proration = ENROLLED.text(days=days, total=period_days) if days < period_days else ""
        if first.benefit == Program.Benefit.PERCENT_DISCOUNT:
            raw = water_charges * first.amount / 100 * share
            description = f"{first.name}: {_percent_text(first.amount)} of water charges"
        elif first.benefit == Program.Benefit.MONTHLY_CREDIT:
            months = max(1, round(Decimal(period_days) / DAYS_PER_MONTH))
            raw = first.amount * months * share
            description = first.name
        elif first.benefit == Program.Benefit.ONE_TIME_REBATE:
            starting = [
                t for t in program_terms if not t.is_renewal and period_start <= t.starts_on
            ]
            raw = first.amount if any(t.starts_on <= period_end for t in starting) else ZERO
            description, proration = first.name, ""
        else:
            continue
        amount = min(quantize_money(raw), left)
        if amount <= 0:
            continue
        left -= amount
        credits.append(
            ProgramCredit(
                code=f"{CREDIT_CODE_PREFIX}{program_id}",
                description=description,
                amount=-amount,
                proration=proration,
            )
        )
    return credits
