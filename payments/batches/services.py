"""Payment batches: mail typed by a CSR against control figures, and processor/lockbox files.

A mail batch is open while items are entered and corrected (an item is not money yet); it
posts once, atomically, when its items match the control count and total: one journal for the
batch and a Payment (line + tender) per item, written in bulk with a fixed number of queries.
A payment file posts at import, all or nothing; it is imported once (its sha256) and each of
its items once (its external id). Items that match no account are kept as exceptions, their
money held in unapplied payments until a CSR resolves them to an account.
"""

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import ServiceAccount
from accounts.numbers import format_account_number, is_valid_luhn, normalise_account_number
from billing.documents.scan_line import parse_scan_line
from district.attribution import acting_user
from district.ledger.models import Journal
from district.ledger.selectors import RECEIVABLE_PURPOSE
from district.ledger.services import Line, journal_post
from district.money import ZERO, format_money, parse_money
from payments.batches import files
from payments.counter.services import cash_only_accounts
from payments.models import BatchItem, Payment, PaymentBatch, PaymentLine, Tender

# Where a batch's money waits: the mail room's checks go to the bank with the day's deposit;
# a lockbox bank deposited the checks itself; a processor settles to the bank later.
BATCH_DEBIT_GL = {
    PaymentBatch.Kind.MAIL: "undeposited_funds",
    PaymentBatch.Kind.LOCKBOX: "deposits_in_transit",
    PaymentBatch.Kind.PROCESSOR: "settlements_due",
}
SUSPENSE_GL = "unapplied_payments"
_CHANNEL = {
    PaymentBatch.Kind.MAIL: Payment.Channel.MAIL,
    PaymentBatch.Kind.LOCKBOX: Payment.Channel.LOCKBOX,
    PaymentBatch.Kind.PROCESSOR: Payment.Channel.PROCESSOR,
}


# -- mail batches: creating and entering ---------------------------------------------------------


def batch_create(
    *, kind: str, control_count: int, control_total, by, description: str = ""
) -> PaymentBatch:
    """Open a mail batch with the control figures counted off the envelopes' checks."""
    if kind != PaymentBatch.Kind.MAIL:
        raise ValidationError(
            "Only mail batches are opened by hand; lockbox and processor batches come from "
            "importing their file.",
            code="kind",
        )
    try:
        control_count = int(control_count)
    except (TypeError, ValueError):
        raise ValidationError("The control count is a whole number of items.") from None
    if control_count < 1:
        raise ValidationError("A batch holds at least one item.", code="control_count")
    control_total = parse_money(control_total)
    if control_total <= 0:
        raise ValidationError("The control total must be more than $0.00.", code="control_total")
    with transaction.atomic(), acting_user(by):
        return PaymentBatch.objects.create(
            kind=kind,
            control_count=control_count,
            control_total=control_total,
            description=(description or "").strip()[:120],
            created_by=by,
        )


def _locked_batch(batch_id: int) -> PaymentBatch:
    batch = PaymentBatch.objects.select_for_update().filter(pk=batch_id).first()
    if batch is None:
        raise ValidationError("That batch does not exist.", code="no_batch")
    return batch


def _open_mail_batch(batch_id: int) -> PaymentBatch:
    batch = _locked_batch(batch_id)
    if batch.status != PaymentBatch.Status.OPEN:
        raise ValidationError(
            f"Batch {batch.pk} is already posted: its items can no longer change.", code="posted"
        )
    if batch.kind != PaymentBatch.Kind.MAIL:
        raise ValidationError("Only mail batches take typed items.", code="kind")
    return batch


@dataclass(frozen=True)
class _Entry:
    account: ServiceAccount
    amount: Decimal
    entered_as: str
    check_number: str
    payer_name: str


def _is_scan_line(typed: str) -> bool:
    """Account numbers have at most 12 digits; anything longer is read as a scan line (whose
    parser says clearly when a digit is missing or extra)."""
    return sum(ch.isdigit() for ch in typed) > 12


