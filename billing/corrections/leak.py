"""Leak adjustments: the quote worked out by policy, and the request (always through approval).

Rules (district policies, with these defaults until the policies are seeded), as published
leak policies word them ("a minimum of one year of usage history", "one request per 12 months",
"a credit of at most 3 months per request"):
- leak-min-history-months (12): the account has continuous history, posted bills one after the
  other with no gap of service, covering at least this many months up to the first leak bill
  (a bill from years ago followed by a gap does not count);
- leak-once-per-months (12): no other leak request (waiting or posted, and rejected too when
  leak-rejected-requests-count is on) in this many months;
- leak-max-months (3): the leak bills cover at most this many months; with leak-cap-in-bills on,
  the cap is leak-max-periods (2) bills instead (a bimonthly bill is two months, not one);
- leak-credit-rate-percent (50): the share of the volumetric charge for the use above typical that
  is credited.

Typical use: the average daily use of the posted bills of the 12 months before the first leak
bill, times the leak bill's days. The use above typical is priced at the bill's own water lines,
the dearest units first (with inclining tiers the leak water is the top-tier water).
"""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import ServiceAccount
from billing.corrections.services import LEAK_KIND, _insert, file_for_approval
from billing.models import Adjustment, Bill
from billing.rates.proration import service_days
from district.errors import ServiceError, require
from district.money import ZERO, format_money, quantize_money
from district.policies import policy_value
from district.roles import Perm
from field_ops.models import WorkOrder

POLICY_DEFAULTS = {
    "leak-min-history-months": 12,
    "leak-once-per-months": 12,
    "leak-max-months": 3,
    "leak-cap-in-bills": False,
    "leak-max-periods": 2,
    "leak-rejected-requests-count": False,
    "leak-credit-rate-percent": Decimal("50"),
}
TYPICAL_LOOKBACK_MONTHS = 12
# Read dates drift by a day or two between periods; a longer gap means there was no service
# (a vacancy, a closed account) and the history before it is not continuous.
HISTORY_GAP_DAYS = 7
HUNDREDTHS = Decimal("0.01")


@dataclass(frozen=True)
class LeakQuote:
    eligible: bool
    reasons: list[str]
    typical_use: Decimal  # HCF over the leak bills
    excess_use: Decimal  # HCF above typical over the leak bills
    credit_amount: Decimal
    workings: dict = field(default_factory=dict)


def leak_policies() -> dict:
    values = {}
    for key, default in POLICY_DEFAULTS.items():
        try:
            values[key] = policy_value(key)
        except LookupError:
            values[key] = default
    return values


def months_between(earlier: datetime.date, later: datetime.date) -> int:
    """Whole calendar months from one date to a later one (1/15 -> 3/14 is 1 month)."""
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    if later.day < earlier.day:
        months -= 1
    return months


