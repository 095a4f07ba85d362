"""Staff sign-in with MFA, through the real pages (no force_login shortcut): set-up on the
first sign-in, the TOTP code after the password, refusal of a session that skipped it, and the
administrator's reset."""

import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import (
    SECRET_SESSION_KEY,
    TOTP,
    format_hotp_value,
    hotp_value,
)
from django.contrib.admin.models import LogEntry
from django.test import Client
from django.urls import reverse

from district import roles
from district.models import MFA_RESET_BY_ADMINISTRATOR, StaffAuthenticatorEvent
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _code(secret: str) -> str:
    """The code an authenticator app shows now (RFC 6238, 30-second steps)."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def _password_sign_in(client, user):
    return client.post(reverse("login"), {"login": user.username, "password": PASSWORD})


def _signed_in_without_mfa(client, user) -> None:
    """A session signed in by another door than allauth's stages: no MFA step recorded."""
    client.force_login(user)
    session = client.session
    session.pop("account_authentication_methods")
    session.save()


def _with_totp(user) -> str:
    secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    TOTP.activate(user, secret)
    return secret


def test_a_staff_member_without_an_authenticator_is_sent_to_set_one_up(client, make_user):
    # given
    user = make_user(roles.CSR_I)
    _password_sign_in(client, user)
    # when
    response = client.get(reverse("home"))
    # then
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_activate_totp"))


@pytest.mark.django_db(transaction=True)
def test_setting_up_totp_opens_the_staff_pages(client, make_user):
    # (a transactional test: allauth announces the new authenticator after the commit, inside
    # the request, as in production)
    # given: signed in with the password, on the set-up page
    user = make_user(roles.CSR_II)
    _password_sign_in(client, user)
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    assert b'<h1 class="h3 mb-3">' in page.content  # our layout, not allauth's bare one
    secret = client.session[SECRET_SESSION_KEY]
    # when: the code from the app
    response = client.post(reverse("mfa_activate_totp"), {"code": _code(secret)})
    # then
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    assert client.get(reverse("home")).status_code == 200


def test_a_staff_member_signs_in_with_password_then_totp_code(client, make_user):
    # given
    user = make_user(roles.SUPERVISOR)
    secret = _with_totp(user)
    # when: the password leads to the code page
    first = _password_sign_in(client, user)
    assert first.status_code == 302 and first["Location"] == reverse("mfa_authenticate")
    assert client.get(reverse("home")).status_code == 302  # not signed in yet
    second = client.post(reverse("mfa_authenticate"), {"code": _code(secret)})
    # then
    assert second.status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_a_wrong_totp_code_does_not_sign_in(client, make_user):
    user = make_user(roles.CSR_I)
    _with_totp(user)
    _password_sign_in(client, user)
    response = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_a_staff_session_that_skipped_mfa_is_refused(client, make_user):
    # given: a session signed in without the MFA step (another door than allauth's stages)
    user = make_user(roles.FINANCE)
    _with_totp(user)
    _signed_in_without_mfa(client, user)
    # when
    response = client.get(reverse("home"))
    # then: signed out and sent to sign in
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert "_auth_user_id" not in client.session


def test_customers_are_not_asked_for_mfa(client, make_user):
    user = make_user(roles.CUSTOMER)
    _signed_in_without_mfa(client, user)
    response = client.get(reverse("home"))
    assert not response.get("Location", "").startswith(("/accounts/login/", "/auth/"))
    assert "_auth_user_id" in client.session


def test_with_enforcement_off_a_password_is_enough(client, make_user, settings):
    settings.STAFF_MFA_REQUIRED = False
    user = make_user(roles.CSR_I)
    _password_sign_in(client, user)
    assert client.get(reverse("home")).status_code == 200


def test_the_sign_in_page_has_our_layout_and_no_inline_script(client, db):
    response = client.get(reverse("login"))
    html = response.content.decode()
    assert '<label class="form-label" for="id_login">Username or e-mail</label>' in html
    assert "<script>" not in html and "style=" not in html
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_supervisors_are_offered_security_keys(client, make_user):
    # given: a supervisor signed in with TOTP (the real way)
    user = make_user(roles.SUPERVISOR)
    secret = _with_totp(user)
    _password_sign_in(client, user)
    client.post(reverse("mfa_authenticate"), {"code": _code(secret)})
    # when
    page = client.get(reverse("mfa_add_webauthn"))
    # then: the page loads allauth's scripts as static files, its data as JSON blocks only
    assert page.status_code == 200
    html = page.content.decode()
    assert "mfa/js/webauthn.js" in html
    assert "<script>" not in html


# -- the administrator's reset -------------------------------------------------------------------


def _reset_in_admin(client, user):
    return client.post(
        reverse("admin:district_user_changelist"),
        {"action": "reset_two_step_sign_in", "_selected_action": [user.pk]},
        follow=True,
    )


