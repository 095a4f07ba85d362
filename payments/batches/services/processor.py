"""One settled processor payment posted through the processor-settlement path, once.

The processor's notification API (integrations) and the portal's online payments both post here.
The payment is posted to the customer's account at once (its own journal: debit settlements
due, credit the account, or unapplied payments when no account matches) and becomes an item of
the processor's open settlement batch for the day (payments/batches/services/settlement.py),
which closes after the processor's cut-off with the day's payout as its control total.

The item carries the external id `processor:<transaction id>`, unique across all batches, so a
payment posts once whether it comes by notification, by a replay, from the portal, or again in
the nightly settlement file (payment_file_import skips an item already in, naming its batch).

A convenience fee the customer paid on top settles with the payment: it is posted as its own
revenue (settlements due / convenience fees) and added to the batch's control total, which is
then what the processor pays into the bank.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import ServiceAccount
from district.attribution import acting_user
from district.errors import ServiceError
from district.ledger.models import Journal
from district.ledger.purposes import Purpose
from district.ledger.services import Line, journal_post
from district.money import ZERO, format_money
from payments.after_posting import payments_posted
from payments.batches.file_common import ParsedItem
from payments.batches.processor_csv import PROCESSOR_METHODS
from payments.batches.services.common import batch_lines
from payments.batches.services.imports import (
    _log_cash_only_payments,
    _rows,
    _withdraw_penalties_paid_in_time,
    _write_items,
)
from payments.batches.services.settlement import (
    settlement_batch_open_locked,
    settlement_date_for,
)
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
    # Whose daily payout it is part of: a gateway's name, or a notification token's name (slug).
    processor: str = "processor"
    processor_label: str = ""  # how the batch names the processor ("Stripe", "Phone IVR")
    received_at: datetime.datetime | None = None  # when the processor told us (default now)


def processor_external_id(transaction_id: str) -> str:
    return f"processor:{transaction_id}"


def processor_item(transaction_id: str) -> BatchItem | None:
    return BatchItem.objects.filter(external_id=processor_external_id(transaction_id)).first()


def _check(payment: ProcessorPayment) -> None:
    if payment.amount is None or payment.amount <= ZERO:
        raise ServiceError("A processor payment must be above $0.00.", code="amount")
    if payment.fee < ZERO:
        raise ServiceError("A convenience fee cannot be negative.", code="fee")
    if payment.method not in PROCESSOR_METHODS:
        raise ServiceError(f"“{payment.method}” is not card or ach.", code="method")
    if not payment.transaction_id or len(payment.transaction_id) > 60:
        raise ServiceError("The processor's transaction id is missing or too long.", code="id")


def processor_payment_post(*, payment: ProcessorPayment, by) -> tuple[BatchItem, bool]:
    """(the batch item, posted now?). A transaction id already posted returns its first item
    (False); the same id with another amount is refused."""
    earlier = _earlier(payment)
    if earlier is not None:
        return earlier, False
    _check(payment)
    try:
        with transaction.atomic(), acting_user(by):
            return _post(payment, by=by), True
    except IntegrityError:
        # A simultaneous post of the same payment (into another day's batch) won: a replay.
        earlier = _earlier(payment)
        if earlier is None:
            raise
        return earlier, False


def _earlier(payment: ProcessorPayment) -> BatchItem | None:
    item = processor_item(payment.transaction_id)
    if item is not None and item.amount != payment.amount:
        raise ServiceError(
            f"The processor's payment {payment.transaction_id} was already posted for "
            f"{format_money(item.amount)}, not {format_money(payment.amount)}.",
            code="conflict",
        )
    return item


def _post(payment: ProcessorPayment, *, by) -> BatchItem:
    received_at = payment.received_at or timezone.now()
    batch = settlement_batch_open_locked(
        processor=payment.processor,
        settlement_date=settlement_date_for(received_at, processor=payment.processor),
        label=payment.processor_label or payment.processor,
        by=by,
    )
    # Under the batch's lock: a simultaneous post of the same payment to this batch waited here.
    earlier = _earlier(payment)
    if earlier is not None:
        return earlier
    position = batch.control_count + 1
    parsed = ParsedItem(
        line_number=position,
        external_id=processor_external_id(payment.transaction_id),
        account_text=payment.account_number.strip(),
        amount=payment.amount,
        payer_name=" ".join((payment.payer_name or "").split())[:120],
        method=payment.method,
        card_last4=payment.last4 or "",
        reference=payment.transaction_id,
        paid_on=payment.paid_on or timezone.localdate(received_at),
    )
    digits = "".join(ch for ch in parsed.account_text if ch.isdigit())
    accounts = {account.number: account for account in ServiceAccount.objects.filter(number=digits)}
    matched, unmatched = _rows([parsed], accounts, by=by)
    for row in matched + unmatched:
        row["position"] = position
    journal = journal_post(
        kind=Journal.Kind.PAYMENT,
        memo=f"Processor payment {payment.transaction_id}, {batch}"[:255],
        lines=batch_lines(batch, matched, suspense=ZERO if matched else payment.amount),
        by=by,
        idempotency_key=f"processor-payment:{payment.transaction_id}",
        source=batch,
    )
    _write_items(batch, matched, unmatched, journal=journal, by=by)
    if payment.fee:
        _post_fee(batch, payment, by=by)
    batch.control_count = position
    batch.control_total += payment.amount + payment.fee
    batch.fees_total += payment.fee
    batch.save(update_fields=["control_count", "control_total", "fees_total"])
    payments_posted((row["account_id"] for row in matched), by=by)
    _log_cash_only_payments(batch, matched, accounts, by=by)
    _withdraw_penalties_paid_in_time(batch, matched, by=by)
    return BatchItem.objects.get(batch=batch, position=position)


def _post_fee(batch: PaymentBatch, payment: ProcessorPayment, *, by) -> None:
    memo = f"Convenience fee, processor payment {payment.transaction_id}, {batch}"[:255]
    journal_post(
        kind=Journal.Kind.FEE,
        memo=memo,
        lines=[
            Line(Purpose.SETTLEMENTS_DUE, payment.fee, memo=memo),
            Line(Purpose.FEES_CONVENIENCE, -payment.fee, memo=memo),
        ],
        by=by,
        idempotency_key=f"processor-fee:{payment.transaction_id}",
        source=batch,
    )
