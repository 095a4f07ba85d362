"""Builders of URL arguments and POST-only page names of deposits (merged by the access matrix)."""

import uuid
from decimal import Decimal

from django.utils import timezone

from district import roles
from district.ledger.models import Journal
from district.ledger.selectors import RECEIVABLE_PURPOSE
from district.ledger.services import Line, journal_post
from district.services import user_create_with_role
from payments.batches.services import batch_create, batch_item_add, batch_post
from payments.counter.services import CloseCount, drawer_close
from payments.deposits.services import bank_deposit_prepare
from payments.models import Payment, PaymentBatch, PaymentLine, Tender
from tests.payments.samples_core import sample_payment


def sample_deposit():
    """A $25.00 cash deposit of a sample drawer ($200.00 float of twenties kept back)."""
    session = sample_payment().session
    drawer_close(
        session_id=session.pk, by=session.cashier, count=CloseCount(cash={"20": 11, "5": 1})
    )
    head_cashier = user_create_with_role(
        username=f"sample-head-{uuid.uuid4().hex[:8]}", password="x-sample-x", role=roles.CSR_III
    )
    return bank_deposit_prepare(
        session_ids=[session.pk],
        batch_ids=[],
        currency_count={"20": 1, "5": 1},
        by=head_cashier,
        idempotency_key=uuid.uuid4().hex,
    )


def mail_batch(*, by, items, description="Morning mail"):
    """A mail batch opened, entered and posted through the batches services: `items` are
    (service account, amount, check number, payer)."""
    total = sum((Decimal(amount) for _, amount, _, _ in items), Decimal("0.00"))
    batch = batch_create(
        kind=PaymentBatch.Kind.MAIL,
        control_count=len(items),
        control_total=total,
        by=by,
        description=description,
    )
    for account, amount, check, payer in items:
        batch_item_add(
            batch_id=batch.pk,
            entered_as=account.number,
            amount=amount,
            by=by,
            check_number=check,
            payer_name=payer,
        )
    return batch_post(batch_id=batch.pk, by=by)


def posted_batch(*, by, items, kind=PaymentBatch.Kind.LOCKBOX, description="Lockbox file"):
    """A posted file batch written directly (as an import would post it): `items` are
    (service account, amount, check number, payer); one journal debits the holding account
    and credits each account's receivable."""
    amounts = [(account, Decimal(amount), check, payer) for account, amount, check, payer in items]
    total = sum((amount for _, amount, _, _ in amounts), Decimal("0.00"))
    batch = PaymentBatch.objects.create(
        kind=kind,
        control_count=len(amounts),
        control_total=total,
        description=description,
        created_by=by,
    )
    gl = "undeposited_funds" if kind == PaymentBatch.Kind.MAIL else "settlements_due"
    journal = journal_post(
        kind=Journal.Kind.PAYMENT,
        memo=f"Mail batch {batch.pk}",
        lines=[Line(gl, total)]
        + [Line(RECEIVABLE_PURPOSE, -amount, account.pk) for account, amount, _, _ in amounts],
        by=by,
        idempotency_key=f"test-batch:{batch.pk}",
    )
    channel = Payment.Channel.MAIL if kind == PaymentBatch.Kind.MAIL else Payment.Channel.LOCKBOX
    for account, amount, check, payer in amounts:
        payment = Payment.objects.create(
            channel=channel,
            batch=batch,
            taken_by=by,
            payer_name=payer,
            total=amount,
            idempotency_key=uuid.uuid4().hex,
            journal=journal,
        )
        PaymentLine.objects.create(payment=payment, account=account, amount=amount)
        Tender.objects.create(
            payment=payment, kind=Tender.Kind.CHECK, amount=amount, check_number=check
        )
    batch.status = PaymentBatch.Status.POSTED
    batch.posted_by = by
    batch.posted_at = timezone.now()
    batch.journal = journal
    batch.save()
    return batch


SAMPLE_KWARGS = {"deposit_id": lambda: sample_deposit().pk}
POST_ONLY: set = set()