def test_an_administrator_resets_a_users_mfa(client, make_user, admin_user):
    # given: rosa lost her phone; she is signed in on the counter PC
    rosa = make_user(roles.CSR_I, username="rosa")
    _with_totp(rosa)
    counter = Client()
    counter.force_login(rosa)
    assert counter.get(reverse("home")).status_code == 200
    client.force_login(admin_user)
    # when
    response = _reset_in_admin(client, rosa)
    # then: authenticators gone, her session ended, the admin's log says who did it
    assert b"Reset two-step sign-in for 1 user" in response.content
    assert not Authenticator.objects.filter(user=rosa).exists()
    assert counter.get(reverse("home")).status_code == 302
    entry = LogEntry.objects.get(object_id=str(rosa.pk))
    assert entry.user == admin_user
    assert "Reset two-step sign-in" in entry.change_message
    event = StaffAuthenticatorEvent.objects.select_related("pgh_context").get()
    assert (event.user_id, event.type) == (rosa.pk, Authenticator.Type.TOTP)
    assert event.pgh_label == MFA_RESET_BY_ADMINISTRATOR
    assert event.pgh_context.metadata["user"] == admin_user.pk
    # and at her next sign-in she sets up a new app
    fresh = Client()
    _password_sign_in(fresh, rosa)
    assert fresh.get(reverse("home"))["Location"].startswith(reverse("mfa_activate_totp"))


def test_a_supervisor_cannot_reset_mfa(client, make_user):
    # given
    rosa = make_user(roles.CSR_I, username="rosa")
    _with_totp(rosa)
    client.force_login(make_user(roles.SUPERVISOR))
    # when: the action is not offered to them
    response = _reset_in_admin(client, rosa)
    # then: nothing removed, nothing logged
    assert b"Reset two-step sign-in for" not in response.content
    assert Authenticator.objects.filter(user=rosa).exists()
    assert not LogEntry.objects.exists()
    assert not StaffAuthenticatorEvent.objects.exists()


@pytest.mark.parametrize(("role", "offered"), [(roles.CSR_I, False), (roles.SUPERVISOR, True)])
def test_the_mfa_page_offers_security_keys_to_supervisors(client, make_user, role, offered):
    client.force_login(make_user(role))
    page = client.get(reverse("mfa_index"))
    assert page.status_code == 200
    assert b"Authenticator App" in page.content
    assert (b"Security Keys" in page.content) is offered


# -- a new session key whenever the session gains privileges ------------------------------------


def test_signing_in_gives_the_session_a_new_key(client, make_user, settings):
    # given: a visitor whose session already has a key (one an attacker could have planted)
    user = make_user(roles.CSR_I)
    secret = _with_totp(user)
    _password_sign_in(client, user)
    before = client.session.session_key
    assert before and "_auth_user_id" not in client.session
    # when: the code completes the sign-in
    client.post(reverse("mfa_authenticate"), {"code": _code(secret)})
    # then: signed in under a new key; the old one signs nobody in
    assert client.session.session_key != before
    assert client.get(reverse("home")).status_code == 200
    planted = Client()
    planted.cookies[settings.SESSION_COOKIE_NAME] = before
    assert planted.get(reverse("home")).status_code == 302


@pytest.mark.django_db(transaction=True)
def test_setting_up_the_first_authenticator_gives_the_session_a_new_key(client, make_user):
    # given: signed in with the password only, a session that opens the set-up page alone
    user = make_user(roles.CSR_I)
    _password_sign_in(client, user)
    client.get(reverse("mfa_activate_totp"))
    before = client.session.session_key
    # when: the app's code sets it up, and the session opens the staff pages from now on
    client.post(reverse("mfa_activate_totp"), {"code": _code(client.session[SECRET_SESSION_KEY])})
    # then
    assert client.session.session_key != before
    assert client.get(reverse("home")).status_code == 200


# -- recovery codes ------------------------------------------------------------------------------


def test_a_recovery_code_signs_in_once(client, make_user):
    # given: rosa's phone is gone; she kept her recovery codes
    rosa = make_user(roles.CSR_I, username="rosa")
    _with_totp(rosa)
    code = RecoveryCodes.activate(rosa).get_unused_codes()[0]
    # when: the password, then a recovery code instead of the app's
    _password_sign_in(client, rosa)
    client.post(reverse("mfa_authenticate"), {"code": code})
    # then: she is in, and the code is spent
    assert client.get(reverse("home")).status_code == 200
    recovery = RecoveryCodes(Authenticator.objects.get(user=rosa, type="recovery_codes"))
    assert code not in recovery.get_unused_codes()
    # and it does not sign anyone in a second time
    again = Client()
    _password_sign_in(again, rosa)
    refused = again.post(reverse("mfa_authenticate"), {"code": code})
    assert refused.status_code == 200
    assert "_auth_user_id" not in again.session
