"""Collections pages: who sees them, who acts, and their query counts."""

import datetime

import pytest
from django.urls import reverse

from billing.collections.models import CollectionHold, DisconnectionNotice, LadderStep
from billing.collections.run import collections_run
from billing.collections.services import hold_add
from district import roles
from district.roles import Perm
from tests.collections.helpers import delinquent_account

DUE = datetime.date(2026, 8, 3)


def day(n: int) -> datetime.date:
    return DUE + datetime.timedelta(days=n)


def _in_collections(count: int, *, through: int = 45):
    accounts = [delinquent_account(DUE)[0] for _ in range(count)]
    for n in (5, 15, through):
        collections_run(day(n), by=None, account_ids=[a.pk for a in accounts])
    return accounts


@pytest.mark.parametrize("role", [roles.CSR_I, roles.CSR_II, roles.SUPERVISOR, roles.FINANCE])
def test_the_queue_shows_accounts_in_collections(db, client_for, role):
    (account,) = _in_collections(1)
    page = client_for(role).get(reverse("collections:queue"))
    assert page.status_code == 200
    html = page.content.decode()
    assert account.formatted_number in html
    assert "Written disconnection notice" in html  # the step reached
    assert "Call due" in html
    assert "$120.00" in html


def test_the_queue_is_refused_to_field_technicians(db, client_for):
    assert client_for(roles.FIELD_TECHNICIAN).get(reverse("collections:queue")).status_code == 403


def test_the_queue_query_count_does_not_grow_with_rows(
    db, client_for, django_assert_max_num_queries
):
    client = client_for(roles.CSR_I)
    _in_collections(2)
    with django_assert_max_num_queries(17) as few:
        client.get(reverse("collections:queue"))
    _in_collections(6)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("collections:queue"))
    assert page.content.decode().count("Call due") == 8


def test_the_account_panel_shows_steps_notices_and_holds(
    db, client_for, django_assert_max_num_queries
):
    (account,) = _in_collections(1)
    notice = DisconnectionNotice.objects.get(account=account)
    client = client_for(roles.CSR_II)
    page = client.get(
        reverse(
            "accounts:account_panel", kwargs={"account_id": account.pk, "panel_key": "collections"}
        )
    )
    html = page.content.decode()
    assert 'data-testid="collections-panel"' in html
    assert "Past-due reminder mailed" in html
    assert (
        reverse("collections:notice_pdf", kwargs={"notice_id": notice.pk, "copy": "customer"})
        in html
    )
    assert reverse("collections:hold_add", kwargs={"account_id": account.pk}) in html
    assert "A phone call is due." in html


def test_the_panel_query_count_is_fixed(db, rf, make_user, django_assert_max_num_queries):
    from django.template.loader import render_to_string

    from billing.collections.panels import collections_panel

    (account,) = _in_collections(1)
    collections_run(day(55), by=None, account_ids=[account.pk])  # the door hanger
    user = make_user(roles.CSR_II)
    hold_add(account=account, kind=CollectionHold.Kind.APPEAL, evidence="Filed 09/20", by=user)
    request = rf.get("/")
    request.user = user
    with django_assert_max_num_queries(9):
        context = collections_panel(request, account=account)
        html = render_to_string(
            "collections/panels/collections.html", {"account": account, **context}, request=request
        )
    assert "Bill appeal pending" in html and "Door hanger ordered" in html


def test_finance_sees_the_panel_but_no_forms(db, client_for):
    (account,) = _in_collections(1)
    html = (
        client_for(roles.FINANCE)
        .get(
            reverse(
                "accounts:account_panel",
                kwargs={"account_id": account.pk, "panel_key": "collections"},
            )
        )
        .content.decode()
    )
    assert 'data-testid="collections-panel"' in html
    assert reverse("collections:hold_add", kwargs={"account_id": account.pk}) not in html


def test_a_csr_one_adds_an_appeal_hold_from_the_page(db, client_for):
    (account,) = _in_collections(1)
    client = client_for(roles.CSR_I)
    url = reverse("collections:hold_add", kwargs={"account_id": account.pk})
    assert client.get(url).status_code == 200
    response = client.post(url, {"kind": "appeal", "evidence": "Appeal letter of 09/20"})
    assert response.status_code == 302
    hold = CollectionHold.objects.get()
    assert (hold.kind, hold.created_by) == ("appeal", client.user)


def test_a_medical_hold_without_all_documents_shows_why(db, client_for):
    (account,) = _in_collections(1)
    client = client_for(roles.CSR_II)
    url = reverse("collections:hold_add", kwargs={"account_id": account.pk})
    response = client.post(
        url, {"kind": "medical", "evidence": "Letter", "provider_certificate": "on"}
    )
    assert response.status_code == 400
    assert "A medical hold needs all three of" in response.content.decode()
    assert not CollectionHold.objects.exists()


