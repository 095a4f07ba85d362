"""The supervisor's home panel: the queues that have work in them (and any unavailable)."""

from district.queues.registry import queue_states


def home_queues_panel(request, **_context) -> dict:
    states = [
        state for state in queue_states(request.user) if state.has_items or not state.is_available
    ]
    return {"states": states}
