"""Unattended runs: a scheduled period's run starts by itself on its bill date (the nightly
beat), once however often or however concurrently the beat runs, stops at the audit, and
shows on the supervisor's home with the periods still to start."""

import datetime
import threading
from decimal import Decimal

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.db import close_old_connections, connection
from django.urls import reverse
from django.utils import timezone

from billing import tasks
from billing.bill_runs import scheduled
from billing.bill_runs import services as bill_runs
from billing.calendar.services import period_schedule, period_unschedule
from billing.models import Bill, BillingCycle, BillingPeriod, BillRun
from district import roles
from district.celery import app as celery_app
from district.services import NIGHTLY_USERNAME
from tests.billing.factories import metered_account

D = datetime.date
BILL_DATE = D(2026, 2, 3)  # the January period's (tests/billing/factories.january_period)


def _period(cycle, start, bill_date, status=BillingPeriod.Status.SCHEDULED) -> BillingPeriod:
    """Another monthly period of the cycle, starting on `start` (the 1st) and billed on
    `bill_date`."""
    end = (start + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
    return BillingPeriod.objects.create(
        cycle=cycle,
        period_start=start,
        period_end=end,
        read_window_start=end - datetime.timedelta(days=4),
        read_window_end=end,
        bill_date=bill_date,
        due_date=bill_date + datetime.timedelta(days=21),
        status=status,
    )


# -- the beat schedule


def test_the_beat_starts_scheduled_runs_every_night_at_three():
    # given
    entry = settings.CELERY_BEAT_SCHEDULE["billing-scheduled-runs"]
    # then: the task exists under that name, at 3:00 in the district's time zone
    assert entry["task"] == "billing.start_scheduled_runs" == tasks.START_SCHEDULED_RUNS_TASK
    assert entry["task"] in celery_app.tasks
    assert entry["schedule"] == crontab(hour=3, minute=0)
    assert celery_app.conf.timezone == settings.TIME_ZONE


# -- starting


def test_a_period_due_today_starts_one_run_that_stops_at_the_audit(
    rates, period, django_capture_on_commit_callbacks
):
    # given two accounts of the period's cycle with their reads
    accounts = [metered_account(used=Decimal(n + 5)) for n in range(2)]
    # when the beat runs on the bill date
    with django_capture_on_commit_callbacks(execute=True):
        done = tasks.start_scheduled_runs.delay(BILL_DATE.isoformat()).get()
    # then one run, started by the nightly user, calculated and waiting at the audit
    run = BillRun.objects.get()
    assert done == [{"period_id": period.pk, "run_id": run.pk, "problem": ""}]
    assert run.status == BillRun.Status.AUDIT
    assert run.created_by.get_username() == NIGHTLY_USERNAME
    assert run.posted_at is None and run.posted_by is None
    assert sorted(Bill.objects.filter(run=run).values_list("account_id", flat=True)) == sorted(
        account.pk for account in accounts
    )
    assert not Bill.objects.filter(status=Bill.Status.POSTED).exists()
    period.refresh_from_db()
    assert period.status == BillingPeriod.Status.SCHEDULED  # billed only when a person posts


def test_a_period_past_its_bill_date_starts_too(rates, period):
    # when the beat runs days after the bill date (it did not run that night)
    done = scheduled.scheduled_runs_start(on_date=BILL_DATE + datetime.timedelta(days=5))
    # then
    assert [start.period.pk for start in done if start.run] == [period.pk]


def test_running_the_beat_again_starts_no_second_run(rates, period):
    # given
    first = scheduled.scheduled_runs_start(on_date=BILL_DATE)
    # when
    second = scheduled.scheduled_runs_start(on_date=BILL_DATE)
    # then
    assert len(first) == 1 and first[0].run is not None
    assert second == []
    assert BillRun.objects.filter(period=period).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_beats_at_once_start_one_run(rates, period):
    # given two beats starting together, each on its own connection
    barrier = threading.Barrier(2)
    results: list = [None, None]

    def beat(position):
        try:
            barrier.wait()
            results[position] = scheduled.scheduled_runs_start(on_date=BILL_DATE)
        except Exception as error:  # noqa: BLE001 - reported to the test
            results[position] = error
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=beat, args=(n,)) for n in range(2)]
    # when
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    # then: neither raised, one started the run, the other found nothing left to start
    assert all(isinstance(result, list) for result in results), results
    started = [start for result in results for start in result if start.run is not None]
    assert len(started) == 1, results
    assert BillRun.objects.filter(period=period).count() == 1


def test_a_period_billed_tomorrow_starts_nothing(rates, period):
    # when
    done = scheduled.scheduled_runs_start(on_date=BILL_DATE - datetime.timedelta(days=1))
    # then
    assert done == []
    assert not BillRun.objects.exists()


def test_a_planned_period_starts_nothing(rates, period):
    # given a period not scheduled
    BillingPeriod.objects.filter(pk=period.pk).update(status=BillingPeriod.Status.PLANNED)
    # when
    done = scheduled.scheduled_runs_start(on_date=BILL_DATE)
    # then
    assert done == []
    assert not BillRun.objects.exists()


