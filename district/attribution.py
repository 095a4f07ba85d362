"""Attribution of database changes made outside a request (Celery tasks, commands).

Kept free of model imports: the Celery app imports it before Django's apps are ready.
"""

import contextlib
import uuid

from pghistory.runtime import context as history_context


@contextlib.contextmanager
def audited_context(**metadata):
    """Attribute the changes made inside to a task or command run (with a run id)."""
    metadata.setdefault("run_id", uuid.uuid4().hex[:12])
    with history_context(**metadata):
        yield metadata["run_id"]


def acting_user(by):
    """Attach the acting user to the changes made inside (requests do it already; tasks,
    commands and shells do not), so a service's writes are attributed wherever it runs."""
    return history_context(user=by.pk) if by is not None else contextlib.nullcontext()


def refuse_unknown_fields(fields: dict, allowed: tuple[str, ...]) -> None:
    """A service given a field it does not edit is a programming error, not bad input."""
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"Unknown fields: {sorted(unknown)}")
