"""Payment files (processor and lockbox): imported once (sha256), each item once (its
external id), posted at import, all or nothing; unmatched items wait in unapplied payments
until a CSR resolves them to an account."""

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Contact, ServiceAccount
from accounts.numbers import format_account_number, is_valid_luhn, normalise_account_number
from billing.penalties.services import (
    Withdrawal,
    accounts_with_open_penalty,
    late_penalty_withdraw_if_paid_in_time,
)
from district.attribution import acting_user
from district.errors import ServiceError
from district.ledger.models import Journal
from district.ledger.purposes import Purpose
from district.ledger.services import Line, journal_post
from district.money import ZERO, format_money
from payments.after_posting import payments_posted
from payments.batches import files
from payments.batches.services.common import (
    CHANNEL,
    SUSPENSE_GL,
    batch_lines,
    tender_for,
    tender_kind,
    write_payments,
)
from payments.counter.services import cash_only_accounts
from payments.models import BatchItem, Payment, PaymentBatch, PaymentLine, Tender

# -- payment files -------------------------------------------------------------------------------


@dataclass
class FileImportResult:
    # None when the file brought nothing new (nothing_new says why): nothing was written.
    batch: PaymentBatch | None
    imported: int  # items in the batch (matched + exceptions)
    matched: int
    exceptions: int
    total: Decimal
    skipped: list[str] = field(default_factory=list)  # "line 4: processor:TX-1 (batch 12)"
    # Checks and ACH payments from cash-only customers: posted (the bank already has the money)
    # and logged on each account for a CSR to follow up: "line 7: check 1234 on 9000-0019".
    cash_only: list[str] = field(default_factory=list)
    # Late penalties withdrawn: the file shows the customer paid by the bill's cut-off.
    withdrawn: list[Withdrawal] = field(default_factory=list)
    # "nothing new: 3 payments were already posted (batch 12)": every item was already in,
    # the normal case of a processor's nightly file once its notifications posted the day.
    nothing_new: str = ""


