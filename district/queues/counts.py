"""Each queue's count and oldest item, one aggregate query apiece.

The models of the apps above district are looked up by label (django.apps.apps.get_model), the
way a ForeignKey("billing.Bill") names them, and their owners' constants by dotted path: nothing
here imports upward. When an app grows its own count function in its selectors, its catalog
entry points there instead and the function here goes.
"""

import datetime

from django.apps import apps
from django.db.models import Case, Exists, F, OuterRef, Q, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.module_loading import import_string

from district.queues.registry import Oldest, count_and_oldest

Result = tuple[int, Oldest]


def _model(label: str):
    return apps.get_model(label)


def approvals_waiting() -> Result:
    requests = import_string("district.approvals.selectors.approval_queue")()
    return count_and_oldest(requests, "requested_at")


def _approvals_of_kinds(kinds) -> Result:
    requests = import_string("district.approvals.selectors.approval_queue")()
    return count_and_oldest(requests.filter(kind__in=list(kinds)), "requested_at")


def bill_runs_in_audit() -> Result:
    runs = _model("billing.BillRun").objects.filter(status="audit")
    # In audit since its calculation finished.
    runs = runs.annotate(waiting_since=Coalesce("calculated_at", "created_at"))
    return count_and_oldest(runs, "waiting_since")


def bill_runs_stalled() -> Result:
    """Runs whose background stage has not moved for the stall policy's time (the same rule as
    billing.bill_runs.recovery.is_stalled, in SQL)."""
    minutes = import_string("billing.bill_runs.recovery.stall_minutes")()
    cutoff = timezone.now() - datetime.timedelta(minutes=minutes)
    runs = _model("billing.BillRun").objects.annotate(
        last_moved=Case(
            When(status="posted", then=F("issue_requested_at")),
            default=Coalesce("progress_at", "created_at"),
        )
    )
    runs = runs.filter(
        Q(status__in=["created", "calculating", "posting"], last_moved__lte=cutoff)
        | Q(status="posted", issue_requested_at__isnull=False, last_moved__lte=cutoff)
    )
    return count_and_oldest(runs, "last_moved")


def cases_past_due() -> Result:
    case_model = _model("accounts.Case")
    cases = case_model.objects.filter(
        status__in=case_model.OPEN_STATUSES, due_date__lt=timezone.localdate()
    )
    return count_and_oldest(cases, "due_date")


def shutoff_lists_to_approve() -> Result:
    # The lists billing.shutoffs.selectors.lists_awaiting_approval shows: drafts not past.
    lists = _model("shutoffs.ShutoffList").objects.filter(
        status="draft", date__gte=timezone.localdate()
    )
    return count_and_oldest(lists, "prepared_at")


def drawer_differences() -> Result:
    sessions = _model("payments.DrawerSession").objects.filter(over_short_state="pending")
    return count_and_oldest(sessions, "closed_at")


def batch_exceptions() -> Result:
    items = _model("payments.BatchItem").objects.filter(status="exception")
    return count_and_oldest(items, "entered_at")


def bank_exceptions() -> Result:
    lines = _model("payments.Bai2Transaction").objects.filter(status="exception")
    return count_and_oldest(lines, "report__file__imported_at")


def refunds_waiting() -> Result:
    kinds = [
        *import_string("billing.refunds.kinds.REQUEST_KINDS"),
        import_string("accounts.deposits.services.checks.REFUND_KIND"),
    ]
    return _approvals_of_kinds(kinds)


def arrangements_pending() -> Result:
    arrangements = _model("arrangements.Arrangement").objects.filter(status="pending")
    return count_and_oldest(arrangements, "created_at")


def write_offs_pending() -> Result:
    write_offs = _model("writeoffs.WriteOff").objects.filter(
        status__in=["proposed", "pending_approval"]
    )
    return count_and_oldest(write_offs, "created_at")


def phone_attempts_due() -> Result:
    """Disconnection notices still running (pay-by date not passed) with no call to the account
    since the notice went out: the collections queue's "phone due" rows."""
    called_since = _model("collections.PhoneAttempt").objects.filter(
        account_id=OuterRef("account_id"), attempted_on__gte=OuterRef("issued_on")
    )
    notices = _model("collections.DisconnectionNotice").objects.filter(
        pay_by__gte=timezone.localdate()
    )
    return count_and_oldest(notices.filter(~Exists(called_since)), "issued_on")


def csr1_review() -> Result:
    items = _model("district.ReviewItem").objects.filter(reviewed_at__isnull=True)
    return count_and_oldest(items, "sampled_at")
