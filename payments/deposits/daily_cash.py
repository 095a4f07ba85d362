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

import weasyprint
from django.conf import settings
from django.db.models import Count, Q, Sum
from django.template.loader import render_to_string
from django.utils import timezone

from district.ledger.models import Journal, JournalLine
from district.money import ZERO
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


def daily_cash(day: date) -> DailyCash:
    """The report's data for one business day (9 queries, whatever the day's volume)."""
    tender_labels = dict(Tender.Kind.choices)
    by_kind = {
        kind: (count, total)
        for kind, count, total in Tender.objects.filter(
            payment__effective_date=day, payment__void__isnull=True
        )
        .values_list("kind")
        .annotate(count=Count("id"), total=Sum("amount"))
        .values_list("kind", "count", "total")
    }
    tenders = [
        Row(tender_labels[kind], *by_kind.get(kind, (0, ZERO))) for kind in Tender.Kind.values
    ]
    drawers = [
        Row(name or NO_DRAWER, count, total)
        for name, count, total in _receipts(day)
        .values_list("session__drawer__name")
        .annotate(count=Count("id"), total=Sum("total"))
        .order_by("session__drawer__name")
        .values_list("session__drawer__name", "count", "total")
    ]
    cashiers = [
        Row(_name(first, last, username), count, total)
        for first, last, username, count, total in _receipts(day)
        .values_list("taken_by__first_name", "taken_by__last_name", "taken_by__username")
        .annotate(count=Count("id"), total=Sum("total"))
        .order_by("taken_by__last_name", "taken_by__first_name", "taken_by__username")
        .values_list(
            "taken_by__first_name", "taken_by__last_name", "taken_by__username", "count", "total"
        )
    ]
    channel_labels = dict(Payment.Channel.choices)
    by_channel = {
        channel: (count, total)
        for channel, count, total in _receipts(day)
        .values_list("channel")
        .annotate(count=Count("id"), total=Sum("total"))
        .values_list("channel", "count", "total")
    }
    channels = [
        Row(channel_labels[channel], *by_channel.get(channel, (0, ZERO)))
        for channel in Payment.Channel.values
    ]
    voids = list(
        PaymentVoid.objects.filter(payment__effective_date=day)
        .select_related("payment__session__drawer", "payment__taken_by")
        .order_by("payment__received_at", "id")
    )
    over_short = list(
        DrawerSession.objects.filter(business_date=day, status=DrawerSession.Status.CLOSED)
        .exclude(over_short=0)
        .select_related("drawer", "cashier")
        .order_by("drawer__name", "id")
    )
    deposits = list(
        BankDeposit.objects.filter(business_date=day)
        .select_related("prepared_by")
        .order_by("prepared_at", "id")
    )
    gl = [
        GlRow(code, name, debit or ZERO, credit or ZERO)
        for code, name, debit, credit in JournalLine.objects.filter(effective_date=day)
        .filter(
            Q(
                journal__kind__in=[
                    Journal.Kind.PAYMENT,
                    Journal.Kind.OVER_SHORT,
                    Journal.Kind.BANK_DEPOSIT,
                ]
            )
            | Q(journal__kind=Journal.Kind.REVERSAL, journal__reverses__kind=Journal.Kind.PAYMENT)
        )
        .values_list("gl_account__code", "gl_account__name")
        .annotate(
            debit=Sum("amount", filter=Q(amount__gt=0)),
            credit=-Sum("amount", filter=Q(amount__lt=0)),
        )
        .order_by("gl_account__code")
        .values_list("gl_account__code", "gl_account__name", "debit", "credit")
    ]
    groups = [
        Group("tender", "Receipts by tender", tenders),
        Group("drawer", "Receipts by drawer", drawers),
        Group("cashier", "Receipts by cashier", cashiers),
        Group("channel", "Receipts by channel", channels),
    ]
    net = groups[0].total
    voided = sum((void.payment.total for void in voids), ZERO)
    return DailyCash(
        day=day,
        groups=groups,
        voids=voids,
        over_short=over_short,
        deposits=deposits,
        gl=gl,
        totals={
            "receipts": net,
            "receipt_count": groups[3].count,
            "voids": voided,
            "void_count": len(voids),
            "gross": net + voided,
            "over_short_posted": sum(
                (s.over_short for s in over_short if s.over_short_state == "posted"), ZERO
            ),
            "over_short_pending": sum(
                (s.over_short for s in over_short if s.over_short_state == "pending"), ZERO
            ),
            "deposited": sum((deposit.total for deposit in deposits), ZERO),
            "gl_debit": sum((row.debit for row in gl), ZERO),
            "gl_credit": sum((row.credit for row in gl), ZERO),
        },
    )


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
    return render_to_string(
        PDF_TEMPLATE,
        {
            "report": report,
            "district_name": settings.DISTRICT_NAME,
            "district_address": settings.DISTRICT_ADDRESS,
            "printed_at": timezone.localtime(),
        },
    )


def daily_cash_pdf(report: DailyCash) -> bytes:
    # Styles are inside the document; a tagged PDF/UA-1 with its language and title.
    return weasyprint.HTML(
        string=daily_cash_html(report), base_url=str(settings.BASE_DIR)
    ).write_pdf(pdf_variant="pdf/ua-1")
