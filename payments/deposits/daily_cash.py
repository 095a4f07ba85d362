"""The daily cash report: a business day's receipts cut every way finance asks, and its books.

Receipts are the payments whose effective date is the day, voided ones left out (they are
listed under Voids instead), so every receipts grouping (tender, drawer, cashier, channel)
adds up to the same net total. The GL section sums the day's journal lines of the kinds that
cashiering posts: payments, reversals of payments (voids), over/short and bank deposits.

Rendered three ways from the same data: the HTML page, a CSV and a PDF.
"""

import csv
import io
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone

from district.ledger.models import Journal, JournalLine
from district.money import ZERO
from district.pdf import document_html, html_pdf
from payments.models import BankDeposit, DrawerSession, Payment, PaymentVoid, Tender

PDF_TEMPLATE = "payments/deposits/daily_cash_pdf.html"
NO_DRAWER = "No drawer (mail and file batches)"


@dataclass(frozen=True)
class Row:
    label: str
    count: int
    amount: Decimal


@dataclass(frozen=True)
class GlRow:
    code: str
    name: str
    debit: Decimal
    credit: Decimal

    @property
    def net(self) -> Decimal:
        return self.debit - self.credit


@dataclass
class Group:
    key: str  # the CSV's group column
    title: str
    rows: list[Row]

    @property
    def count(self) -> int:
        return sum(row.count for row in self.rows)

    @property
    def total(self) -> Decimal:
        return sum((row.amount for row in self.rows), ZERO)


@dataclass
class DailyCash:
    day: date
    groups: list[Group]  # receipts by tender, drawer, cashier, channel
    voids: list[PaymentVoid]
    over_short: list[DrawerSession]
    deposits: list[BankDeposit]
    gl: list[GlRow]
    totals: dict = field(default_factory=dict)


def _name(first: str, last: str, username: str) -> str:
    return f"{first} {last}".strip() or username


def _receipts(day: date):
    return Payment.objects.filter(effective_date=day, void__isnull=True)


def _tender_rows(day: date) -> list[Row]:
    labels = dict(Tender.Kind.choices)
    by_kind = {
        kind: (count, total)
        for kind, count, total in Tender.objects.filter(
            payment__effective_date=day, payment__void__isnull=True
        )
        .values_list("kind")
        .annotate(count=Count("id"), total=Sum("amount"))
        .values_list("kind", "count", "total")
    }
    return [Row(labels[kind], *by_kind.get(kind, (0, ZERO))) for kind in Tender.Kind.values]


def _drawer_rows(day: date) -> list[Row]:
    return [
        Row(name or NO_DRAWER, count, total)
        for name, count, total in _receipts(day)
        .values_list("session__drawer__name")
        .annotate(count=Count("id"), total=Sum("total"))
        .order_by("session__drawer__name")
        .values_list("session__drawer__name", "count", "total")
    ]


def _cashier_rows(day: date) -> list[Row]:
    names = ("taken_by__first_name", "taken_by__last_name", "taken_by__username")
    return [
        Row(_name(first, last, username), count, total)
        for first, last, username, count, total in _receipts(day)
        .values_list(*names)
        .annotate(count=Count("id"), total=Sum("total"))
        .order_by("taken_by__last_name", "taken_by__first_name", "taken_by__username")
        .values_list(*names, "count", "total")
    ]


def _channel_rows(day: date) -> list[Row]:
    labels = dict(Payment.Channel.choices)
    by_channel = {
        channel: (count, total)
        for channel, count, total in _receipts(day)
        .values_list("channel")
        .annotate(count=Count("id"), total=Sum("total"))
        .values_list("channel", "count", "total")
    }
    return [
        Row(labels[channel], *by_channel.get(channel, (0, ZERO)))
        for channel in Payment.Channel.values
    ]


def _gl_rows(day: date) -> list[GlRow]:
    """The day's cashiering journals summed by GL account: payments and their voids (the
    reversals of payments), over/short and bank deposits."""
    cashiering = Q(
        journal__kind__in=[Journal.Kind.PAYMENT, Journal.Kind.OVER_SHORT, Journal.Kind.BANK_DEPOSIT]
    ) | Q(journal__kind=Journal.Kind.REVERSAL, journal__reverses__kind=Journal.Kind.PAYMENT)
    return [
        GlRow(code, name, debit or ZERO, credit or ZERO)
        for code, name, debit, credit in JournalLine.objects.filter(effective_date=day)
        .filter(cashiering)
        .values_list("gl_account__code", "gl_account__name")
        .annotate(
            debit=Sum("amount", filter=Q(amount__gt=0)),
            credit=-Sum("amount", filter=Q(amount__lt=0)),
        )
        .order_by("gl_account__code")
        .values_list("gl_account__code", "gl_account__name", "debit", "credit")
    ]


