"""Reads of work orders that pages and other apps reuse: the technician's day, open and overdue."""

import datetime

from django.db.models import Case, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone

from district.policies import policy_value
from district.roles import Perm
from field_ops.models import TechnicianCapacity, WorkOrder, WorkOrderAttachment

DEFAULT_ORDERS_PER_DAY = TechnicianCapacity._meta.get_field("orders_per_day").default

_P = WorkOrder.Priority
_Status = WorkOrder.Status
# Emergencies first; then same-day before routine where a list is not in route order.
EMERGENCY_FIRST = Case(
    When(priority=_P.EMERGENCY, then=Value(0)), default=Value(1), output_field=IntegerField()
)
PRIORITY_RANK = Case(
    When(priority=_P.EMERGENCY, then=Value(0)),
    When(priority=_P.SAME_DAY, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def can_work_every_order(user) -> bool:
    """Crew leads see and work every technician's orders; technicians only their own."""
    return user.is_authenticated and user.has_perm(Perm.LEAD_FIELD_CREW)


def orders_for_technician(user, day: datetime.date) -> list[WorkOrder]:
    """The technician's open orders for the day (and any left open from earlier days).

    Emergencies first, then in route and read-sequence order, as the truck drives them.
    """
    return list(
        WorkOrder.objects.filter(
            assigned_to=user, scheduled_date__lte=day, status__in=WorkOrder.OPEN_STATUSES
        )
        .select_related("premise", "meter")
        .annotate(emergency_rank=EMERGENCY_FIRST)
        .order_by("emergency_rank", "premise__route", "premise__read_sequence", "id")
    )


def cancelled_for_technician(user, day: datetime.date) -> list[WorkOrder]:
    """The technician's orders for the day called off since they were given them (a shut-off
    cancelled by a payment), so the phone says so, with why, instead of dropping them."""
    return list(
        WorkOrder.objects.filter(
            assigned_to=user, scheduled_date=day, status=WorkOrder.Status.CANCELLED
        )
        .select_related("premise")
        .order_by("id")
    )


def completed_by_technician(user, day: datetime.date) -> list[WorkOrder]:
    """The orders this person completed on the day (local time), latest first."""
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    end = start + datetime.timedelta(days=1)
    return list(
        WorkOrder.objects.filter(
            completed_by=user,
            status=WorkOrder.Status.COMPLETED,
            completed_at__gte=start,
            completed_at__lt=end,
        )
        .select_related("premise")
        .order_by("-completed_at", "-id")
    )


def open_orders(
    *,
    order_type: str = "",
    priority: str = "",
    assigned_to=None,
    premise=None,
    service_account_id: int | None = None,
) -> QuerySet[WorkOrder]:
    """Open orders, most urgent and oldest first, optionally narrowed."""
    orders = WorkOrder.objects.filter(status__in=WorkOrder.OPEN_STATUSES)
    if order_type:
        orders = orders.filter(order_type=order_type)
    if priority:
        orders = orders.filter(priority=priority)
    if assigned_to is not None:
        orders = orders.filter(assigned_to=assigned_to)
    if premise is not None:
        orders = orders.filter(premise=premise)
    if service_account_id is not None:
        orders = orders.filter(service_account_id=service_account_id)
    return (
        orders.select_related("premise", "assigned_to")
        .annotate(priority_rank=PRIORITY_RANK)
        .order_by("priority_rank", "requested_date", "id")
    )


def overdue(*, today: datetime.date | None = None, **filters) -> QuerySet[WorkOrder]:
    """Open orders requested for a day before today."""
    today = today or timezone.localdate()
    return open_orders(**filters).filter(requested_date__lt=today)


def is_overdue(work_order: WorkOrder, today: datetime.date | None = None) -> bool:
    today = today or timezone.localdate()
    return work_order.status in WorkOrder.OPEN_STATUSES and work_order.requested_date < today


def orders_per_day(technician) -> int:
    """The technician's daily capacity (the dispatch board warns beyond it)."""
    capacity = (
        TechnicianCapacity.objects.filter(technician=technician)
        .values_list("orders_per_day", flat=True)
        .first()
    )
    return DEFAULT_ORDERS_PER_DAY if capacity is None else capacity


def technician_load(technician, day: datetime.date, *, exclude: WorkOrder | None = None) -> int:
    """How many open orders the technician holds for the day."""
    orders = WorkOrder.objects.filter(
        assigned_to=technician, scheduled_date=day, status__in=WorkOrder.OPEN_STATUSES
    )
    if exclude is not None:
        orders = orders.exclude(pk=exclude.pk)
    return orders.count()


def _with_attachments(orders: QuerySet[WorkOrder]) -> QuerySet[WorkOrder]:
    return orders.select_related(
        "premise", "meter", "assigned_to", "created_by", "completed_by"
    ).prefetch_related(
        Prefetch(
            "attachments",
            queryset=WorkOrderAttachment.objects.select_related("uploaded_by").order_by(
                "uploaded_at", "id"
            ),
        )
    )


def access_work_order(user, work_order_id: int) -> WorkOrder:
    """The order if this technician may work it (theirs, or any for a crew lead); else 404.

    One answer for "no such order" and "not yours", so ids cannot be probed.
    """
    orders = WorkOrder.objects.filter(pk=work_order_id)
    if not can_work_every_order(user):
        orders = orders.filter(assigned_to=user)
    work_order = _with_attachments(orders).first()
    if work_order is None:
        raise Http404("No such work order on your list.")
    return work_order


# Who sees every order on the staff order page: the office (who looks orders up with the
# account), the dispatcher and a crew lead. Anyone else holding Perm.VIEW_WORK_ORDERS (a field
# technician) sees only the orders assigned to them.
EVERY_ORDER_VIEWERS = (Perm.VIEW_ACCOUNTS, Perm.DISPATCH_WORK_ORDERS, Perm.LEAD_FIELD_CREW)


def can_see_every_order(user) -> bool:
    return user.is_authenticated and any(
        user.has_perm(permission) for permission in EVERY_ORDER_VIEWERS
    )


def _visible_orders(user) -> QuerySet[WorkOrder]:
    orders = WorkOrder.objects.all()
    return orders if can_see_every_order(user) else orders.filter(assigned_to=user)


def work_order_detail(user, work_order_id: int) -> WorkOrder | None:
    """An order with its premise, meter, people and attachments (a fixed number of queries).

    None for "no such order" and for another technician's order alike (the page answers 404).
    """
    return _with_attachments(_visible_orders(user).filter(pk=work_order_id)).first()


def work_order_attachment(user, attachment_id: int) -> WorkOrderAttachment | None:
    """A file of an order the user may see (see work_order_detail), else None."""
    return WorkOrderAttachment.objects.filter(
        pk=attachment_id, work_order__in=_visible_orders(user)
    ).first()


SELF_ASSIGN_POLICY = "field-self-assign"
TAKEABLE = (_Status.NEW, _Status.SCHEDULED)


def technicians_may_take_orders() -> bool:
    """District policy: may a technician take an unassigned order of the day themselves?"""
    try:
        return bool(policy_value(SELF_ASSIGN_POLICY))
    except LookupError:
        return False


def unassigned_orders_for_day(day: datetime.date):
    """Open orders nobody has been given that are due by the day: emergencies first, then by
    route, as a technician would drive them."""
    return (
        WorkOrder.objects.filter(assigned_to__isnull=True, status__in=TAKEABLE)
        .filter(
            Q(scheduled_date__lte=day) | Q(scheduled_date__isnull=True, requested_date__lte=day)
        )
        .select_related("premise")
        .annotate(emergency_rank=EMERGENCY_FIRST)
        .order_by("emergency_rank", "premise__route", "premise__read_sequence", "id")
    )
