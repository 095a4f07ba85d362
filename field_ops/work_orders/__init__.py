"""Field work orders: services (every write), selectors (reads), attachments and staff pages.

What completing each type records, and the completion-handler registry, are in
field_ops/completion.py; the technician's phone pages are in field_ops/technician.py.
"""

from field_ops.work_orders.attachments import (
    MAX_ATTACHMENT_BYTES,
    sniff_file_type,
    work_order_attach,
)
from field_ops.work_orders.selectors import (
    access_work_order,
    can_work_every_order,
    completed_by_technician,
    open_orders,
    orders_for_technician,
    overdue,
    work_order_detail,
)
from field_ops.work_orders.services import (
    ScheduleResult,
    work_order_assign,
    work_order_cancel,
    work_order_complete,
    work_order_create,
    work_order_dispatch,
    work_order_pause,
    work_order_reprioritise,
    work_order_schedule,
    work_order_start,
    work_order_unschedule,
)

__all__ = [
    "MAX_ATTACHMENT_BYTES",
    "ScheduleResult",
    "access_work_order",
    "can_work_every_order",
    "completed_by_technician",
    "open_orders",
    "orders_for_technician",
    "overdue",
    "sniff_file_type",
    "work_order_assign",
    "work_order_attach",
    "work_order_cancel",
    "work_order_complete",
    "work_order_create",
    "work_order_detail",
    "work_order_dispatch",
    "work_order_pause",
    "work_order_reprioritise",
    "work_order_schedule",
    "work_order_start",
    "work_order_unschedule",
]
