"""After a run posts: a letter to each customer whose bill the audit flagged for high use, in
one print batch (customers who chose e-mail get it by e-mail instead), with their use this
bill and their typical use (the average of their posted bills of the last year before it).

The night's job writes them for the runs posted lately, in the name of whoever posted the run,
so rendering letters never slows the posting of a run's bills."""

import datetime
import logging
from decimal import Decimal

from django.db.models import Avg

from accounts.correspondence.models import PrintBatch
from accounts.correspondence.services import letter_batch_create
from billing.models import Bill, BillException

log = logging.getLogger(__name__)

HIGH_USE_KEY = "high-use"
TYPICAL_DAYS = 370


def high_use_letter_facts(run_id: int) -> dict[int, dict]:
    """{account id: {"usage_hcf", "typical_hcf"}} of the run's posted bills flagged high use
    (two queries)."""
    flagged = list(
        BillException.objects.filter(
            run_id=run_id,
            kind=BillException.Kind.HIGH_USE,
            bill__status=Bill.Status.POSTED,
        ).values("account_id", "bill__consumption", "bill__period_start")
    )
    if not flagged:
        return {}
    first = min(row["bill__period_start"] for row in flagged)
    history = (
        Bill.objects.filter(
            account_id__in=[row["account_id"] for row in flagged],
            status=Bill.Status.POSTED,
            period_end__gte=first - datetime.timedelta(days=TYPICAL_DAYS),
        )
        .exclude(run_id=run_id)
        .values("account_id")
        .annotate(typical=Avg("consumption"))
    )
    typical = {row["account_id"]: row["typical"] for row in history}
    return {
        row["account_id"]: {
            "usage_hcf": row["bill__consumption"],
            "typical_hcf": (typical.get(row["account_id"]) or Decimal("0")).quantize(Decimal("1")),
        }
        for row in flagged
    }


def high_use_letters(*, run_id: int, by) -> PrintBatch | None:
    """The run's high-use letters, once (a repeated run id returns the first batch)."""
    facts = high_use_letter_facts(run_id)
    if not facts:
        return None
    return letter_batch_create(
        key=HIGH_USE_KEY,
        account_ids=list(facts),
        by=by,
        reason=f"Bill run {run_id}: water use higher than usual",
        context_by_account=facts,
        idempotency_key=f"bill-run-{run_id}-high-use",
    )


RECENT_DAYS = 7


def high_use_letters_for_recent_runs(*, today: datetime.date) -> list[PrintBatch]:
    """Each run posted in the last week without its high-use letters gets them (the night's
    job; a run whose poster may not send letters is skipped, with the reason logged)."""
    from django.core.exceptions import ValidationError

    from billing.models import BillRun

    written = set(
        PrintBatch.objects.filter(idempotency_key__startswith="bill-run-").values_list(
            "idempotency_key", flat=True
        )
    )
    batches = []
    for run in BillRun.objects.filter(
        status__in=(BillRun.Status.POSTED, BillRun.Status.ISSUED),
        posted_at__date__gte=today - datetime.timedelta(days=RECENT_DAYS),
    ).select_related("posted_by"):
        if f"bill-run-{run.pk}-high-use" in written:
            continue
        try:
            batch = high_use_letters(run_id=run.pk, by=run.posted_by)
        except ValidationError as refusal:
            log.warning("Bill run %s: no high-use letters: %s", run.pk, " ".join(refusal.messages))
            continue
        if batch is not None:
            batches.append(batch)
    return batches
