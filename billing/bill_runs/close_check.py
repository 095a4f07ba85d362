"""The month-end close's bill-run item (registered in billing/registrations.py): every bill
run of a billing period ending in the month is posted (or issued)."""

from billing.models import BillRun
from district.ledger.periods import CheckResult, Month

_POSTED = (BillRun.Status.POSTED, BillRun.Status.ISSUED)


def bill_runs_posted(month: Month) -> CheckResult:
    """One query: the live runs of the periods that end in the month, with their cycles."""
    runs = list(
        BillRun.objects.filter(period__period_end__range=(month.first, month.last))
        .exclude(status=BillRun.Status.FAILED)
        .select_related("period__cycle")
        .order_by("period__period_end", "id")
    )
    waiting = [run for run in runs if run.status not in _POSTED]
    if not runs:
        return CheckResult(
            done=True,
            summary="No bill run for periods ending this month.",
            url_name="billing:bill_runs",
        )
    return CheckResult(
        done=not waiting,
        summary=(
            f"{len(runs)} bill run(s), {len(runs) - len(waiting)} posted"
            + (f", {len(waiting)} not posted" if waiting else "")
        ),
        details=tuple(
            f"Run {run.pk} ({run.period.cycle.name}, period ending "
            f"{run.period.period_end:%m/%d/%Y}): {run.get_status_display()}"
            for run in waiting[:10]
        ),
        url_name="billing:bill_runs",
    )
