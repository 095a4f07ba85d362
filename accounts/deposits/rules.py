"""The district's written deposit guidelines as code: which version is in force, what counts as
good payment history, and how much deposit a new service owes (the quote).

Payment history comes from the apps that know it, through a registry (billing and payments sit
above accounts and register their sources in their own registrations.py):

    register_history_source("payments", returned_and_late_payments)
    # fn(customer, since: date) -> HistoryFacts

The facts of every registered source are added up. accounts registers field_ops' shut-offs.
"""

import calendar
import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from accounts.deposits import selectors
from accounts.models import Customer, Deposit, DepositGuideline, ServiceAccount
from district.errors import ServiceError
from district.money import ZERO, format_money, quantize_money
from district.registries import Registry, callable_name
from field_ops.models import Meter, Premise, WorkOrder

Basis = Deposit.Basis
# A letter of good credit from another utility counts for this long after its date.
LETTER_VALID_MONTHS = 12
# The average-bill rule looks back this far (and needs this much billing history).
AVERAGE_BILL_MONTHS = 12


def months_before(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` earlier (the month's last day when it is shorter: 31 May - 3 -> 28/29 Feb)."""
    month_index = day.year * 12 + (day.month - 1) - months
    year, month = divmod(month_index, 12)
    month += 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def months_after(day: datetime.date, months: int) -> datetime.date:
    return months_before(day, -months)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


# -- payment history ---------------------------------------------------------------------------


@dataclass(frozen=True)
class HistoryFacts:
    """What one source knows of a customer's record since a date."""

    returned_payments: int = 0
    late_payments: int = 0
    shut_offs: int = 0

    def __add__(self, other: "HistoryFacts") -> "HistoryFacts":
        return HistoryFacts(
            returned_payments=self.returned_payments + other.returned_payments,
            late_payments=self.late_payments + other.late_payments,
            shut_offs=self.shut_offs + other.shut_offs,
        )


HistorySource = Callable[[Customer, datetime.date], HistoryFacts]
# name -> source, added up in name order.
SOURCES = Registry(
    "deposit history sources",
    describe=lambda name, source: f"{name} -> {callable_name(source)}",
    order=lambda name, _source: name,
)


def register_history_source(name: str, fn: HistorySource) -> None:
    """Add a source of payment history; registering the same function again is a no-op."""
    SOURCES.register(name, fn)


def unregister_history_source(name: str) -> None:
    """Forget a source (tests register throwaway ones)."""
    SOURCES.unregister(name)


def history_sources() -> list[str]:
    return [name for name, _source in SOURCES.items()]


def history_facts(customer: Customer, since: datetime.date) -> HistoryFacts:
    """The total of every registered source's facts about the customer since the date."""
    total = HistoryFacts()
    if customer is None or customer.pk is None:
        return total
    for name, source in SOURCES.items():
        facts = source(customer, since)
        if not isinstance(facts, HistoryFacts):
            raise TypeError(f"History source {name!r} must return HistoryFacts.")
        total += facts
    return total


def shut_offs_from_work_orders(customer: Customer, since: datetime.date) -> HistoryFacts:
    """field_ops' part: completed shut-off orders on any of the customer's accounts since then."""
    count = WorkOrder.objects.filter(
        order_type=WorkOrder.Type.SHUT_OFF,
        status=WorkOrder.Status.COMPLETED,
        completed_at__date__gte=since,
        service_account_id__in=ServiceAccount.objects.filter(customer=customer).values("pk"),
    ).count()
    return HistoryFacts(shut_offs=count)


@dataclass(frozen=True)
class PaymentHistory:
    """Whether the customer's record waives the deposit, and if not, why (for the CSR)."""

    since: datetime.date
    customer_since: datetime.date | None
    facts: HistoryFacts
    reasons: tuple[str, ...] = field(default=())

    @property
    def good(self) -> bool:
        return not self.reasons


def payment_history(
    customer: Customer, *, guideline: DepositGuideline, on_date: datetime.date
) -> PaymentHistory:
    """Good history: an account with the district for the guideline's months, no returned
    payment, no shut-off and at most the allowed late payments in those months."""
    months = guideline.good_history_months
    since = months_before(on_date, months)
    customer_since = selectors.customer_since(customer)
    facts = history_facts(customer, since)
    reasons = []
    if customer_since is None or customer_since > since:
        reasons.append(f"less than {_plural(months, 'month')} of service with the district")
    if facts.returned_payments:
        reasons.append(_plural(facts.returned_payments, "returned payment"))
    if facts.shut_offs:
        reasons.append(_plural(facts.shut_offs, "shut-off"))
    if facts.late_payments > guideline.max_late_payments:
        reasons.append(
            f"{_plural(facts.late_payments, 'late payment')} "
            f"(at most {guideline.max_late_payments} allowed)"
        )
    return PaymentHistory(
        since=since, customer_since=customer_since, facts=facts, reasons=tuple(reasons)
    )


# -- the guidelines ----------------------------------------------------------------------------


def guideline_in_force(on_date: datetime.date) -> DepositGuideline:
    """The version of the deposit guidelines in force on a date."""
    guideline = (
        DepositGuideline.objects.filter(effective_from__lte=on_date)
        .order_by("-effective_from")
        .first()
    )
    if guideline is None:
        raise ServiceError(
            f"No deposit guidelines are in force on {on_date:%m/%d/%Y}; "
            "a supervisor must add them first."
        )
    return guideline


# -- the quote ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class DepositQuote:
    """The deposit a service owes under the guidelines, and the sentence that explains it."""

    amount: Decimal
    basis: str  # a Deposit.Basis value
    explanation: str
    guideline: DepositGuideline
    # Why no exemption applied (shown to the CSR with a due deposit), e.g. "1 shut-off".
    reasons_due: tuple[str, ...] = ()

    @property
    def is_due(self) -> bool:
        return self.amount > 0

    @property
    def basis_label(self) -> str:
        return Basis(self.basis).label


def _versioned(sentence: str, guideline: DepositGuideline) -> str:
    return f"{sentence} (guidelines of {guideline.effective_from:%Y-%m-%d})."[:255]


def _size_label(meter_size: str) -> str:
    return Meter.Size(meter_size).label if meter_size in Meter.Size.values else meter_size


def _no_deposit(basis: str, sentence: str, guideline: DepositGuideline) -> DepositQuote:
    return DepositQuote(ZERO, basis, _versioned(sentence, guideline), guideline)


def deposit_quote(
    *,
    customer: Customer,
    premise: Premise,
    customer_class: str,
    meter_size: str | None,
    is_owner: bool,
    on_date: datetime.date,
) -> DepositQuote:
    """The deposit due for a customer starting service at a premise, by the guidelines in force.

    Owner, letter of good credit, good history: none. Otherwise the average-bill multiple
    when the premise has 12 months of bills, else the class and meter size table; never
    below the minimum.
    """
    if customer_class not in ServiceAccount.CustomerClass.values:
        raise ServiceError({"customer_class": "Choose the customer class."})
    guideline = guideline_in_force(on_date)
    if is_owner:
        return _no_deposit(Basis.OWNER, "No deposit: the customer owns the premise", guideline)
    letter = selectors.letter_of_credit_on_file(
        customer, since=months_before(on_date, LETTER_VALID_MONTHS), until=on_date
    )
    if letter is not None:
        return _no_deposit(
            Basis.LETTER_OF_CREDIT,
            f"No deposit: letter of good credit from {letter.utility_name} "
            f"dated {letter.letter_date:%m/%d/%Y}",
            guideline,
        )
    history = payment_history(customer, guideline=guideline, on_date=on_date)
    if history.good:
        return _no_deposit(
            Basis.GOOD_HISTORY,
            f"No deposit: {_plural(guideline.good_history_months, 'month')} of good payment "
            "history with the district",
            guideline,
        )
    quote = _amount_due(
        premise=premise,
        customer_class=customer_class,
        meter_size=meter_size,
        on_date=on_date,
        guideline=guideline,
    )
    return DepositQuote(
        quote.amount, quote.basis, quote.explanation, guideline, reasons_due=history.reasons
    )


def _amount_due(
    *,
    premise: Premise,
    customer_class: str,
    meter_size: str | None,
    on_date: datetime.date,
    guideline: DepositGuideline,
) -> DepositQuote:
    window_start = months_before(on_date, AVERAGE_BILL_MONTHS)
    # A bill covers the period before its date: bills from 11 months ago on cover 12 months.
    average = selectors.premise_average_monthly_bill(
        premise,
        after=window_start,
        until=on_date,
        months=AVERAGE_BILL_MONTHS,
        first_bill_by=months_before(on_date, AVERAGE_BILL_MONTHS - 1),
    )
    if average is not None:
        basis = Basis.AVERAGE_BILL
        amount = quantize_money(guideline.average_bill_multiple * average)
        multiple = f"{guideline.average_bill_multiple.normalize():f}"
        sentence = (
            f"{multiple} × the premise's average monthly bill of {format_money(average)} "
            f"over the last {AVERAGE_BILL_MONTHS} months: {format_money(amount)}"
        )
    else:
        class_label = ServiceAccount.CustomerClass(customer_class).label
        if not meter_size or meter_size not in Meter.Size.values:
            raise ServiceError(
                {
                    "meter_size": "The deposit depends on the meter size, and no meter size is "
                    "known for this premise: install or choose the meter first."
                }
            )
        table_amount = (
            guideline.amounts.filter(customer_class=customer_class, meter_size=meter_size)
            .values_list("amount", flat=True)
            .first()
        )
        if table_amount is None:
            basis = Basis.MINIMUM
            amount = ZERO
            sentence = (
                f"{class_label} {_size_label(meter_size)} meter: the district's table has no "
                "amount for it"
            )
        else:
            basis = Basis.CLASS_AND_SIZE
            amount = table_amount
            sentence = (
                f"{class_label} {_size_label(meter_size)} meter: {format_money(amount)} "
                "by the district's table"
            )
    if amount < guideline.minimum:
        sentence = f"{sentence}; raised to the minimum deposit of {format_money(guideline.minimum)}"
        basis = Basis.MINIMUM
        amount = guideline.minimum
    return DepositQuote(amount, basis, _versioned(sentence, guideline), guideline)