def months_before(day: datetime.date, months: int) -> datetime.date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    last = (datetime.date(year + month // 12, month % 12 + 1, 1) - datetime.timedelta(days=1)).day
    return datetime.date(year, month, min(day.day, last))


def continuous_history_start(history: list[Bill], before: datetime.date) -> datetime.date | None:
    """The first day of the unbroken run of bills that ends just before `before`, or None."""
    start = None
    expected_end = before - datetime.timedelta(days=1)
    for bill in sorted(history, key=lambda bill: bill.period_end, reverse=True):
        if bill.period_end < expected_end - datetime.timedelta(days=HISTORY_GAP_DAYS):
            break
        if start is None or bill.period_start < start:
            start = bill.period_start
            expected_end = bill.period_start - datetime.timedelta(days=1)
    return start


def months_covered(bills: list[Bill]) -> int:
    """Calendar months from the first bill's first day to the day after the last bill's last."""
    first = min(bill.period_start for bill in bills)
    last = max(bill.period_end for bill in bills)
    return months_between(first, last + datetime.timedelta(days=1))


def _cap_reason(policies: dict, bills: list[Bill]) -> str | None:
    if policies["leak-cap-in-bills"]:
        most = policies["leak-max-periods"]
        if len(bills) > most:
            return (
                f"A leak adjustment covers at most {most} billing periods; "
                f"{len(bills)} were chosen."
            )
        return None
    most, covered = policies["leak-max-months"], months_covered(bills)
    if covered > most:
        return (
            f"A leak adjustment covers at most {most} months of bills; "
            f"the chosen bills cover {covered}."
        )
    return None


def _excess_charge(bill: Bill, excess: Decimal) -> tuple[Decimal, list[dict]]:
    """The volumetric charge of the top `excess` HCF of the bill, dearest units first."""
    water = [
        line
        for line in bill.lines.all()
        if line.category in {"water", "volumetric"} and line.quantity and line.rate
    ]
    water.sort(key=lambda line: line.rate, reverse=True)
    remaining, charge, steps = excess, Decimal(0), []
    for line in water:
        if remaining <= 0:
            break
        taken = min(remaining, Decimal(line.quantity))
        charge += taken * line.rate
        steps.append(
            {
                "line": line.description,
                "hcf": f"{taken.normalize():f}",
                "rate": f"{line.rate.normalize():f}",
            }
        )
        remaining -= taken
    return quantize_money(charge), steps


@dataclass(frozen=True)
class TypicalUse:
    """The account's usual use before the leak: the posted bills of the year before it."""

    bills: list[Bill]
    days: int
    hcf: Decimal
    daily_hcf: Decimal | None  # None when there are no such bills


def typical_use(history: list[Bill], first_leak_start: datetime.date) -> TypicalUse:
    lookback_start = months_before(first_leak_start, TYPICAL_LOOKBACK_MONTHS)
    bills = [bill for bill in history if bill.period_start >= lookback_start]
    days = sum(service_days(bill.period_start, bill.period_end) for bill in bills)
    hcf = sum((bill.consumption for bill in bills), Decimal(0))
    return TypicalUse(bills, days, hcf, (hcf / days) if days else None)


def _bill_reasons(account, bills: list[Bill], policies: dict) -> list[str]:
    """Why the chosen bills themselves cannot be adjusted (none: they can)."""
    reasons = []
    if any(bill.account_id != account.pk for bill in bills):
        reasons.append("One of the bills belongs to another account.")
    if any(bill.status != Bill.Status.POSTED for bill in bills):
        reasons.append("Only posted bills can be adjusted.")
    cap_reason = _cap_reason(policies, bills)
    if cap_reason:
        reasons.append(cap_reason)
    return reasons


def _leak_bill_row(bill: Bill, daily_hcf: Decimal | None, percent: Decimal) -> dict:
    """One leak bill's workings: its typical use, the use above it, and the credit."""
    days = service_days(bill.period_start, bill.period_end)
    typical = (
        (daily_hcf * days).quantize(HUNDREDTHS, ROUND_HALF_UP) if daily_hcf is not None else ZERO
    )
    excess = max(bill.consumption - typical, Decimal(0))
    charge, steps = _excess_charge(bill, excess)
    credit = quantize_money(charge * percent / 100)
    return {
        "bill": bill.number or str(bill.pk),
        "bill_id": bill.pk,
        "period": f"{bill.period_start:%m/%d/%Y} - {bill.period_end:%m/%d/%Y}",
        "days": days,
        "use_hcf": f"{bill.consumption:f}",
        "typical_hcf": f"{typical:f}",
        "excess_hcf": f"{excess:f}",
        "excess_charge": f"{charge:f}",
        "excess_priced": steps,
        "credit": f"{credit:f}",
    }


def leak_adjustment_quote(*, account, bills: list[Bill]) -> LeakQuote:
    """Whether the bills qualify and the credit they earn, with every step written down."""
    policies = leak_policies()
    bills = sorted(bills, key=lambda bill: bill.period_start)
    if not bills:
        return LeakQuote(
            False,
            ["Choose the bill or bills with the leak."],
            ZERO,
            ZERO,
            ZERO,
            {"policies": _plain(policies)},
        )
    reasons = _bill_reasons(account, bills, policies)
    first_start = bills[0].period_start
    history = list(
        Bill.objects.filter(
            account_id=account.pk, status=Bill.Status.POSTED, period_end__lt=first_start
        ).order_by("period_start")
    )
    history_start = continuous_history_start(history, first_start)
    history_months = months_between(history_start, first_start) if history_start else 0
    if history_months < policies["leak-min-history-months"]:
        reasons.append(
            f"The account needs {policies['leak-min-history-months']} months of continuous "
            f"billing history before the leak; it has {history_months}."
        )
    earlier_reason = _earlier_request_reason(account, policies)
    if earlier_reason:
        reasons.append(earlier_reason)
    typical = typical_use(history, first_start)
    if typical.daily_hcf is None:
        reasons.append("There are no posted bills in the year before the leak to compare with.")
    percent = Decimal(policies["leak-credit-rate-percent"])
    rows = [_leak_bill_row(bill, typical.daily_hcf, percent) for bill in bills]
    credit_total = sum((Decimal(row["credit"]) for row in rows), ZERO)
    if not reasons and credit_total <= 0:
        reasons.append("The bills show no use above the typical amount to credit.")
    daily = typical.daily_hcf
    workings = {
        "policies": _plain(policies),
        "history_months": history_months,
        "history_from": f"{history_start:%m/%d/%Y}" if history_start else None,
        "months_covered": months_covered(bills),
        "typical_from_bills": [bill.number or str(bill.pk) for bill in typical.bills],
        "typical_days": typical.days,
        "typical_hcf": f"{typical.hcf:f}",
        "daily_hcf": f"{daily.quantize(Decimal('0.0001'), ROUND_HALF_UP):f}" if daily else None,
        "credit_percent": f"{percent.normalize():f}",
        "bills": rows,
        "credit": f"{credit_total:f}",
    }
    return LeakQuote(
        eligible=not reasons,
        reasons=reasons,
        typical_use=sum((Decimal(row["typical_hcf"]) for row in rows), Decimal(0)),
        excess_use=sum((Decimal(row["excess_hcf"]) for row in rows), Decimal(0)),
        credit_amount=credit_total,
        workings=workings,
    )


def _earlier_request_reason(account, policies: dict) -> str | None:
    once = policies["leak-once-per-months"]
    since = months_before(timezone.localdate(), once)
    statuses = [Adjustment.Status.PENDING_APPROVAL, Adjustment.Status.POSTED]
    if policies["leak-rejected-requests-count"]:
        statuses.append(Adjustment.Status.REJECTED)
    earlier = (
        Adjustment.objects.filter(
            account_id=account.pk,
            reason=Adjustment.Reason.LEAK,
            status__in=statuses,
            requested_at__date__gt=since,
        )
        .order_by("-requested_at")
        .first()
    )
    if earlier is None:
        return None
    outcome = " (rejected)" if earlier.status == Adjustment.Status.REJECTED else ""
    return (
        f"The account had a leak request on {timezone.localdate(earlier.requested_at):%m/%d/%Y}"
        f"{outcome}; one is allowed every {once} months."
    )


def _plain(policies: dict) -> dict:
    return {key: str(value) for key, value in policies.items()}


@transaction.atomic
def leak_adjustment_request(
    *,
    account,
    bills: list[Bill],
    by,
    idempotency_key: str,
    evidence_work_order: WorkOrder | None = None,
    evidence_file=None,
    memo: str = "",
) -> Adjustment:
    """File a leak credit for approval, with its workings and evidence; a repeated key returns
    the first request."""
    require(by, Perm.EDIT_ACCOUNTS, doing="request leak adjustments")
    if not idempotency_key:
        raise ServiceError("A request key is required.")
    existing = Adjustment.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        if existing.account_id != account.pk or existing.requested_by_id != by.pk:
            raise ServiceError("That request key was already used for another adjustment.")
        return existing
    if evidence_work_order is None and not evidence_file:
        raise ServiceError(
            {"evidence": "Attach the leak investigation order or the repair receipt."}
        )
    if evidence_work_order is not None and (
        evidence_work_order.order_type != WorkOrder.Type.LEAK_INVESTIGATION
        or evidence_work_order.premise_id != account.premise_id
    ):
        raise ServiceError(
            {"evidence": "The work order must be a leak investigation at this account's address."}
        )
    # Lock the account so two requests cannot both pass the once-per-year rule.
    ServiceAccount.objects.select_for_update().filter(pk=account.pk).first()
    quote = leak_adjustment_quote(account=account, bills=bills)
    if not quote.eligible:
        raise ServiceError(quote.reasons)
    latest = max(bills, key=lambda bill: bill.period_start)
    memo = (memo or "").strip() or (
        f"Leak adjustment for {', '.join(row['bill'] for row in quote.workings['bills'])}"
    )
    adjustment, created = _insert(
        Adjustment(
            account=account,
            bill=latest,
            direction=Adjustment.Direction.CREDIT,
            reason=Adjustment.Reason.LEAK,
            amount=quote.credit_amount,
            memo=memo[:255],
            status=Adjustment.Status.PENDING_APPROVAL,
            idempotency_key=idempotency_key,
            calculation=quote.workings,
            evidence_work_order=evidence_work_order,
            evidence_file=evidence_file or "",
            requested_by=by,
        ),
        account=account,
        by=by,
    )
    if not created:
        return adjustment
    return file_for_approval(
        adjustment=adjustment,
        kind=LEAK_KIND,
        by=by,
        reason=f"Leak credit of {format_money(quote.credit_amount)} on account {account.number}: "
        f"{quote.excess_use:f} HCF above typical use.",
    )
