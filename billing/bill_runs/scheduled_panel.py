"""The supervisor's home panel of unattended bill runs (registered in billing/registrations.py).

It shows the runs the schedule started that wait for a person (at the audit, or stopped), and
the scheduled periods whose run has not started yet: the day it starts by itself, or why it
could not (billing.bill_runs.scheduled). Two queries.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from django.utils import timezone

from billing.bill_runs.scheduled import UNFINISHED
from billing.models import BillingPeriod, BillRun
from district.services import NIGHTLY_USERNAME

SHOWN = 10


@dataclass(frozen=True)
class UpcomingRun:
    period: BillingPeriod
    due: bool  # the bill date has come: the next nightly start takes it (unless a problem)

    @property
    def problem(self) -> str:
        return self.period.auto_start_problem


def runs_started_by_schedule() -> list[BillRun]:
    """Runs the nightly start opened that are not posted yet, oldest first."""
    return list(
        BillRun.objects.filter(created_by__username=NIGHTLY_USERNAME, status__in=UNFINISHED)
        .exclude(status=BillRun.Status.FAILED, period__status=BillingPeriod.Status.BILLED)
        .select_related("period", "period__cycle")
        .order_by("created_at")[:SHOWN]
    )


def upcoming_runs(today: datetime.date) -> list[UpcomingRun]:
    """Scheduled periods with no run yet, by bill date (the problems noted first)."""
    periods = (
        BillingPeriod.objects.filter(status=BillingPeriod.Status.SCHEDULED)
        .exclude(Exists(BillRun.objects.filter(period=OuterRef("pk"))))
        .select_related("cycle")
        .order_by("bill_date", "cycle__code")[:SHOWN]
    )
    rows = [UpcomingRun(period, due=period.bill_date <= today) for period in periods]
    return sorted(rows, key=lambda row: not row.problem)


def scheduled_runs_panel(request, **_context) -> dict:
    return {
        "waiting": runs_started_by_schedule(),
        "upcoming": upcoming_runs(timezone.localdate()),
    }
