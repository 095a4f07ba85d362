"""Recovering a bill run without a shell: a stalled stage is seen and resumed from the run's
page (once, even when two people press Resume at once), and calculating a run again resolves
the exceptions that no longer hold."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import close_old_connections, connection
from django.urls import reverse
from django.utils import timezone

from billing.bill_runs import posting, recovery, services
from billing.models import Bill, BillException, BillRun
from district import roles
from district.ledger.models import Journal
from district.ledger.selectors import ledger_problems
from district.models import Policy
from district.policies import policy_update
from tests import factories
from tests.billing.factories import january_period, metered_account

D = datetime.date
# The accounts of this module's own cycle and route.
RECOVERY_CYCLE = {"billing_cycle": "RC1", "route": "RR1"}
LONG_AGO = datetime.timedelta(hours=2)


@pytest.fixture
def period(db):
    return january_period(code="RC1", name="Recovery cycle", routes=["RR1"])


def _stalled_calculation(period, by, accounts):
    """A run whose worker died after its first chunk: 'Calculating 2/N' with no more progress."""
    run = services.bill_run_create(period=period, by=by)
    BillRun.objects.filter(pk=run.pk).update(
        status=BillRun.Status.CALCULATING, accounts_total=len(accounts)
    )
    services.bill_run_calculate_chunk(run_id=run.pk, account_ids=[a.pk for a in accounts[:2]])
    BillRun.objects.filter(pk=run.pk).update(progress_at=timezone.now() - LONG_AGO)
    return BillRun.objects.get(pk=run.pk)


def _audited_run(period, by):
    run = services.bill_run_create(period=period, by=by)
    return services.bill_run_calculate(run_id=run.pk)


# -- seeing a stall


def test_a_run_is_stalled_only_after_the_policy_time_without_progress(rates, period, make_user):
    # given a run calculating, last moved 20 minutes ago, and the policy at its default (15)
    run = services.bill_run_create(period=period, by=make_user(roles.CSR_II))
    BillRun.objects.filter(pk=run.pk).update(
        status=BillRun.Status.CALCULATING,
        progress_at=timezone.now() - datetime.timedelta(minutes=20),
    )
    run.refresh_from_db()
    # when / then
    assert Policy.objects.filter(key=recovery.STALL_POLICY).exists()
    assert recovery.stall_minutes() == 15
    assert recovery.is_stalled(run)
    # when the district allows an hour
    policy_update(key=recovery.STALL_POLICY, value="60", by=make_user(roles.SUPERVISOR))
    # then it is still moving
    assert not recovery.is_stalled(run)


def test_a_run_in_audit_or_posted_has_nothing_stalled(rates, period, make_user):
    # given
    run = _audited_run(period, make_user(roles.CSR_II))
    BillRun.objects.filter(pk=run.pk).update(progress_at=timezone.now() - LONG_AGO)
    run.refresh_from_db()
    # when / then
    assert run.status == BillRun.Status.AUDIT
    assert not recovery.is_stalled(run)
    with pytest.raises(ValidationError, match="nothing to resume"):
        recovery.bill_run_resume(run_id=run.pk, by=make_user(roles.CSR_II))


# -- resuming calculation


def test_resuming_a_stalled_calculation_bills_the_rest_once(
    rates, period, make_user, django_capture_on_commit_callbacks
):
    # given a run that stopped after two of five accounts
    accounts = [metered_account(**RECOVERY_CYCLE) for _ in range(5)]
    biller = make_user(roles.CSR_II)
    run = _stalled_calculation(period, biller, accounts)
    assert Bill.objects.filter(run=run).count() == 2
    # and a new run of the period is refused meanwhile
    with pytest.raises(ValidationError, match="already has a bill run"):
        services.bill_run_create(period=period, by=biller)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        recovery.bill_run_resume(run_id=run.pk, by=biller)
    # then
    run.refresh_from_db()
    assert run.status == BillRun.Status.AUDIT
    assert Bill.objects.filter(run=run).count() == 5
    assert Bill.objects.values("account_id").distinct().count() == 5
    assert run.bills_calculated == 5


def test_a_moving_run_cannot_be_resumed(rates, period, make_user):
    # given a run that moved a minute ago
    accounts = [metered_account(**RECOVERY_CYCLE) for _ in range(3)]
    biller = make_user(roles.CSR_II)
    run = _stalled_calculation(period, biller, accounts)
    moved = timezone.now() - datetime.timedelta(minutes=1)
    BillRun.objects.filter(pk=run.pk).update(progress_at=moved)
    # when / then
    with pytest.raises(ValidationError, match="still calculating"):
        recovery.bill_run_resume(run_id=run.pk, by=biller)
    run.refresh_from_db()
    assert run.progress_at == moved
    assert Bill.objects.filter(run=run).count() == 2


def test_a_csr_one_cannot_resume_a_run(rates, period, make_user):
    # given
    run = _stalled_calculation(
        period, make_user(roles.CSR_II), [metered_account(**RECOVERY_CYCLE) for _ in range(3)]
    )
    # when / then
    with pytest.raises(ValidationError, match="does not allow"):
        recovery.bill_run_resume(run_id=run.pk, by=make_user(roles.CSR_I))
    assert BillRun.objects.get(pk=run.pk).progress_at == run.progress_at


@pytest.mark.django_db(transaction=True)
def test_two_resumes_at_once_still_bill_each_account_once(rates, period, make_user):
    # given a stalled run, and a CSR II and a supervisor pressing Resume together
    accounts = [metered_account(**RECOVERY_CYCLE) for _ in range(6)]
    people = [make_user(roles.CSR_II), make_user(roles.SUPERVISOR)]
    run = _stalled_calculation(period, people[0], accounts)
    barrier = threading.Barrier(2)
    results: list = [None, None]

    def resume(position):
        try:
            barrier.wait()
            results[position] = recovery.bill_run_resume(run_id=run.pk, by=people[position])
        except Exception as error:  # noqa: BLE001 - reported to the test
            results[position] = error
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=resume, args=(n,)) for n in range(2)]
    # when
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    # then: one resumed, the other was told the run is moving again; one bill per account
    resumed = [result for result in results if isinstance(result, BillRun)]
    refused = [result for result in results if isinstance(result, ValidationError)]
    assert len(resumed) == 1 and len(refused) == 1, results
    assert "still calculating" in refused[0].messages[0]
    assert BillRun.objects.get(pk=run.pk).status == BillRun.Status.AUDIT
    assert Bill.objects.filter(run=run).count() == 6
    assert Bill.objects.values("account_id").distinct().count() == 6


# -- resuming posting and issuing


def test_resuming_a_stalled_posting_posts_each_bill_once(
    rates, period, make_user, django_capture_on_commit_callbacks
):
    # given a run whose posting worker died after its first chunk
    for _ in range(5):
        metered_account(**RECOVERY_CYCLE)
    supervisor = make_user(roles.SUPERVISOR)
    run = _audited_run(period, supervisor)
    services.bill_run_post(run_id=run.pk, by=supervisor, override_reason="first bills")
    posting.post_chunk(run=BillRun.objects.get(pk=run.pk), by=supervisor, chunk_size=2)
    BillRun.objects.filter(pk=run.pk).update(progress_at=timezone.now() - LONG_AGO)
    assert Bill.objects.filter(run=run, status=Bill.Status.POSTED).count() == 2
    # when
    with django_capture_on_commit_callbacks(execute=True):
        recovery.bill_run_resume(run_id=run.pk, by=make_user(roles.CSR_II))
    # then
    run.refresh_from_db()
    assert run.status == BillRun.Status.POSTED
    assert Bill.objects.filter(run=run, status=Bill.Status.POSTED).count() == 5
    assert Journal.objects.filter(kind=Journal.Kind.BILL).count() == 5
    assert ledger_problems() == []


def test_resuming_a_stalled_issue_issues_the_run(
    rates, period, make_user, django_capture_on_commit_callbacks
):
    # given a posted run whose issue was asked for, but whose worker never did it
    metered_account(**RECOVERY_CYCLE)
    supervisor = make_user(roles.SUPERVISOR)
    run = _audited_run(period, supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        services.bill_run_post(run_id=run.pk, by=supervisor, override_reason="first bill")
    recovery.bill_run_issue_request(run_id=run.pk, by=supervisor)  # its task is never run
    with pytest.raises(ValidationError, match="already being issued"):
        recovery.bill_run_issue_request(run_id=run.pk, by=supervisor)
    BillRun.objects.filter(pk=run.pk).update(issue_requested_at=timezone.now() - LONG_AGO)
    run.refresh_from_db()
    assert recovery.stage(run) == "issuing" and recovery.is_stalled(run)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        recovery.bill_run_resume(run_id=run.pk, by=make_user(roles.CSR_II))
    # then
    run.refresh_from_db()
    assert run.status == BillRun.Status.ISSUED
    assert run.print_file


# -- the run's page


def test_the_resume_button_shows_only_when_stalled_and_resumes(
    rates, period, client_for, django_capture_on_commit_callbacks
):
    # given a run moving a minute ago
    client = client_for(roles.CSR_II)
    accounts = [metered_account(**RECOVERY_CYCLE) for _ in range(3)]
    run = _stalled_calculation(period, client.user, accounts)
    BillRun.objects.filter(pk=run.pk).update(
        progress_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    resume_url = reverse("billing:bill_run_resume", kwargs={"run_id": run.pk})
    page = client.get(reverse("billing:bill_run", kwargs={"run_id": run.pk}))
    assert resume_url not in page.content.decode()
    # when it has not moved for two hours
    BillRun.objects.filter(pk=run.pk).update(progress_at=timezone.now() - LONG_AGO)
    page = client.get(reverse("billing:bill_run", kwargs={"run_id": run.pk}))
    fragment = client.get(
        reverse("billing:bill_run_progress", kwargs={"run_id": run.pk}) + "?stage=calculating",
        HTTP_HX_REQUEST="true",
    )
    # then the page and the polled fragment offer Resume, and the fragment stops polling
    assert resume_url in page.content.decode() and "Stalled" in page.content.decode()
    assert resume_url in fragment.content.decode()
    assert 'hx-trigger="every 2s"' not in fragment.content.decode()
    # when Resume is pressed
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(resume_url)
    # then
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.status == BillRun.Status.AUDIT
    assert Bill.objects.filter(run=run).count() == 3


def test_a_get_of_resume_changes_nothing(rates, period, client_for):
    # given a stalled run
    client = client_for(roles.SUPERVISOR)
    run = _stalled_calculation(
        period, client.user, [metered_account(**RECOVERY_CYCLE) for _ in range(3)]
    )
    # when
    response = client.get(reverse("billing:bill_run_resume", kwargs={"run_id": run.pk}))
    # then
    assert response.status_code == 200
    assert BillRun.objects.get(pk=run.pk).progress_at == run.progress_at
    assert Bill.objects.filter(run=run).count() == 2


def test_a_csr_one_gets_403_from_resume(rates, period, client_for, make_user):
    # given
    run = _stalled_calculation(
        period, make_user(roles.CSR_II), [metered_account(**RECOVERY_CYCLE) for _ in range(3)]
    )
    # when
    response = client_for(roles.CSR_I).post(
        reverse("billing:bill_run_resume", kwargs={"run_id": run.pk})
    )
    # then
    assert response.status_code == 403
    assert BillRun.objects.get(pk=run.pk).progress_at == run.progress_at


# -- calculating again


def test_calculating_again_resolves_a_missing_read_once_the_read_is_in(
    rates, period, make_user, client_for, django_capture_on_commit_callbacks
):
    # given a run in audit with a missing read (a blocking exception)
    metered_account(**RECOVERY_CYCLE)
    late = metered_account(current_read=False, **RECOVERY_CYCLE)
    client = client_for(roles.CSR_II)
    run = _audited_run(period, client.user)
    missing = BillException.objects.get(run=run, account=late, kind=BillException.Kind.MISSING_READ)
    # when the read is entered and the run calculated again from its page
    factories.MeterReadFactory(meter=late.meter, read_on=D(2026, 1, 30), reading=108)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("billing:bill_run_recalculate", kwargs={"run_id": run.pk}))
    # then the account is billed and the missing read no longer blocks
    assert response.status_code == 302
    run.refresh_from_db()
    missing.refresh_from_db()
    assert run.status == BillRun.Status.AUDIT
    assert missing.status == BillException.Status.RESOLVED
    assert Bill.objects.filter(run=run, account=late).count() == 1
    assert not BillException.objects.filter(
        run=run, status=BillException.Status.OPEN, kind=BillException.Kind.MISSING_READ
    ).exists()
    # and with the first-bill exceptions accepted, the run posts without an override
    for exception in BillException.objects.filter(
        run=run, status=BillException.Status.OPEN, blocking=True
    ):
        services.bill_exception_accept(exception_id=exception.pk, by=client.user)
    assert services.blocking_open(run) == 0
    with django_capture_on_commit_callbacks(execute=True):
        services.bill_run_post(run_id=run.pk, by=client.user)
    run.refresh_from_db()
    assert run.status == BillRun.Status.POSTED
    assert run.override_reason == ""


def test_calculating_again_keeps_a_missing_read_that_still_holds(
    rates, period, make_user, django_capture_on_commit_callbacks
):
    # given a run in audit with a missing read, still missing
    late = metered_account(current_read=False, **RECOVERY_CYCLE)
    biller = make_user(roles.CSR_II)
    run = _audited_run(period, biller)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        recovery.bill_run_recalculate(run_id=run.pk, by=biller)
    # then
    exception = BillException.objects.get(run=run, account=late, kind="missing_read")
    assert exception.status == BillException.Status.OPEN
    assert BillRun.objects.get(pk=run.pk).status == BillRun.Status.AUDIT


def test_only_a_run_in_audit_is_calculated_again(rates, period, make_user):
    # given a run still calculating
    biller = make_user(roles.CSR_II)
    run = _stalled_calculation(
        period, biller, [metered_account(**RECOVERY_CYCLE) for _ in range(3)]
    )
    # when / then
    with pytest.raises(ValidationError, match="Only a run in audit"):
        recovery.bill_run_recalculate(run_id=run.pk, by=biller)
    assert BillRun.objects.get(pk=run.pk).status == BillRun.Status.CALCULATING


def test_a_first_bill_audit_amount_survives_calculating_again(rates, period, make_user):
    # a sanity check of the money: the bill made on the first pass is not made again
    metered_account(**RECOVERY_CYCLE)
    biller = make_user(roles.CSR_II)
    run = _audited_run(period, biller)
    before = list(Bill.objects.filter(run=run).values_list("pk", "current_charges"))
    services.bill_run_calculate(run_id=run.pk)
    assert list(Bill.objects.filter(run=run).values_list("pk", "current_charges")) == before
    assert before[0][1] > Decimal("0")
