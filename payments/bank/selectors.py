"""Reads of the bank reconciliation pages: files, a file's accounts and lines, the exceptions
queue with each line's candidates. A fixed number of queries whatever the size."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.db.models import Count, Q, Sum

from district.money import ZERO, format_money
from district.policies import policy_value
from payments.bank import bai2
from payments.bank.reconcile import BATCH_GL, reference_numbers
from payments.batches.services.settlement import FEE_TOLERANCE_POLICY, net_settling_processors
from payments.models import (
    Bai2AccountReport,
    Bai2File,
    Bai2Transaction,
    Bai2Upload,
    BankDeposit,
    PaymentBatch,
)

LIST_LIMIT = 50
_UNMATCHED = Bai2Transaction.Status.UNMATCHED


UPLOADS_LISTED = 10


SETTLEMENTS_CLOSED_LISTED = 14


@dataclass(frozen=True)
class SettlementBatches:
    open: list[PaymentBatch]  # still gathering the day's payments, oldest day first
    closed: list[PaymentBatch]  # the latest closed days, latest first


def settlement_batches(closed_limit: int = SETTLEMENTS_CLOSED_LISTED) -> SettlementBatches:
    """Processors' daily settlement batches for the reconciliation page (two queries): every
    open one, and the latest closed ones the bank's payouts match against."""
    batches = PaymentBatch.objects.filter(settlement_date__isnull=False).select_related("posted_by")
    return SettlementBatches(
        open=list(
            batches.filter(status=PaymentBatch.Status.OPEN).order_by(
                "settlement_date", "processor", "pk"
            )
        ),
        closed=list(
            batches.exclude(status=PaymentBatch.Status.OPEN).order_by(
                "-settlement_date", "processor", "-pk"
            )[:closed_limit]
        ),
    )


def bai2_uploads(limit: int = UPLOADS_LISTED) -> list[Bai2Upload]:
    """The latest uploads with their status, without their bytes (one query)."""
    return list(
        Bai2Upload.objects.defer("content")
        .select_related("uploaded_by")
        .order_by("-uploaded_at", "-id")[:limit]
    )


def bai2_upload(upload_id: int) -> Bai2Upload | None:
    return (
        Bai2Upload.objects.defer("content")
        .select_related("uploaded_by", "file")
        .filter(pk=upload_id)
        .first()
    )


def bank_files(limit: int = LIST_LIMIT) -> list[Bai2File]:
    """The latest imported files with their line counts and `.control_dollars` (one query)."""
    files = list(
        Bai2File.objects.select_related("imported_by")
        .annotate(
            line_count=Count("accounts__transactions"),
            matched_count=Count(
                "accounts__transactions",
                filter=Q(accounts__transactions__status=Bai2Transaction.Status.MATCHED),
            ),
            unmatched_count=Count(
                "accounts__transactions", filter=Q(accounts__transactions__status=_UNMATCHED)
            ),
        )
        .order_by("-imported_at", "-id")[:limit]
    )
    for stored in files:
        stored.control_dollars = _dollars(stored.control_total)
    return files


@dataclass
class AccountView:
    report: Bai2AccountReport
    summaries: list[dict]


@dataclass
class Difference:
    what: str
    amount: Decimal
    detail: str


@dataclass
class FileView:
    file: Bai2File
    accounts: list[AccountView]
    matched: list[Bai2Transaction] = field(default_factory=list)
    unmatched: list[Bai2Transaction] = field(default_factory=list)
    resolved: list[Bai2Transaction] = field(default_factory=list)
    not_reconciled: list[Bai2Transaction] = field(default_factory=list)  # other accounts' lines
    not_credited: list[BankDeposit] = field(default_factory=list)
    differences: list[Difference] = field(default_factory=list)
    window_days: int = 0


def _dollars(cents) -> Decimal:
    return (Decimal(cents or 0) / 100).quantize(Decimal("0.01"))


def bank_file(file_id: int) -> FileView | None:
    """A file's accounts (summaries, control totals) and its lines by outcome, with the
    differences: deposits still in transit past the window, credits naming a deposit whose
    amount differs."""
    stored = Bai2File.objects.select_related("imported_by").filter(pk=file_id).first()
    if stored is None:
        return None
    reports = list(Bai2AccountReport.objects.filter(file=stored).order_by("group_number", "id"))
    accounts = [
        AccountView(
            report=report,
            summaries=[
                {
                    **summary,
                    "dollars": None if summary["amount"] is None else _dollars(summary["amount"]),
                    "direction": _direction_words(summary["type_code"]),
                }
                for summary in report.summaries
            ],
        )
        for report in reports
    ]
    for report in reports:
        report.control_dollars = _dollars(report.control_total)
    stored.control_dollars = _dollars(stored.control_total)
    view = FileView(file=stored, accounts=accounts)
    lines = (
        Bai2Transaction.objects.filter(report__file=stored)
        .select_related("report", "matched_deposit", "matched_batch", "returned_item__tender")
        .order_by("id")
    )
    for line in lines:
        if line.status == Bai2Transaction.Status.MATCHED:
            view.matched.append(line)
        elif line.status == Bai2Transaction.Status.RESOLVED:
            view.resolved.append(line)
        elif line.status == Bai2Transaction.Status.NOT_RECONCILED:
            view.not_reconciled.append(line)
        else:
            view.unmatched.append(line)
    view.window_days = int(policy_value("bank-match-window-days"))
    if reports:
        latest = max(report.as_of_date for report in reports)
        view.not_credited = list(
            BankDeposit.objects.filter(
                status=BankDeposit.Status.PREPARED,
                business_date__lt=latest - timedelta(days=view.window_days),
            ).order_by("business_date", "pk")
        )
    view.differences = _differences(view.unmatched)
    return view


