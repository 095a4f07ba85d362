"""The supervisor's queues: each queue's count and oldest age, "unavailable" for a broken
source, one query per queue, and who sees the page and the home panel."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Case
from billing.models import BillingCycle, BillingPeriod, BillRun
from district import roles
from district.approvals.models import ApprovalRequest
from district.models_review import ReviewItem
from district.queues import registry
from district.queues.registry import Queue, queue_states
from payments.models import BatchItem, PaymentBatch
from tests import factories

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def _state(user, key):
    return next(state for state in queue_states(user, now=NOW) if state.queue.key == key)


def _days_ago(days: int) -> datetime.datetime:
    return NOW - datetime.timedelta(days=days)


def _approval(by, *, days_old: int, status="pending"):
    request = ApprovalRequest.objects.create(
        kind="write-off", requested_by=by, reason="Uncollectable", amount=Decimal("40.00")
    )
    # requested_at is auto_now_add: set the age afterwards.
    ApprovalRequest.objects.filter(pk=request.pk).update(
        requested_at=_days_ago(days_old), status=status
    )
    return request


def _bill_run(code: str, *, status: str, calculated_days_ago: int) -> BillRun:
    cycle = BillingCycle.objects.create(
        code=code, name=f"Cycle {code}", frequency="monthly", routes=["R01"]
    )
    period = BillingPeriod.objects.create(
        cycle=cycle,
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 1, 31),
        read_window_start=datetime.date(2026, 1, 25),
        read_window_end=datetime.date(2026, 2, 2),
        bill_date=datetime.date(2026, 2, 5),
        due_date=datetime.date(2026, 2, 26),
    )
    return BillRun.objects.create(
        period=period, status=status, calculated_at=_days_ago(calculated_days_ago)
    )


def _case(*, due_days_ago: int, status="open") -> Case:
    return Case.objects.create(
        category="other",
        subject="Leak at the meter",
        description="Customer reports a leak",
        due_date=timezone.localdate() - datetime.timedelta(days=due_days_ago),
        status=status,
        resolution="Meter replaced" if status in ("resolved", "closed") else "",
    )


def _batch_item(by, *, status: str, days_old: int, position: int) -> BatchItem:
    batch = PaymentBatch.objects.create(
        kind="mail", control_count=1, control_total=Decimal("25.00"), created_by=by
    )
    return BatchItem.objects.create(
        batch=batch,
        position=position,
        status=status,
        amount=Decimal("25.00"),
        entered_by=by,
        entered_at=_days_ago(days_old),
    )


def _review_item(done_by, *, days_old: int, reviewed_by=None) -> ReviewItem:
    account = factories.ServiceAccountFactory()
    return ReviewItem.objects.create(
        kind="service-start",
        content_type_id=_account_type(),
        object_id=account.pk,
        label=f"Service start: {account}",
        done_on=timezone.localdate(),
        done_by=done_by,
        sampled_at=_days_ago(days_old),
        reviewed_by=reviewed_by,
        reviewed_at=NOW if reviewed_by else None,
        outcome="ok" if reviewed_by else "",
    )


def _account_type() -> int:
    from django.contrib.contenttypes.models import ContentType

    from accounts.models import ServiceAccount

    return ContentType.objects.get_for_model(ServiceAccount).pk


def test_approvals_waiting_counts_pending_requests_and_the_oldest_age(make_user):
    # given two pending requests (3 and 1 days old) and a decided one 9 days old
    csr = make_user(roles.CSR_II)
    _approval(csr, days_old=3)
    _approval(csr, days_old=1)
    _approval(csr, days_old=9, status="cancelled")
    supervisor = make_user(roles.SUPERVISOR)
    # when
    state = _state(supervisor, "approvals")
    # then
    assert (state.count, state.age_days) == (2, 3)
    assert state.url == reverse("approvals:queue")


def test_cases_past_due_counts_open_cases_due_before_today(make_user):
    # given open cases 5 and 2 days past due, one due today, one resolved 20 days past due
    _case(due_days_ago=5)
    _case(due_days_ago=2, status="waiting")
    _case(due_days_ago=0)
    _case(due_days_ago=20, status="resolved")
    # when
    state = _state(make_user(roles.SUPERVISOR), "cases-past-due")
    # then: aged from the earliest due date
    assert (state.count, state.age_days) == (2, 5)


def test_bill_run_audits_count_runs_in_audit_aged_from_their_calculation(make_user):
    # given two runs in audit (calculated 4 and 1 days ago) and a posted one
    _bill_run("AUD1", status="audit", calculated_days_ago=4)
    _bill_run("AUD2", status="audit", calculated_days_ago=1)
    _bill_run("POS1", status="posted", calculated_days_ago=30)
    # when
    state = _state(make_user(roles.SUPERVISOR), "bill-run-audits")
    # then
    assert (state.count, state.age_days) == (2, 4)
    assert state.url == reverse("billing:bill_runs")


def test_stalled_runs_count_a_stage_that_has_not_moved_for_the_stall_time(make_user):
    # given a run calculating with no progress for two days, and one that moved just now
    stalled = _bill_run("STL1", status="calculating", calculated_days_ago=0)
    BillRun.objects.filter(pk=stalled.pk).update(progress_at=_days_ago(2))
    moving = _bill_run("STL2", status="calculating", calculated_days_ago=0)
    BillRun.objects.filter(pk=moving.pk).update(progress_at=timezone.now())
    # when
    state = _state(make_user(roles.SUPERVISOR), "bill-runs-stalled")
    # then
    assert (state.count, state.age_days) == (1, 2)


def test_batch_exceptions_count_items_without_an_account(make_user):
    # given two exceptions (6 and 2 days old), an entered and a resolved item
    csr = make_user(roles.CSR_I)
    _batch_item(csr, status="exception", days_old=6, position=1)
    _batch_item(csr, status="exception", days_old=2, position=1)
    _batch_item(csr, status="entered", days_old=10, position=1)
    # when
    state = _state(make_user(roles.SUPERVISOR), "batch-exceptions")
    # then
    assert (state.count, state.age_days) == (2, 6)


def test_csr1_review_counts_items_not_reviewed_yet(make_user):
    # given two waiting items (7 and 3 days old) and a reviewed one
    csr = make_user(roles.CSR_I)
    supervisor = make_user(roles.SUPERVISOR)
    _review_item(csr, days_old=7)
    _review_item(csr, days_old=3)
    _review_item(csr, days_old=12, reviewed_by=supervisor)
    # when
    state = _state(supervisor, "csr1-review")
    # then
    assert (state.count, state.age_days) == (2, 7)
    assert state.url == reverse("review:queue")


def test_an_empty_queue_has_no_age(make_user):
    state = _state(make_user(roles.SUPERVISOR), "write-offs")
    assert (state.count, state.age_days, state.has_items) == (0, None, False)


def test_a_queue_the_viewer_does_not_work_is_shown_without_a_link(make_user):
    # the supervisor does not reconcile the bank (Finance does): the count shows, unlinked
    state = _state(make_user(roles.SUPERVISOR), "bank-exceptions")
    assert state.is_available and state.url == ""


def _failing_source():
    raise RuntimeError("the area's selector broke")


def _failing_query():
    from django.db import connection as db

    with db.cursor() as cursor:
        cursor.execute("SELECT * FROM no_such_table_for_queues")
    return 0, None


@pytest.fixture
def broken_queues():
    queues = [
        Queue("test-missing", "Missing source", "home", "district.approve_requests",
              "district.no_such_module.count", order=1),
        Queue("test-raises", "Raising source", "home", "district.approve_requests",
              f"{__name__}._failing_source", order=2),
        Queue("test-bad-sql", "Failing query", "home", "district.approve_requests",
              f"{__name__}._failing_query", order=3),
    ]  # fmt: skip
    for queue in queues:
        registry.register(queue)
    yield
    for queue in queues:
        registry.QUEUES.unregister(queue.key)


def test_an_unavailable_source_shows_unavailable_and_the_page_still_renders(
    client_for, make_user, broken_queues
):
    # given three broken queues (a missing module, an exception, a failed SQL query)
    # and a pending approval
    _approval(make_user(roles.CSR_II), days_old=2)
    client = client_for(roles.SUPERVISOR)
    # when
    response = client.get(reverse("queues:index"))
    # then the page answers, says "unavailable" for each, and the queues after them still count
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('text-bg-warning">unavailable') == 3
    states = {state.queue.key: state for state in response.context["states"]}
    assert not states["test-bad-sql"].is_available
    assert (states["approvals"].count, states["approvals"].age_days) == (1, 2)


def _non_savepoint(queries) -> list[str]:
    return [q["sql"] for q in queries if "SAVEPOINT" not in q["sql"].upper()]


def test_each_queue_is_read_in_one_query(make_user):
    # given data in several queues
    csr = make_user(roles.CSR_I)
    supervisor = make_user(roles.SUPERVISOR)
    _approval(csr, days_old=1)
    _case(due_days_ago=3)
    _batch_item(csr, status="exception", days_old=1, position=1)
    _review_item(csr, days_old=1)
    supervisor.has_perm("district.view_accounts")  # permissions cached before counting
    # when
    with CaptureQueriesContext(connection) as queries:
        states = queue_states(supervisor)
    # then one query per queue, besides the savepoints that keep a failing one apart
    # (and the stall policy's read for the stalled-runs queue)
    assert len(_non_savepoint(queries.captured_queries)) == len(states) + 1
    assert len(states) == 15


def test_the_queues_page_query_count_is_pinned(
    client_for, make_user, django_assert_max_num_queries
):
    # given
    csr = make_user(roles.CSR_I)
    for days in (1, 2, 3):
        _approval(csr, days_old=days)
        _case(due_days_ago=days)
        _review_item(csr, days_old=days)
    client = client_for(roles.SUPERVISOR)
    # when / then: 15 queues read once each with their savepoints (3 statements), the stall
    # policy, the session, the user and their permissions and the menu
    with django_assert_max_num_queries(15 * 3 + 12):
        response = client.get(reverse("queues:index"))
    assert response.status_code == 200


@pytest.mark.parametrize(
    "role, status",
    [
        (roles.SUPERVISOR, 200),
        (roles.CSR_III, 403),
        (roles.CSR_II, 403),
        (roles.CSR_I, 403),
        (roles.FINANCE, 403),
        (roles.FIELD_TECHNICIAN, 403),
    ],
    ids=lambda value: getattr(value, "name", value),
)
def test_the_queues_page_is_the_supervisors(client_for, role, status):
    assert client_for(role).get(reverse("queues:index")).status_code == status


def test_the_supervisors_home_lists_the_queues_with_items(client_for, make_user):
    # given a pending approval and nothing else
    _approval(make_user(roles.CSR_II), days_old=4)
    # when
    page = client_for(roles.SUPERVISOR).get(reverse("home")).content.decode()
    # then the panel shows the approvals queue and not the empty ones
    assert "Approvals waiting" in page and "4 days" in page
    assert "Write-offs pending" not in page


def test_a_csr_iii_home_has_no_queues_panel(client_for, make_user):
    _approval(make_user(roles.CSR_II), days_old=4)
    page = client_for(roles.CSR_III).get(reverse("home")).content.decode()
    assert reverse("queues:index") not in page


def test_every_queue_of_the_catalog_reads_on_the_real_schema(make_user):
    # a wrong model label, field or status of any area shows here rather than as "unavailable"
    states = queue_states(make_user(roles.SUPERVISOR))
    assert [state.queue.key for state in states if not state.is_available] == []
    assert all(reverse(state.queue.url_name) for state in states)
