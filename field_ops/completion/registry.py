"""The registry of completion handlers: how apps above field_ops add effects to a completion.

Handlers run inside the completion's transaction, after field_ops' own effect: a handler that
raises rolls the whole completion back.
"""

import copy
from collections.abc import Callable

from district.registries import Registry, callable_name
from field_ops.models import WorkOrder

CompletionHandler = Callable[[WorkOrder, dict, object], None]
# (order type, handler name) -> handler, run in the order registered.
HANDLERS = Registry(
    "completion handlers",
    describe=lambda key, handler: f"{key[0]}: {key[1]} -> {callable_name(handler)}",
)


def register_completion_handler(order_type: str, handler: CompletionHandler, *, name: str) -> None:
    """Run `handler(work_order, completion, by)` inside every completion of this type.

    Handlers of a type run in the order they were registered, each once per completion.
    Registering the same handler under a name again is a no-op; a different one raises
    ImproperlyConfigured (district.registries).
    """
    if order_type not in WorkOrder.Type.values:
        raise ValueError(f"Unknown work order type: {order_type!r}")
    if not callable(handler):
        raise TypeError("A completion handler must be callable.")
    if not name:
        raise ValueError("Name the handler (e.g. 'accounts.turn_on_activates').")
    HANDLERS.register((order_type, name), handler)


def unregister_completion_handler(order_type: str, *, name: str) -> None:
    """Remove a handler (tests that register their own)."""
    HANDLERS.unregister((order_type, name))


def completion_handlers(order_type: str) -> list[tuple[str, CompletionHandler]]:
    return [(name, handler) for (type_, name), handler in HANDLERS.items() if type_ == order_type]


def run_completion_handlers(work_order: WorkOrder, completion: dict, by) -> None:
    """Each handler gets its own copy of the completion, so none can change another's input."""
    for _name, handler in completion_handlers(work_order.order_type):
        handler(work_order, copy.deepcopy(completion), by)
