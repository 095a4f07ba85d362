"""Reads of permits and the meters out: the lists, a permit's page, and the panels' data."""

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from district.approvals.models import ApprovalRequest
from hydrants.models import HydrantPermit, MeterIssue
from hydrants.permits import rules

Status = HydrantPermit.Status
WATCH_DAYS = 30
# Permits whose insurance matters: waiting, approved, or with a meter out.
INSURED_STATUSES = (Status.PENDING_APPROVAL, Status.APPROVED, Status.ACTIVE)


def _today() -> datetime.date:
    return timezone.localdate()


def permit_list() -> QuerySet:
    return HydrantPermit.objects.select_related("account__customer", "hydrant")


def permit_for_page(permit_id) -> HydrantPermit:
    return HydrantPermit.objects.select_related(
        "account__customer",
        "hydrant",
        "deposit",
        "renewal_of",
        "operations_approval__decided_by",
        "fire_approval__decided_by",
        "created_by",
    ).get(pk=permit_id)


@dataclass(frozen=True)
class ApprovalRow:
    label: str
    request: ApprovalRequest | None

    @property
    def state(self) -> str:
        if self.request is None:
            return "Not asked yet"
        return self.request.get_status_display()


def permit_approvals(permit: HydrantPermit) -> list[ApprovalRow]:
    rows = [ApprovalRow("Water operations", permit.operations_approval)]
    if permit.fire_department_required:
        rows.append(ApprovalRow("Fire department", permit.fire_approval))
    return rows


def permit_open_issue(permit: HydrantPermit) -> MeterIssue | None:
    return (
        MeterIssue.objects.filter(permit=permit, returned_at__isnull=True)
        .select_related("meter", "issued_by")
        .first()
    )


def permit_issues(permit: HydrantPermit) -> list[MeterIssue]:
    return list(MeterIssue.objects.filter(permit=permit).select_related("meter", "issued_by"))


@dataclass(frozen=True)
class MeterOut:
    issue: MeterIssue
    days_out: int


def meters_out(*, account_id: int | None = None) -> list[MeterOut]:
    """Every meter out on a permit, longest out first, with its contractor (one query)."""
    issues = (
        MeterIssue.objects.filter(returned_at__isnull=True)
        .select_related("meter", "permit__account__customer", "permit__hydrant")
        .order_by("issued_at", "id")
    )
    if account_id is not None:
        issues = issues.filter(permit__account_id=account_id)
    today = _today()
    return [
        MeterOut(issue, (today - timezone.localtime(issue.issued_at).date()).days)
        for issue in issues
    ]


def permits_expiring(*, within_days: int = WATCH_DAYS) -> QuerySet:
    """Approved or active permits that end within the days (or ended and are still open)."""
    return (
        permit_list()
        .filter(
            status__in=(Status.APPROVED, Status.ACTIVE),
            ends_on__lte=_today() + datetime.timedelta(days=within_days),
        )
        .order_by("ends_on", "id")
    )


def insurance_expiring(*, within_days: int = WATCH_DAYS) -> QuerySet:
    """Open permits whose insurance expires within the days (or has expired)."""
    return (
        permit_list()
        .filter(
            status__in=INSURED_STATUSES,
            insurance_expires_on__lte=_today() + datetime.timedelta(days=within_days),
        )
        .order_by("insurance_expires_on", "id")
    )


def permits_awaiting_approval() -> QuerySet:
    return permit_list().filter(status=Status.PENDING_APPROVAL).order_by("submitted_at", "id")


def account_permits(account_id: int) -> list[HydrantPermit]:
    """A contractor's permits, open ones first, then the latest (one query)."""
    return list(
        HydrantPermit.objects.filter(account_id=account_id)
        .select_related("hydrant")
        .order_by("-starts_on", "-id")[:20]
    )


def permit_payment_state(permit: HydrantPermit) -> dict:
    """For the permit's page: charged yet, and what the account still owes."""
    charged = permit.fee_journal_id is not None and permit.deposit_id is not None
    return {
        "charged": charged,
        "owed": rules.amount_owed(permit) if charged else None,
    }
