"""One settled processor payment posted through the processor-settlement path, once.

The processor's notification API (integrations) and the portal's online payments both post here:
the payment becomes a one-item processor batch (payment_file_import, the path the office's
settlement file takes) whose item carries the external id `processor:<transaction id>`, so it
posts once whether it comes by notification, by a replay, from the portal, or again in the
nightly settlement file; the bank's settlement credit matches the batch in the reconciliation.

A convenience fee the customer paid on top settles with the payment: it is posted as its own
revenue (settlements due / convenience fees) against the same batch, whose control total then
is what the processor pays into the bank.
"""

import csv
import datetime
import io
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from district.attribution import acting_user
from district.errors import ServiceError
from district.ledger.models import Journal
from district.ledger.purposes import Purpose
from district.ledger.services import Line, journal_post
from district.money import ZERO, format_money
from payments.batches.files import PROCESSOR_CSV
from payments.batches.processor_csv import PROCESSOR_COLUMNS
from payments.batches.services.imports import payment_file_import
from payments.models import BatchItem, PaymentBatch


@dataclass(frozen=True)
class ProcessorPayment:
    transaction_id: str  # the processor's id of the payment
    account_number: str
    amount: Decimal
    method: str  # card or ach
    last4: str = ""
    payer_name: str = ""
    paid_on: datetime.date | None = None
    fee: Decimal = ZERO  # a convenience fee paid on top, settled with the payment


def processor_external_id(transaction_id: str) -> str:
    return f"processor:{transaction_id}"


def processor_item(transaction_id: str) -> BatchItem | None:
    return BatchItem.objects.filter(external_id=processor_external_id(transaction_id)).first()


def _csv(payment: ProcessorPayment) -> bytes:
    today = timezone.localdate()
    row = {
        "transaction_id": payment.transaction_id,
        "settled_on": today.isoformat(),
        "account_number": payment.account_number.strip(),
        "amount": f"{payment.amount:.2f}",
        "payer_name": " ".join((payment.payer_name or "").split()),
        "method": payment.method,
        "last4": payment.last4 or "",
        "paid_on": (payment.paid_on or today).isoformat(),
    }
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=PROCESSOR_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerow(row)
    return out.getvalue().encode()


def processor_payment_post(*, payment: ProcessorPayment, by) -> tuple[BatchItem, bool]:
    """(the batch item, posted now?). A transaction id already posted returns its first item
    (False); the same id with another amount is refused."""
    earlier = _earlier(payment)
    if earlier is not None:
        return earlier, False
    if payment.fee < ZERO:
        raise ServiceError("A convenience fee cannot be negative.", code="fee")
    try:
        with transaction.atomic(), acting_user(by):
            result = payment_file_import(
                content=_csv(payment),
                file_name=f"notification-{payment.transaction_id}.csv"[:200],
                file_format=PROCESSOR_CSV,
                by=by,
            )
            if payment.fee:
                _post_fee(result.batch, payment.fee, by=by)
    except ServiceError:
        # A simultaneous post of the same payment won: answer as a replay.
        earlier = _earlier(payment)
        if earlier is None:
            raise
        return earlier, False
    return BatchItem.objects.get(external_id=processor_external_id(payment.transaction_id)), True


def _earlier(payment: ProcessorPayment) -> BatchItem | None:
    item = processor_item(payment.transaction_id)
    if item is not None and item.amount != payment.amount:
        raise ServiceError(
            f"The processor's payment {payment.transaction_id} was already posted for "
            f"{format_money(item.amount)}, not {format_money(payment.amount)}.",
            code="conflict",
        )
    return item


def _post_fee(batch: PaymentBatch, fee: Decimal, *, by) -> None:
    memo = f"Convenience fee, processor batch {batch.pk}"
    journal_post(
        kind=Journal.Kind.FEE,
        memo=memo,
        lines=[
            Line(Purpose.SETTLEMENTS_DUE, fee, memo=memo),
            Line(Purpose.FEES_CONVENIENCE, -fee, memo=memo),
        ],
        by=by,
        idempotency_key=f"batch-fee:{batch.pk}",
        source=batch,
    )
    # The processor pays the payment and the fee into the bank as one credit.
    PaymentBatch.objects.filter(pk=batch.pk).update(
        control_total=batch.control_total + fee,
        description=f"Includes a convenience fee of {format_money(fee)}",
    )
