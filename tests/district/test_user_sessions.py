"""Where you are signed in (ASVS 3.3.4): your open sessions listed, any one or all of the others
signed out, after the password again when the session's proof is old."""

import time

import pytest
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from allauth.usersessions.models import UserSession
from django.test import Client
from django.urls import reverse

from district import roles
from district.user_sessions import device_text
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
FIREFOX_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
)


def _signed_in(user, user_agent: str) -> Client:
    """A browser signed in through the real pages: the password, then a second factor (one of
    the user's recovery codes: an app's code is refused twice in its 30 seconds)."""
    client = Client(HTTP_USER_AGENT=user_agent)
    client.post(reverse("login"), {"login": user.username, "password": PASSWORD})
    client.post(reverse("mfa_authenticate"), {"code": user.spare_codes.pop()})
    assert client.get(reverse("home")).status_code == 200
    return client


def _with_factors(user):
    TOTP.activate(user, SECRET)
    user.spare_codes = RecoveryCodes.activate(user).get_unused_codes()
    return user


@pytest.fixture
def rosa(make_user):
    return _with_factors(make_user(roles.CSR_II, username="rosa"))


def test_the_page_lists_each_place_signed_in_this_one_first(rosa):
    _signed_in(rosa, SAFARI_IPHONE)
    desk = _signed_in(rosa, FIREFOX_WINDOWS)
    page = desk.get(reverse("usersessions_list"))
    assert page.status_code == 200
    rows = page.context["sessions"]
    assert [(row.device, row.current) for row in rows] == [
        ("Firefox on Windows", True),
        ("Safari on iPhone", False),
    ]
    assert b"This session" in page.content


def test_signing_out_one_other_session_ends_it_and_only_it(rosa):
    phone = _signed_in(rosa, SAFARI_IPHONE)
    laptop = _signed_in(rosa, "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0 Safari/537.36")
    desk = _signed_in(rosa, FIREFOX_WINDOWS)
    (phone_row,) = [row for row in desk.get(reverse("usersessions_list")).context["sessions"]
                    if row.device == "Safari on iPhone"]  # fmt: skip
    response = desk.post(reverse("usersessions_list"), {"session": phone_row.id}, follow=True)
    assert "Signed out 1 other session." in response.content.decode()
    assert phone.get(reverse("home")).status_code == 302  # signed out
    assert laptop.get(reverse("home")).status_code == 200
    assert desk.get(reverse("home")).status_code == 200
    assert UserSession.objects.filter(user=rosa).count() == 2


def test_signing_out_all_others_ends_those_not_listed_too(rosa, make_user):
    phone = _signed_in(rosa, SAFARI_IPHONE)
    other_door = Client()
    other_door.force_login(rosa)  # a session with no row in the list
    desk = _signed_in(rosa, FIREFOX_WINDOWS)
    someone_else = _signed_in_elsewhere(make_user)
    desk.post(reverse("usersessions_list"), {"session": "all"})
    assert phone.get(reverse("home")).status_code == 302
    assert other_door.get(reverse("home")).status_code == 302
    assert desk.get(reverse("home")).status_code == 200
    assert someone_else.get(reverse("home")).status_code == 200
    assert [row.current for row in desk.get(reverse("usersessions_list")).context["sessions"]] == [
        True
    ]


def _signed_in_elsewhere(make_user) -> Client:
    client = Client()
    client.force_login(make_user(roles.CSR_I, username="omar"))
    return client


def test_another_users_session_cannot_be_signed_out(rosa, make_user):
    omar = _with_factors(make_user(roles.CSR_I, username="omar"))
    omars = _signed_in(omar, SAFARI_IPHONE)
    desk = _signed_in(rosa, FIREFOX_WINDOWS)
    omars_row = UserSession.objects.get(user=omar)
    response = desk.post(reverse("usersessions_list"), {"session": omars_row.pk}, follow=True)
    assert "is not one of yours" in response.content.decode()
    assert omars.get(reverse("home")).status_code == 200


def test_an_old_session_proves_its_user_before_signing_others_out(rosa):
    phone = _signed_in(rosa, SAFARI_IPHONE)
    desk = _signed_in(rosa, FIREFOX_WINDOWS)
    session = desk.session
    for record in session["account_authentication_methods"]:
        record["at"] -= 3600
    session.save()
    response = desk.post(reverse("usersessions_list"), {"session": "all"})
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert phone.get(reverse("home")).status_code == 200


def test_a_session_whose_key_changed_at_mfa_set_up_stays_listed(make_user):
    # given: a new staff member signs in with the password and sets up the app (the session
    # gets a new key then)
    from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY

    user = make_user(roles.CSR_I, username="new")
    client = Client(HTTP_USER_AGENT=FIREFOX_WINDOWS)
    client.post(reverse("login"), {"login": user.username, "password": PASSWORD})
    client.get(reverse("mfa_activate_totp"))
    secret = client.session[SECRET_SESSION_KEY]
    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    client.post(reverse("mfa_activate_totp"), {"code": code})
    # then: the list knows this session by its new key
    assert UserSession.objects.filter(session_key=client.session.session_key).exists()


@pytest.mark.parametrize(
    ("agent", "text"),
    [
        (FIREFOX_WINDOWS, "Firefox on Windows"),
        (SAFARI_IPHONE, "Safari on iPhone"),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like "
            "Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
            "Edge on Mac",
        ),
        (
            "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/131.0 Mobile Safari/537.36",
            "Chrome on Android",
        ),
        ("curl/8.5.0", "curl/8.5.0"),
        ("", "Unknown browser"),
    ],
)
def test_a_browser_is_named_as_people_say_it(agent, text):
    assert device_text(agent) == text