def _already_imported(sha256: str) -> None:
    earlier = PaymentBatch.objects.filter(file_sha256=sha256).first()
    if earlier is not None:
        raise ServiceError(
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
    A file whose every item is already in (a processor's day its notifications posted) is a
    success that writes nothing (`nothing_new`).
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
        raise ServiceError(
            "Another import of some of these payments finished first; nothing was imported. "
            "Import the file again: the payments already in will be skipped.",
            code="race",
        ) from error


def _import(parsed, *, kind: str, sha256: str, file_name: str, by) -> FileImportResult:
    fresh, skipped, seen = _fresh_items(parsed.items)
    if not fresh:
        return _nothing_new(skipped, seen)
    numbers = {"".join(ch for ch in item.account_text if ch.isdigit()) for item in fresh}
    accounts = {
        account.number: account for account in ServiceAccount.objects.filter(number__in=numbers)
    }
    matched, unmatched = _rows(fresh, accounts, by=by)
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
    suspense = sum((row["amount"] for row in unmatched), ZERO)
    journal = journal_post(
        kind=Journal.Kind.PAYMENT,
        memo=f"{batch.get_kind_display()} {batch.pk}: {file_name}"[:255],
        lines=batch_lines(batch, matched, suspense=suspense),
        by=by,
        idempotency_key=f"batch:{batch.pk}",
        source=batch,
    )
    _write_items(batch, matched, unmatched, journal=journal, by=by)
    payments_posted((row["account_id"] for row in matched), by=by)
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
        cash_only=_log_cash_only_payments(batch, matched, accounts, by=by),
        withdrawn=_withdraw_penalties_paid_in_time(batch, matched, by=by),
    )


def _fresh_items(items: list) -> tuple[list, list[str], dict[str, int]]:
    """(the items no earlier file brought, "line 4: processor:TX-1 (already in batch 12)" for
    the others, {external id: batch id} of those)."""
    external_ids = [item.external_id for item in items]
    seen = dict(
        BatchItem.objects.filter(external_id__in=external_ids).values_list(
            "external_id", "batch_id"
        )
    )
    fresh = [item for item in items if item.external_id not in seen]
    skipped = [
        f"line {item.line_number}: {item.external_id} (already in batch {seen[item.external_id]})"
        for item in items
        if item.external_id in seen
    ]
    return fresh, skipped, seen


def _nothing_new(skipped: list[str], seen: dict[str, int]) -> FileImportResult:
    """Every item was posted already (by notifications or an earlier file): a success that
    writes nothing, not even the file's hash (a later identical file answers the same)."""
    batch_ids = sorted(set(seen.values()))
    count = len(skipped)
    return FileImportResult(
        batch=None,
        imported=0,
        matched=0,
        exceptions=0,
        total=ZERO,
        skipped=skipped,
        nothing_new=(
            f"nothing new: {count} payment{'s were' if count != 1 else ' was'} already posted "
            f"(batch{'es' if len(batch_ids) != 1 else ''} "
            f"{', '.join(str(batch_id) for batch_id in batch_ids)})"
        ),
    )


def _rows(fresh: list, accounts: dict, *, by) -> tuple[list[dict], list[dict]]:
    """The items as the rows batch_lines and write_payments take: (matched, unmatched)."""
    matched, unmatched = [], []
    for position, item in enumerate(fresh, start=1):
        account, reason = _match(item.account_text, accounts)
        row = {
            "position": position,
            "item": item,
            "account_id": account.pk if account else None,
            "customer_id": account.customer_id if account else None,
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
    return matched, unmatched


def _write_items(batch, matched: list[dict], unmatched: list[dict], *, journal, by) -> None:
    """The matched items' payments, and every item of the file in file order."""
    payments = write_payments(batch, matched, journal=journal) if matched else []
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


def _withdraw_penalties_paid_in_time(batch: PaymentBatch, matched: list[dict], *, by):
    """A penalty assessed while the file's payment was on its way is withdrawn when the day the
    customer paid (the file's date) was by the bill's cut-off and the bill is now paid."""
    rows_of: dict[int, list[dict]] = defaultdict(list)
    for row in matched:
        rows_of[row["account_id"]].append(row)
    # One query finds the few accounts with a penalty to look at; the rest cost nothing.
    penalized = accounts_with_open_penalty(rows_of) if rows_of else set()
    rows_of = {account_id: rows_of[account_id] for account_id in penalized}
    withdrawn = []
    for account_id, rows in sorted(rows_of.items()):
        if any(row["item"].paid_on is None for row in rows):
            continue
        last = max(rows, key=lambda row: row["item"].paid_on)["item"]
        withdrawal = late_penalty_withdraw_if_paid_in_time(
            account_id=account_id,
            paid_on=last.paid_on,
            by=by,
            source=f"batch {batch.pk}, {batch.file_name}, line {last.line_number}",
        )
        if withdrawal is None:
            continue
        Contact.objects.create(
            channel=_contact_channel(batch),
            reason=Contact.Reason.BILLING,
            account_id=account_id,
            customer_id=rows[0]["customer_id"],
            notes=(
                f"Late penalty of {format_money(withdrawal.amount)} on bill "
                f"{withdrawal.bill_number} withdrawn: the customer paid on "
                f"{last.paid_on:%m/%d/%Y}, by the bill's cut-off {withdrawal.cut_off:%m/%d/%Y}; "
                f"the payment reached us in batch {batch.pk} ({batch.file_name}, line "
                f"{last.line_number})."
            ),
            logged_by=by,
        )
        withdrawn.append(withdrawal)
    return withdrawn


# A cash-only customer's check or bank payment can be returned again, as the earlier ones were.
_RETURNABLE = {Tender.Kind.CHECK, Tender.Kind.ACH}


def _log_cash_only_payments(batch: PaymentBatch, matched: list[dict], accounts, *, by) -> list[str]:
    """Log a contact on each account whose cash-only customer paid by check or ACH in the file.

    The counter and mail entry refuse such a payment and hand the check back; a file's payment is
    already in the bank, so it posts and a CSR follows up (the contact shows on the account)."""
    returnable = [row for row in matched if tender_kind(batch.kind, row) in _RETURNABLE]
    flagged = cash_only_accounts({row["account_id"] for row in returnable}) if returnable else set()
    by_id = {account.pk: account for account in accounts.values()}
    found = []
    for row in returnable:
        if row["account_id"] not in flagged:
            continue
        account = by_id[row["account_id"]]
        what = _tender_words(tender_kind(batch.kind, row), row["check_number"])
        where = f"batch {batch.pk} ({batch.file_name}, line {row['item'].line_number})"
        Contact.objects.create(
            channel=_contact_channel(batch),
            reason=Contact.Reason.PAYMENT,
            account=account,
            customer_id=account.customer_id,
            notes=(
                f"{what[0].upper()}{what[1:]} for {format_money(row['amount'])} came in {where} "
                "although the customer pays "
                "cash only. It was posted: the bank has the money. Remind the customer that "
                "only cash, money orders and cards are taken."
            ),
            logged_by=by,
        )
        found.append(f"line {row['item'].line_number}: {what} on {account.formatted_number}")
    return found


def _contact_channel(batch: PaymentBatch) -> str:
    """How the customer's payment reached us: by mail to the lockbox, or online to the processor."""
    return (
        Contact.Channel.MAIL if batch.kind == PaymentBatch.Kind.LOCKBOX else Contact.Channel.PORTAL
    )


def _tender_words(kind: str, check_number: str) -> str:
    if kind == Tender.Kind.ACH:
        return "an ACH payment"
    return f"check {check_number}" if check_number else "a check"


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
        raise ServiceError({"account_number": error.messages}) from None
    account = ServiceAccount.objects.filter(number=number).first()
    if account is None:
        raise ServiceError(
            {"account_number": f"There is no account {format_account_number(number)}."},
            code="no_account",
        )
    with transaction.atomic(), acting_user(by):
        item = (
            BatchItem.objects.select_for_update().select_related("batch").filter(pk=item_id).first()
        )
        if item is None:
            raise ServiceError("That item does not exist.", code="no_item")
        if item.status == BatchItem.Status.RESOLVED:
            if item.account_id != account.pk:
                raise ServiceError(
                    f"This payment was already resolved to account {item.account}.",
                    code="resolved",
                )
            return item
        if item.status != BatchItem.Status.EXCEPTION:
            raise ServiceError("Only unmatched payments are resolved.", code="not_exception")
        key = f"batch-item-resolve:{item.pk}"
        memo = f"Unmatched payment, item {item.position} of batch {item.batch_id}"
        journal = journal_post(
            kind=Journal.Kind.PAYMENT,
            memo=f"{memo} applied to {account.formatted_number}",
            lines=[
                Line(SUSPENSE_GL, item.amount, memo=memo),
                Line(Purpose.AR_CUSTOMERS, -item.amount, account.pk, memo=memo),
            ],
            by=by,
            idempotency_key=key,
            source=item,
        )
        payment = Payment.objects.create(
            channel=CHANNEL[item.batch.kind],
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
        tender_for(item.batch.kind, payment, row).save()
        payments_posted([account.pk], by=by)
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
