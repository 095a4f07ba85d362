"""Celery: a real worker against the real Redis round-trips a task; eager otherwise."""

import os

import pytest
from celery.contrib.testing.worker import start_worker

from district.celery import app as celery_app
from district.celery import ping


def test_without_a_worker_tasks_run_in_process():
    assert ping.delay("hello").get(timeout=5) == "hello"


@pytest.mark.celery_worker
@pytest.mark.xdist_group("celery-worker")
@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL is not set (CI sets it)")
def test_task_round_trips_through_redis_and_a_real_worker():
    assert celery_app.conf.broker_url.startswith("redis://")
    assert not celery_app.conf.task_always_eager
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        result = ping.delay("round trip")
        assert result.get(timeout=20) == "round trip"


def test_production_task_settings():
    conf = celery_app.conf
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.broker_transport_options["visibility_timeout"] >= 3600
    assert hasattr(ping, "delay_on_commit")


def test_every_nightly_job_names_a_task_the_worker_knows(settings):
    known = set(celery_app.tasks)
    missing = {
        name: entry["task"]
        for name, entry in settings.CELERY_BEAT_SCHEDULE.items()
        if entry["task"] not in known
    }
    assert missing == {}
