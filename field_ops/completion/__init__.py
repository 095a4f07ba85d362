"""What completing a work order must record, per type, and the registry of completion handlers.

`specs`: each WorkOrder.Type's fields, validation and field_ops' own effect (a read, an exchange,
a meter test). `registry`: apps above field_ops add their effects with
`register_completion_handler` in their registrations.py (DESIGN.md: the app that creates a type
owns what its completion does); handlers run inside the completion's transaction, after field_ops'
own effect, and a handler that raises rolls the whole completion back.
"""

from field_ops.completion.parsing import (
    parse_decimal,
    parse_reading,
    parse_time,
    parse_yes_no,
)
from field_ops.completion.registry import (
    CompletionHandler,
    completion_handlers,
    register_completion_handler,
    run_completion_handlers,
    unregister_completion_handler,
)
from field_ops.completion.specs import (
    CONFIRM,
    MAX_LOCATION,
    MAX_TEXT,
    PERCENT,
    READ_TYPES,
    READING,
    SERIAL,
    SPECS,
    TEXT,
    TIME,
    YES_NO,
    CompletionField,
    CompletionSpec,
    completion_rows,
    completion_spec,
    order_meter,
)

__all__ = [
    "CONFIRM",
    "MAX_LOCATION",
    "MAX_TEXT",
    "PERCENT",
    "READING",
    "READ_TYPES",
    "SERIAL",
    "SPECS",
    "TEXT",
    "TIME",
    "YES_NO",
    "CompletionField",
    "CompletionHandler",
    "CompletionSpec",
    "completion_handlers",
    "completion_rows",
    "completion_spec",
    "order_meter",
    "parse_decimal",
    "parse_reading",
    "parse_time",
    "parse_yes_no",
    "register_completion_handler",
    "run_completion_handlers",
    "unregister_completion_handler",
]
