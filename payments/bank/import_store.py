"""Storing a BAI2 file as its records are read (payments.bank.imports.bai2_import).

The reader (bai2.read) hands over the file a piece at a time; this writes it as it comes: the
file row at the 01, an account report at each 03 (its control total once its 49 is checked),
and the lines in pages of PAGE, each page checked against the lines already imported in one
query and written with one COPY. Memory holds one page, the account reports and a 16-byte
digest per line (to number identical lines), never the whole file.

The caller runs it in one transaction: a file refused at its end (a control total that does not
add up) rolls back all that was written before.
"""

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection

from district.bulk import copy_line, copy_stream
from district.errors import ServiceError
from district.policies import policy_value
from payments.bank import bai2
from payments.models import Bai2AccountReport, Bai2File, Bai2Transaction

RECEIPTS_ACCOUNTS_POLICY = "bank-receipts-accounts"
PAGE = 2000
# MoneyField holds 12 digits, 2 of them cents.
_LARGEST_CENTS = 10**12 - 1
_LINE_COLUMNS = (
    "report_id",
    "type_code",
    "direction",
    "amount",
    "funds_type",
    "bank_reference",
    "customer_reference",
    "text",
    "line_key",
    "status",
    "note",
)


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


def _identity(account: str, as_of, detail: bai2.Detail) -> bytes:
    """A line without its occurrence, as a short digest ("\\x1f" cannot be in a field: the
    reader refuses control characters, so the joined text names one line)."""
    parts = (
        account,
        as_of.isoformat(),
        detail.type_code,
        str(detail.amount),
        detail.bank_reference,
        detail.customer_reference,
        detail.text,
    )
    return hashlib.blake2b("\x1f".join(parts).encode(), digest_size=16).digest()


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


class FileStore:
    """Takes the reader's pieces (`take`) and writes them; `finish` once the file is read."""

    def __init__(self, *, sha256: str, file_name: str, by):
        self.sha256, self.by = sha256, by
        self.given_name, self.file_name = file_name, (file_name or "bai2 file")[:200]
        self.result: ImportResult | None = None
        self.receipts_accounts = _receipts_accounts()
        self.group: bai2.Group | None = None
        self.group_number = 0
        self.report: Bai2AccountReport | None = None
        self.account_number = ""
        self.why_not = ""
        self.reports: list[Bai2AccountReport] = []
        self.page: list[tuple[Bai2AccountReport, str, str, bai2.Detail]] = []
        # Occurrences of identical lines per account and day (one account may appear twice).
        self.seen: Counter = Counter()
        self.too_large: bai2.Detail | None = None

    def take(self, code: str, piece) -> None:
        if code == "01":
            self._file(piece)
        elif code == "02":
            self.group = piece
            self.group_number += 1
        elif code == "03":
            self._report(piece)
        elif code == "16":
            self._line(piece)
        elif code == "49":
            self.report.control_total = piece.control_total
        elif code == "99":
            self.result.file.group_count = piece.group_count
            self.result.file.record_count = piece.record_count
            self.result.file.control_total = piece.control_total

    def _file(self, header: bai2.Bai2File) -> None:
        stored = Bai2File.objects.create(
            sha256=self.sha256,
            file_name=self.file_name,
            sender=header.sender[:40],
            receiver=header.receiver[:40],
            created_on=header.created_on,
            created_time=header.created_time,
            file_id=header.file_id[:40],
            group_count=0,  # the 99's, once it is read
            record_count=0,
            control_total=0,
            imported_by=self.by,
        )
        self.result = ImportResult(file=stored, created=True)

    def _report(self, account: bai2.Account) -> None:
        group = self.group
        summaries = [
            {
                "type_code": summary.type_code,
                "amount": summary.amount,
                "item_count": summary.item_count,
                "funds": summary.funds,
            }
            for summary in account.summaries
        ]
        self.report = Bai2AccountReport.objects.create(
            file=self.result.file,
            group_number=self.group_number,
            originator=group.originator[:40],
            as_of_date=group.as_of_date,
            account_number=account.number[:40],
            currency=(account.currency or "USD")[:3],
            summaries=summaries,
            control_total=0,  # the 49's, once it is read
        )
        self.reports.append(self.report)
        self.why_not = _why_not_reconciled(self.report, self.receipts_accounts)
        self.account_number = account.number

    def _line(self, detail: bai2.Detail) -> None:
        if self.too_large is not None:
            return
        if abs(detail.amount or 0) > _LARGEST_CENTS:
            # Refused once the whole file is read, so that a file also breaking the BAI2
            # rules further on is refused for those.
            self.too_large = detail
            return
        as_of = self.group.as_of_date
        identity = _identity(self.account_number, as_of, detail)
        self.seen[identity] += 1
        key = line_key(
            account=self.account_number, as_of=as_of, detail=detail, occurrence=self.seen[identity]
        )
        self.page.append((self.report, self.why_not, key, detail))
        if len(self.page) >= PAGE:
            self._write_page()

    def _write_page(self) -> None:
        keys = [key for _, _, key, _ in self.page]
        known = set(
            Bai2Transaction.objects.filter(line_key__in=keys).values_list("line_key", flat=True)
        )
        lines = []
        for report, why_not, key, detail in self.page:
            if key in known:
                self.result.lines_already += 1
                continue
            known.add(key)
            lines.append(copy_line(self._row(report, why_not, key, detail)) + "\n")
        self.page = []
        if lines:
            with connection.cursor() as cursor, connection.wrap_database_errors:
                copy_stream(cursor, Bai2Transaction._meta.db_table, _LINE_COLUMNS, lines)
            self.result.lines_imported += len(lines)

    def _row(self, report, why_not: str, key: str, detail: bai2.Detail) -> tuple:
        amount = _cents_to_dollars(detail.amount)
        way = bai2.direction(detail.type_code)
        self.result.lines_not_reconciled += bool(why_not)
        if way == "credit":
            self.result.credits += amount
        elif way == "debit":
            self.result.debits += amount
        Status = Bai2Transaction.Status
        return (
            report.pk,
            detail.type_code,
            way,
            amount,
            json.dumps(detail.funds),
            detail.bank_reference[:80],
            detail.customer_reference[:80],
            detail.text,
            key,
            (Status.NOT_RECONCILED if why_not else Status.UNMATCHED).value,
            why_not,
        )

    def finish(self) -> ImportResult:
        """The last page, the control totals of the reports and the file; the summary."""
        if self.too_large is not None:
            raise ServiceError(
                f"{self.given_name} was refused: line {self.too_large.line}: the amount "
                f"{bai2.dollars(self.too_large.amount)} is larger than the books can hold.",
                code="too_large",
            )
        self._write_page()
        Bai2AccountReport.objects.bulk_update(self.reports, ["control_total"], batch_size=500)
        result, stored = self.result, self.result.file
        stored.save(update_fields=["group_count", "record_count", "control_total"])
        result.accounts = len(self.reports)
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
