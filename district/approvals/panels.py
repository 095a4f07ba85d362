"""The approvals' panels on the staff home page: what waits for an approver, and one's own
requests with their outcome."""

from district.approvals import selectors

PANEL_SIZE = 5


def waiting_panel(request, **_context) -> dict:
    """For approvers: how many requests wait, and the oldest few."""
    return {
        "pending_count": selectors.pending_count(),
        "rows": selectors.approval_rows(selectors.oldest_pending(limit=PANEL_SIZE)),
    }


def my_requests_panel(request, **_context) -> dict:
    """For every staff member: their recent requests with the outcome and the reason given."""
    return {"rows": selectors.approval_rows(selectors.requests_of(request.user, limit=PANEL_SIZE))}
