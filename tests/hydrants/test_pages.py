"""The permit pages, the watch lists and the panels: who may open them, what they show, and
their query counts."""

import datetime

import pytest

from district import roles
from district.policies import policy_update
from hydrants.models import HydrantMeter, HydrantPermit, MeterIssue
from hydrants.permits.services import meter_issue, permit_submit
from tests.factories import ServiceAccountFactory
from tests.hydrants.builders import (
    certificate,
    draft_permit,
    hydrant,
    paid_permit,
    stocked_meter,
    temporary_account,
    today,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("hydrant_media")]


def _meter_out(csr, supervisor, **permit_fields) -> MeterIssue:
    return meter_issue(
        permit=paid_permit(csr, supervisor, **permit_fields),
        meter=stocked_meter(),
        start_read="10",
        accessories=[],
        received_by_name="Pat Doe",
        acknowledged=True,
        by=csr,
    )


@pytest.mark.parametrize("role", [roles.CSR_II, roles.CSR_III, roles.SUPERVISOR])
def test_the_permit_pages_open_for_the_hydrant_roles(client_for, make_user, role):
    client = client_for(role)
    permit = draft_permit(make_user(roles.CSR_II))
    for url in (
        "/hydrants/permits/",
        "/hydrants/permits/new/",
        "/hydrants/permits/expiring/",
        "/hydrants/meters-out/",
        f"/hydrants/permits/{permit.pk}/",
        f"/hydrants/permits/{permit.pk}/issue/",
    ):
        assert client.get(url).status_code == 200, url
    certificate_page = client.get(f"/hydrants/permits/{permit.pk}/insurance/")
    assert certificate_page.status_code == 200
    assert certificate_page["Content-Type"] == "application/pdf"


@pytest.mark.parametrize("role", [roles.CSR_I, roles.FIELD_TECHNICIAN, roles.FINANCE])
def test_the_permit_pages_refuse_other_roles(client_for, make_user, role):
    client = client_for(role)
    permit = draft_permit(make_user(roles.CSR_II))
    for url in (
        "/hydrants/permits/",
        f"/hydrants/permits/{permit.pk}/",
        f"/hydrants/permits/{permit.pk}/insurance/",
        f"/hydrants/permits/{permit.pk}/issue/",
        "/hydrants/meters-out/",
    ):
        assert client.get(url).status_code == 403, url
    assert client.post(f"/hydrants/permits/{permit.pk}/submit/").status_code == 403
    permit.refresh_from_db()
    assert permit.is_draft


def test_the_permit_form_drafts_a_permit(client_for):
    # given
    client = client_for(roles.CSR_II)
    account = temporary_account()
    fire_hydrant = hydrant(number="H-0042")
    start = today()
    # when
    response = client.post(
        "/hydrants/permits/new/",
        {
            "account": account.formatted_number,
            "hydrant": "h-0042",
            "meter_size": "3",
            "project_name": "Elm St sewer",
            "project_address": "400 Elm St",
            "intended_use": "pipeline_testing",
            "starts_on": start.isoformat(),
            "ends_on": (start + datetime.timedelta(days=60)).isoformat(),
            "insurance_certificate": certificate(),
            "insurance_carrier": "Golden State Mutual",
            "insurance_policy_number": "GL-1",
            "insurance_expires_on": (start + datetime.timedelta(days=365)).isoformat(),
        },
    )
    # then
    permit = HydrantPermit.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/hydrants/permits/{permit.pk}/"
    assert (permit.account, permit.hydrant, permit.project_name) == (
        account,
        fire_hydrant,
        "Elm St sewer",
    )


def test_the_permit_form_shows_the_drought_refusal_at_the_hydrant(client_for, make_user):
    client = client_for(roles.CSR_II)
    policy_update(key="drought-stage", value="2", by=make_user(roles.SUPERVISOR))
    hydrant(number="H-0043", restricted_from_drought_stage=1)
    start = today()
    response = client.post(
        "/hydrants/permits/new/",
        {
            "account": temporary_account().formatted_number,
            "hydrant": "H-0043",
            "meter_size": "3",
            "project_name": "P",
            "project_address": "A",
            "intended_use": "construction",
            "starts_on": start.isoformat(),
            "ends_on": start.isoformat(),
            "insurance_certificate": certificate(),
            "insurance_carrier": "C",
            "insurance_policy_number": "N",
            "insurance_expires_on": start.isoformat(),
        },
    )
    assert response.status_code == 200
    assert "may not be used from drought stage 1, and stage 2 is in effect" in response.text
    assert not HydrantPermit.objects.exists()


