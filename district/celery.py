"""The Celery app: broker and results from REDIS_URL; eager in-process when it is unset."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "district.settings")

app = Celery("district")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="district.ping")
def ping(value: str = "pong") -> str:
    """Round-trip check used by /healthz callers and the worker test."""
    return value