def test_release_is_for_csr_two_and_up(db, client_for, make_user):
    (account,) = _in_collections(1)
    hold = hold_add(account=account, kind="appeal", evidence="Filed", by=make_user(roles.CSR_I))
    url = reverse("collections:hold_release", kwargs={"hold_id": hold.pk})
    assert client_for(roles.CSR_I).post(url, {"reason": "Decided"}).status_code == 403
    response = client_for(roles.SUPERVISOR).post(url, {"reason": "Decided 10/01"})
    assert response.status_code == 302
    assert CollectionHold.objects.get().release_reason == "Decided 10/01"


def test_the_phone_attempt_page_records_a_call(db, client_for):
    (account,) = _in_collections(1)
    client = client_for(roles.CSR_I)
    url = reverse("collections:phone_attempt", kwargs={"account_id": account.pk})
    assert client.get(url).status_code == 200
    response = client.post(url, {"outcome": "wrong_number", "phone": "555-555-0199"})
    assert response.status_code == 302
    assert client_for(roles.FINANCE).get(url).status_code == 403


def test_the_notice_pdf_opens_for_staff_only(db, client_for):
    (account,) = _in_collections(1)
    notice = DisconnectionNotice.objects.get(account=account)
    url = reverse("collections:notice_pdf", kwargs={"notice_id": notice.pk, "copy": "customer"})
    response = client_for(roles.CSR_I).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    missing = reverse("collections:notice_pdf", kwargs={"notice_id": notice.pk, "copy": "tenant"})
    assert client_for(roles.CSR_I).get(missing).status_code == 404
    assert client_for(roles.FIELD_TECHNICIAN).get(url).status_code == 403


def test_the_ladder_editor_is_for_supervisors(db, client_for):
    url = reverse("collections:ladder")
    assert client_for(roles.CSR_III).get(url).status_code == 403
    client = client_for(roles.SUPERVISOR)
    assert client.get(url).status_code == 200
    refused = client.post(
        url,
        {"customer_class": "residential", "kind": "shutoff_eligible", "days_after_due": "30",
         "active": "on"},
    )  # fmt: skip
    assert refused.status_code == 400
    assert "before a bill has been delinquent 60 days" in refused.content.decode()
    saved = client.post(
        url,
        {"customer_class": "commercial", "kind": "reminder", "days_after_due": "7", "active": "on"},
    )
    assert saved.status_code == 302
    assert LadderStep.objects.get(customer_class="commercial", kind="reminder").days_after_due == 7


def test_the_sample_builders_for_the_access_matrix(db, client_for):
    from tests.collections.helpers import sample_hold, sample_notice

    notice_url = reverse(
        "collections:notice_pdf", kwargs={"notice_id": sample_notice().pk, "copy": "customer"}
    )
    release_url = reverse("collections:hold_release", kwargs={"hold_id": sample_hold().pk})
    assert client_for(roles.FINANCE).get(notice_url).status_code == 200
    assert client_for(roles.CSR_II).get(release_url).status_code == 200


def test_a_notice_that_can_no_longer_be_printed_says_why(db, client_for):
    from tests.collections.helpers import sample_notice

    # given a notice whose stored facts lack the district's phone (as issued before a check)
    notice = sample_notice()
    notice.facts["customer"]["district_phone"] = ""
    notice.save(update_fields=["facts"])
    url = reverse("collections:notice_pdf", kwargs={"notice_id": notice.pk, "copy": "customer"})

    # when it is opened
    response = client_for(roles.CSR_I).get(url)

    # then the page says why instead of printing an incomplete notice
    assert response.status_code == 409
    assert "cannot be printed" in response.content.decode()


def test_an_account_never_in_collections_costs_the_panel_two_queries(
    db, rf, make_user, django_assert_num_queries
):
    from billing.collections.panels import collections_panel
    from tests.factories import ServiceAccountFactory

    account = ServiceAccountFactory()
    request = rf.get("/")
    request.user = make_user(roles.CSR_I)
    request.user.has_perm(Perm.TAKE_PAYMENTS)  # warm the permission cache
    with django_assert_num_queries(2):
        context = collections_panel(request, account=account)
    assert context["collections"].delinquency is None


def test_the_panel_is_left_out_for_an_account_never_in_collections(db, client_for):
    from tests.factories import ServiceAccountFactory

    account = ServiceAccountFactory()
    response = client_for(roles.CSR_I).get(
        reverse(
            "accounts:account_panel", kwargs={"account_id": account.pk, "panel_key": "collections"}
        ),
        HTTP_HX_REQUEST="true",
    )
    # the account page loads the panel on demand: nothing comes back, and its card is removed
    assert response.content == b""
    assert response["HX-Reswap"] == "delete"
