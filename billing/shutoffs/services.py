"""Every write of the shut-off area, in one place for callers (the payment paths, the nightly
collections run, the pages): the day's list and the cancellation of orders that no longer
stand (lists.py), reconnection and its fee (reconnection.py). The completion handlers the crew's
phone runs are in completion.py."""

from billing.shutoffs.lists import (
    shutoff_list_approve,
    shutoff_list_prepare,
    shutoff_orders_recheck,
)
from billing.shutoffs.reconnection import (
    interest_waiver_apply,
    payment_received,
    reconnection_request,
)

__all__ = [
    "interest_waiver_apply",
    "payment_received",
    "reconnection_request",
    "shutoff_list_approve",
    "shutoff_list_prepare",
    "shutoff_orders_recheck",
]