def test_a_period_with_a_run_started_by_hand_is_left_alone(rates, period, biller):
    # given a run a person started, which then failed
    run = bill_runs.bill_run_create(period=period, by=biller)
    BillRun.objects.filter(pk=run.pk).update(status=BillRun.Status.FAILED)
    # when
    done = scheduled.scheduled_runs_start(on_date=BILL_DATE)
    # then: the failed run waits for a person; no second run is started
    assert done == []
    assert list(BillRun.objects.values_list("pk", flat=True)) == [run.pk]


# -- what cannot start is shown, not raised nor retried


def test_a_period_without_rates_is_noted_not_retried_and_tried_again_when_rescheduled(
    period, biller
):
    # given no rate schedule in force
    # when
    done = scheduled.scheduled_runs_start(on_date=BILL_DATE)
    # then the beat did not raise, started nothing and noted why on the period
    assert len(done) == 1 and done[0].run is None
    assert "No rate schedule is in force" in done[0].problem
    period.refresh_from_db()
    assert period.auto_start_problem == done[0].problem
    assert not BillRun.objects.exists()
    # and the next night does not try it again
    assert scheduled.scheduled_runs_start(on_date=BILL_DATE + datetime.timedelta(days=1)) == []
    # when a person schedules the period anew
    period_unschedule(period=period, by=biller)
    period = period_schedule(period=period, by=biller)
    # then the next night tries it again
    assert period.auto_start_problem == ""
    assert [start.period.pk for start in scheduled.scheduled_runs_start(on_date=BILL_DATE)] == [
        period.pk
    ]


def test_a_period_waits_while_an_earlier_run_of_its_cycle_is_open(rates, period, biller):
    # given January's run in audit, and February due
    january = bill_runs.bill_run_create(period=period, by=biller)
    BillRun.objects.filter(pk=january.pk).update(status=BillRun.Status.AUDIT)
    february = _period(period.cycle, D(2026, 2, 1), D(2026, 3, 3))
    # when
    done = scheduled.scheduled_runs_start(on_date=D(2026, 3, 3))
    # then
    assert [(start.period.pk, start.run) for start in done] == [(february.pk, None)]
    assert f"Bill run {january.pk} of cycle M1" in done[0].problem
    assert "in audit" in done[0].problem
    assert BillRun.objects.filter(period=february).count() == 0


def test_an_unexpected_failure_is_noted_and_the_other_periods_still_start(
    rates, period, monkeypatch
):
    # given two cycles due, the first of which fails in an unexpected way
    second_cycle = BillingCycle.objects.create(
        code="M2", name="Monthly 2", frequency="monthly", routes=["R02"]
    )
    other = _period(second_cycle, D(2026, 1, 1), BILL_DATE)
    checked = scheduled.start_problem

    def start_problem(candidate):
        if candidate.pk == period.pk:
            raise RuntimeError("boom")
        return checked(candidate)

    monkeypatch.setattr(scheduled, "start_problem", start_problem)
    # when
    done = {start.period.pk: start for start in scheduled.scheduled_runs_start(on_date=BILL_DATE)}
    # then
    assert done[period.pk].run is None and "could not start" in done[period.pk].problem
    assert done[other.pk].run is not None
    assert BillingPeriod.objects.get(pk=period.pk).auto_start_problem == done[period.pk].problem


# -- the supervisor's home


def test_the_supervisor_s_home_shows_the_waiting_run_and_the_upcoming_period(
    rates, period, client_for, django_capture_on_commit_callbacks
):
    # given January's run started by the beat (now in audit) and March scheduled ahead
    metered_account()
    with django_capture_on_commit_callbacks(execute=True):
        scheduled.scheduled_runs_start(on_date=BILL_DATE)
    run = BillRun.objects.get()
    ahead = timezone.localdate() + datetime.timedelta(days=10)
    upcoming = _period(period.cycle, D(2026, 3, 1), ahead)
    # when
    html = client_for(roles.SUPERVISOR).get(reverse("home")).content.decode()
    # then
    panel = html.split('id="panel-scheduled-runs"')[1].split("</section>")[0]
    assert reverse("billing:bill_run", args=[run.pk]) in panel
    assert "in audit, waiting for release" in panel
    assert reverse("billing:period_detail", args=[upcoming.pk]) in panel
    assert f"starts {ahead:%m/%d/%Y}" in panel


def test_the_home_shows_why_a_scheduled_run_did_not_start(period, client_for):
    # given no rates: the beat noted the problem
    scheduled.scheduled_runs_start(on_date=BILL_DATE)
    # when
    html = client_for(roles.SUPERVISOR).get(reverse("home")).content.decode()
    # then
    panel = html.split('id="panel-scheduled-runs"')[1].split("</section>")[0]
    assert "not started." in panel and "No rate schedule is in force" in panel


def test_a_csr_does_not_see_the_scheduled_runs_panel(rates, period, client_for):
    # given
    scheduled.scheduled_runs_start(on_date=BILL_DATE)
    # when
    html = client_for(roles.CSR_II).get(reverse("home")).content.decode()
    # then
    assert 'id="panel-scheduled-runs"' not in html
    assert "Scheduled bill runs" not in html