def _entry(*, entered_as: str, amount, check_number: str, payer_name: str) -> _Entry:
    """What the CSR typed -> the account and amount, or a refusal a clerk understands."""
    typed = (entered_as or "").strip()
    if not typed:
        raise ValidationError(
            {"entered_as": "Scan the stub's line or type the account number."}, code="empty"
        )
    amount_typed = amount not in (None, "") and str(amount).strip() != ""
    if _is_scan_line(typed):
        try:
            scanned = parse_scan_line(typed)
        except ValidationError as error:
            raise ValidationError({"entered_as": error.messages}) from None
        number = scanned.account_number
        if not amount_typed:
            if scanned.amount <= 0:
                raise ValidationError(
                    {"amount": "The stub shows nothing due: type the check's amount."}
                )
            amount = scanned.amount
    else:
        try:
            number = normalise_account_number(typed)
        except ValidationError as error:
            raise ValidationError({"entered_as": error.messages}) from None
        if not amount_typed:
            raise ValidationError({"amount": "Type the amount of the check."}, code="amount")
    try:
        amount = parse_money(amount)
    except ValidationError as error:
        raise ValidationError({"amount": error.messages}) from None
    if amount <= 0:
        raise ValidationError({"amount": "The amount must be more than $0.00."}, code="amount")
    account = ServiceAccount.objects.filter(number=number).select_related("customer").first()
    if account is None:
        raise ValidationError(
            {"entered_as": f"There is no account {format_account_number(number)}."},
            code="no_account",
        )
    check_number = (check_number or "").strip()
    if len(check_number) > 20:
        raise ValidationError({"check_number": "A check number has at most 20 characters."})
    if check_number and cash_only_accounts([account.pk]):
        raise ValidationError(
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


def batch_item_add(
    *,
    batch_id: int,
    entered_as: str,
    amount,
    by,
    check_number: str = "",
    payer_name: str = "",
) -> BatchItem:
    """Add a typed item (a scan line or an account number, amount, check number) to an open
    mail batch. Without a typed amount a scan line's amount due is used."""
    entry = _entry(
        entered_as=entered_as, amount=amount, check_number=check_number, payer_name=payer_name
    )
    with transaction.atomic(), acting_user(by):
        batch = _open_mail_batch(batch_id)
        # Under the batch lock: positions stay unique and only grow (deleted ones are not reused).
        last = batch.items.aggregate(last=Max("position"))["last"] or 0
        return BatchItem.objects.create(
            batch=batch,
            position=last + 1,
            account=entry.account,
            amount=entry.amount,
            check_number=entry.check_number,
            payer_name=entry.payer_name,
            entered_as=entry.entered_as,
            entered_by=by,
        )


def _open_item(item_id: int) -> BatchItem:
    item = BatchItem.objects.filter(pk=item_id).only("batch_id").first()
    if item is None:
        raise ValidationError("That item does not exist (was it deleted?).", code="no_item")
    _open_mail_batch(item.batch_id)
    return BatchItem.objects.select_related("batch").get(pk=item_id)


def batch_item_update(
    *,
    item_id: int,
    entered_as: str,
    amount,
    by,
    check_number: str = "",
    payer_name: str = "",
) -> BatchItem:
    """Correct an item of an open batch (before posting it is not money yet)."""
    entry = _entry(
        entered_as=entered_as, amount=amount, check_number=check_number, payer_name=payer_name
    )
    with transaction.atomic(), acting_user(by):
        item = _open_item(item_id)
        item.account = entry.account
        item.amount = entry.amount
        item.entered_as = entry.entered_as
        item.check_number = entry.check_number
        item.payer_name = entry.payer_name
        item.save(update_fields=["account", "amount", "entered_as", "check_number", "payer_name"])
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
        batch = _locked_batch(batch_id)
        if batch.status == PaymentBatch.Status.POSTED:
            raise ValidationError(
                f"Batch {batch.pk} was already posted on "
                f"{timezone.localtime(batch.posted_at):%Y-%m-%d %H:%M}.",
                code="already_posted",
            )
        if batch.kind != PaymentBatch.Kind.MAIL:
            raise ValidationError("File batches post when imported.", code="kind")
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
            raise ValidationError(
                f"Item {', '.join(positions)} is a check from a cash-only customer: delete it, "
                "return the check, and correct the control figures.",
                code="cash_only",
            )
        journal = journal_post(
            kind=Journal.Kind.PAYMENT,
            memo=f"Mail batch {batch.pk}: {len(items)} payments",
            lines=_batch_lines(batch, items, suspense=ZERO),
            by=by,
            idempotency_key=f"batch:{batch.pk}",
            source=batch,
        )
        _write_payments(batch, items, journal=journal)
        _mark_items_posted(batch)
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
    raise ValidationError(
        f"Batch {batch.pk} does not balance: {count} items entered against a control count of "
        f"{batch.control_count} (difference {count - batch.control_count:+d}), and "
        f"{format_money(total)} entered against a control total of "
        f"{format_money(batch.control_total)} (difference "
        f"{format_money(total - batch.control_total)}). Nothing was posted.",
        code="out_of_balance",
    )


def _batch_lines(batch: PaymentBatch, items: list[dict], *, suspense: Decimal) -> list[Line]:
    """Debit the batch's holding account for the total; credit each account's receivable (one
    line per account) and the suspense account for the items that matched none."""
    per_account: dict[int, Decimal] = defaultdict(Decimal)
    for item in items:
        per_account[item["account_id"]] += item["amount"]
    total = sum(per_account.values(), ZERO) + suspense
    memo = f"{batch.get_kind_display()} batch {batch.pk}"
    lines = [Line(BATCH_DEBIT_GL[batch.kind], total, memo=memo)]
    lines += [
        Line(RECEIVABLE_PURPOSE, -amount, account_id, memo=f"Payment, {memo}")
        for account_id, amount in sorted(per_account.items())
    ]
    if suspense:
        lines.append(Line(SUSPENSE_GL, -suspense, memo=f"Unmatched payments, {memo}"))
    return lines


def _tender_kind(batch_kind: str, item: dict) -> str:
    """Mail: a check when a check number was typed, else a money order (they carry no check
    number). Lockbox: a check. Processor: the file's method (card or ACH)."""
    if batch_kind == PaymentBatch.Kind.PROCESSOR:
        return Tender.Kind.CARD if item.get("method") == "card" else Tender.Kind.ACH
    if batch_kind == PaymentBatch.Kind.LOCKBOX or item["check_number"]:
        return Tender.Kind.CHECK
    return Tender.Kind.MONEY_ORDER


def _write_payments(batch: PaymentBatch, items: list[dict], *, journal: Journal) -> list[Payment]:
    """A payment, its line and its tender per item: three bulk inserts, whatever the count."""
    now = timezone.now()
    payments = Payment.objects.bulk_create(
        [
            Payment(
                channel=_CHANNEL[batch.kind],
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
        [_tender(batch.kind, payment, item) for payment, item in zip(payments, items, strict=True)],
        batch_size=1000,
    )
    return payments


def _tender(batch_kind: str, payment: Payment, item: dict) -> Tender:
    kind = _tender_kind(batch_kind, item)
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


def _mark_items_posted(batch: PaymentBatch) -> None:
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


# -- payment files -------------------------------------------------------------------------------


@dataclass
class FileImportResult:
    batch: PaymentBatch
    imported: int  # items in the batch (matched + exceptions)
    matched: int
    exceptions: int
    total: Decimal
    skipped: list[str] = field(default_factory=list)  # "line 4: processor:TX-1 (batch 12)"


def _already_imported(sha256: str) -> None:
    earlier = PaymentBatch.objects.filter(file_sha256=sha256).first()
    if earlier is not None:
        raise ValidationError(
            f"This file was already imported on "
            f"{timezone.localtime(earlier.created_at):%Y-%m-%d} as batch {earlier.pk} "
            f"({earlier.file_name}). Nothing was imported.",
            code="duplicate_file",
        )


def _match(account_text: str, accounts: dict[str, ServiceAccount]):
    """(account, "") or (None, the reason a CSR reads on the exceptions list)."""
    digits = "".join(ch for ch in account_text if ch.isdigit())
    if not digits or digits != account_text.replace("-", "").replace(" ", ""):
        return None, f"“{account_text[:30]}” is not an account number"
    if not 7 <= len(digits) <= 12:
        return None, f"“{account_text[:30]}” is too short or too long for an account number"
    if not is_valid_luhn(digits):
        return None, f"check digit wrong in {format_account_number(digits)}"
    account = accounts.get(digits)
    if account is None:
        return None, f"no account {format_account_number(digits)}"
    return account, ""


def payment_file_import(
    *, content: bytes, file_name: str, file_format: str, by
) -> FileImportResult:
    """Import a processor or lockbox file as a batch posted at once, all or nothing.

    Refused (nothing written) for a file already imported, a malformed file or one whose items
    disagree with its own trailer. Items already imported from another file are skipped and
    reported; items that match no account are kept as exceptions (their money in suspense).
    """
    sha256 = hashlib.sha256(content).hexdigest()
    _already_imported(sha256)
    parsed = files.parse_payment_file(content, file_format)
    kind = files.FORMAT_KIND[file_format]
    try:
        with transaction.atomic(), acting_user(by):
            return _import(parsed, kind=kind, sha256=sha256, file_name=file_name, by=by)
    except IntegrityError as error:
        # A concurrent import of the same file, or of an overlapping one, won the race.
        if PaymentBatch.objects.filter(file_sha256=sha256).exists():
            _already_imported(sha256)
        raise ValidationError(
            "Another import of some of these payments finished first; nothing was imported. "
            "Import the file again: the payments already in will be skipped.",
            code="race",
        ) from error


def _import(parsed, *, kind: str, sha256: str, file_name: str, by) -> FileImportResult:
    external_ids = [item.external_id for item in parsed.items]
    seen = dict(
        BatchItem.objects.filter(external_id__in=external_ids).values_list(
            "external_id", "batch_id"
        )
    )
    fresh = [item for item in parsed.items if item.external_id not in seen]
    skipped = [
        f"line {item.line_number}: {item.external_id} (already in batch {seen[item.external_id]})"
        for item in parsed.items
        if item.external_id in seen
    ]
    if not fresh:
        raise ValidationError(
            f"Every payment in this file was already imported ({len(skipped)} payments, e.g. "
            f"{skipped[0]}). Nothing was imported.",
            code="all_skipped",
        )
    numbers = {"".join(ch for ch in item.account_text if ch.isdigit()) for item in fresh}
    accounts = {
        account.number: account for account in ServiceAccount.objects.filter(number__in=numbers)
    }
    matched, unmatched = [], []
    for position, item in enumerate(fresh, start=1):
        account, reason = _match(item.account_text, accounts)
        row = {
            "position": position,
            "item": item,
            "account_id": account.pk if account else None,
            "amount": item.amount,
            "check_number": item.check_number,
            "payer_name": item.payer_name,
            "entered_by_id": by.pk,
            "method": item.method,
            "card_last4": item.card_last4,
            "reference": item.reference,
            "reason": reason,
        }
        (matched if account else unmatched).append(row)
    suspense = sum((row["amount"] for row in unmatched), ZERO)
    total = sum((item.amount for item in fresh), ZERO)
    batch = PaymentBatch.objects.create(
        kind=kind,
        control_count=len(fresh),
        control_total=total,
        description=(
            f"{len(skipped)} payment{'s' if len(skipped) != 1 else ''} skipped (already imported)"
            if skipped
            else ""
        ),
        created_by=by,
        file_name=(file_name or "")[:200],
        file_format=parsed.file_format,
        file_sha256=sha256,
    )
    lines = _batch_lines(batch, matched, suspense=suspense)
    journal = journal_post(
        kind=Journal.Kind.PAYMENT,
        memo=f"{batch.get_kind_display()} {batch.pk}: {file_name}"[:255],
        lines=lines,
        by=by,
        idempotency_key=f"batch:{batch.pk}",
        source=batch,
    )
    payments = _write_payments(batch, matched, journal=journal) if matched else []
    payment_of = {row["position"]: payment for row, payment in zip(matched, payments, strict=True)}
    BatchItem.objects.bulk_create(
        [
            BatchItem(
                batch=batch,
                position=row["position"],
                status=BatchItem.Status.POSTED if row["account_id"] else BatchItem.Status.EXCEPTION,
                account_id=row["account_id"],
                amount=row["amount"],
                check_number=row["check_number"],
                payer_name=row["payer_name"],
                entered_as=_entered_as(row["item"]),
                external_id=row["item"].external_id,
                exception_reason=row["reason"],
                payment=payment_of.get(row["position"]),
                entered_by=by,
            )
            for row in sorted(matched + unmatched, key=lambda row: row["position"])
        ],
        batch_size=1000,
    )
    batch.status = PaymentBatch.Status.POSTED
    batch.posted_by = by
    batch.posted_at = timezone.now()
    batch.journal = journal
    batch.save(update_fields=["status", "posted_by", "posted_at", "journal"])
    return FileImportResult(
        batch=batch,
        imported=len(fresh),
        matched=len(matched),
        exceptions=len(unmatched),
        total=total,
        skipped=skipped,
    )


def _entered_as(item: files.ParsedItem) -> str:
    """What the file said, kept on the item; the tender's details are read back from it when an
    exception is resolved (`method=card last4=1234 ref=TX-1`)."""
    parts = [f"line {item.line_number}", f"account={item.account_text[:30]}"]
    if item.method:
        parts.append(f"method={item.method}")
    if item.card_last4:
        parts.append(f"last4={item.card_last4}")
    if item.reference:
        parts.append(f"ref={item.reference[:60]}")
    return " ".join(parts)[:200]


def _tender_details(entered_as: str) -> dict:
    head, _, reference = entered_as.partition(" ref=")  # the reference comes last, may hold spaces
    details = {"ref": reference}
    for part in head.split(" "):
        key, _, value = part.partition("=")
        if key in ("method", "last4") and value:
            details[key] = value
    return {
        "method": details.get("method", ""),
        "card_last4": details.get("last4", ""),
        "reference": details.get("ref", ""),
    }


# -- exceptions ----------------------------------------------------------------------------------


def batch_item_resolve(*, item_id: int, account_number: str, by) -> BatchItem:
    """Move an exception item's money from unapplied payments to the account it belongs to,
    with its payment. A second resolve of the same item returns the first."""
    try:
        number = normalise_account_number(account_number)
    except ValidationError as error:
        raise ValidationError({"account_number": error.messages}) from None
    account = ServiceAccount.objects.filter(number=number).first()
    if account is None:
        raise ValidationError(
            {"account_number": f"There is no account {format_account_number(number)}."},
            code="no_account",
        )
    with transaction.atomic(), acting_user(by):
        item = (
            BatchItem.objects.select_for_update().select_related("batch").filter(pk=item_id).first()
        )
        if item is None:
            raise ValidationError("That item does not exist.", code="no_item")
        if item.status == BatchItem.Status.RESOLVED:
            if item.account_id != account.pk:
                raise ValidationError(
                    f"This payment was already resolved to account {item.account}.",
                    code="resolved",
                )
            return item
        if item.status != BatchItem.Status.EXCEPTION:
            raise ValidationError("Only unmatched payments are resolved.", code="not_exception")
        key = f"batch-item-resolve:{item.pk}"
        memo = f"Unmatched payment, item {item.position} of batch {item.batch_id}"
        journal = journal_post(
            kind=Journal.Kind.PAYMENT,
            memo=f"{memo} applied to {account.formatted_number}",
            lines=[
                Line(SUSPENSE_GL, item.amount, memo=memo),
                Line(RECEIVABLE_PURPOSE, -item.amount, account.pk, memo=memo),
            ],
            by=by,
            idempotency_key=key,
            source=item,
        )
        payment = Payment.objects.create(
            channel=_CHANNEL[item.batch.kind],
            batch=item.batch,
            effective_date=journal.effective_date,
            taken_by=by,
            payer_name=item.payer_name,
            total=item.amount,
            idempotency_key=key,
            journal=journal,
        )
        PaymentLine.objects.create(payment=payment, account=account, amount=item.amount)
        row = {
            "amount": item.amount,
            "check_number": item.check_number,
            **_tender_details(item.entered_as),
        }
        _tender(item.batch.kind, payment, row).save()
        item.status = BatchItem.Status.RESOLVED
        item.account = account
        item.payment = payment
        item.resolved_by = by
        item.resolved_at = timezone.now()
        item.resolve_journal = journal
        item.save(
            update_fields=[
                "status",
                "account",
                "payment",
                "resolved_by",
                "resolved_at",
                "resolve_journal",
            ]
        )
        return item
