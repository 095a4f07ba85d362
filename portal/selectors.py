"""Reads of the customer portal: the accounts a signed-in customer may see, and nothing else."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.db.models import Exists, QuerySet
from django.http import Http404
from django.utils.translation import gettext

from accounts.models import ServiceAccount
from billing.documents.explain import LEAK_ORDER_TYPES, OPEN_ORDER_STATUSES
from billing.documents.portal_selectors import PORTAL_STATUSES
from billing.models import Bill, BillException
from district.ledger.models import Journal, JournalLine
from district.ledger.selectors import RECEIVABLE_PURPOSE, account_balances
from district.queues.registry import count_and_oldest
from district.registers.svg import bar_chart
from field_ops.models import WorkOrder
from portal.service_requests.models import ServiceRequest


def linked_accounts(user) -> QuerySet[ServiceAccount]:
    """The service accounts this login holds, by account number.

    A login waiting for its e-mail address to be verified (an online enrolment) holds nothing
    yet; a login with no address on record (linked by staff) is not waiting for anything.
    """
    waiting = EmailAddress.objects.filter(user_id=user.pk, verified=False)
    verified = EmailAddress.objects.filter(user_id=user.pk, verified=True)
    return (
        ServiceAccount.objects.filter(portal_links__user=user)
        .filter(~Exists(waiting) | Exists(verified))
        .select_related("customer", "premise")
        .order_by("number")
    )


def access_account(user, account_id) -> ServiceAccount:
    """One of this login's accounts; any other account (or none) answers 404, never 403, so a
    customer cannot learn that someone else's account number exists."""
    account = linked_accounts(user).filter(pk=account_id).first()
    if account is None:
        raise Http404("No such account.")
    return account


# -- what the customer's pages read ------------------------------------------------------------
# Money is read from the ledger's balance table on every request, never from a cache.

USAGE_PERIODS = 12  # the chart shows the last year of bills
LAST_YEAR_TOLERANCE_DAYS = 20  # as billing's bill explanation: a period ending within 20 days


@dataclass(frozen=True)
class Notice:
    kind: str  # "high_use" or "leak"
    title: str
    text: str


@dataclass
class AccountSummary:
    account: ServiceAccount
    balance: Decimal
    latest_bill: Bill | None
    last_payment: JournalLine | None
    notices: list[Notice] = field(default_factory=list)

    @property
    def due_date(self):
        return self.latest_bill.due_date if self.latest_bill and self.balance > 0 else None


def _latest_bills(account_ids: list[int]) -> dict[int, Bill]:
    """Each account's newest posted bill (one query)."""
    bills = (
        # Newest by period, read off the posted-bill history index (account, -period_end, -id).
        Bill.objects.filter(account_id__in=account_ids, status=Bill.Status.POSTED)
        .order_by("account_id", "-period_end", "-id")
        .distinct("account_id")
    )
    return {bill.account_id: bill for bill in bills}


def _last_payments(account_ids: list[int]) -> dict[int, JournalLine]:
    """Each account's latest payment as its receivable credit line (one query)."""
    lines = (
        JournalLine.objects.filter(
            service_account_id__in=account_ids,
            gl_account__purpose=RECEIVABLE_PURPOSE,
            journal__kind=Journal.Kind.PAYMENT,
            amount__lt=0,
        )
        .order_by("service_account_id", "-effective_date", "-id")
        .distinct("service_account_id")
    )
    return {line.service_account_id: _paid(line) for line in lines}


def _paid(line: JournalLine) -> JournalLine:
    """The amount paid as customers read it: a positive number (a credit on the receivable)."""
    line.paid = -line.amount
    return line


def _notices(accounts: list[ServiceAccount], latest: dict[int, Bill]) -> dict[int, list[Notice]]:
    """High use flagged by the bill audit on the latest bill, and open leak investigations at
    the service address (two queries)."""
    notices: dict[int, list[Notice]] = {account.pk: [] for account in accounts}
    high = set(
        BillException.objects.filter(
            bill_id__in=[bill.pk for bill in latest.values()], kind=BillException.Kind.HIGH_USE
        )
        .order_by()  # the model's ordering by run would join the runs for nothing
        .values_list("account_id", flat=True)
    )
    for account_id in high:
        notices[account_id].append(
            Notice(
                "high_use",
                gettext("Your water use is higher than usual"),
                gettext(
                    "Your latest bill shows more water than you usually use. A running toilet "
                    "or a leak in the yard is the common cause: see why your bill is high."
                ),
            )
        )
    leaking = set(
        WorkOrder.objects.filter(
            premise_id__in=[account.premise_id for account in accounts],
            order_type__in=LEAK_ORDER_TYPES,
            status__in=OPEN_ORDER_STATUSES,
        ).values_list("premise_id", flat=True)
    )
    for account in accounts:
        if account.premise_id in leaking:
            notices[account.pk].append(
                Notice(
                    "leak",
                    gettext("Possible leak"),
                    gettext(
                        "We are checking your service for a possible leak. A field technician "
                        "will visit; call us if you see water where it should not be."
                    ),
                )
            )
    return notices


