"""A till's or kiosk's drawer (payments:write tokens): opened by the administrator with a
counted float, posted into through the API, counted and closed on its behalf; whoever counted
it never approves its over/short."""

import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from district import roles
from district.approvals.models import ApprovalRequest
from district.approvals.services import approval_approve
from district.errors import NotPermitted
from district.ledger.selectors import ledger_problems
from integrations.scopes import Scope
from integrations.services import token_drawer_close, token_drawer_open
from payments.counter.forms import count_field_name
from payments.counter.services import CloseCount, over_short_approve
from payments.models import Drawer, DrawerSession, Payment
from tests import factories

pytestmark = pytest.mark.django_db
FLOAT = {"20": 5, "10": 5}  # $150.00


def _counts(count: dict) -> dict:
    return {count_field_name(key): pieces for key, pieces in count.items()}


def _cash_payment(api, account, amount="30.00", key="kiosk-1"):
    body = {
        "allocations": [{"account": account.formatted_number, "amount": amount}],
        "tenders": [{"kind": "cash", "amount": amount}],
    }
    return api.post(
        "/api/v1/payments",
        json.dumps(body),
        content_type="application/json",
        headers={"Idempotency-Key": key},
    )


def test_open_post_a_payment_then_count_and_close(issue, client, administrator):
    # given: a kiosk's token and an account owing 80.00
    api = issue(Scope.PAYMENTS_WRITE, name="Lobby kiosk")
    account = factories.ServiceAccountFactory()
    factories.post_bill(account, "80.00")
    client.force_login(administrator)
    listing = client.get(reverse("integrations:tokens")).content.decode()
    assert "Never opened" in listing and "Open drawer" in listing
    # when: the administrator opens its drawer with a counted float
    opened = client.post(
        reverse("integrations:token_drawer_open", args=[api.token.pk]), _counts(FLOAT)
    )
    # then
    assert opened.status_code == 302
    session = DrawerSession.objects.get(cashier=api.token.user)
    assert session.opening_float == Decimal("150.00") and session.status == "open"
    assert "Count and close" in client.get(reverse("integrations:tokens")).content.decode()
    # when: the kiosk takes 30.00 in cash through the API
    posted = _cash_payment(api, account)
    assert posted.status_code == 201, posted.content
    assert Payment.objects.get().session == session
    # and the administrator counts 180.00 and closes it on the kiosk's behalf
    closed = client.post(
        reverse("integrations:token_drawer_close", args=[api.token.pk]),
        _counts({"20": 6, "10": 6}),
    )
    # then: balanced, closed, and the closer recorded
    assert closed.status_code == 302, closed.content
    session.refresh_from_db()
    assert session.status == "closed" and session.closed_by == administrator
    assert session.expected_cash == Decimal("180.00") and session.over_short == 0
    assert session.over_short_state == DrawerSession.OverShort.NONE
    assert ledger_problems() == []
    # and a payment after the close is refused
    assert _cash_payment(api, account, key="kiosk-2").status_code == 400
    assert Payment.objects.count() == 1


def test_the_person_who_counted_cannot_approve_the_over_short(issue, administrator, make_user):
    # given: the kiosk's drawer closed 40.00 short by the administrator (beyond the tolerance)
    api = issue(Scope.PAYMENTS_WRITE)
    token_drawer_open(token=api.token, by=administrator, opening_count=FLOAT)
    session = token_drawer_close(
        token=api.token, by=administrator, count=CloseCount(cash={"20": 5, "10": 1})
    )
    assert session.over_short == Decimal("-40.00")
    assert session.over_short_state == DrawerSession.OverShort.PENDING
    request = session.over_short_request
    # when / then: the counter cannot approve it, through the queue or the handler itself
    with pytest.raises(ValidationError):
        approval_approve(request_id=request.pk, by=administrator)
    with pytest.raises(ValidationError, match="Whoever counted a drawer"):
        over_short_approve(request, administrator)
    session.refresh_from_db()
    assert session.over_short_state == DrawerSession.OverShort.PENDING
    assert session.over_short_journal is None
    # and another supervisor can
    other = make_user(roles.SUPERVISOR, username="other-supervisor")
    approval_approve(request_id=request.pk, by=other)
    session.refresh_from_db()
    assert session.over_short_state == DrawerSession.OverShort.POSTED
    assert ApprovalRequest.objects.get().status == ApprovalRequest.Status.APPROVED
    assert ledger_problems() == []


@pytest.mark.parametrize("role", [roles.SUPERVISOR, roles.FINANCE, roles.CSR_III])
def test_others_may_not_open_or_close_an_integration_drawer(issue, client_for, role):
    # given
    api = issue(Scope.PAYMENTS_WRITE)
    client = client_for(role)
    # when
    opened = client.post(
        reverse("integrations:token_drawer_open", args=[api.token.pk]), _counts(FLOAT)
    )
    closed = client.post(reverse("integrations:token_drawer_close", args=[api.token.pk]), {})
    # then
    assert opened.status_code == 403 and closed.status_code == 403
    with pytest.raises(NotPermitted):
        token_drawer_open(token=api.token, by=client.user, opening_count=FLOAT)
    assert not DrawerSession.objects.exists() and not Drawer.objects.exists()


def test_a_token_without_payments_write_has_no_drawer(issue, client, administrator):
    # given
    api = issue(Scope.ACCOUNTS_READ)
    client.force_login(administrator)
    # when
    refused = client.post(
        reverse("integrations:token_drawer_open", args=[api.token.pk]), _counts(FLOAT)
    )
    # then
    assert refused.status_code == 400
    assert "no payments:write scope" in refused.content.decode()
    assert not DrawerSession.objects.exists()


def test_the_tokens_page_shows_drawers_in_fixed_queries(
    issue, client, administrator, django_assert_max_num_queries
):
    # given: three tills, one open, one closed, one never opened
    tills = [issue(Scope.PAYMENTS_WRITE, name=f"Till {n}") for n in range(3)]
    token_drawer_open(token=tills[0].token, by=administrator, opening_count=FLOAT)
    token_drawer_open(token=tills[1].token, by=administrator, opening_count=FLOAT)
    token_drawer_close(token=tills[1].token, by=administrator, count=CloseCount(cash=FLOAT))
    client.force_login(administrator)
    # when
    with django_assert_max_num_queries(7):
        page = client.get(reverse("integrations:tokens")).content.decode()
    # then
    assert "Open since" in page and "Closed " in page and "Never opened" in page
