"""Store a BAI2 prior-day file: once per file (the sha256 of its normalised text, so a file sent
again with other line ends or padding is the same file) and once per line (line key).

All or nothing: a file the parser refuses, or one imported already, writes nothing.
"""

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from psycopg2.extras import execute_values

from district.attribution import acting_user
from district.policies import policy_value
from payments.bank import bai2, bai2_records
from payments.bank.reconcile import bai2_reconcile
from payments.models import Bai2AccountReport, Bai2File, Bai2Transaction

RECEIPTS_ACCOUNTS_POLICY = "bank-receipts-accounts"

# MoneyField holds 12 digits, 2 of them cents.
_LARGEST_CENTS = 10**12 - 1


@dataclass
class ImportResult:
    file: Bai2File
    created: bool  # False: this very file was imported before; nothing was written
    accounts: int = 0
    lines_imported: int = 0
    lines_already: int = 0  # lines another file already brought (skipped)
    lines_not_reconciled: int = 0  # lines of accounts that receive no deposits (kept)
    credits: Decimal = Decimal("0.00")
    debits: Decimal = Decimal("0.00")
    reconcile: object = None  # the ReconcileResult run after the import
    message: str = ""
    details: list[str] = field(default_factory=list)


def _cents_to_dollars(cents: int | None) -> Decimal:
    return (Decimal(cents or 0) / 100).quantize(Decimal("0.01"))


def line_key(*, account: str, as_of, detail: bai2.Detail, occurrence: int) -> str:
    """Identifies a detail line across files: the same line sent again has the same key."""
    parts = [
        account,
        as_of.isoformat(),
        detail.type_code,
        str(detail.amount or 0),
        detail.bank_reference,
        detail.customer_reference,
        detail.text,
        str(occurrence),
    ]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _already(existing: Bai2File) -> str:
    when = timezone.localtime(existing.imported_at)
    return (
        f"{existing.file_name} was already imported on {when:%m/%d/%Y %H:%M} (file {existing.pk})."
    )


def content_fingerprint(content: bytes) -> str:
    """The sha256 of the file as the bank meant it: decoded, each line without its trailing
    blanks, the lines joined by LF, with no blank lines or padding at the end.

    A bank that sends a file again through another channel often changes only the line ends
    (CRLF for LF) or the padding; that is the same file, and must import nothing the second
    time. A file the decoder refuses keeps the hash of its bytes (the parser refuses it anyway).
    """
    try:
        text = bai2_records.decode(content)
    except bai2.Bai2Error:
        return hashlib.sha256(content).hexdigest()
    lines = [line.rstrip() for line in text.splitlines()]
    while lines and not lines[-1]:
        lines.pop()
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def _imported_before(content: bytes, fingerprint: str) -> Bai2File | None:
    # Files imported before fingerprints were normalised are known by their bytes' hash.
    raw = hashlib.sha256(content).hexdigest()
    return Bai2File.objects.filter(sha256__in={fingerprint, raw}).order_by("pk").first()


def bai2_import(*, content: bytes, file_name: str, by, reconcile: bool = True) -> ImportResult:
    """Check and store a BAI2 file, then match its lines (see reconcile.bai2_reconcile).

    Refused with a ValidationError naming the line when the file breaks the BAI2 rules or its
    counts and control totals disagree; a file imported before returns its first import."""
    if not content:
        raise ValidationError("The file is empty.", code="empty")
    sha256 = content_fingerprint(content)
    existing = _imported_before(content, sha256)
    if existing is not None:
        return ImportResult(file=existing, created=False, message=_already(existing))
    try:
        parsed = bai2.parse(content)
    except bai2.Bai2Error as error:
        raise ValidationError(
            f"{file_name} was refused: {error}", code="bai2", params={"line": error.line}
        ) from error
    try:
        with transaction.atomic(), acting_user(by):
            result = _store(parsed, sha256=sha256, file_name=file_name, by=by)
            if reconcile:
                # In the same transaction: a file is never left imported but unmatched.
                result.reconcile = bai2_reconcile(file_id=result.file.pk, by=by)
    except IntegrityError as error:
        existing = Bai2File.objects.filter(sha256=sha256).first()
        if existing is not None:
            return ImportResult(file=existing, created=False, message=_already(existing))
        raise ValidationError(
            "Another import of these lines ran at the same time; import the file again.",
            code="race",
        ) from error
    return result


def _insert_lines(rows: list[tuple]) -> None:
    """Insert the new lines in pages of one statement each (a 10,000-line file is common;
    building 10,000 model instances costs more than the insert itself)."""
    if not rows:
        return
    table = Bai2Transaction._meta.db_table
    with connection.cursor() as cursor, connection.wrap_database_errors:
        execute_values(
            cursor.cursor,
            f"""INSERT INTO {table} (report_id, type_code, direction, amount, funds_type,
                    bank_reference, customer_reference, text, line_key, status, note)
                VALUES %s""",
            rows,
            template="(%s, %s, %s, %s, %s::jsonb, %s, %s, %s, %s, %s, %s)",
            page_size=2000,
        )


