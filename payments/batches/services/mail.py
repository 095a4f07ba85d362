"""Mail batches: typed by a CSR against control figures, corrected while open, posted once,
atomically, when the items match the control count and total."""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import ServiceAccount
from accounts.numbers import format_account_number, normalise_account_number
from billing.documents.scan_line import parse_scan_line
from district.attribution import acting_user
from district.errors import ServiceError
from district.ledger.models import Journal
from district.ledger.services import journal_post
from district.money import ZERO, format_money, parse_money
from payments.after_posting import payments_posted
from payments.batches.services.common import (
    batch_lines,
    locked_batch,
    mark_items_posted,
    write_payments,
)
from payments.counter.services import cash_only_accounts
from payments.models import BatchItem, PaymentBatch

# -- mail batches: creating and entering ---------------------------------------------------------


def batch_create(
    *, kind: str, control_count: int, control_total, by, description: str = ""
) -> PaymentBatch:
    """Open a mail batch with the control figures counted off the envelopes' checks."""
    if kind != PaymentBatch.Kind.MAIL:
        raise ServiceError(
            "Only mail batches are opened by hand; lockbox and processor batches come from "
            "importing their file.",
            code="kind",
        )
    try:
        control_count = int(control_count)
    except (TypeError, ValueError):
        raise ServiceError("The control count is a whole number of items.") from None
    if control_count < 1:
        raise ServiceError("A batch holds at least one item.", code="control_count")
    control_total = parse_money(control_total)
    if control_total <= 0:
        raise ServiceError("The control total must be more than $0.00.", code="control_total")
    with transaction.atomic(), acting_user(by):
        return PaymentBatch.objects.create(
            kind=kind,
            control_count=control_count,
            control_total=control_total,
            description=(description or "").strip()[:120],
            created_by=by,
        )


def _open_mail_batch(batch_id: int) -> PaymentBatch:
    batch = locked_batch(batch_id)
    if batch.status != PaymentBatch.Status.OPEN:
        raise ServiceError(
            f"Batch {batch.pk} is already posted: its items can no longer change.", code="posted"
        )
    if batch.kind != PaymentBatch.Kind.MAIL:
        raise ServiceError("Only mail batches take typed items.", code="kind")
    return batch


# What a typed entry sets on its item, when added or corrected.
_ENTRY_FIELDS = ("account", "amount", "entered_as", "check_number", "payer_name")


@dataclass(frozen=True)
class _Entry:
    account: ServiceAccount
    amount: Decimal
    entered_as: str
    check_number: str
    payer_name: str

    def fields(self) -> dict:
        return {name: getattr(self, name) for name in _ENTRY_FIELDS}


def _is_scan_line(typed: str) -> bool:
    """Account numbers have at most 12 digits; anything longer is read as a scan line (whose
    parser says clearly when a digit is missing or extra)."""
    return sum(ch.isdigit() for ch in typed) > 12


def _entry(*, entered_as: str, amount, check_number: str = "", payer_name: str = "") -> _Entry:
    """What the CSR typed -> the account and amount, or a refusal a clerk understands."""
    typed = (entered_as or "").strip()
    if not typed:
        raise ServiceError(
            {"entered_as": "Scan the stub's line or type the account number."}, code="empty"
        )
    amount_typed = amount not in (None, "") and str(amount).strip() != ""
    if _is_scan_line(typed):
        try:
            scanned = parse_scan_line(typed)
        except ValidationError as error:
            raise ServiceError({"entered_as": error.messages}) from None
        number = scanned.account_number
        if not amount_typed:
            if scanned.amount <= 0:
                raise ServiceError(
                    {"amount": "The stub shows nothing due: type the check's amount."}
                )
            amount = scanned.amount
    else:
        try:
            number = normalise_account_number(typed)
        except ValidationError as error:
            raise ServiceError({"entered_as": error.messages}) from None
        if not amount_typed:
            raise ServiceError({"amount": "Type the amount of the check."}, code="amount")
    try:
        amount = parse_money(amount)
    except ValidationError as error:
        raise ServiceError({"amount": error.messages}) from None
    if amount <= 0:
        raise ServiceError({"amount": "The amount must be more than $0.00."}, code="amount")
    account = ServiceAccount.objects.filter(number=number).select_related("customer").first()
    if account is None:
        raise ServiceError(
            {"entered_as": f"There is no account {format_account_number(number)}."},
            code="no_account",
        )
    check_number = (check_number or "").strip()
    if len(check_number) > 20:
        raise ServiceError({"check_number": "A check number has at most 20 characters."})
    if check_number and cash_only_accounts([account.pk]):
        raise ServiceError(
            {
                "check_number": f"Account {account.formatted_number} is cash only: do not enter "
                "this check. Return it to the customer with the cash-only notice."
            },
            code="cash_only",
        )
    return _Entry(
        account=account,
        amount=amount,
        entered_as=typed[:200],
        check_number=check_number,
        payer_name=(payer_name or "").strip()[:120],
    )


