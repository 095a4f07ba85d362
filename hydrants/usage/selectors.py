"""Reads of hydrant meter usage: the meters out, one issue's reads and bills, the overdue reads
list and the deposits held (with the ledger's figure beside them). Query counts are fixed."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Exists, OuterRef, Prefetch, Subquery
from django.http import Http404
from django.utils import timezone

from accounts.deposits.selectors import HELD, deposits_held
from accounts.models import Deposit
from district.money import ZERO
from district.policies import policy_value
from hydrants.models import (
    HydrantBill,
    HydrantInspection,
    HydrantPermit,
    HydrantRead,
    MeterIssue,
)
from hydrants.usage.pricing import month_first, month_last
from hydrants.usage.reference_data import READ_DUE_DAY_KEY

ISSUE_RELATED = ("permit__account__customer", "permit__hydrant", "meter")


def _with_last_read(issues):
    latest = HydrantRead.objects.filter(issue=OuterRef("pk")).order_by("-read_on", "-id")
    return issues.annotate(
        last_read_on=Subquery(latest.values("read_on")[:1]),
        last_reading=Subquery(latest.values("reading")[:1]),
    )


def meters_out() -> list[MeterIssue]:
    """Every meter out on a permit, with its last read (one query)."""
    return list(
        _with_last_read(
            MeterIssue.objects.filter(returned_at__isnull=True).select_related(*ISSUE_RELATED)
        ).order_by("permit__number", "pk")
    )


def issues_to_finish() -> list[MeterIssue]:
    """Returned meters of permits not settled yet (inspection, final bill, settlement)."""
    return list(
        MeterIssue.objects.filter(
            returned_at__isnull=False, permit__status=HydrantPermit.Status.RETURNED
        )
        .select_related(*ISSUE_RELATED)
        .order_by("returned_at", "pk")
    )


@dataclass(frozen=True)
class IssueUsage:
    issue: MeterIssue
    reads: list[HydrantRead]
    bills: list[HydrantBill]
    inspection: HydrantInspection | None


def issue_usage(issue_id: int) -> IssueUsage:
    """One issue with its permit, reads, bills and inspection (with its photos), in five
    queries; MeterIssue.DoesNotExist if none."""
    issue = (
        MeterIssue.objects.select_related(*ISSUE_RELATED)
        .prefetch_related(
            Prefetch("reads", queryset=HydrantRead.objects.select_related("entered_by")),
            Prefetch("bills", queryset=HydrantBill.objects.order_by("period_start", "id")),
        )
        .get(pk=issue_id)
    )
    inspection = (
        HydrantInspection.objects.select_related("inspected_by")
        .prefetch_related("photos")
        .filter(issue_id=issue_id)
        .first()
    )
    return IssueUsage(issue, list(issue.reads.all()), list(issue.bills.all()), inspection)


def read_due_date(today: datetime.date, due_day: int | None = None) -> datetime.date:
    """This month's due day for reads (policy "hydrant-read-due-day", at most the last day)."""
    if due_day is None:
        due_day = int(policy_value(READ_DUE_DAY_KEY))
    return today.replace(day=max(1, min(due_day, month_last(today).day)))


def last_due_date(today: datetime.date) -> datetime.date:
    """The latest due day already passed: this month's once it is over, else last month's."""
    due_day = int(policy_value(READ_DUE_DAY_KEY))
    due_on = read_due_date(today, due_day)
    if today > due_on:
        return due_on
    return read_due_date(month_first(today) - datetime.timedelta(days=1), due_day)


@dataclass(frozen=True)
class OverdueRead:
    issue: MeterIssue
    due_on: datetime.date
    last_read_on: datetime.date | None


def overdue_reads(today: datetime.date | None = None) -> list[OverdueRead]:
    """Meters out with no read in the month of the latest due day passed (this month's once
    its due day is over, before that last month's); a meter that went out after that due day
    is not due yet. One query."""
    today = today or timezone.localdate()
    due_on = last_due_date(today)
    first = month_first(due_on)
    issues = (
        _with_last_read(
            MeterIssue.objects.filter(
                returned_at__isnull=True,
                permit__status=HydrantPermit.Status.ACTIVE,
                issued_at__date__lte=due_on,
            ).select_related(*ISSUE_RELATED)
        )
        .annotate(
            read_that_month=Exists(
                HydrantRead.objects.filter(
                    issue=OuterRef("pk"), read_on__range=(first, month_last(due_on))
                )
            )
        )
        .order_by("permit__number", "pk")
    )
    return [
        OverdueRead(issue, due_on, issue.last_read_on)
        for issue in issues
        if not issue.read_that_month
    ]


@dataclass(frozen=True)
class DepositRow:
    permit: HydrantPermit
    deposit: Deposit
    books: Decimal  # what the ledger holds in customer deposits for the permit's account


@dataclass(frozen=True)
class DepositsHeld:
    rows: list[DepositRow]
    total: Decimal  # the deposits of the open permits
    books_total: Decimal  # the ledger's customer deposits of their accounts

    @property
    def matches(self) -> bool:
        return self.total == self.books_total


def hydrant_deposits_held() -> DepositsHeld:
    """The deposits the open hydrant permits hold, and the ledger's customer deposits of their
    accounts (three queries). A renewal shares its first permit's deposit: counted once."""
    open_statuses = (*HydrantPermit.OPEN_STATUSES, HydrantPermit.Status.RETURNED)
    permits = list(
        HydrantPermit.objects.filter(status__in=open_statuses, deposit__isnull=False)
        .filter(deposit__in=Deposit.objects.filter(HELD))
        .select_related("account__customer", "deposit", "hydrant")
        .order_by("number")
    )
    books = deposits_held({permit.account_id for permit in permits})
    rows, seen = [], set()
    total = ZERO
    for permit in permits:
        if permit.deposit_id in seen:
            continue
        seen.add(permit.deposit_id)
        total += permit.deposit.amount
        rows.append(DepositRow(permit, permit.deposit, books[permit.account_id]))
    return DepositsHeld(rows, total, sum(books.values(), ZERO))


# -- the contractor's own meters (customer portal)


def contractor_meters_out(user) -> list[MeterIssue]:
    """The signed-in contractor's meters out, with their last read (one query)."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        _with_last_read(
            MeterIssue.objects.filter(
                returned_at__isnull=True, permit__account__portal_links__user=user
            ).select_related(*ISSUE_RELATED)
        ).order_by("permit__number", "pk")
    )


def access_contractor_issue(user, issue_id: int) -> MeterIssue:
    """The contractor's own meter out, or Http404 (not theirs, or not out)."""
    issue = next((issue for issue in contractor_meters_out(user) if issue.pk == issue_id), None)
    if issue is None:
        raise Http404("No such meter.")
    return issue
