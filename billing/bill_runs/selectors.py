"""Reads of bill runs for their pages: the list, the periods ready to run, a run's exceptions."""

from dataclasses import dataclass

from billing.bill_runs.audit import BLOCKING
from billing.models import BillException, BillingPeriod, BillRun


def bill_runs(limit: int = 100) -> list[BillRun]:
    return list(
        BillRun.objects.select_related("period", "period__cycle", "created_by").order_by(
            "-created_at"
        )[:limit]
    )


def periods_ready_to_run() -> list[BillingPeriod]:
    """Scheduled periods with no live bill run yet (one query)."""
    return list(
        BillingPeriod.objects.filter(status=BillingPeriod.Status.SCHEDULED)
        .exclude(runs__status__in=[s for s in BillRun.Status.values if s != "failed"])
        .select_related("cycle")
        .order_by("period_start", "cycle__code")
    )


def bill_run_get(run_id: int) -> BillRun:
    """BillRun.DoesNotExist if none."""
    return BillRun.objects.select_related(
        "period", "period__cycle", "created_by", "posted_by", "override_by"
    ).get(pk=run_id)


def progress_percent(run: BillRun) -> int:
    if not run.accounts_total:
        return 100 if run.status != BillRun.Status.CALCULATING else 0
    return min(100, round(100 * run.bills_calculated / run.accounts_total))


@dataclass(frozen=True)
class ExceptionGroup:
    kind: str
    label: str
    blocking: bool
    open_count: int
    rows: list[BillException]


def exception_groups(run: BillRun, *, per_kind: int = 200) -> list[ExceptionGroup]:
    """The run's exceptions grouped by kind, blocking kinds first, open ones first (one query
    for the rows shown; a large group shows its first `per_kind`)."""
    rows = (
        BillException.objects.filter(run=run)
        .select_related("account", "account__premise", "bill", "work_order")
        .order_by("kind", "status", "account__number")
    )
    grouped: dict[str, list[BillException]] = {}
    for row in rows:
        grouped.setdefault(row.kind, []).append(row)
    labels = dict(BillException.Kind.choices)
    groups = [
        ExceptionGroup(
            kind=kind,
            label=labels[kind],
            blocking=BLOCKING[kind],
            open_count=sum(1 for row in items if row.status == BillException.Status.OPEN),
            rows=items[:per_kind],
        )
        for kind, items in grouped.items()
    ]
    return sorted(groups, key=lambda group: (not group.blocking, group.label))