def test_the_issue_form_issues_and_shows_refusals(client_for, make_user):
    client = client_for(roles.CSR_II)
    permit = paid_permit(make_user(roles.CSR_II), make_user(roles.SUPERVISOR))
    meter = stocked_meter(serial="HM-77777")
    form = {"meter": "hm-77777", "start_read": "5", "received_by_name": "Pat Doe"}
    # without the acknowledgement
    refused = client.post(f"/hydrants/permits/{permit.pk}/issue/", form)
    assert refused.status_code == 400
    assert "must acknowledge the terms" in refused.text
    # with it
    issued = client.post(
        f"/hydrants/permits/{permit.pk}/issue/",
        {**form, "acknowledged": "on", "accessories": ["Hydrant wrench"]},
    )
    assert issued.status_code == 302
    meter.refresh_from_db()
    assert meter.status == HydrantMeter.Status.ISSUED
    assert MeterIssue.objects.get().accessories == ["Hydrant wrench"]


def test_meters_out_shows_contractor_and_days_out(client_for, make_user):
    # given a meter issued 12 days ago
    csr, supervisor = make_user(roles.CSR_II), make_user(roles.SUPERVISOR)
    issue = _meter_out(csr, supervisor)
    MeterIssue.objects.filter(pk=issue.pk).update(
        issued_at=issue.issued_at - datetime.timedelta(days=12)
    )
    # when
    response = client_for(roles.CSR_II).get("/hydrants/meters-out/")
    # then
    assert issue.permit.account.customer.display_name in response.text
    assert '<td class="text-end">12</td>' in response.text


def test_the_watch_lists_show_permits_and_insurance_ending_within_30_days(client_for, make_user):
    csr, supervisor = make_user(roles.CSR_II), make_user(roles.SUPERVISOR)
    soon = paid_permit(
        csr,
        supervisor,
        ends_on=today() + datetime.timedelta(days=20),
        insurance_expires_on=today() + datetime.timedelta(days=25),
    )
    later = paid_permit(csr, supervisor, ends_on=today() + datetime.timedelta(days=200))
    response = client_for(roles.CSR_II).get("/hydrants/permits/expiring/")
    ending, insurance = response.text.split('id="insurance-expiring"')
    assert soon.number in ending and later.number not in ending
    assert soon.number in insurance and later.number not in insurance


def test_list_query_counts_are_pinned(client_for, make_user, django_assert_max_num_queries):
    csr, supervisor = make_user(roles.CSR_II), make_user(roles.SUPERVISOR)
    for _ in range(6):
        _meter_out(
            csr,
            supervisor,
            ends_on=today() + datetime.timedelta(days=10),
            insurance_expires_on=today() + datetime.timedelta(days=10),
        )
    client = client_for(roles.CSR_II)
    # sign-in and session (6) and one query per list
    with django_assert_max_num_queries(9):
        assert client.get("/hydrants/meters-out/").status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get("/hydrants/permits/expiring/").status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get("/hydrants/permits/").status_code == 200


def test_the_account_page_shows_the_contractors_meters(client_for, make_user):
    csr, supervisor = make_user(roles.CSR_II), make_user(roles.SUPERVISOR)
    issue = _meter_out(csr, supervisor)
    page = client_for(roles.CSR_I).get(f"/account/{issue.permit.account_id}/")
    assert page.status_code == 200
    assert 'data-panel="hydrant-meters"' in page.text
    assert issue.meter.serial in page.text and issue.permit.number in page.text


def test_other_accounts_show_no_hydrant_panel(client_for):
    account = ServiceAccountFactory()
    page = client_for(roles.CSR_I).get(f"/account/{account.pk}/")
    assert page.status_code == 200
    assert 'data-panel="hydrant-meters"' not in page.text


def test_the_supervisors_home_shows_hydrant_rentals(client_for, make_user):
    csr, supervisor = make_user(roles.CSR_II), make_user(roles.SUPERVISOR)
    issue = _meter_out(csr, supervisor, insurance_expires_on=today() + datetime.timedelta(days=95))
    waiting = permit_submit(permit=draft_permit(csr), by=csr)
    home = client_for(roles.SUPERVISOR).get("/")
    assert 'data-panel="hydrant-meters"' in home.text
    assert issue.meter.serial in home.text
    assert waiting.number in home.text
    # a CSR's home does not carry it
    assert 'data-panel="hydrant-meters"' not in client_for(roles.CSR_II).get("/").text


def test_the_pages_of_a_permit_with_its_meter_out_render(
    client_for, make_user, django_assert_max_num_queries
):
    # given an active permit (approved, paid, meter out)
    issue = _meter_out(make_user(roles.CSR_II), make_user(roles.SUPERVISOR))
    client = client_for(roles.CSR_II)
    # when
    with django_assert_max_num_queries(14):
        permit_page = client.get(f"/hydrants/permits/{issue.permit_id}/")
    meter_page = client.get(f"/hydrants/meters/{issue.meter_id}/")
    # then
    assert permit_page.status_code == 200
    assert f"WO-{issue.set_work_order_id:06d}" in permit_page.text
    assert "Nothing: paid" in permit_page.text
    assert "Draft the renewal" in permit_page.text
    assert meter_page.status_code == 200
    assert issue.permit.number in meter_page.text and "Still out" in meter_page.text