def _differences(unmatched: list[Bai2Transaction]) -> list[Difference]:
    """Unmatched credits whose reference names a prepared deposit of another amount."""
    named: dict[int, list[Bai2Transaction]] = defaultdict(list)
    for line in unmatched:
        if line.direction != Bai2Transaction.Direction.CREDIT:
            continue
        for number in reference_numbers(line.bank_reference, line.customer_reference):
            if len(number) < 10:
                named[int(number)].append(line)
    if not named:
        return []
    differences = []
    deposits = BankDeposit.objects.filter(pk__in=list(named), status=BankDeposit.Status.PREPARED)
    for deposit in deposits.order_by("pk"):
        for line in named[deposit.pk]:
            if line.amount != deposit.total:
                differences.append(
                    Difference(
                        what=f"Deposit {deposit.pk} of {deposit.business_date:%m/%d/%Y}",
                        amount=line.amount - deposit.total,
                        detail=f"the bank credited {line.amount} against {deposit.total} prepared",
                    )
                )
    return differences


@dataclass
class Candidate:
    value: str  # "deposit:12" / "batch:7"
    label: str


def exception_line(line_id: int) -> Bai2Transaction | None:
    """One unmatched line with its candidates, or None when it is not in the queue."""
    lines = exceptions_queue(line_id=line_id)
    return lines[0] if lines else None


def _direction_words(type_code: str) -> str:
    """A summary's type code as the file page says it: credit, debit, or status / other."""
    direction = bai2.direction(type_code)
    return "status / other" if direction == "other" else direction


def exceptions_queue(limit: int = 200, *, line_id: int | None = None) -> list[Bai2Transaction]:
    """Unmatched lines, oldest first, each with `.candidates` (same-amount deposits waiting for
    the bank and unmatched processor/lockbox batches): three queries."""
    queue = Bai2Transaction.objects.filter(status=_UNMATCHED)
    if line_id is not None:
        queue = queue.filter(pk=line_id)
    lines = list(queue.select_related("report__file").order_by("report__as_of_date", "id")[:limit])
    amounts = {line.amount for line in lines if line.direction == Bai2Transaction.Direction.CREDIT}
    by_amount: dict[Decimal, list[Candidate]] = defaultdict(list)
    if amounts:
        for deposit in BankDeposit.objects.filter(
            status=BankDeposit.Status.PREPARED, total__in=amounts
        ).order_by("business_date", "pk"):
            by_amount[deposit.total].append(
                Candidate(
                    f"deposit:{deposit.pk}",
                    f"Deposit {deposit.pk} of {deposit.business_date:%m/%d/%Y}",
                )
            )
        batches = (
            PaymentBatch.objects.filter(
                status=PaymentBatch.Status.POSTED,
                kind__in=list(BATCH_GL),
                bank_line__isnull=True,
            )
            .filter(control_total__in=amounts)
            .order_by("business_date", "pk")
        )
        for batch in batches:
            by_amount[batch.control_total].append(
                Candidate(
                    f"batch:{batch.pk}",
                    f"{batch.get_kind_display()} batch {batch.pk} of "
                    f"{batch.business_date:%m/%d/%Y}",
                )
            )
    net = _net_settlements(amounts)
    for line in lines:
        line.candidates = (
            by_amount.get(line.amount, []) + _net_candidates(line, net)
            if line.direction == Bai2Transaction.Direction.CREDIT
            else []
        )
    return lines


def _net_settlements(amounts) -> tuple[list[PaymentBatch], Decimal]:
    """(the closed settlement batches of net-settling processors still waiting for the bank,
    the share of a batch its processor may keep): none when no processor settles net."""
    processors = net_settling_processors() if amounts else set()
    if not processors:
        return [], ZERO
    batches = list(
        PaymentBatch.objects.filter(
            status=PaymentBatch.Status.POSTED,
            kind=PaymentBatch.Kind.PROCESSOR,
            processor__in=processors,
            bank_line__isnull=True,
            control_total__gt=min(amounts),
        ).order_by("business_date", "pk")
    )
    return batches, Decimal(policy_value(FEE_TOLERANCE_POLICY))


def _net_candidates(line: Bai2Transaction, net) -> list[Candidate]:
    """A net payout's batches: more than the credit by no more than the processor may keep."""
    batches, percent = net
    found = []
    for batch in batches:
        fee = batch.control_total - line.amount
        if ZERO < fee <= (batch.control_total * percent / 100).quantize(Decimal("0.01")):
            found.append(
                Candidate(
                    f"batch:{batch.pk}",
                    f"{batch.get_kind_display()} batch {batch.pk} of "
                    f"{batch.business_date:%m/%d/%Y}, {format_money(batch.control_total)}: "
                    f"net of {format_money(fee)} processor fees (posted as an expense)",
                )
            )
    return found


def exceptions_total() -> tuple[int, Decimal]:
    row = Bai2Transaction.objects.filter(status=_UNMATCHED).aggregate(
        count=Count("id"), total=Sum("amount")
    )
    return row["count"], row["total"] or ZERO
