"""The Celery app: broker and results from REDIS_URL; eager in-process when it is unset."""

import os

from celery import Celery
from celery.contrib.django.task import DjangoTask

from district.attribution import audited_context

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "district.settings")


class AuditedTask(DjangoTask):
    """Every task's database changes are attributed to the task (name, task id, run id)."""

    def __call__(self, *args, **kwargs):
        with audited_context(task=self.name, task_id=str(self.request.id or "")):
            return super().__call__(*args, **kwargs)


app = Celery("district", task_cls=AuditedTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="district.ping")
def ping(value: str = "pong") -> str:
    """Round-trip check used by /healthz callers and the worker test."""
    return value
