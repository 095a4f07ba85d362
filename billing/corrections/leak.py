"""Leak adjustments: the quote worked out by policy, and the request (always through approval).

Rules (district policies, with these defaults until the policies are seeded):
- leak-min-history-months (12): the account has posted bills covering at least this many months
  before the first leak bill;
- leak-once-per-months (12): no other leak adjustment (waiting or posted) in this many months;
- leak-max-periods (2): at most this many bills are adjusted;
- leak-credit-rate-percent (50): the share of the volumetric charge for the use above typical that
  is credited.

Typical use: the average daily use of the posted bills of the 12 months before the first leak
bill, times the leak bill's days. The use above typical is priced at the bill's own water lines,
the dearest units first (with inclining tiers the leak water is the top-tier water).
"""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import ServiceAccount
from billing.corrections.services import LEAK_KIND, _insert, file_for_approval
from billing.models import Adjustment, Bill
from billing.rates.proration import service_days
from district.money import ZERO, format_money, quantize_money
from district.policies import policy_value
from district.roles import Perm
from field_ops.models import WorkOrder

POLICY_DEFAULTS = {
    "leak-min-history-months": 12,
    "leak-once-per-months": 12,
    "leak-max-periods": 2,
    "leak-credit-rate-percent": Decimal("50"),
}
TYPICAL_LOOKBACK_MONTHS = 12
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


def leak_adjustment_quote(*, account, bills: list[Bill]) -> LeakQuote:
    """Whether the bills qualify and the credit they earn, with every step written down."""
    policies = leak_policies()
    reasons: list[str] = []
    bills = sorted(bills, key=lambda bill: bill.period_start)
    empty = LeakQuote(False, reasons, ZERO, ZERO, ZERO, {"policies": _plain(policies)})
    if not bills:
        reasons.append("Choose the bill or bills with the leak.")
        return empty
    if any(bill.account_id != account.pk for bill in bills):
        reasons.append("One of the bills belongs to another account.")
    if any(bill.status != Bill.Status.POSTED for bill in bills):
        reasons.append("Only posted bills can be adjusted.")
    if len(bills) > policies["leak-max-periods"]:
        reasons.append(
            f"A leak adjustment covers at most {policies['leak-max-periods']} billing periods; "
            f"{len(bills)} were chosen."
        )
    first_start = bills[0].period_start
    history = list(
        Bill.objects.filter(
            account_id=account.pk, status=Bill.Status.POSTED, period_end__lt=first_start
        ).order_by("period_start")
    )
    history_months = months_between(history[0].period_start, first_start) if history else 0
    if history_months < policies["leak-min-history-months"]:
        reasons.append(
            f"The account needs {policies['leak-min-history-months']} months of billing history "
            f"before the leak; it has {history_months}."
        )
    once = policies["leak-once-per-months"]
    since = months_before(timezone.localdate(), once)
    earlier = (
        Adjustment.objects.filter(
            account_id=account.pk,
            reason=Adjustment.Reason.LEAK,
            status__in=[Adjustment.Status.PENDING_APPROVAL, Adjustment.Status.POSTED],
            requested_at__date__gt=since,
        )
        .order_by("-requested_at")
        .first()
    )
    if earlier is not None:
        reasons.append(
            f"The account had a leak adjustment on {timezone.localdate(earlier.requested_at):%m/%d/%Y}; "
            f"one is allowed every {once} months."
        )
    lookback_start = months_before(first_start, TYPICAL_LOOKBACK_MONTHS)
    typical_bills = [bill for bill in history if bill.period_start >= lookback_start]
    typical_days = sum(service_days(bill.period_start, bill.period_end) for bill in typical_bills)
    typical_hcf = sum((bill.consumption for bill in typical_bills), Decimal(0))
    daily = (typical_hcf / typical_days) if typical_days else None
    if daily is None:
        reasons.append("There are no posted bills in the year before the leak to compare with.")
    percent = Decimal(policies["leak-credit-rate-percent"])
    rows, typical_total, excess_total, credit_total = [], Decimal(0), Decimal(0), ZERO
    for bill in bills:
        days = service_days(bill.period_start, bill.period_end)
        typical = (daily * days).quantize(HUNDREDTHS, ROUND_HALF_UP) if daily is not None else ZERO
        excess = max(bill.consumption - typical, Decimal(0))
        charge, steps = _excess_charge(bill, excess)
        credit = quantize_money(charge * percent / 100)
        typical_total += typical
        excess_total += excess
        credit_total += credit
        rows.append(
            {
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
        )
    if not reasons and credit_total <= 0:
        reasons.append("The bills show no use above the typical amount to credit.")
    workings = {
        "policies": _plain(policies),
        "history_months": history_months,
        "typical_from_bills": [bill.number or str(bill.pk) for bill in typical_bills],
        "typical_days": typical_days,
        "typical_hcf": f"{typical_hcf:f}",
        "daily_hcf": f"{daily.quantize(Decimal('0.0001'), ROUND_HALF_UP):f}" if daily else None,
        "credit_percent": f"{percent.normalize():f}",
        "bills": rows,
        "credit": f"{credit_total:f}",
    }
    return LeakQuote(
        eligible=not reasons,
        reasons=reasons,
        typical_use=typical_total,
        excess_use=excess_total,
        credit_amount=credit_total,
        workings=workings,
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
    if not by.has_perm(Perm.EDIT_ACCOUNTS):
        raise ValidationError("Your role cannot request leak adjustments.")
    if not idempotency_key:
        raise ValidationError("A request key is required.")
    existing = Adjustment.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        if existing.account_id != account.pk or existing.requested_by_id != by.pk:
            raise ValidationError("That request key was already used for another adjustment.")
        return existing
    if evidence_work_order is None and not evidence_file:
        raise ValidationError(
            {"evidence": "Attach the leak investigation order or the repair receipt."}
        )
    if evidence_work_order is not None and (
        evidence_work_order.order_type != WorkOrder.Type.LEAK_INVESTIGATION
        or evidence_work_order.premise_id != account.premise_id
    ):
        raise ValidationError(
            {"evidence": "The work order must be a leak investigation at this account's address."}
        )
    # Lock the account so two requests cannot both pass the once-per-year rule.
    ServiceAccount.objects.select_for_update().filter(pk=account.pk).first()
    quote = leak_adjustment_quote(account=account, bills=bills)
    if not quote.eligible:
        raise ValidationError(quote.reasons)
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