def _store(parsed: bai2.Bai2File, *, sha256: str, file_name: str, by) -> ImportResult:
    stored = Bai2File.objects.create(
        sha256=sha256,
        file_name=(file_name or "bai2 file")[:200],
        sender=parsed.sender[:40],
        receiver=parsed.receiver[:40],
        created_on=parsed.created_on,
        created_time=parsed.created_time,
        file_id=parsed.file_id[:40],
        group_count=parsed.group_count,
        record_count=parsed.record_count,
        control_total=parsed.control_total,
        imported_by=by,
    )
    result = ImportResult(file=stored, created=True)
    receipts_accounts = _receipts_accounts()
    reports = []
    pending: list[tuple[int, str, bai2.Detail]] = []  # (report index, key, detail)
    # Occurrences of identical lines per account and day (one account may appear twice).
    seen: Counter = Counter()
    for group_number, group in enumerate(parsed.groups, start=1):
        for account in group.accounts:
            reports.append(
                Bai2AccountReport(
                    file=stored,
                    group_number=group_number,
                    originator=group.originator[:40],
                    as_of_date=group.as_of_date,
                    account_number=account.number[:40],
                    currency=(account.currency or "USD")[:3],
                    summaries=[
                        {
                            "type_code": summary.type_code,
                            "amount": summary.amount,
                            "item_count": summary.item_count,
                            "funds": summary.funds,
                        }
                        for summary in account.summaries
                    ],
                    control_total=account.control_total,
                )
            )
            for detail in account.details:
                if abs(detail.amount or 0) > _LARGEST_CENTS:
                    raise ValidationError(
                        f"{file_name} was refused: line {detail.line}: the amount "
                        f"{bai2.dollars(detail.amount)} is larger than the books can hold.",
                        code="too_large",
                    )
                identity = (
                    account.number,
                    group.as_of_date,
                    detail.type_code,
                    detail.amount,
                    detail.bank_reference,
                    detail.customer_reference,
                    detail.text,
                )
                seen[identity] += 1
                key = line_key(
                    account=account.number,
                    as_of=group.as_of_date,
                    detail=detail,
                    occurrence=seen[identity],
                )
                pending.append((len(reports) - 1, key, detail))
    Bai2AccountReport.objects.bulk_create(reports)
    result.accounts = len(reports)
    keys = [key for _, key, _ in pending]
    known = set(
        Bai2Transaction.objects.filter(line_key__in=keys).values_list("line_key", flat=True)
    )
    rows = []
    for report_index, key, detail in pending:
        if key in known:
            result.lines_already += 1
            continue
        known.add(key)
        amount = _cents_to_dollars(detail.amount)
        way = bai2.direction(detail.type_code)
        why_not = _why_not_reconciled(reports[report_index], receipts_accounts)
        result.lines_not_reconciled += bool(why_not)
        if way == "credit":
            result.credits += amount
        elif way == "debit":
            result.debits += amount
        rows.append(
            (
                reports[report_index].pk,
                detail.type_code,
                way,
                amount,
                json.dumps(detail.funds),
                detail.bank_reference[:80],
                detail.customer_reference[:80],
                detail.text,
                key,
                Bai2Transaction.Status.NOT_RECONCILED
                if why_not
                else Bai2Transaction.Status.UNMATCHED,
                why_not,
            )
        )
    _insert_lines(rows)
    result.lines_imported = len(rows)
    result.message = (
        f"{stored.file_name}: {result.accounts} account report(s), "
        f"{result.lines_imported} line(s) imported"
        + (f", {result.lines_already} already imported" if result.lines_already else "")
        + (
            f", {result.lines_not_reconciled} of other accounts kept but not reconciled"
            if result.lines_not_reconciled
            else ""
        )
        + "."
    )
    return result


def _account_digits(number: str) -> str:
    """An account number as banks write it, compared without punctuation or leading zeros."""
    return "".join(ch for ch in number if ch.isalnum()).lstrip("0").upper()


def _receipts_accounts() -> set[str]:
    listed = str(policy_value(RECEIPTS_ACCOUNTS_POLICY) or "")
    return {_account_digits(number) for number in listed.split(",") if _account_digits(number)}


def _why_not_reconciled(report: Bai2AccountReport, receipts_accounts: set[str]) -> str:
    """Why a line is kept but not matched ("" when it is to be matched)."""
    if receipts_accounts and _account_digits(report.account_number) not in receipts_accounts:
        return f"Account {report.account_number} is not one that receives the district's deposits."
    return ""
