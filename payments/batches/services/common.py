"""What mail batches and payment files share: where a batch's money waits, the batch's
journal lines, and the payments, lines and tenders written in bulk when it posts."""

from collections import defaultdict
from decimal import Decimal

from django.db import connection
from django.utils import timezone

from district.customer_notes import BATCH_PAYMENT
from district.errors import ServiceError
from district.ledger.models import Journal
from district.ledger.purposes import Purpose
from district.ledger.services import Line
from district.money import ZERO
from payments.models import BatchItem, Payment, PaymentBatch, PaymentLine, Tender

# Where a batch's money waits: the mail room's checks go to the bank with the day's deposit;
# a lockbox bank deposited the checks itself; a processor settles to the bank later.
BATCH_DEBIT_GL = {
    PaymentBatch.Kind.MAIL: Purpose.UNDEPOSITED_FUNDS,
    PaymentBatch.Kind.LOCKBOX: Purpose.DEPOSITS_IN_TRANSIT,
    PaymentBatch.Kind.PROCESSOR: Purpose.SETTLEMENTS_DUE,
}
SUSPENSE_GL = Purpose.UNAPPLIED_PAYMENTS
CHANNEL = {
    PaymentBatch.Kind.MAIL: Payment.Channel.MAIL,
    PaymentBatch.Kind.LOCKBOX: Payment.Channel.LOCKBOX,
    PaymentBatch.Kind.PROCESSOR: Payment.Channel.PROCESSOR,
}


def locked_batch(batch_id: int) -> PaymentBatch:
    batch = PaymentBatch.objects.select_for_update().filter(pk=batch_id).first()
    if batch is None:
        raise ServiceError("That batch does not exist.", code="no_batch")
    return batch


def batch_lines(batch: PaymentBatch, items: list[dict], *, suspense: Decimal) -> list[Line]:
    """Debit the batch's holding account for the total; credit each account's receivable (one
    line per account) and the suspense account for the items that matched none."""
    per_account: dict[int, Decimal] = defaultdict(Decimal)
    for item in items:
        per_account[item["account_id"]] += item["amount"]
    total = sum(per_account.values(), ZERO) + suspense
    memo = f"{batch.get_kind_display()} batch {batch.pk}"
    lines = [Line(BATCH_DEBIT_GL[batch.kind], total, memo=memo)]
    payment_memo = BATCH_PAYMENT.text(kind=batch.get_kind_display(), batch=batch.pk)
    lines += [
        Line(Purpose.AR_CUSTOMERS, -amount, account_id, memo=payment_memo)
        for account_id, amount in sorted(per_account.items())
    ]
    if suspense:
        lines.append(Line(SUSPENSE_GL, -suspense, memo=f"Unmatched payments, {memo}"))
    return lines


def tender_kind(batch_kind: str, item: dict) -> str:
    """Mail: a check when a check number was typed, else a money order (they carry no check
    number). Lockbox: a check. Processor: the file's method (card or ACH)."""
    if batch_kind == PaymentBatch.Kind.PROCESSOR:
        return Tender.Kind.CARD if item.get("method") == "card" else Tender.Kind.ACH
    if batch_kind == PaymentBatch.Kind.LOCKBOX or item["check_number"]:
        return Tender.Kind.CHECK
    return Tender.Kind.MONEY_ORDER


def write_payments(batch: PaymentBatch, items: list[dict], *, journal: Journal) -> list[Payment]:
    """A payment, its line and its tender per item: three bulk inserts, whatever the count."""
    now = timezone.now()
    payments = Payment.objects.bulk_create(
        [
            Payment(
                channel=CHANNEL[batch.kind],
                batch=batch,
                received_at=now,
                effective_date=journal.effective_date,
                taken_by_id=item["entered_by_id"],
                payer_name=item["payer_name"],
                total=item["amount"],
                idempotency_key=f"batch:{batch.pk}:{item['position']}",
                journal=journal,
            )
            for item in items
        ],
        batch_size=1000,
    )
    PaymentLine.objects.bulk_create(
        [
            PaymentLine(payment=payment, account_id=item["account_id"], amount=item["amount"])
            for payment, item in zip(payments, items, strict=True)
        ],
        batch_size=1000,
    )
    Tender.objects.bulk_create(
        [
            tender_for(batch.kind, payment, item)
            for payment, item in zip(payments, items, strict=True)
        ],
        batch_size=1000,
    )
    return payments


def tender_for(batch_kind: str, payment: Payment, item: dict) -> Tender:
    kind = tender_kind(batch_kind, item)
    reference = item.get("reference", "")
    return Tender(
        payment=payment,
        kind=kind,
        amount=item["amount"],
        check_number=item["check_number"],
        card_last4=item.get("card_last4", "") if kind == Tender.Kind.CARD else "",
        approval_code=reference[:20] if kind == Tender.Kind.CARD else "",
        reference=reference[:60],
    )


def mark_items_posted(batch: PaymentBatch) -> None:
    """Link each entered item to its payment (found by its idempotency key) in one UPDATE."""
    items, payments = BatchItem._meta.db_table, Payment._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE {items} AS item
               SET status = %s, payment_id = payment.id
              FROM {payments} AS payment
             WHERE item.batch_id = %s
               AND item.status = %s
               AND payment.idempotency_key = 'batch:' || item.batch_id || ':' || item.position
            """,
            [BatchItem.Status.POSTED, batch.pk, BatchItem.Status.ENTERED],
        )
