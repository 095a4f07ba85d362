"""Re-authentication before sensitive actions, sessions ended on privilege and password
changes, and the idle sign-out by district policy."""

import time

import pytest
from django.test import Client
from django.urls import reverse

from district import roles
from district.policies import policy_update
from district.sessions import IDLE_LIMIT_KEY, LAST_ACTIVITY_KEY, STAFF_IDLE_POLICY
from integrations.models import IntegrationToken
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _make_stale(client, seconds=3600):
    """The session's last proof of its user (sign-in, MFA code) was `seconds` ago."""
    session = client.session
    for record in session["account_authentication_methods"]:
        record["at"] -= seconds
    session.save()


def test_a_stale_session_re_authenticates_before_creating_an_api_token(client, admin_user):
    # given
    client.force_login(admin_user)
    _make_stale(client)
    # when
    response = client.post(
        reverse("integrations:tokens"), {"name": "IVR", "scopes": ["accounts:read"]}
    )
    # then: sent to re-enter the password, nothing created
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert not IntegrationToken.objects.exists()


def test_re_authenticating_lets_the_action_through(client, admin_user):
    # given
    client.force_login(admin_user)
    _make_stale(client)
    page = reverse("integrations:tokens")
    client.post(page, {"name": "IVR"})
    # when: the password again (pytest-django's admin_user has "password"), then the page
    response = client.post(
        f"{reverse('account_reauthenticate')}?next={page}", {"password": "password"}
    )
    # then
    assert response.status_code in {200, 302}
    assert client.get(page).status_code == 200
    session_records = client.session["account_authentication_methods"]
    assert session_records[-1].get("reauthenticated") is True


@pytest.mark.parametrize(
    ("role", "url_name", "kwargs"),
    [
        (roles.CSR_II, "payments:refund_new", {"account_id": 1}),
        (roles.CSR_I, "payments:receipt_void", {"payment_id": 1}),
        (roles.CSR_III, "writeoffs:proposals", {}),
    ],
)
def test_a_stale_session_re_authenticates_before_money_actions(
    client, make_user, role, url_name, kwargs
):
    client.force_login(make_user(role))
    _make_stale(client)
    response = client.post(reverse(url_name, kwargs=kwargs), {})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))


def test_a_stale_session_re_authenticates_before_a_role_change(client, admin_user, make_user):
    rosa = make_user(roles.CSR_I, username="rosa")
    client.force_login(admin_user)
    _make_stale(client)
    response = client.post(reverse("admin:district_user_change", args=[rosa.pk]), {})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))


def test_a_role_change_ends_that_users_sessions(client, admin_user, make_user):
    # given: rosa (CSR I) is signed in at the counter
    rosa = make_user(roles.CSR_I, username="rosa")
    counter = Client()
    counter.force_login(rosa)
    assert counter.get(reverse("home")).status_code == 200
    client.force_login(admin_user)
    change = reverse("admin:district_user_change", args=[rosa.pk])
    form = client.get(change).context["adminform"].form
    data = {key: value for key, value in form.initial.items() if value is not None}
    data.update(
        {
            "username": "rosa",
            "groups": [form.fields["groups"].queryset.get(name=roles.CSR_III.name).pk],
            "date_joined_0": "01/01/2026",
            "date_joined_1": "00:00",
            "is_active": "on",
            "is_staff": "on",
        }
    )
    data.pop("password", None)
    data.pop("user_permissions", None)
    data.pop("last_login", None)
    data.pop("date_joined", None)
    # when
    response = client.post(change, data)
    # then: her session has ended; the administrator's has not
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert counter.get(reverse("home")).status_code == 302
    assert client.get(reverse("home")).status_code == 200


# The district's password page, and allauth's own (/auth/password/change/), which stays routed.
PASSWORD_PAGES = {
    "password_change": ("old_password", "new_password1", "new_password2"),
    "account_change_password": ("oldpassword", "password1", "password2"),
}


@pytest.mark.parametrize("page", PASSWORD_PAGES)
def test_a_password_change_signs_out_the_other_sessions(client, make_user, page):
    # given: signed in at two PCs
    user = make_user(roles.CSR_II)
    other = Client()
    other.force_login(user)
    client.force_login(user)
    old, new, again = PASSWORD_PAGES[page]
    # when
    response = client.post(
        reverse(page),
        {old: PASSWORD, new: "a-new-long-passphrase-42", again: "a-new-long-passphrase-42"},
    )
    # then
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200
    assert other.get(reverse("home")).status_code == 302


def test_an_idle_staff_session_is_signed_out(client, make_user):
    # given: a CSR idle longer than the staff policy (30 minutes)
    client.force_login(make_user(roles.CSR_I))
    session = client.session
    assert session[IDLE_LIMIT_KEY] == 30 * 60
    session[LAST_ACTIVITY_KEY] = time.time() - 31 * 60
    session.save()
    # when
    response = client.get(reverse("home"))
    # then
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_an_active_session_stays_signed_in(client, make_user):
    client.force_login(make_user(roles.CSR_I))
    session = client.session
    session[LAST_ACTIVITY_KEY] = time.time() - 29 * 60
    session.save()
    assert client.get(reverse("home")).status_code == 200


def test_staff_and_customers_have_their_own_idle_policies(client, make_user, admin_user):
    # given: the staff limit lowered to 5 minutes
    policy_update(key=STAFF_IDLE_POLICY, value="5", by=admin_user)
    # when
    client.force_login(make_user(roles.CSR_I))
    staff_limit = client.session[IDLE_LIMIT_KEY]
    customer = Client()
    customer.force_login(make_user(roles.CUSTOMER))
    # then
    assert staff_limit == 5 * 60
    assert customer.session[IDLE_LIMIT_KEY] == 20 * 60