def batch_item_add(*, batch_id: int, by, **typed) -> BatchItem:
    """Add a typed item to an open mail batch: `typed` is what the CSR typed (entered_as, a
    scan line or an account number; amount; check_number and payer_name, optional). Without a
    typed amount a scan line's amount due is used."""
    entry = _entry(**typed)
    with transaction.atomic(), acting_user(by):
        batch = _open_mail_batch(batch_id)
        # Under the batch lock: positions stay unique and only grow (deleted ones are not reused).
        last = batch.items.aggregate(last=Max("position"))["last"] or 0
        return BatchItem.objects.create(
            batch=batch, position=last + 1, entered_by=by, **entry.fields()
        )


def _open_item(item_id: int) -> BatchItem:
    item = BatchItem.objects.filter(pk=item_id).only("batch_id").first()
    if item is None:
        raise ServiceError("That item does not exist (was it deleted?).", code="no_item")
    _open_mail_batch(item.batch_id)
    return BatchItem.objects.select_related("batch").get(pk=item_id)


def batch_item_update(*, item_id: int, by, **typed) -> BatchItem:
    """Correct an item of an open batch (before posting it is not money yet); `typed` as for
    batch_item_add."""
    entry = _entry(**typed)
    with transaction.atomic(), acting_user(by):
        item = _open_item(item_id)
        for name, value in entry.fields().items():
            setattr(item, name, value)
        item.save(update_fields=list(_ENTRY_FIELDS))
        return item


def batch_item_delete(*, item_id: int, by) -> PaymentBatch:
    """Take an item out of an open batch; its position is not reused."""
    with transaction.atomic(), acting_user(by):
        item = _open_item(item_id)
        batch = item.batch
        item.delete()
        return batch


# -- posting a mail batch ------------------------------------------------------------------------


def batch_post(*, batch_id: int, by) -> PaymentBatch:
    """Post a balanced mail batch at once: one journal, a payment per item, nothing else moves.

    Refused (nothing written) unless open and its items match the control count and total.
    """
    with transaction.atomic(), acting_user(by):
        batch = locked_batch(batch_id)
        if batch.status == PaymentBatch.Status.POSTED:
            raise ServiceError(
                f"Batch {batch.pk} was already posted on "
                f"{timezone.localtime(batch.posted_at):%Y-%m-%d %H:%M}.",
                code="already_posted",
            )
        if batch.kind != PaymentBatch.Kind.MAIL:
            raise ServiceError("File batches post when imported.", code="kind")
        items = list(
            batch.items.filter(status=BatchItem.Status.ENTERED)
            .order_by("position")
            .values(
                "position", "account_id", "amount", "check_number", "payer_name", "entered_by_id"
            )
        )
        _check_control(batch, items)
        checked = {item["account_id"] for item in items if item["check_number"]}
        cash_only = cash_only_accounts(checked) if checked else set()
        if cash_only:
            positions = [str(item["position"]) for item in items if item["check_number"]
                         and item["account_id"] in cash_only]  # fmt: skip
            raise ServiceError(
                f"Item {', '.join(positions)} is a check from a cash-only customer: delete it, "
                "return the check, and correct the control figures.",
                code="cash_only",
            )
        journal = journal_post(
            kind=Journal.Kind.PAYMENT,
            memo=f"Mail batch {batch.pk}: {len(items)} payments",
            lines=batch_lines(batch, items, suspense=ZERO),
            by=by,
            idempotency_key=f"batch:{batch.pk}",
            source=batch,
        )
        write_payments(batch, items, journal=journal)
        payments_posted((item["account_id"] for item in items), by=by)
        mark_items_posted(batch)
        batch.status = PaymentBatch.Status.POSTED
        batch.posted_by = by
        batch.posted_at = timezone.now()
        batch.journal = journal
        batch.save(update_fields=["status", "posted_by", "posted_at", "journal"])
        return batch


def _check_control(batch: PaymentBatch, items: list[dict]) -> None:
    count = len(items)
    total = sum((item["amount"] for item in items), ZERO)
    if count == batch.control_count and total == batch.control_total:
        return
    raise ServiceError(
        f"Batch {batch.pk} does not balance: {count} items entered against a control count of "
        f"{batch.control_count} (difference {count - batch.control_count:+d}), and "
        f"{format_money(total)} entered against a control total of "
        f"{format_money(batch.control_total)} (difference "
        f"{format_money(total - batch.control_total)}). Nothing was posted.",
        code="out_of_balance",
    )
