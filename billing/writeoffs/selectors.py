"""Reads of write-offs: the proposal list, the write-offs list, the account panel, what the next
agency file holds. Each is a fixed number of queries whatever the number of rows."""

import datetime
import importlib
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Exists, Max, OuterRef, Subquery
from django.utils import timezone

from accounts.models import ServiceAccount
from billing.models import Bill
from billing.writeoffs.models import LIVE_STATUSES, AgencyExport, WriteOff, WriteOffRecovery
from district.ledger.models import AccountBalance, Journal, JournalLine
from district.ledger.purposes import Purpose
from district.policies import policy_value
from district.roles import Perm

AGE_POLICY = "write-off-age-days"
LIMIT_POLICY = "write-off-limit"
# The proposal and write-off lists show the oldest this many (a page a supervisor works through).
LIST_ROWS = 200
PANEL_ROWS = 5
ENDED = (ServiceAccount.Status.FINAL, ServiceAccount.Status.CLOSED)


# -- payment arrangements (billing.arrangements, built alongside) -----------------------------

ARRANGEMENTS_SELECTORS = "billing.arrangements.selectors"


def accounts_on_arrangement(account_ids: list[int]) -> tuple[set[int], bool]:
    """(the accounts among these with an active payment arrangement, whether arrangements could
    be checked at all). Looked up by name at call time: the arrangements area is a sibling
    built at the same time, and until it has its selector no account counts as on one."""
    try:
        module = importlib.import_module(ARRANGEMENTS_SELECTORS)
        selector = module.accounts_with_active_arrangement
    except (ImportError, AttributeError):
        return set(), False
    if not account_ids:
        return set(), True
    found = selector(account_ids)
    return {getattr(item, "pk", item) for item in found}, True


# -- proposals ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Proposal:
    account: ServiceAccount  # with its customer
    bill_id: int
    bill_kind: str
    bill_date: datetime.date
    due_date: datetime.date
    age_days: int  # days since the bill's due date
    balance: Decimal
    last_payment_date: datetime.date | None

    @property
    def is_final_bill(self) -> bool:
        return self.bill_kind == Bill.Kind.FINAL


@dataclass(frozen=True)
class Proposals:
    rows: list[Proposal]
    age_days: int
    arrangements_checked: bool
    more: bool  # more accounts qualify than the page shows


def _last_bill(field: str):
    """A subquery of the account's last posted bill (the final bill of an ended account, or
    its corrected replacement; for an account closed without one, its last regular bill)."""
    bills = Bill.objects.filter(account=OuterRef("pk"), status=Bill.Status.POSTED).order_by(
        "-period_end", "-id"
    )
    return Subquery(bills.values(field)[:1])


def last_payment_dates(account_ids: list[int]) -> dict[int, datetime.date]:
    """{account id: the effective date of its last payment} (one query)."""
    if not account_ids:
        return {}
    rows = (
        JournalLine.objects.filter(
            service_account_id__in=account_ids,
            journal__kind=Journal.Kind.PAYMENT,
            gl_account__purpose=Purpose.AR_CUSTOMERS,
            amount__lt=0,
        )
        .values("service_account_id")
        .annotate(last=Max("effective_date"))
    )
    return {row["service_account_id"]: row["last"] for row in rows}


def write_off_proposals(*, today: datetime.date | None = None, limit: int = LIST_ROWS) -> Proposals:
    """Ended accounts (final or closed) still owing more than `write-off-age-days` after their
    last bill's due date, not written off (nor asked to be), not on a payment arrangement;
    oldest first. Four queries: the policy, the accounts, arrangements, last payments."""
    today = today or timezone.localdate()
    age_days = policy_value(AGE_POLICY)
    # Older than the policy: due before (today - age), so the day the age is reached is not yet.
    due_before = today - datetime.timedelta(days=age_days)
    accounts = (
        ServiceAccount.objects.filter(status__in=ENDED)
        .annotate(
            # The AccountBalance cache that district.ledger.selectors.account_balances reads,
            # filtered here in SQL so the ended accounts at zero are never fetched.
            owed=Subquery(
                AccountBalance.objects.filter(service_account_id=OuterRef("pk")).values("balance")[
                    :1
                ]
            ),
            bill_id=_last_bill("pk"),
            bill_kind=_last_bill("kind"),
            bill_date=_last_bill("bill_date"),
            due_date=_last_bill("due_date"),
            written_off=Exists(
                WriteOff.objects.filter(account=OuterRef("pk"), status__in=LIVE_STATUSES)
            ),
        )
        .filter(owed__gt=0, due_date__lt=due_before, written_off=False)
        .select_related("customer")
        .order_by("due_date", "number")
    )
    found = list(accounts[: limit + 1])
    more = len(found) > limit
    found = found[:limit]
    on_arrangement, checked = accounts_on_arrangement([account.pk for account in found])
    found = [account for account in found if account.pk not in on_arrangement]
    payments = last_payment_dates([account.pk for account in found])
    rows = [
        Proposal(
            account=account,
            bill_id=account.bill_id,
            bill_kind=account.bill_kind,
            bill_date=account.bill_date,
            due_date=account.due_date,
            age_days=(today - account.due_date).days,
            balance=account.owed,
            last_payment_date=payments.get(account.pk),
        )
        for account in found
    ]
    return Proposals(rows=rows, age_days=age_days, arrangements_checked=checked, more=more)


def last_bill(account_id: int) -> Bill | None:
    return (
        Bill.objects.filter(account_id=account_id, status=Bill.Status.POSTED)
        .order_by("-period_end", "-id")
        .first()
    )


# -- write-offs ---------------------------------------------------------------------------------


def write_offs(*, status: str = "", limit: int = LIST_ROWS) -> list[WriteOff]:
    """The latest write-offs (of one status, if given) with account, people and export."""
    found = WriteOff.objects.select_related(
        "account__customer", "requested_by", "approved_by", "agency_export"
    )
    if status:
        found = found.filter(status=status)
    return list(found.order_by("-created_at", "-id")[:limit])


def account_write_offs(account_id: int, *, limit: int | None = None) -> list[WriteOff]:
    found = WriteOff.objects.filter(account_id=account_id).select_related(
        "requested_by", "approved_by", "agency_export"
    )
    found = found.order_by("-created_at", "-id")
    return list(found[:limit] if limit else found)


def account_panel(request, *, account, **_context) -> dict:
    """The account page's "Write-offs" panel (one query)."""
    return {
        "write_offs": account_write_offs(account.pk, limit=PANEL_ROWS),
        "can_see_list": request.user.has_perm(Perm.VIEW_REPORTS),
    }


# -- the collection agency's next file ----------------------------------------------------------


def unsent_placements():
    """Posted write-offs the agency has not had (a queryset, oldest first)."""
    return (
        WriteOff.objects.filter(status=WriteOff.Status.POSTED, agency_export__isnull=True)
        .select_related("account__customer", "account__stop", "final_bill")
        .order_by("posted_at", "id")
    )


def unsent_recoveries():
    """Recoveries of write-offs the agency already has, not told yet (a queryset, oldest first)."""
    return (
        WriteOffRecovery.objects.filter(
            agency_export__isnull=True, write_off__agency_export__isnull=False
        )
        .select_related("write_off__account__customer", "write_off__account__stop")
        .select_related("write_off__final_bill")
        .order_by("id")
    )


def agency_exports(*, limit: int = 50) -> list[AgencyExport]:
    return list(AgencyExport.objects.select_related("created_by").defer("content")[:limit])