def account_summaries(accounts: list[ServiceAccount]) -> list[AccountSummary]:
    """Balance, due date, latest bill, last payment and notices of each account (five queries
    whatever the number of accounts)."""
    ids = [account.pk for account in accounts]
    if not ids:
        return []
    balances = account_balances(ids)
    latest = _latest_bills(ids)
    payments = _last_payments(ids)
    notices = _notices(accounts, latest)
    return [
        AccountSummary(
            account=account,
            balance=balances[account.pk],
            latest_bill=latest.get(account.pk),
            last_payment=payments.get(account.pk),
            notices=notices[account.pk],
        )
        for account in accounts
    ]


def account_bills(account: ServiceAccount, *, limit: int = 24) -> list[Bill]:
    """The account's issued bills, newest first (one query)."""
    return list(
        Bill.objects.filter(account_id=account.pk, status__in=PORTAL_STATUSES).order_by(
            "-bill_date", "-id"
        )[:limit]
    )


def account_payments(account: ServiceAccount, *, limit: int = 12) -> list[JournalLine]:
    """The account's payments (receivable credits of payment journals), newest first."""
    lines = JournalLine.objects.filter(
        service_account_id=account.pk,
        gl_account__purpose=RECEIVABLE_PURPOSE,
        journal__kind=Journal.Kind.PAYMENT,
    ).order_by("-effective_date", "-id")[:limit]
    return [_paid(line) for line in lines]


@dataclass(frozen=True)
class UsagePeriod:
    period_start: datetime.date
    period_end: datetime.date
    consumption_hcf: Decimal
    last_year_hcf: Decimal | None  # the same period a year before, if billed

    @property
    def label(self) -> str:
        return f"{self.period_end:%m/%Y}"

    @property
    def change_percent(self) -> int | None:
        if not self.last_year_hcf:
            return None
        return int(round((self.consumption_hcf - self.last_year_hcf) * 100 / self.last_year_hcf))


def usage_by_period(bills: list[Bill], *, periods: int = USAGE_PERIODS) -> list[UsagePeriod]:
    """Water use of the latest regular posted bills, oldest first, each beside the bill whose
    period ended about a year before (no query: reads the bills given, newest first)."""
    posted = [bill for bill in bills if bill.status == Bill.Status.POSTED]
    rows = []
    for bill in posted[:periods]:
        year_before = bill.period_end - datetime.timedelta(days=365)
        match = next(
            (
                other
                for other in posted
                if abs((other.period_end - year_before).days) <= LAST_YEAR_TOLERANCE_DAYS
            ),
            None,
        )
        rows.append(
            UsagePeriod(
                bill.period_start,
                bill.period_end,
                bill.consumption,
                match.consumption if match else None,
            )
        )
    return list(reversed(rows))


def usage_chart(rows: list[UsagePeriod]):
    """The usage rows as an inline SVG bar chart (this year and the same period last year)."""
    series = [(gettext("Water used (HCF)"), [row.consumption_hcf for row in rows])]
    if any(row.last_year_hcf is not None for row in rows):
        series.append((gettext("Same period last year"), [row.last_year_hcf or 0 for row in rows]))
    return bar_chart(gettext("Water use by billing period"), [row.label for row in rows], series)


def requests_of(account: ServiceAccount) -> list[ServiceRequest]:
    return list(
        ServiceRequest.objects.filter(service_account=account).order_by("-requested_at")[:10]
    )


def waiting_requests() -> QuerySet[ServiceRequest]:
    """The CSRs' queue: open online requests, oldest first, with their accounts."""
    return (
        ServiceRequest.objects.filter(status__in=ServiceRequest.OPEN_STATUSES)
        .select_related("service_account__customer", "service_account__premise", "requested_by")
        .order_by("requested_at", "id")
    )


def requests_waiting_count_and_oldest():
    """The queue's count and the time its oldest request has waited since (one query)."""
    return count_and_oldest(
        ServiceRequest.objects.filter(status=ServiceRequest.Status.WAITING), "requested_at"
    )
