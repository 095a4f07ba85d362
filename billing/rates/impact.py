"""Rate-change impact: re-price accounts' last year of use under two versions (pure).

The accounts and their read periods come from `billing.rates.selectors.impact_accounts`; this
module only prices them. Each read period is billed as it was read (its own days, so a partial
or long period is prorated as a bill would be), under the current and the proposed schedule,
and the year's totals are compared per account, then summed by customer class.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError

from billing.rates.engine import calculate
from district.errors import ServiceError

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class AccountUsage:
    account_id: int
    customer_class: str
    meter_size: str | None
    dwelling_units: int
    # (first service day, last service day, consumption in HCF) for each read period
    periods: list[tuple[datetime.date, datetime.date, Decimal]]


@dataclass
class ClassImpact:
    customer_class: str
    label: str
    population: int = 0  # active accounts of the class
    sampled: int = 0
    priced: int = 0
    up: int = 0
    down: int = 0
    same: int = 0
    no_reads: int = 0
    not_priced: int = 0
    reasons: dict[str, int] = field(default_factory=dict)
    current_total: Decimal = ZERO
    proposed_total: Decimal = ZERO

    @property
    def average_current(self) -> Decimal | None:
        return (self.current_total / self.priced).quantize(Decimal("0.01")) if self.priced else None

    @property
    def average_proposed(self) -> Decimal | None:
        return (
            (self.proposed_total / self.priced).quantize(Decimal("0.01")) if self.priced else None
        )

    @property
    def average_change(self) -> Decimal | None:
        if not self.priced:
            return None
        return ((self.proposed_total - self.current_total) / self.priced).quantize(Decimal("0.01"))

    @property
    def change_percent(self) -> Decimal | None:
        """The change in what the class's sampled accounts pay in a year, in percent."""
        if not self.current_total:
            return None
        change = (self.proposed_total - self.current_total) * 100 / self.current_total
        return change.quantize(Decimal("0.1"))


def _year_total(schedule: dict, account: AccountUsage, zone: str | None, label) -> Decimal:
    return sum(
        (
            calculate(
                schedule,
                customer_class=account.customer_class,
                meter_size=account.meter_size,
                consumption=consumption,
                consumption_unit="hcf",
                period_start=start,
                period_end=end,
                dwelling_units=account.dwelling_units,
                zone=zone,
                version=label,
            ).total
            for start, end, consumption in account.periods
        ),
        ZERO,
    )


def rate_impact(
    *,
    current: dict,
    proposed: dict,
    accounts: list[AccountUsage],
    population: dict[str, int],
    class_labels: dict[str, str],
    zone: str | None = None,
    labels: tuple[str | None, str | None] = (None, None),
) -> list[ClassImpact]:
    """Per customer class: how many sampled accounts' yearly bills go up, down or stay, and by how much."""
    rows = {
        name: ClassImpact(name, label, population=population.get(name, 0))
        for name, label in class_labels.items()
    }
    for account in accounts:
        row = rows[account.customer_class]
        row.sampled += 1
        if not account.periods:
            row.no_reads += 1
            continue
        try:
            if account.meter_size is None:
                raise ServiceError("No meter is installed.")
            before = _year_total(current, account, zone, labels[0])
            after = _year_total(proposed, account, zone, labels[1])
        except ValidationError as error:
            row.not_priced += 1
            reason = " ".join(error.messages)
            row.reasons[reason] = row.reasons.get(reason, 0) + 1
            continue
        row.priced += 1
        row.current_total += before
        row.proposed_total += after
        if after > before:
            row.up += 1
        elif after < before:
            row.down += 1
        else:
            row.same += 1
    return [row for row in rows.values() if row.population or row.sampled]
