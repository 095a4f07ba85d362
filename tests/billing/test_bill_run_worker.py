"""A bill run through the real broker and a real worker: the chunk tasks, the last chunk moving
the run to audit, and the posting task (CI sets REDIS_URL; elsewhere tasks run in-process)."""

import datetime
import os
import time

import pytest
from celery.contrib.testing.worker import start_worker

from billing.bill_runs import services, tasks
from billing.models import Bill, BillingCycle, BillingPeriod, BillRun
from billing.rates.services import rate_version_load
from district import roles
from district.celery import app as celery_app
from district.ledger.selectors import ledger_problems
from tests import factories
from tests.billing.factories import EXAMPLE

D = datetime.date


def _wait_for(run_id: int, status: str, *, seconds: int = 60) -> BillRun:
    """Poll the run until the worker has moved it (a safety limit, not a timing assertion)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        run = BillRun.objects.get(pk=run_id)
        if run.status in (status, BillRun.Status.FAILED):
            return run
        time.sleep(0.2)
    return BillRun.objects.get(pk=run_id)


@pytest.mark.celery_worker
@pytest.mark.xdist_group("celery-worker")
@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL is not set (CI sets it)")
@pytest.mark.django_db(transaction=True)
def test_a_bill_run_calculates_and_posts_on_a_real_worker(make_user):
    # given: five accounts of one route with their reads, and a scheduled period
    rate_version_load(source=EXAMPLE.read_text(), by=None)
    cycle = BillingCycle.objects.create(
        code="W1", name="Worker cycle", frequency="monthly", routes=["RW1"]
    )
    period = BillingPeriod.objects.create(
        cycle=cycle,
        period_start=D(2026, 1, 1),
        period_end=D(2026, 1, 31),
        read_window_start=D(2026, 1, 27),
        read_window_end=D(2026, 1, 31),
        bill_date=D(2026, 2, 3),
        due_date=D(2026, 2, 24),
        status=BillingPeriod.Status.SCHEDULED,
    )
    for _ in range(5):
        premise = factories.PremiseFactory(route="RW1")
        installation = factories.MeterInstallationFactory(premise=premise)
        factories.MeterReadFactory(meter=installation.meter, read_on=D(2025, 12, 30), reading=100)
        factories.MeterReadFactory(meter=installation.meter, read_on=D(2026, 1, 29), reading=110)
        factories.ServiceAccountFactory(premise=premise, billing_cycle="W1")
    biller, supervisor = make_user(roles.CSR_II), make_user(roles.SUPERVISOR)
    run = services.bill_run_create(period=period, by=biller)
    assert not celery_app.conf.task_always_eager
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        # when: the run is calculated in chunks of two by the worker
        services.bill_run_calculate(run_id=run.pk, chunk_size=2)
        run = _wait_for(run.pk, BillRun.Status.AUDIT)
        # then: the last chunk moved it to audit, one bill per account
        assert run.status == BillRun.Status.AUDIT, run.error
        assert Bill.objects.filter(run=run).count() == 5
        # when: a supervisor posts it (first-bill exceptions overridden with a reason)
        services.bill_run_post(run_id=run.pk, by=supervisor, override_reason="worker test")
        run = _wait_for(run.pk, BillRun.Status.POSTED)
    # then
    assert run.status == BillRun.Status.POSTED, run.error
    assert Bill.objects.filter(run=run, status=Bill.Status.POSTED).count() == 5
    assert ledger_problems() == []
    assert tasks.bill_run_calculate_chunk.name == services.CALCULATE_CHUNK_TASK
