"""Paying online: start an attempt, resolve it from the processor's answer (webhook, return page,
re-check task), and post a success once through the processor-settlement path.

Every resolution locks the attempt and moves it through OnlinePayment.ALLOWED_TRANSITIONS, so
the webhook and the return page may race: the first resolves, the second finds it resolved and
does nothing. A success posts as batch item `processor:<processor reference>`
(payments.batches.services.processor), which posts once whatever asks, to the account at once
and into the gateway's settlement batch of the day (closed after the gateway's cut-off).
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import ServiceAccount
from district.attribution import acting_user
from district.errors import ServiceError
from district.money import ZERO, format_money, quantize_money
from district.policies import policy_values
from district.transitions import transition
from payments.batches.services.processor import ProcessorPayment, processor_payment_post
from payments.models import OnlinePayment, OnlinePaymentEvent
from payments.online import gateways
from payments.online.gateways import FAILED, NO_ANSWER, SUCCEEDED, CheckoutLine, Event, Outcome

FEE_POLICY = "online-payment-convenience-fee"
MAXIMUM_POLICY = "online-payment-maximum"
RECHECK_AFTER_POLICY = "online-payment-recheck-after-minutes"
RECHECKS_POLICY = "online-payment-rechecks"

Status = OnlinePayment.Status


@dataclass(frozen=True)
class Quote:
    amount: Decimal
    fee: Decimal

    @property
    def total(self) -> Decimal:
        return self.amount + self.fee


def online_payment_fee() -> Decimal:
    return policy_values(FEE_POLICY)[FEE_POLICY]


def online_payment_quote(*, amount) -> Quote:
    """The amount checked against the policy (positive, cents, at most the maximum) and the fee."""
    values = policy_values(FEE_POLICY, MAXIMUM_POLICY)
    if amount is None:
        raise ServiceError({"amount": "Enter the amount to pay."}, code="amount")
    amount = Decimal(amount)
    if amount != amount.quantize(Decimal("0.01")):
        raise ServiceError({"amount": "Enter dollars and cents (e.g. 45.10)."}, code="amount")
    if amount <= ZERO:
        raise ServiceError({"amount": "Enter an amount above $0.00."}, code="amount")
    if amount > values[MAXIMUM_POLICY]:
        raise ServiceError(
            {
                "amount": f"Online payments are limited to {format_money(values[MAXIMUM_POLICY])}"
                ". For a larger payment please call or visit the office."
            },
            code="amount",
        )
    return Quote(quantize_money(amount), values[FEE_POLICY])


def _lines(account: ServiceAccount, quote: Quote) -> list[CheckoutLine]:
    lines = [CheckoutLine(f"Water bill payment, account {account.formatted_number}", quote.amount)]
    if quote.fee:
        lines.append(CheckoutLine("Convenience fee", quote.fee))
    return lines


def online_payment_start(
    *, account: ServiceAccount, amount, fee_shown, by, urls: Callable[[OnlinePayment], tuple]
) -> OnlinePayment:
    """Record the attempt and open the processor's checkout; the customer is then sent to
    `payment.checkout_url`. `urls(payment)` gives the (return, cancel) addresses the processor
    sends the customer back to. `fee_shown` is the fee the customer saw and confirmed: a fee changed
    meanwhile is refused (nothing written) so nobody pays a fee they were not shown."""
    quote = online_payment_quote(amount=amount)
    if quantize_money(fee_shown) != quote.fee:
        raise ServiceError(
            f"The convenience fee is now {format_money(quote.fee)}. Please review and confirm "
            "again.",
            code="fee_changed",
        )
    gateway = gateways.gateway()
    with transaction.atomic(), acting_user(by):
        payment = OnlinePayment.objects.create(
            account=account,
            gateway=gateway.name,
            amount=quote.amount,
            fee=quote.fee,
            created_by=by,
        )
    # The processor is called outside any transaction: a slow processor holds no lock.
    return_url, cancel_url = urls(payment)
    try:
        checkout = gateway.start(
            payment=payment,
            lines=_lines(account, quote),
            return_url=return_url,
            cancel_url=cancel_url,
        )
    except gateways.GatewayError as error:
        with transaction.atomic(), acting_user(by):
            payment = _locked(payment.pk)
            transition(payment, Status.FAILED)
            payment.failure_reason = f"The processor could not start the payment: {error}"[:255]
            payment.resolved_at = timezone.now()
            payment.save(update_fields=["status", "failure_reason", "resolved_at"])
        raise ServiceError(
            "The payment service is not answering. Nothing was charged; please try again later.",
            code="gateway",
        ) from error
    with transaction.atomic(), acting_user(by):
        payment = _locked(payment.pk)
        transition(payment, Status.PENDING)
        payment.checkout_reference = checkout.reference
        payment.save(update_fields=["status", "checkout_reference"])
    payment.checkout_url = checkout.url
    return payment


def _locked(payment_id: int) -> OnlinePayment:
    return OnlinePayment.objects.select_for_update().select_related("account").get(pk=payment_id)


def online_payment_resolve(*, payment_id: int, outcome: Outcome, by) -> OnlinePayment:
    """Apply the processor's answer. A resolved payment is left as it is (a late or repeated
    answer is a no-op); a success posts once; no answer makes a pending payment unknown."""
    with transaction.atomic(), acting_user(by):
        payment = _locked(payment_id)
        if payment.status in (Status.SUCCEEDED, Status.FAILED):
            return payment
        now = timezone.now()
        if outcome.status == SUCCEEDED:
            _succeed(payment, outcome)
        elif outcome.status == FAILED:
            transition(payment, Status.FAILED)
            payment.failure_reason = outcome.reason[:255]
            payment.resolved_at = now
            payment.save(update_fields=["status", "failure_reason", "resolved_at"])
        elif outcome.status == NO_ANSWER and payment.status == Status.PENDING:
            transition(payment, Status.UNKNOWN)
            payment.save(update_fields=["status"])
        return payment


def _succeed(payment: OnlinePayment, outcome: Outcome) -> None:
    reference = outcome.processor_reference or payment.checkout_reference
    item, _ = processor_payment_post(
        payment=ProcessorPayment(
            transaction_id=reference,
            account_number=payment.account.number,
            amount=payment.amount,
            method=outcome.method,
            last4=outcome.last4,
            payer_name=str(payment.account.customer)[:120],
            paid_on=timezone.localdate(),
            fee=payment.fee,
            # The gateway's own daily payout: its settlement batch.
            processor=payment.gateway,
            processor_label=f"Online payments ({payment.gateway})",
        ),
        # The customer paid: the batch's payment is theirs, whoever told us of it.
        by=payment.created_by,
    )
    transition(payment, Status.SUCCEEDED)
    payment.processor_reference = reference
    payment.method = outcome.method
    payment.last4 = outcome.last4
    payment.batch_item = item
    payment.resolved_at = timezone.now()
    payment.review_since = None
    payment.save(
        update_fields=[
            "status",
            "processor_reference",
            "method",
            "last4",
            "batch_item",
            "resolved_at",
            "review_since",
        ]
    )


def online_event_seen(*, gateway_name: str, event_id: str) -> bool:
    return OnlinePaymentEvent.objects.filter(gateway=gateway_name, event_id=event_id).exists()


def online_payment_event_record(*, gateway_name: str, event: Event, outcome: Outcome, by):
    """Keep the processor's event once and resolve its payment. A replayed event id is a no-op
    (returns None); an event for a checkout we never opened is kept and changes nothing."""
    with transaction.atomic(), acting_user(by):
        payment = (
            OnlinePayment.objects.filter(
                gateway=gateway_name, checkout_reference=event.checkout_reference
            )
            .only("pk")
            .first()
        )
        try:
            with transaction.atomic():
                OnlinePaymentEvent.objects.create(
                    gateway=gateway_name,
                    event_id=event.event_id,
                    kind=event.kind[:80],
                    payment=payment,
                )
        except IntegrityError:
            return None  # a replay: the first delivery did the work
        if payment is None:
            return None
        return online_payment_resolve(payment_id=payment.pk, outcome=outcome, by=by)


def online_payment_check(*, payment_id: int, by) -> OnlinePayment:
    """Ask the processor about one unresolved payment (the return page, the task, a person)."""
    payment = OnlinePayment.objects.get(pk=payment_id)
    if payment.status not in (Status.PENDING, Status.UNKNOWN) or not payment.checkout_reference:
        return payment
    outcome = gateways.gateway(payment.gateway).outcome(payment.checkout_reference)
    return online_payment_resolve(payment_id=payment.pk, outcome=outcome, by=by)


def online_payments_recheck(*, by, now=None) -> dict:
    """The task's pass: ask again about every payment unresolved for the policy's minutes; one
    still unresolved after the policy's number of re-checks waits for a person (review_since)."""
    now = now or timezone.now()
    values = policy_values(RECHECK_AFTER_POLICY, RECHECKS_POLICY)
    cutoff = now - datetime.timedelta(minutes=values[RECHECK_AFTER_POLICY])
    waiting = list(
        OnlinePayment.objects.filter(
            status__in=(Status.PENDING, Status.UNKNOWN),
            created_at__lte=cutoff,
            review_since__isnull=True,
        )
        .exclude(checkout_reference="")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    counts = {"checked": 0, "resolved": 0, "to_review": 0}
    for payment_id in waiting:
        counts["checked"] += 1
        payment = online_payment_check(payment_id=payment_id, by=by)
        if payment.status in (Status.SUCCEEDED, Status.FAILED):
            counts["resolved"] += 1
            continue
        with transaction.atomic(), acting_user(by):
            payment = _locked(payment_id)
            if payment.status in (Status.SUCCEEDED, Status.FAILED):
                counts["resolved"] += 1
                continue
            if payment.status == Status.PENDING:
                # Still open at the processor after the wait: nobody can say what happened.
                transition(payment, Status.UNKNOWN)
            payment.rechecks += 1
            payment.last_checked_at = now
            if payment.rechecks >= values[RECHECKS_POLICY]:
                payment.review_since = now
                counts["to_review"] += 1
            payment.save(update_fields=["status", "rechecks", "last_checked_at", "review_since"])
    return counts


def online_payment_fail_reviewed(*, payment_id: int, reason: str, by) -> OnlinePayment:
    """A person found at the processor that an unknown payment was never charged."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise ServiceError({"reason": "Say what the processor showed."}, code="reason")
    with transaction.atomic(), acting_user(by):
        payment = _locked(payment_id)
        if payment.status != Status.UNKNOWN:
            raise ServiceError(
                f"{payment} is {payment.get_status_display().lower()}: only an unknown payment "
                "is resolved by hand.",
                code="invalid_transition",
            )
        transition(payment, Status.FAILED)
        payment.failure_reason = f"Reviewed by {by.get_full_name() or by}: {reason}"[:255]
        payment.resolved_at = timezone.now()
        payment.save(update_fields=["status", "failure_reason", "resolved_at"])
        return payment
