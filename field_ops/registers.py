"""The work order backlog register: open orders by type or by technician and age bucket (the
field reports' buckets), with a bar chart of the buckets."""

import datetime

from django import forms
from django.db.models import Count, Q
from django.utils import timezone

from district.registers.definitions import BAR, NUMBER, Chart, Column, Register
from field_ops.models import WorkOrder
from field_ops.reports import AGE_BUCKETS, NOT_DUE

BY_TYPE, BY_TECHNICIAN = "type", "technician"
UNASSIGNED = "Not assigned"


class BacklogForm(forms.Form):
    group_by = forms.ChoiceField(
        label="Group by",
        required=False,
        choices=[(BY_TYPE, "Order type"), (BY_TECHNICIAN, "Technician")],
    )
    order_type = forms.ChoiceField(
        label="Order type", required=False, choices=[("", "Every type"), *WorkOrder.Type.choices]
    )

    def clean(self):
        data = super().clean()
        data["group_by"] = data.get("group_by") or BY_TYPE
        return data


def _age_counts(today: datetime.date) -> dict:
    """Count() of open orders per age bucket, by days since the day the work was wanted."""
    counts = {NOT_DUE[0]: Count("id", filter=Q(requested_date__gt=today))}
    for key, _label, low, high in AGE_BUCKETS:
        condition = Q(requested_date__lte=today - datetime.timedelta(days=low))
        if high is not None:
            condition &= Q(requested_date__gte=today - datetime.timedelta(days=high))
        counts[key] = Count("id", filter=condition)
    return counts


def _person(first: str | None, last: str | None, username: str | None) -> str:
    if username is None:
        return UNASSIGNED
    return f"{first or ''} {last or ''}".strip() or username


def backlog_rows(filters: dict) -> list[dict]:
    """One aggregate query: open orders per type (or technician) and age bucket."""
    today = timezone.localdate()
    orders = WorkOrder.objects.filter(status__in=WorkOrder.OPEN_STATUSES).order_by()
    if filters.get("order_type"):
        orders = orders.filter(order_type=filters["order_type"])
    counts = _age_counts(today)
    if filters["group_by"] == BY_TECHNICIAN:
        fields = ("assigned_to__first_name", "assigned_to__last_name", "assigned_to__username")
        found = orders.values(*fields).annotate(**counts)
        rows = [
            {"group": _person(*(row[field] for field in fields)), **{k: row[k] for k in counts}}
            for row in found
        ]
        rows.sort(key=lambda row: (row["group"] == UNASSIGNED, row["group"].lower()))
    else:
        labels = dict(WorkOrder.Type.choices)
        found = {row["order_type"]: row for row in orders.values("order_type").annotate(**counts)}
        rows = [
            {"group": labels[order_type], **{k: found[order_type][k] for k in counts}}
            for order_type in labels
            if order_type in found
        ]
    for row in rows:
        row["total"] = sum(row[key] for key in counts)
    return rows


def backlog_columns(filters: dict) -> list[Column]:
    first = "Technician" if filters.get("group_by") == BY_TECHNICIAN else "Order type"
    return [
        Column(first, "group"),
        Column(NOT_DUE[1], NOT_DUE[0], NUMBER, total=True),
        *(Column(label, key, NUMBER, total=True) for key, label, *_ in AGE_BUCKETS),
        Column("Open orders", "total", NUMBER, total=True),
    ]


WORK_ORDER_BACKLOG = Register(
    slug="work-order-backlog",
    title="Work order backlog",
    description="Open work orders by days since the day the work was requested for, as of today.",
    form=BacklogForm,
    columns=backlog_columns,
    rows=backlog_rows,
    caption=lambda filters: (
        f"Open work orders by {'technician' if filters['group_by'] == BY_TECHNICIAN else 'type'}"
        f" and age, {timezone.localdate():%m/%d/%Y}"
    ),
    chart=Chart(
        BAR,
        category="group",
        series=(NOT_DUE[0], *(key for key, *_ in AGE_BUCKETS)),
        title="Open work orders by age",
    ),
    order=50,
)

REGISTERS = (WORK_ORDER_BACKLOG,)
