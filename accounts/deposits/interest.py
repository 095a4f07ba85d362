"""Interest on deposits held, by district policy (off until a rate is set).

Some districts pay simple interest on a deposit at a yearly rate, over the days it is held,
credited when the deposit is applied or returned, or also once a year on the day it was
charged. The interest earned through a day is worked out on the whole holding period and
rounded half-up to the cent once; what was credited before is taken off, so yearly credits and
the final one add up to the interest on the whole period, never a cent more or less.

Each part of a deposit earns from the day it was charged: a deposit in installments earns on
each installment from the day it was billed. A deposit carried to a new account keeps its
charge date, and the interest credited under the old account counts as credited.
"""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q, Sum

from accounts.models import Deposit, DepositInstallment
from district.ledger.models import JournalLine
from district.ledger.purposes import Purpose
from district.money import ZERO
from district.policies import policy_values

RATE_POLICY = "deposit-interest-rate-percent"
YEARLY_POLICY = "deposit-interest-yearly"
DAYS_IN_YEAR = Decimal(365)
CENT = Decimal("0.01")


@dataclass(frozen=True)
class InterestTerms:
    rate_percent: Decimal  # a year, simple
    yearly: bool  # credited on each anniversary of the charge, as well as at the end

    @property
    def pays(self) -> bool:
        return self.rate_percent > 0


def interest_terms() -> InterestTerms:
    try:
        values = policy_values(RATE_POLICY, YEARLY_POLICY)
    except LookupError:
        return InterestTerms(ZERO, False)
    return InterestTerms(Decimal(values[RATE_POLICY]), bool(values[YEARLY_POLICY]))


def interest_key(deposit: Deposit, through: datetime.date) -> str:
    return f"deposit-interest:{deposit.pk}:{through.isoformat()}"


def _chain_ids(deposit: Deposit) -> list[int]:
    """The deposit and the deposits it was carried from, newest first."""
    ids, current = [deposit.pk], deposit
    while current.carried_from_id is not None:
        current = Deposit.objects.only("pk", "carried_from_id").get(pk=current.carried_from_id)
        ids.append(current.pk)
    return ids


def held_portions(deposit: Deposit) -> list[tuple[datetime.date, Decimal]]:
    """(held since, amount) for each part of the deposit charged so far."""
    if deposit.charged_on is None:
        return []
    installments = list(
        DepositInstallment.objects.filter(deposit=deposit).values_list(
            "status", "posted_on", "amount"
        )
    )
    Installment = DepositInstallment.Status
    portions = [
        (day or deposit.charged_on, amount)
        for status, day, amount in installments
        if status == Installment.POSTED
    ]
    unbilled = sum(
        (amount for status, _, amount in installments if status == Installment.OPEN), ZERO
    )
    # What was charged without an installment row of its own (a single payment, or the part a
    # carried deposit brought along) has been held since the charge date.
    rest = deposit.amount - unbilled - sum((amount for _day, amount in portions), ZERO)
    if rest > 0:
        portions.append((deposit.charged_on, rest))
    return portions


def interest_earned(deposit: Deposit, *, through: datetime.date, rate_percent: Decimal) -> Decimal:
    """Simple interest on the deposit from each part's charge date up to `through`."""
    total = Decimal(0)
    for since, amount in held_portions(deposit):
        days = max((through - since).days, 0)
        total += amount * rate_percent / 100 * days / DAYS_IN_YEAR
    return total.quantize(CENT, rounding=ROUND_HALF_UP)


def interest_credited(deposit: Deposit) -> Decimal:
    """Interest already paid on this deposit (and on the deposits it was carried from)."""
    keys = Q()
    for deposit_id in _chain_ids(deposit):
        keys |= Q(journal__idempotency_key__startswith=f"deposit-interest:{deposit_id}:")
    paid = JournalLine.objects.filter(keys, gl_account__purpose=Purpose.DEPOSIT_INTEREST).aggregate(
        total=Sum("amount")
    )["total"]
    return paid or ZERO


def interest_due(deposit: Deposit, *, through: datetime.date, terms: InterestTerms) -> Decimal:
    if not terms.pays:
        return ZERO
    earned = interest_earned(deposit, through=through, rate_percent=terms.rate_percent)
    return max(earned - interest_credited(deposit), ZERO)


def last_anniversary(charged_on: datetime.date, today: datetime.date) -> datetime.date | None:
    """The latest anniversary of the charge on or before today (29 Feb -> 28 Feb), or None."""
    for year in range(today.year, charged_on.year, -1):
        try:
            day = charged_on.replace(year=year)
        except ValueError:
            day = datetime.date(year, 2, 28)
        if day <= today:
            return day
    return None


def interest_summary(deposits: list[Deposit], *, today: datetime.date) -> dict | None:
    """For the deposit panel: the rate, and the interest the deposit held (if any) has earned
    to date and had credited; None when no deposit is held or the policy pays no interest."""
    # The deposits are the panel's list already read; a held one is what selectors.HELD finds.
    held = next(
        (
            deposit
            for deposit in deposits
            if deposit.status == Deposit.Status.CHARGED
            and deposit.closed_on is None
            and deposit.amount > 0
            and deposit.charged_on
        ),
        None,
    )
    if held is None:
        return None
    terms = interest_terms()
    if not terms.pays:
        return None
    return {
        "rate": f"{terms.rate_percent.normalize():f}",
        "yearly": terms.yearly,
        "earned": interest_earned(held, through=today, rate_percent=terms.rate_percent),
        "credited": interest_credited(held),
    }
