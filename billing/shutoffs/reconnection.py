"""Getting the water back on after a shut-off: the reconnect order, its fee, the interest
waiver of income-qualified households, and the one entry point the payment paths call.

When (Health & Safety Code 116914 leaves the timing to the district; policy
reconnect-same-day-cutoff): asked for before the cut-off on a business day, the same day;
later, the next business day, unless the customer asks for after-hours service.

The fee: reconnect-fee when the crew comes in office hours, reconnect-fee-after-hours when
not. An income-qualified household (accounts.programs) pays at most $50 in office hours and
$150 after hours (sb998-reconnect-cap / -after-hours), raised by the CPI change since
January 2021 (sb998-cpi-adjustment-percent), and has the late penalties on its arrears
waived once in any 12 months (116914(a)(2)).
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import ServiceAccount
from billing.shutoffs import clock, facts
from billing.shutoffs.lists import shutoff_orders_recheck
from billing.shutoffs.models import Disconnection, InterestWaiver
from district.attribution import acting_user
from district.business_days import business_calendar, office_is_open
from district.customer_notes import RECONNECT_FEE
from district.errors import ServiceError, require
from district.ledger.models import Journal
from district.ledger.purposes import Purpose
from district.ledger.services import Line, journal_post, journal_reverse
from district.money import ZERO, quantize_money
from district.policies import policy_values
from district.roles import Perm
from field_ops.models import WorkOrder
from field_ops.work_orders.services import work_order_create

REQUEST_PERMISSION = Perm.CREATE_WORK_ORDERS
WAIVER_INTERVAL = datetime.timedelta(days=365)
FEE_POLICIES = (
    "reconnect-fee",
    "reconnect-fee-after-hours",
    "sb998-reconnect-cap",
    "sb998-reconnect-cap-after-hours",
    "sb998-cpi-adjustment-percent",
)


def fee_key(disconnection: Disconnection) -> str:
    return f"reconnect-fee:{disconnection.pk}"


def waiver_key(penalty: Journal) -> str:
    """Keyed by the bill, like billing.penalties' own withdrawal (late-withdrawn:<bill>)."""
    return "late-waived:" + penalty.idempotency_key.removeprefix("late:")


@dataclass(frozen=True)
class Timing:
    requested_date: datetime.date
    priority: str
    in_office_hours: bool
    description: str


def reconnect_timing(now: datetime.datetime, *, after_hours: bool) -> Timing:
    """When the crew goes, given when the request is made (local time)."""
    local = timezone.localtime(now) if timezone.is_aware(now) else now
    today = local.date()
    calendar = business_calendar(today, today + datetime.timedelta(days=45))
    cutoff_text = str(policy_values("reconnect-same-day-cutoff")["reconnect-same-day-cutoff"])
    cutoff = datetime.time.fromisoformat(cutoff_text)
    if calendar.is_business_day(today) and local.time() < cutoff:
        return Timing(today, WorkOrder.Priority.SAME_DAY, True, "today")
    if after_hours:
        # The crew goes now; while the office is still open it is not after-hours work.
        return Timing(
            today, WorkOrder.Priority.SAME_DAY, office_is_open(local), "today, after hours"
        )
    next_day = calendar.add_business_days(today, 1)
    return Timing(next_day, WorkOrder.Priority.ROUTINE, True, f"{next_day:%m/%d/%Y}")


def reconnect_fee(*, in_office_hours: bool, income_qualified: bool) -> Decimal:
    """The fee (see the module): the policy, capped for income-qualified households."""
    values = policy_values(*FEE_POLICIES)
    if in_office_hours:
        fee, cap = values["reconnect-fee"], values["sb998-reconnect-cap"]
    else:
        fee, cap = values["reconnect-fee-after-hours"], values["sb998-reconnect-cap-after-hours"]
    if not income_qualified:
        return quantize_money(fee)
    adjusted_cap = quantize_money(cap * (1 + values["sb998-cpi-adjustment-percent"] / 100))
    return quantize_money(min(fee, adjusted_cap))


def open_disconnection(account_id: int) -> Disconnection | None:
    return (
        Disconnection.objects.filter(account_id=account_id, reconnected_at__isnull=True)
        .order_by("-shut_off_at", "-id")
        .first()
    )


def paid_for_reconnection(account_ids, *, on: datetime.date) -> set[int]:
    """Which accounts owe nothing past due any more, or are on an active arrangement."""
    account_ids = list(account_ids)
    found = facts.sources()
    delinquent = found.delinquencies(account_ids, on=on)
    arranged = found.accounts_with_active_arrangement(account_ids, on=on)
    return {
        account_id
        for account_id in account_ids
        if account_id in arranged
        or delinquent.get(account_id) is None
        or delinquent[account_id].past_due <= ZERO
    }


def _penalties_on_arrears(account_id: int, shut_off_on: datetime.date) -> list[Journal]:
    """Late penalties on the account not withdrawn, from the 12 months up to the shut-off."""
    return list(
        Journal.objects.filter(
            idempotency_key__startswith="late:",
            reversed_by__isnull=True,
            lines__service_account_id=account_id,
            effective_date__lte=shut_off_on,
            effective_date__gt=shut_off_on - WAIVER_INTERVAL,
        )
        .distinct()
        .order_by("pk")
    )


