"""The district portal project package: settings, urls, Celery app and district-wide pieces."""

from .celery import app as celery_app

__all__ = ["celery_app"]
