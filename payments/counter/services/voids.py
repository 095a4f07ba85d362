"""Same-day voids of counter payments: the cashier asks, a supervisor approves (never the
cashier who took the payment), and the payment's journal is reversed under the drawer's lock,
before its close."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from district.approvals.models import ApprovalRequest
from district.approvals.services import approval_request_create
from district.attribution import acting_user
from district.errors import ServiceError
from district.ledger.services import journal_reverse
from district.money import ZERO, format_money
from payments.counter.services.sessions import session_locked
from payments.models import DrawerSession, Payment, PaymentVoid

VOID_KIND = "payment-void"


def void_request(*, payment_id: int, by, reason: str, idempotency_key: str = "") -> ApprovalRequest:
    """Ask a supervisor to void a payment taken today at a drawer that is still open."""
    with transaction.atomic(), acting_user(by):
        payment = Payment.objects.select_related("session__drawer").filter(pk=payment_id).first()
        if payment is None:
            raise ServiceError("That payment does not exist.", code="no_payment")
        if payment.session_id is not None:
            # Wait for a close (or another void request) in progress: then see its outcome.
            payment.session = session_locked(payment.session_id)
        _check_voidable(payment)
        pending = ApprovalRequest.objects.filter(
            kind=VOID_KIND, status=ApprovalRequest.Status.PENDING, payload__payment_id=payment.pk
        ).first()
        if pending is not None:
            return pending
        return approval_request_create(
            kind=VOID_KIND,
            by=by,
            reason=reason,
            amount=payment.total,
            payload={"payment_id": payment.pk, "receipt": payment.receipt_number},
            target=payment,
            idempotency_key=idempotency_key or None,
        )


def _check_voidable(payment: Payment) -> None:
    if payment.channel != Payment.Channel.COUNTER:
        raise ServiceError(
            "Only counter payments are voided; record a returned item or an adjustment instead.",
            code="not_counter",
        )
    if PaymentVoid.objects.filter(payment_id=payment.pk).exists():
        raise ServiceError(f"Receipt {payment.receipt_number} is already void.", code="voided")
    if timezone.localtime(payment.received_at).date() != timezone.localdate():
        raise ServiceError(
            "Only today's payments can be voided; correct older ones with an adjustment.",
            code="not_today",
        )
    if payment.session.status != DrawerSession.Status.OPEN:
        raise ServiceError(
            f"Drawer {payment.session.drawer} is closed: the payment can no longer be voided.",
            code="drawer_closed",
        )
    if payment.tenders.filter(returned__isnull=False).exists():
        raise ServiceError("A tender of this payment was returned by the bank.", code="returned")


def void_approve(request: ApprovalRequest, by) -> dict:
    """Approved: reverse the payment's journal, under the drawer's lock, before its close."""
    payment = Payment.objects.select_related("session__drawer").get(
        pk=int(request.payload["payment_id"])
    )
    if payment.taken_by_id == by.pk:
        raise ServiceError("A cashier cannot approve the void of their own payment.")
    session_locked(payment.session_id)
    payment.session.refresh_from_db()
    _check_voidable(payment)
    journal = journal_reverse(
        journal=payment.journal,
        by=by,
        reason=f"void of receipt {payment.receipt_number}: {request.reason}"[:200],
        idempotency_key=f"void:{payment.pk}",
    )
    try:
        with transaction.atomic():
            PaymentVoid.objects.create(
                payment=payment, request=request, journal=journal, reason=request.reason[:255]
            )
    except IntegrityError as error:
        raise ServiceError(f"Receipt {payment.receipt_number} is already void.") from error
    return {"journal_id": journal.pk, "receipt": payment.receipt_number}


def void_describe(request: ApprovalRequest) -> str:
    return (
        f"Void receipt {request.payload.get('receipt', '')} for "
        f"{format_money(request.amount or ZERO)}."
    )