def interest_waiver_apply(
    *, disconnection: Disconnection, by, today: datetime.date
) -> InterestWaiver | None:
    """Withdraw the late penalties on an income-qualified household's arrears, once in any
    12 months (none when a waiver was given within 12 months, or there is nothing to waive)."""
    existing = InterestWaiver.objects.filter(disconnection=disconnection).first()
    if existing is not None:
        return existing
    if InterestWaiver.objects.filter(
        account_id=disconnection.account_id, waived_on__gt=today - WAIVER_INTERVAL
    ).exists():
        return None
    penalties = _penalties_on_arrears(
        disconnection.account_id, timezone.localtime(disconnection.shut_off_at).date()
    )
    if not penalties:
        return None
    amount = ZERO
    for penalty in penalties:
        amount += sum(
            line.amount
            for line in penalty.lines.all()
            if line.service_account_id == disconnection.account_id
        )
        journal_reverse(
            journal=penalty,
            by=by,
            reason="interest waived for an income-qualified household at reconnection "
            "(Health & Safety Code 116914)",
            idempotency_key=waiver_key(penalty),
        )
    return InterestWaiver.objects.create(
        account_id=disconnection.account_id,
        disconnection=disconnection,
        waived_on=today,
        amount=amount,
        journal_ids=[penalty.pk for penalty in penalties],
        created_by=by,
    )


@transaction.atomic
def reconnection_request(
    *, account: ServiceAccount, by, after_hours: bool = False, now=None
) -> Disconnection:
    """File the reconnect order for an account shut off and since paid (or on an arrangement),
    and charge the reconnect fee; asking again returns the same request."""
    require(by, REQUEST_PERMISSION, doing="request a reconnection")
    return _reconnect(account=account, by=by, after_hours=after_hours, now=now)


def _reconnect(*, account: ServiceAccount, by, after_hours: bool = False, now=None):
    """The reconnection itself. A payment that pays the account up asks for it whoever posted
    the payment (a cashier, Finance with a lockbox file, the autopay run): the payment is the
    authority, as it is for withdrawing the shut-off order."""
    now = now or clock.now()
    today = timezone.localtime(now).date()
    disconnection = (
        Disconnection.objects.select_for_update()
        .filter(account_id=account.pk, reconnected_at__isnull=True)
        .order_by("-shut_off_at", "-id")
        .first()
    )
    if disconnection is None:
        raise ServiceError(f"The water at {account} is not shut off for non-payment.")
    if disconnection.reconnect_order_id is not None:
        return disconnection
    if account.pk not in paid_for_reconnection([account.pk], on=today):
        raise ServiceError(
            "The past-due balance is not paid and there is no payment arrangement: "
            "the water stays off until one or the other."
        )
    timing = reconnect_timing(now, after_hours=after_hours)
    income_qualified = facts.income_qualified(account.pk, today)
    fee = reconnect_fee(in_office_hours=timing.in_office_hours, income_qualified=income_qualified)
    with acting_user(by):
        order = work_order_create(
            order_type=WorkOrder.Type.RECONNECT,
            premise=account.premise,
            by=by,
            requested_date=timing.requested_date,
            priority=timing.priority,
            origin=WorkOrder.Origin.COLLECTIONS,
            service_account_id=account.pk,
            instructions=f"Reconnect service shut off for non-payment ({timing.description}).",
        )
        journal = None
        if fee > ZERO:
            journal = journal_post(
                kind=Journal.Kind.FEE,
                memo=f"Reconnect fee, {account}"
                + ("" if timing.in_office_hours else ", after hours"),
                lines=[
                    Line(Purpose.AR_CUSTOMERS, fee, account.pk, memo=RECONNECT_FEE.text()),
                    Line(Purpose.FEES_RECONNECT, -fee),
                ],
                by=by,
                idempotency_key=fee_key(disconnection),
                effective_date=today,
                source=disconnection,
            )
        disconnection.reconnect_order = order
        disconnection.reconnect_requested_at = now
        disconnection.reconnect_fee = fee
        disconnection.reconnect_fee_journal_id = journal.pk if journal else None
        disconnection.save(
            update_fields=[
                "reconnect_order",
                "reconnect_requested_at",
                "reconnect_fee",
                "reconnect_fee_journal_id",
            ]
        )
        if income_qualified:
            interest_waiver_apply(disconnection=disconnection, by=by, today=today)
    return disconnection


@dataclass(frozen=True)
class PaymentOutcome:
    cancelled_orders: list
    reconnections: list


@transaction.atomic
def payment_received(account_ids, *, by) -> PaymentOutcome:
    """After any payment posts: cancel shut-off orders that no longer stand, and request the
    reconnection of accounts shut off and now paid up (or on an arrangement)."""
    account_ids = list(dict.fromkeys(account_ids))
    cancelled = shutoff_orders_recheck(account_ids, by=by)
    waiting = list(
        Disconnection.objects.filter(
            account_id__in=account_ids,
            reconnected_at__isnull=True,
            reconnect_order__isnull=True,
        )
        .select_related("account__premise")
        .order_by("account_id")
    )
    reconnections = []
    if waiting:
        paid = paid_for_reconnection(
            [disconnection.account_id for disconnection in waiting], on=clock.today()
        )
        for disconnection in waiting:
            if disconnection.account_id in paid:
                reconnections.append(_reconnect(account=disconnection.account, by=by))
    return PaymentOutcome(cancelled_orders=cancelled, reconnections=reconnections)