def _totals(report: DailyCash) -> dict:
    net = report.groups[0].total
    voided = sum((void.payment.total for void in report.voids), ZERO)

    def over_short(state) -> Decimal:
        return sum((s.over_short for s in report.over_short if s.over_short_state == state), ZERO)

    return {
        "receipts": net,
        "receipt_count": report.groups[3].count,
        "voids": voided,
        "void_count": len(report.voids),
        "gross": net + voided,
        "over_short_posted": over_short(DrawerSession.OverShort.POSTED),
        "over_short_pending": over_short(DrawerSession.OverShort.PENDING),
        "deposited": sum((deposit.total for deposit in report.deposits), ZERO),
        "gl_debit": sum((row.debit for row in report.gl), ZERO),
        "gl_credit": sum((row.credit for row in report.gl), ZERO),
    }


def daily_cash(day: date) -> DailyCash:
    """The report's data for one business day (9 queries, whatever the day's volume)."""
    report = DailyCash(
        day=day,
        groups=[
            Group("tender", "Receipts by tender", _tender_rows(day)),
            Group("drawer", "Receipts by drawer", _drawer_rows(day)),
            Group("cashier", "Receipts by cashier", _cashier_rows(day)),
            Group("channel", "Receipts by channel", _channel_rows(day)),
        ],
        voids=list(
            PaymentVoid.objects.filter(payment__effective_date=day)
            .select_related("payment__session__drawer", "payment__taken_by")
            .order_by("payment__received_at", "id")
        ),
        over_short=list(
            DrawerSession.objects.filter(business_date=day, status=DrawerSession.Status.CLOSED)
            .exclude(over_short=0)
            .select_related("drawer", "cashier")
            .order_by("drawer__name", "id")
        ),
        deposits=list(
            BankDeposit.objects.filter(business_date=day)
            .select_related("prepared_by")
            .order_by("prepared_at", "id")
        ),
        gl=_gl_rows(day),
    )
    report.totals = _totals(report)
    return report


# -- CSV ---------------------------------------------------------------------------------------

# One long table, so a spreadsheet filters it by its first column:
#   group, label, count, amount, debit, credit
# group is tender / drawer / cashier / channel (receipts, voids excluded), void (one row per
# voided receipt), over_short (one row per drawer off), deposit (one row per deposit) or gl
# (one row per GL account: debit and credit columns, amount = debit - credit). Each receipts
# group ends with a "Total" row. Amounts are plain decimals (1234.50), no $ or commas.
CSV_HEADER = ["group", "label", "count", "amount", "debit", "credit"]


def daily_cash_csv(report: DailyCash) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for group in report.groups:
        for row in group.rows:
            writer.writerow([group.key, row.label, row.count, row.amount, "", ""])
        writer.writerow([group.key, "Total", group.count, group.total, "", ""])
    for void in report.voids:
        writer.writerow(
            ["void", f"Receipt {void.payment.receipt_number}", 1, void.payment.total, "", ""]
        )
    for session in report.over_short:
        writer.writerow(
            [
                "over_short",
                f"Drawer {session.drawer} ({session.get_over_short_state_display()})",
                1,
                session.over_short,
                "",
                "",
            ]
        )
    for deposit in report.deposits:
        writer.writerow(["deposit", f"Deposit {deposit.pk}", 1, deposit.total, "", ""])
    for row in report.gl:
        writer.writerow(["gl", f"{row.code} {row.name}", "", row.net, row.debit, row.credit])
    return out.getvalue()


# -- PDF ---------------------------------------------------------------------------------------


def daily_cash_html(report: DailyCash) -> str:
    return document_html(PDF_TEMPLATE, {"report": report, "printed_at": timezone.localtime()})


def daily_cash_pdf(report: DailyCash) -> bytes:
    return html_pdf(daily_cash_html(report))
