"""Approval pages: the queue, a request's page and its decisions, my requests, the home panels."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from district import navigation, roles
from district.approvals.models import ApprovalRequest
from district.approvals.panels import my_requests_panel, waiting_panel
from district.approvals.services import (
    approval_approve,
    approval_reject,
    approval_request_create,
)

Status = ApprovalRequest.Status


def _file(kind, by, amount=Decimal("40.00"), reason="Customer overpaid"):
    return approval_request_create(kind=kind, by=by, reason=reason, amount=amount)


def _assert_no_inline_code(html):
    assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html) is None
    assert " style=" not in html
    assert re.search(r"\son[a-z]+=", html) is None


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (None, 302),
        (roles.CSR_I, 403),
        (roles.CSR_III, 403),
        (roles.FINANCE, 403),
        (roles.CUSTOMER, 403),
        (roles.SUPERVISOR, 200),
    ],
    ids=lambda value: getattr(value, "name", value),
)
def test_queue_and_detail_are_for_approvers(refund_kind, client, make_user, role, expected):
    # given
    request = _file(refund_kind.kind, make_user(roles.CSR_I, "asker"))
    if role is not None:
        client.force_login(make_user(role))
    # when
    queue = client.get(reverse("approvals:queue"))
    detail = client.get(reverse("approvals:detail", args=[request.pk]))
    # then
    assert queue.status_code == expected
    assert detail.status_code == expected


@pytest.mark.parametrize(
    ("role", "expected"),
    [(None, 302), (roles.CUSTOMER, 403), (roles.FIELD_TECHNICIAN, 200), (roles.CSR_I, 200)],
    ids=lambda value: getattr(value, "name", value),
)
def test_my_requests_is_for_every_staff_member(client, make_user, role, expected):
    if role is not None:
        client.force_login(make_user(role))
    assert client.get(reverse("approvals:mine")).status_code == expected


def test_queue_lists_pending_requests_with_a_fixed_number_of_queries(
    refund_kind, client_for, make_user, django_assert_max_num_queries
):
    # (9 of the queries are the session, the user, their role and permissions)
    # given
    askers = [make_user(roles.CSR_I, f"asker{n}", first_name=f"Asker{n}") for n in range(5)]
    for number, asker in enumerate(askers * 4):
        _file(refund_kind.kind, asker, amount=Decimal(1234) + number)
    client = client_for(roles.SUPERVISOR)
    # when
    with django_assert_max_num_queries(11):
        response = client.get(reverse("approvals:queue"))
    # then
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('href="/approvals/') >= 20
    assert "$1,234.00" in html
    assert "Refund (test)" in html
    assert "Asker0" in html
    _assert_no_inline_code(html)


def test_queue_filters_from_the_query_string(refund_kind, client_for, make_user):
    # given
    asker = make_user(roles.CSR_I)
    small = _file(refund_kind.kind, asker, amount=Decimal("5.00"), reason="Small one")
    large = _file(refund_kind.kind, asker, amount=Decimal("500.00"), reason="Large one")
    ApprovalRequest.objects.filter(pk=large.pk).update(
        requested_at=timezone.now() - timedelta(days=8)
    )
    client = client_for(roles.SUPERVISOR)
    # when
    by_amount = client.get(reverse("approvals:queue"), {"min_amount": "$100"}).content.decode()
    by_age = client.get(reverse("approvals:queue"), {"age": "7"}).content.decode()
    by_kind = client.get(reverse("approvals:queue"), {"kind": "other"}).content.decode()
    # then
    assert "Large one" in by_amount and "Small one" not in by_amount
    assert "Large one" in by_age and "Small one" not in by_age
    assert small.pk and "Select a valid choice" in by_kind


def test_a_supervisor_approves_from_the_request_page(refund_kind, client_for, make_user):
    # given
    request = _file(refund_kind.kind, make_user(roles.CSR_I))
    client = client_for(roles.SUPERVISOR)
    page = client.get(reverse("approvals:detail", args=[request.pk])).content.decode()
    assert "Approve request" in page and "Reject request" in page
    assert "Refund of 40.00 to the customer" in page
    _assert_no_inline_code(page)
    # when
    response = client.post(
        reverse("approvals:detail", args=[request.pk]),
        {"action": "approve", "approve-reason": "Verified the payments"},
    )
    # then
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == Status.APPROVED
    assert request.decided_by == client.user
    assert request.decision_reason == "Verified the payments"


def test_reject_from_the_page_needs_a_reason(refund_kind, client_for, make_user):
    # given
    request = _file(refund_kind.kind, make_user(roles.CSR_I))
    client = client_for(roles.SUPERVISOR)
    # when
    response = client.post(
        reverse("approvals:detail", args=[request.pk]), {"action": "reject", "reject-reason": ""}
    )
    # then
    assert response.status_code == 400
    assert "Say why the request is rejected." in response.content.decode()
    request.refresh_from_db()
    assert request.status == Status.PENDING
    assert refund_kind.calls == []


def test_a_handler_error_reaches_the_supervisor_and_nothing_changes(
    refund_kind, client_for, make_user
):
    # given
    request = _file(refund_kind.kind, make_user(roles.CSR_I))
    refund_kind.fail_with = "The account is closed; refund by check instead."
    client = client_for(roles.SUPERVISOR)
    # when
    response = client.post(reverse("approvals:detail", args=[request.pk]), {"action": "approve"})
    # then
    assert response.status_code == 400
    assert "The account is closed; refund by check instead." in response.content.decode()
    request.refresh_from_db()
    assert request.status == Status.PENDING
    assert not Group.objects.filter(name=f"refund-{request.pk}").exists()


def test_the_requester_sees_they_cannot_decide_their_own_request(
    refund_kind, client_for, make_user
):
    # given
    client = client_for(roles.SUPERVISOR)
    request = _file(refund_kind.kind, client.user)
    # when
    html = client.get(reverse("approvals:detail", args=[request.pk])).content.decode()
    forced = client.post(
        reverse("approvals:detail", args=[request.pk]), {"action": "approve"}
    ).content.decode()
    # then
    assert "You cannot decide your own request" in html
    assert "Approve request" not in html
    assert "You cannot decide your own request" in forced
    request.refresh_from_db()
    assert request.status == Status.PENDING


def test_the_requester_sees_the_outcome_on_their_home_page(refund_kind, client_for, make_user):
    # given
    client = client_for(roles.CSR_I)
    approved = _file(refund_kind.kind, client.user, amount=Decimal("1250.00"))
    rejected = _file(refund_kind.kind, client.user)
    supervisor = make_user(roles.SUPERVISOR, first_name="Dolores", last_name="Sandoval")
    approval_approve(request_id=approved.pk, by=supervisor)
    approval_reject(request_id=rejected.pk, by=supervisor, reason="Already refunded in March")
    # when
    response = client.get(reverse("home"))
    # then
    html = response.content.decode()
    assert "Your requests" in html
    assert "Waiting for approval" not in html
    assert "Rejected</span> by Dolores Sandoval" in html
    assert "Already refunded in March" in html
    assert "Approved</span> by Dolores Sandoval" in html
    assert "Refund check queued." in html
    assert "$1,250.00" in html


def test_an_approver_sees_the_waiting_count_on_the_home_page(refund_kind, client_for, make_user):
    # given
    for number in range(7):
        _file(refund_kind.kind, make_user(roles.CSR_I), reason=f"Reason {number}")
    client = client_for(roles.SUPERVISOR)
    # when
    response = client.get(reverse("home"))
    # then
    html = response.content.decode()
    assert "Waiting for approval" in html
    assert "7 requests waiting" in html
    assert html.count('href="/approvals/') >= 5
    assert 'href="/approvals/"' in html  # the menu entry and the panel's link
    _assert_no_inline_code(html)


def test_the_requester_withdraws_from_my_requests(
    refund_kind, client_for, make_user, django_assert_max_num_queries
):
    # given
    client = client_for(roles.CSR_II)
    request = _file(refund_kind.kind, client.user)
    for _ in range(5):
        _file(refund_kind.kind, client.user)
    with django_assert_max_num_queries(10):
        page = client.get(reverse("approvals:mine")).content.decode()
    assert "Withdraw" in page
    _assert_no_inline_code(page)
    # when
    response = client.post(reverse("approvals:mine"), {"request_id": request.pk})
    # then
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == Status.CANCELLED


def test_withdrawing_someone_elses_request_is_refused(refund_kind, client_for, make_user):
    # given
    request = _file(refund_kind.kind, make_user(roles.CSR_I))
    client = client_for(roles.CSR_II)
    # when
    response = client.post(reverse("approvals:mine"), {"request_id": request.pk}, follow=True)
    # then
    assert "Only the person who asked can withdraw a request." in response.content.decode()
    request.refresh_from_db()
    assert request.status == Status.PENDING


def test_the_home_panels_cost_a_fixed_few_queries(
    refund_kind, rf, make_user, django_assert_num_queries
):
    # given: many requests, filed and decided
    supervisor = make_user(roles.SUPERVISOR)
    other_supervisor = make_user(roles.SUPERVISOR)
    for number in range(12):
        asker = make_user(roles.CSR_I)
        request = _file(refund_kind.kind, supervisor if number % 2 else asker)
        if number % 3 == 0:
            approval_reject(request_id=request.pk, by=other_supervisor, reason="No")
    request = rf.get("/")
    request.user = supervisor
    # when / then: a count and the oldest few; the person's recent requests
    with django_assert_num_queries(2):
        render_to_string("district/_panel_approvals_waiting.html", waiting_panel(request))
    with django_assert_num_queries(1):
        html = render_to_string("district/_panel_approvals_mine.html", my_requests_panel(request))
    assert "Rejected</span> by" in html


def test_the_approvals_menu_entry_is_for_approvers_only(make_user):
    # given
    supervisor, csr = make_user(roles.SUPERVISOR), make_user(roles.CSR_III)
    # when
    supervisor_menu = [item["url_name"] for item in navigation.items_for(supervisor)]
    csr_menu = [item["url_name"] for item in navigation.items_for(csr)]
    # then
    assert "approvals:queue" in supervisor_menu
    assert "approvals:queue" not in csr_menu
