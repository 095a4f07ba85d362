"""Reads for corrections and adjustments."""

from billing.models import Adjustment, Bill
from district.roles import Perm
from field_ops.models import WorkOrder

PANEL_ROWS = 5


def account_adjustments(account_id: int, *, limit: int | None = None) -> list[Adjustment]:
    adjustments = Adjustment.objects.filter(account_id=account_id).select_related(
        "requested_by", "bill"
    )
    return list(adjustments[:limit] if limit else adjustments)


def leak_candidate_bills(account_id: int, *, limit: int = 6) -> list[Bill]:
    """The account's recent posted bills, newest first (the bills a leak may be on)."""
    return list(
        Bill.objects.filter(account_id=account_id, status=Bill.Status.POSTED)
        .prefetch_related("lines")
        .order_by("-period_start")[:limit]
    )


def leak_work_orders(premise_id: int) -> list[WorkOrder]:
    return list(
        WorkOrder.objects.filter(
            premise_id=premise_id, order_type=WorkOrder.Type.LEAK_INVESTIGATION
        ).order_by("-requested_date")[:10]
    )


def bill_with_replacement(bill_id: int) -> Bill:
    return Bill.objects.select_related("account", "replaces", "current_read").get(pk=bill_id)


def account_panel(request, *, account, **_context) -> dict:
    """The account page's "Adjustments" panel: the latest few, one query."""
    return {
        "adjustments": account_adjustments(account.pk, limit=PANEL_ROWS),
        "can_adjust": request.user.has_perm(Perm.EDIT_ACCOUNTS),
    }
