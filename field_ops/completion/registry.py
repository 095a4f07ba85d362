"""The registry of completion handlers: how apps above field_ops add effects to a completion.

Handlers run inside the completion's transaction, after field_ops' own effect: a handler that
raises rolls the whole completion back.
"""

import copy
from collections.abc import Callable

from field_ops.models import WorkOrder

CompletionHandler = Callable[[WorkOrder, dict, object], None]
_handlers: dict[str, dict[str, CompletionHandler]] = {}


def register_completion_handler(order_type: str, handler: CompletionHandler, *, name: str) -> None:
    """Run `handler(work_order, completion, by)` inside every completion of this type.

    Handlers of a type run in the order they were registered, each once per completion.
    Registering a name again replaces the earlier handler (ready() may run more than once).
    """
    if order_type not in WorkOrder.Type.values:
        raise ValueError(f"Unknown work order type: {order_type!r}")
    if not callable(handler):
        raise TypeError("A completion handler must be callable.")
    if not name:
        raise ValueError("Name the handler (e.g. 'accounts.turn_on_activates').")
    _handlers.setdefault(order_type, {})[name] = handler


def unregister_completion_handler(order_type: str, *, name: str) -> None:
    """Remove a handler (tests that register their own)."""
    _handlers.get(order_type, {}).pop(name, None)


def completion_handlers(order_type: str) -> list[tuple[str, CompletionHandler]]:
    return list(_handlers.get(order_type, {}).items())


def run_completion_handlers(work_order: WorkOrder, completion: dict, by) -> None:
    """Each handler gets its own copy of the completion, so none can change another's input."""
    for _name, handler in completion_handlers(work_order.order_type):
        handler(work_order, copy.deepcopy(completion), by)
