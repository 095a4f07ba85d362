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
