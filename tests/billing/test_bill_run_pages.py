"""Bill run pages: the list and start, the run page, its htmx progress fragment, actions, post."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from billing.models import Bill, BillException, BillRun
from billing.rates.services import rate_version_load
from district import roles
from tests.billing.factories import EXAMPLE, january_period, metered_account

D = datetime.date


@pytest.fixture
def period(db):
    rate_version_load(source=EXAMPLE.read_text(), by=None)
    return january_period()


def test_a_csr_one_cannot_open_bill_runs(client_for, period):
    response = client_for(roles.CSR_I).get(reverse("billing:bill_runs"))
    assert response.status_code == 403


def test_starting_a_run_from_the_list_calculates_it(
    client_for, period, django_capture_on_commit_callbacks
):
    # given
    metered_account(), metered_account(used=Decimal(900))
    client = client_for(roles.CSR_II)
    page = client.get(reverse("billing:bill_runs"))
    assert page.status_code == 200 and "Start the bill run" in page.content.decode()
    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("billing:bill_run_start"), {"period": period.pk})
    # then
    run = BillRun.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "billing:bill_run", kwargs={"run_id": run.pk}
    )
    assert run.status == BillRun.Status.AUDIT and Bill.objects.count() == 2
    page = client.get(reverse("billing:bill_run", kwargs={"run_id": run.pk}))
    body = page.content.decode()
    assert "<progress" in body and "Amount over threshold" in body and "Blocking" in body
    assert 'hx-trigger="every 2s"' not in body  # done: no more polling
    assert "Supervisor override" not in body  # not a supervisor


def test_the_progress_fragment_polls_while_calculating(client_for, period):
    # given a run still calculating
    client = client_for(roles.CSR_II)
    run = BillRun.objects.create(
        period=period, status=BillRun.Status.CALCULATING, accounts_total=10, bills_calculated=4
    )
    # when
    page = client.get(reverse("billing:bill_run", kwargs={"run_id": run.pk}))
    fragment = client.get(
        reverse("billing:bill_run_progress", kwargs={"run_id": run.pk}), HTTP_HX_REQUEST="true"
    )
    # then
    assert 'hx-trigger="every 2s"' in page.content.decode()
    body = fragment.content.decode()
    assert fragment.status_code == 200 and "<html" not in body
    assert '<progress id="run-progress-bar" class="w-100" max="100" value="40">' in body
    assert 'hx-trigger="every 2s"' in body and "HX-Refresh" not in fragment.headers


def test_actions_and_supervisor_override_through_the_page(
    client_for, period, django_capture_on_commit_callbacks
):
    # given a calculated run with a blocking exception
    big = metered_account(used=Decimal(900))
    client = client_for(roles.SUPERVISOR)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("billing:bill_run_start"), {"period": period.pk})
    run = BillRun.objects.get()
    exception = BillException.objects.get(account=big, kind="amount_over")
    page = client.get(reverse("billing:bill_run", kwargs={"run_id": run.pk}))
    assert "Supervisor override" in page.content.decode()
    # when: a plain post is refused, then an override posts
    client.post(reverse("billing:bill_run_post", kwargs={"run_id": run.pk}))
    run.refresh_from_db()
    assert run.status == BillRun.Status.AUDIT
    client.post(
        reverse("billing:bill_exception_action", kwargs={"exception_id": exception.pk}),
        {"action": "accept", "note": "Checked"},
    )
    exception.refresh_from_db()
    assert exception.status == "accepted"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("billing:bill_run_post", kwargs={"run_id": run.pk}),
            {"override_reason": "Remaining items reviewed"},
        )
    # then
    run.refresh_from_db()
    assert run.status == BillRun.Status.POSTED
    assert Bill.objects.get(account=big).status == Bill.Status.POSTED
