"""Reads of the contact log, referrals and cases: queues, the account timeline, access checks.

Each read is a fixed number of queries whatever the history (the account timeline: three).
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Count, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from accounts.contacts.services import person_name
from accounts.models import Case, CaseNote, Contact, Department, ServiceAccount
from district.ledger.selectors import account_activity
from district.money import format_money
from district.roles import Perm
from field_ops.models import WorkOrder

TIMELINE_ENTRIES = 25
RECENT_CONTACTS = 3


# -- people and offices


def staff_people() -> QuerySet:
    """Who a contact or case may be referred or assigned to: active staff, by name."""
    return (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True)
        .order_by("first_name", "last_name", "username")
    )


def active_departments() -> QuerySet[Department]:
    return Department.objects.filter(is_active=True)


# -- contacts and referrals


def _contacts() -> QuerySet[Contact]:
    return Contact.objects.select_related(
        "account", "customer", "logged_by", "referred_to_user", "referred_to_department"
    )


def account_contacts(account: ServiceAccount, *, limit: int | None = None) -> list[Contact]:
    """The account's contacts and its customer's contacts not tied to an account, newest first."""
    contacts = _contacts().filter(
        Q(account_id=account.pk) | Q(account__isnull=True, customer_id=account.customer_id)
    )
    return list(contacts[:limit] if limit else contacts)


def _referred_to(user) -> Q:
    return Q(referred_to_user_id=user.pk) | Q(
        referred_to_department__in=Department.objects.filter(members=user)
    )


def referrals_for(user, *, limit: int | None = None) -> list[Contact]:
    """Open referrals to this person or to an office they belong to, oldest first (one query)."""
    referrals = (
        _contacts()
        .filter(_referred_to(user), referral_done_at__isnull=True)
        .order_by("logged_at", "id")
    )
    return list(referrals[:limit] if limit else referrals)


def referral_count_for(user) -> int:
    return Contact.objects.filter(_referred_to(user), referral_done_at__isnull=True).count()


def referred_cases_for(user, *, limit: int | None = None) -> list[Case]:
    """Cases referred to this person or to an office they belong to, oldest due first.

    A referral is a case's state as well as a contact's: the home's "Referred to you" lists
    both, so a case handed to a supervisor never sits there under "nothing".
    """
    cases = (
        Case.objects.select_related("customer", "account", "assigned_to", "department")
        .filter(
            Q(assigned_to_id=user.pk) | Q(department__in=Department.objects.filter(members=user)),
            status=Case.Status.REFERRED,
        )
        .order_by("due_date", "id")
    )
    return list(cases[:limit] if limit else cases)


def recent_referrals(*, limit: int = 20) -> list[Contact]:
    """The latest referrals made by anyone, open or done (the reception desk's list)."""
    return list(
        _contacts()
        .filter(Q(referred_to_user__isnull=False) | Q(referred_to_department__isnull=False))
        .order_by("-logged_at", "-id")[:limit]
    )


def contact_about(contact: Contact) -> str:
    """Who the contact was with: the account, the customer or the visitor's name."""
    if contact.account_id:
        return f"{contact.customer} ({contact.account.formatted_number})"
    if contact.customer_id:
        return str(contact.customer)
    return contact.visitor_name


def referral_target(contact: Contact) -> str:
    parts = []
    if contact.referred_to_user_id:
        parts.append(person_name(contact.referred_to_user))
    if contact.referred_to_department_id:
        parts.append(contact.referred_to_department.name)
    return ", ".join(parts)


# -- the account timeline


@dataclass(frozen=True)
class TimelineEntry:
    """One thing that happened on an account: a contact, a bill or payment, a work order."""

    kind: str  # "contact", "ledger" or "work_order"
    kind_label: str  # what a reader sees: "Phone contact", "Bill", "Work order"
    on: datetime.date
    at: datetime.datetime | None  # the time, for entries that have one
    summary: str
    detail: str = ""
    by: str = ""
    url: str = ""
    amount: Decimal | None = None  # ledger lines: positive a charge, negative a payment or credit

    @property
    def sort_key(self) -> tuple:
        # A ledger line has a date only: it sorts before anything timed on the same day.
        return (self.on, self.at.timestamp() if self.at else float("-inf"))


def _contact_entry(contact: Contact) -> TimelineEntry:
    at = timezone.localtime(contact.logged_at)
    detail = contact.notes
    target = referral_target(contact)
    if target:
        state = "done" if contact.referral_done_at else "open"
        detail = f"{detail} (referred to {target}, {state})".strip()
    return TimelineEntry(
        kind="contact",
        kind_label=f"{contact.get_channel_display()} contact",
        on=at.date(),
        at=at,
        summary=contact.get_reason_display(),
        detail=detail,
        by=person_name(contact.logged_by),
    )


def _work_order_entry(order: WorkOrder, *, link: bool) -> TimelineEntry:
    at = timezone.localtime(order.happened_at)
    return TimelineEntry(
        kind="work_order",
        kind_label="Work order",
        on=at.date(),
        at=at,
        summary=f"{order} ({order.get_status_display().lower()})",
        detail=order.completion_notes or order.cancelled_reason or order.instructions,
        by=person_name(order.completed_by or order.created_by),
        url=reverse("field_ops:work_order_detail", args=[order.pk]) if link else "",
    )


def _ledger_entry(line, *, link: bool) -> TimelineEntry:
    return TimelineEntry(
        kind="ledger",
        kind_label=line.kind,
        on=line.date,
        at=None,
        summary=line.memo,
        detail=f"Balance after: {format_money(line.running_balance)}",
        amount=line.amount,
        url=reverse("ledger:journal", args=[line.journal_id]) if link else "",
    )


def account_timeline(
    account: ServiceAccount, *, user, limit: int = TIMELINE_ENTRIES
) -> list[TimelineEntry]:
    """Contacts, ledger lines (bills, payments...) and work orders, newest first: three queries."""
    contacts = account_contacts(account, limit=limit)
    orders = list(
        WorkOrder.objects.filter(service_account_id=account.pk)
        .select_related("created_by", "completed_by")
        .annotate(happened_at=Coalesce("completed_at", "created_at"))
        .order_by("-happened_at", "-id")[:limit]
    )
    lines = account_activity(account.pk, limit=limit)
    order_links = user.has_perm(Perm.VIEW_WORK_ORDERS)
    journal_links = user.has_perm(Perm.VIEW_LEDGER)
    entries = [
        *(_contact_entry(contact) for contact in contacts),
        *(_work_order_entry(order, link=order_links) for order in orders),
        *(_ledger_entry(line, link=journal_links) for line in lines),
    ]
    entries.sort(key=lambda entry: entry.sort_key, reverse=True)
    return entries[:limit]


# -- cases


def may_see_every_case(user) -> bool:
    return user.has_perm(Perm.APPROVE_REQUESTS)


def cases_visible_to(user) -> QuerySet[Case]:
    """Every case for supervisors; for others all but staff complaints they are not part of.

    A complaint about a member of staff is for supervisors, not for the colleagues of the
    person it is about: only its opener and its assignee see it besides.
    """
    cases = Case.objects.select_related("customer", "account", "assigned_to", "department")
    if may_see_every_case(user):
        return cases
    return cases.filter(
        ~Q(category=Case.Category.STAFF_COMPLAINT) | Q(opened_by=user) | Q(assigned_to=user)
    )


def case_for(user, case_id: int) -> Case:
    """The case if this user may see it; 404 both when it does not exist and when it is not theirs."""
    case = cases_visible_to(user).select_related("opened_by").filter(pk=case_id).first()
    if case is None:
        raise Http404("No such case.")
    return case


def case_notes(case: Case) -> list[CaseNote]:
    return list(case.notes.select_related("written_by"))


def _overdue_first(cases: QuerySet[Case], today: datetime.date) -> QuerySet[Case]:
    return cases.annotate(
        overdue_rank=models.Case(
            When(status__in=Case.OPEN_STATUSES, due_date__lt=today, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        ),
        priority_rank=models.Case(
            When(priority=Case.Priority.HIGH, then=Value(0)),
            When(priority=Case.Priority.NORMAL, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        ),
    ).order_by("overdue_rank", "due_date", "priority_rank", "id")


@dataclass(frozen=True)
class CaseCounts:
    open: int
    overdue: int


def my_cases(user, *, today: datetime.date | None = None) -> QuerySet[Case]:
    """Open cases assigned to this person: overdue first, then by due date and priority."""
    today = today or timezone.localdate()
    return _overdue_first(
        Case.objects.select_related("customer", "account", "assigned_to", "department").filter(
            assigned_to=user, status__in=Case.OPEN_STATUSES
        ),
        today,
    )


def my_case_counts(user, *, today: datetime.date | None = None) -> CaseCounts:
    today = today or timezone.localdate()
    counts = Case.objects.filter(assigned_to=user, status__in=Case.OPEN_STATUSES).aggregate(
        open=Count("id"), overdue=Count("id", filter=Q(due_date__lt=today))
    )
    return CaseCounts(open=counts["open"], overdue=counts["overdue"])


def overdue_cases(user, *, today: datetime.date | None = None) -> QuerySet[Case]:
    """Open cases past their due date, the most overdue first."""
    today = today or timezone.localdate()
    return (
        cases_visible_to(user)
        .filter(status__in=Case.OPEN_STATUSES, due_date__lt=today)
        .order_by("due_date", "id")
    )


@dataclass(frozen=True)
class CaseFilters:
    status: str = ""  # a Case.Status value, "open" meaning any open status, or "" for all
    category: str = ""
    department: Department | None = None
    assigned_to_id: int | None = None
    unassigned: bool = False
    overdue: bool = False


OPEN_ANY = "any_open"


def case_queue(user, filters: CaseFilters, *, today: datetime.date | None = None):
    """The team queue: visible cases matching the filters, overdue and urgent first."""
    today = today or timezone.localdate()
    cases = cases_visible_to(user)
    if filters.status == OPEN_ANY:
        cases = cases.filter(status__in=Case.OPEN_STATUSES)
    elif filters.status:
        cases = cases.filter(status=filters.status)
    if filters.category:
        cases = cases.filter(category=filters.category)
    if filters.department is not None:
        cases = cases.filter(department=filters.department)
    if filters.unassigned:
        cases = cases.filter(assigned_to__isnull=True)
    elif filters.assigned_to_id is not None:
        cases = cases.filter(assigned_to_id=filters.assigned_to_id)
    if filters.overdue:
        cases = cases.filter(status__in=Case.OPEN_STATUSES, due_date__lt=today)
    return _overdue_first(cases, today)


def is_overdue(case: Case, *, today: datetime.date | None = None) -> bool:
    today = today or timezone.localdate()
    return case.status in Case.OPEN_STATUSES and case.due_date < today
