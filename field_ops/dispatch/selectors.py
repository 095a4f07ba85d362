"""Reads of the dispatch board: each field technician's day and the pool of orders waiting.

`dispatch_board` and `route_sheet_orders` take a fixed number of queries however many
technicians and orders there are.
"""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Q
from django.utils import timezone

from district.roles import FIELD_TECHNICIAN
from field_ops.models import WorkOrder
from field_ops.work_orders import selectors as work_order_selectors

Status = WorkOrder.Status
# The pool shows the most urgent orders first; beyond this many, a note says there are more.
POOL_LIMIT = 100
# Orders a dispatcher may still move to another day or technician (not once work has started).
MOVABLE = (Status.NEW, Status.SCHEDULED, Status.DISPATCHED)
# Orders a dispatcher may take off a technician (a dispatched one is recalled from the phone).
UNASSIGNABLE = (Status.SCHEDULED, Status.DISPATCHED)


@dataclass
class BoardRow:
    order: WorkOrder
    overdue: bool = False
    carried_over: bool = False  # scheduled for an earlier day and still open

    @property
    def movable(self) -> bool:
        return self.order.status in MOVABLE

    @property
    def unassignable(self) -> bool:
        return self.order.status in UNASSIGNABLE and self.order.assigned_to_id is not None


@dataclass
class TechnicianDay:
    technician: object
    capacity: int
    rows: list[BoardRow] = field(default_factory=list)
    in_field_role: bool = True

    @property
    def load(self) -> int:
        return len(self.rows)

    @property
    def over_capacity(self) -> bool:
        return self.load > self.capacity

    @property
    def over_by(self) -> int:
        return max(self.load - self.capacity, 0)

    @property
    def scheduled_count(self) -> int:
        """Orders on the day not yet sent to the technician's phone."""
        return sum(1 for row in self.rows if row.order.status == Status.SCHEDULED)

    @property
    def name(self) -> str:
        return technician_name(self.technician)


@dataclass
class Board:
    day: datetime.date
    today: datetime.date
    technicians: list[TechnicianDay]
    pool: list[BoardRow]
    pool_truncated: bool = False
    priorities = WorkOrder.Priority.choices

    @property
    def assign_day(self) -> datetime.date:
        """The day an order from the pool is offered for: the board's, or today for a past day."""
        return max(self.day, self.today)

    def section(self, technician_id: int) -> TechnicianDay | None:
        return next(
            (entry for entry in self.technicians if entry.technician.pk == technician_id), None
        )

    @property
    def order_count(self) -> int:
        return sum(entry.load for entry in self.technicians)


def technician_name(user) -> str:
    return user.get_full_name() or user.get_username()


def _capacity(user) -> int:
    """orders_per_day from a user fetched with select_related("field_capacity") (no query)."""
    try:
        return user.field_capacity.orders_per_day
    except ObjectDoesNotExist:
        return work_order_selectors.DEFAULT_ORDERS_PER_DAY


def field_technicians():
    """Active users in the field technician role, by name, with their capacity (one query)."""
    return (
        get_user_model()
        .objects.filter(groups__name=FIELD_TECHNICIAN.name, is_active=True)
        .select_related("field_capacity")
        .order_by("first_name", "last_name", "username")
    )


def _row(order: WorkOrder, day: datetime.date, today: datetime.date) -> BoardRow:
    return BoardRow(
        order=order,
        overdue=work_order_selectors.is_overdue(order, today),
        carried_over=order.scheduled_date is not None and order.scheduled_date < day,
    )


def _day_orders(day: datetime.date, today: datetime.date):
    """Open assigned orders on the day; on today's board also those left open from before."""
    on_day = Q(scheduled_date=day)
    if day == today:
        on_day |= Q(scheduled_date__lt=day)
    return (
        WorkOrder.objects.filter(on_day, status__in=WorkOrder.OPEN_STATUSES)
        .filter(assigned_to__isnull=False)
        .select_related("premise", "meter", "assigned_to__field_capacity")
        .order_by("premise__route", "premise__read_sequence", "premise_id", "id")
    )


def pool_orders():
    """Open orders with no technician or no day: emergencies first, then by requested date."""
    return (
        WorkOrder.objects.filter(status__in=WorkOrder.OPEN_STATUSES)
        .filter(Q(assigned_to__isnull=True) | Q(scheduled_date__isnull=True))
        .select_related("premise", "meter", "assigned_to")
        .annotate(emergency_rank=work_order_selectors.EMERGENCY_FIRST)
        .order_by("emergency_rank", "requested_date", "id")
    )


def dispatch_board(*, day: datetime.date, today: datetime.date | None = None) -> Board:
    """Every field technician's orders on the day in route order, and the unassigned pool.

    Three queries. Someone outside the field role who holds orders that day (a lead, say)
    gets a section too, so no order drops off the board.
    """
    today = today or timezone.localdate()
    sections: dict[int, TechnicianDay] = {
        user.pk: TechnicianDay(technician=user, capacity=_capacity(user))
        for user in field_technicians()
    }
    for order in _day_orders(day, today):
        technician = order.assigned_to
        if technician.pk not in sections:
            sections[technician.pk] = TechnicianDay(
                technician=technician, capacity=_capacity(technician), in_field_role=False
            )
        sections[technician.pk].rows.append(_row(order, day, today))
    pool = list(pool_orders()[: POOL_LIMIT + 1])
    return Board(
        day=day,
        today=today,
        technicians=list(sections.values()),
        pool=[_row(order, day, today) for order in pool[:POOL_LIMIT]],
        pool_truncated=len(pool) > POOL_LIMIT,
    )


def route_sheet_orders(
    technician, day: datetime.date, *, today: datetime.date | None = None
) -> list[WorkOrder]:
    """The technician's open orders on the day in route and read-sequence order (one query).

    The same orders as the technician's section of the board for that day.
    """
    today = today or timezone.localdate()
    return list(_day_orders(day, today).filter(assigned_to=technician))
