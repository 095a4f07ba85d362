"""Password resets: by e-mail (single-use, time-limited, throttled, the same answer for every
address), forced by an administrator (admin action and command), and the sign-in lockout."""

import datetime
import re

import pytest
from axes.models import AccessAttempt
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core import mail
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.urls import reverse

from district import roles
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-brand-new-river-otter-42"
RESET_URL = reverse("password_reset")


@pytest.fixture(autouse=True)
def _empty_throttle():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def staff(make_user):
    user = make_user(roles.CSR_I, username="rosa")
    user.email = "rosa@example.org"
    user.save(update_fields=["email"])
    return user


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("root", "root@example.org", PASSWORD)


def _ask(client, email, django_capture_on_commit_callbacks, **extra):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(RESET_URL, {"email": email}, **extra)


def _link_in(message) -> str:
    return re.search(r"https?://\S+/accounts/password/reset/\S+/\S+/", message.body).group(0)


def _set_new_password(client, link: str):
    """Open the e-mailed link as a browser does, then post the new password."""
    opened = client.get(link, follow=True)
    assert opened.status_code == 200
    form_url = opened.redirect_chain[-1][0]
    return client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})


def _signs_in(client, username, password) -> bool:
    client.post(reverse("login"), {"login": username, "password": password})
    signed_in = "_auth_user_id" in client.session
    client.logout()
    return signed_in


# -- asking for a link ---------------------------------------------------------------------------


def test_the_sign_in_page_links_to_the_reset(client, db):
    response = client.get(reverse("login"))
    assert f'href="{RESET_URL}"'.encode() in response.content


def test_the_reset_page_labels_and_focuses_its_field(client, db):
    response = client.get(RESET_URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert re.search(r'<label[^>]*for="id_email"', html)
    assert re.search(r'<input[^>]*id="id_email"', html)
    assert re.search(
        r'<input[^>]*autofocus[^>]*id="id_email"|<input[^>]*id="id_email"[^>]*autofocus', html
    )


def test_the_answer_is_the_same_for_a_known_and_an_unknown_address(
    client, staff, django_capture_on_commit_callbacks
):
    # when
    known = _ask(client, "ROSA@example.org", django_capture_on_commit_callbacks)
    unknown = _ask(client, "nobody@example.org", django_capture_on_commit_callbacks)
    # then: one e-mail, to the known address only, and two identical answers
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["rosa@example.org"]
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == reverse("password_reset_done")
    assert known.content == unknown.content
    page = client.get(known["Location"])
    assert b"If that address belongs to a sign-in" in page.content


def test_the_link_sets_a_new_password_and_works_only_once(
    client, staff, django_capture_on_commit_callbacks
):
    # given
    _ask(client, staff.email, django_capture_on_commit_callbacks)
    link = _link_in(mail.outbox[0])
    assert "60 minutes" in mail.outbox[0].body
    # when
    done = _set_new_password(client, link)
    # then
    assert done.status_code == 302 and done["Location"] == reverse("password_reset_complete")
    assert _signs_in(client, "rosa", NEW_PASSWORD)
    assert not _signs_in(client, "rosa", PASSWORD)
    # when: the same link again
    again = client.get(link, follow=True)
    # then
    assert b"This link no longer works" in again.content
    assert b'name="new_password1"' not in again.content


def test_the_link_expires_after_the_timeout(
    client, staff, settings, monkeypatch, django_capture_on_commit_callbacks
):
    # given: a link asked for an hour and a minute ago
    assert settings.PASSWORD_RESET_TIMEOUT == 60 * 60
    _ask(client, staff.email, django_capture_on_commit_callbacks)
    link = _link_in(mail.outbox[0])
    later = datetime.datetime.now() + datetime.timedelta(minutes=61)
    monkeypatch.setattr(PasswordResetTokenGenerator, "_now", lambda self: later)
    # when
    response = client.get(link, follow=True)
    # then
    assert b"This link no longer works" in response.content
    staff.refresh_from_db()
    assert staff.check_password(PASSWORD)


def test_links_point_at_the_portal_address_when_it_is_set(
    client, staff, settings, django_capture_on_commit_callbacks
):
    settings.PORTAL_BASE_URL = "https://portal.example.org"
    _ask(client, staff.email, django_capture_on_commit_callbacks)
    assert _link_in(mail.outbox[0]).startswith("https://portal.example.org/accounts/password/")


def test_a_customer_resets_the_same_way(client, make_user, django_capture_on_commit_callbacks):
    # given
    customer = make_user(roles.CUSTOMER, username="homeowner")
    customer.email = "home@example.org"
    customer.save(update_fields=["email"])
    # when
    _ask(client, "home@example.org", django_capture_on_commit_callbacks)
    _set_new_password(client, _link_in(mail.outbox[0]))
    # then
    assert _signs_in(client, "homeowner", NEW_PASSWORD)


def test_an_inactive_user_gets_no_email(client, staff, django_capture_on_commit_callbacks):
    staff.is_active = False
    staff.save(update_fields=["is_active"])
    response = _ask(client, staff.email, django_capture_on_commit_callbacks)
    assert response["Location"] == reverse("password_reset_done")
    assert mail.outbox == []


def test_a_malformed_address_gets_a_message_and_no_email(
    client, staff, django_capture_on_commit_callbacks
):
    response = _ask(client, "rosa@@example.org", django_capture_on_commit_callbacks)
    assert response.status_code == 200
    assert b"Please correct the marked field" in response.content
    assert b"Enter a valid email address" in response.content
    assert mail.outbox == []


# -- throttling ----------------------------------------------------------------------------------


def test_an_address_gets_at_most_three_emails_an_hour(
    client, staff, django_capture_on_commit_callbacks
):
    # given
    answers = [_ask(client, staff.email, django_capture_on_commit_callbacks) for _ in range(3)]
    # when: a fourth request, from another client
    fourth = _ask(client, staff.email, django_capture_on_commit_callbacks, REMOTE_ADDR="10.9.9.9")
    # then: the same answer, no fourth e-mail
    assert len(mail.outbox) == 3
    assert fourth.status_code == 302
    assert fourth["Location"] == answers[0]["Location"]
    assert fourth.content == answers[0].content


def test_a_client_gets_at_most_ten_requests_an_hour(
    client, staff, django_capture_on_commit_callbacks
):
    # given: ten requests for other addresses from one client
    for number in range(10):
        _ask(client, f"someone{number}@example.org", django_capture_on_commit_callbacks)
    # when
    eleventh = _ask(client, staff.email, django_capture_on_commit_callbacks)
    elsewhere = _ask(
        client, staff.email, django_capture_on_commit_callbacks, REMOTE_ADDR="10.1.1.1"
    )
    # then: refused silently from this client, not from another
    assert eleventh["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [staff.email]
    assert elsewhere["Location"] == reverse("password_reset_done")


# -- the sign-in lockout -------------------------------------------------------------------------


def test_a_reset_lifts_the_sign_in_lockout(client, staff, django_capture_on_commit_callbacks):
    # given: locked out after five wrong passwords
    for _ in range(5):
        client.post(reverse("login"), {"login": "rosa", "password": "nope"})
    locked = client.post(reverse("login"), {"login": "rosa", "password": PASSWORD})
    assert locked.status_code == 429
    assert b"Reset it by e-mail" in locked.content
    # when
    _ask(client, staff.email, django_capture_on_commit_callbacks)
    _set_new_password(client, _link_in(mail.outbox[0]))
    # then
    assert not AccessAttempt.objects.filter(username="rosa").exists()
    assert _signs_in(client, "rosa", NEW_PASSWORD)


# -- forced by an administrator ------------------------------------------------------------------


def _force_in_admin(client, user):
    changelist = reverse("admin:district_user_changelist")
    return client.post(
        changelist, {"action": "force_password_reset", "_selected_action": [user.pk]}, follow=True
    )


@pytest.mark.parametrize("admin_role", ["superuser", "supervisor"])
def test_an_administrator_forces_a_reset(
    client, staff, superuser, make_user, admin_role, django_capture_on_commit_callbacks
):
    # given: rosa is signed in on the counter PC
    counter = client.__class__()
    counter.force_login(staff)
    assert counter.get(reverse("home")).status_code == 200
    admin_user = superuser if admin_role == "superuser" else make_user(roles.SUPERVISOR)
    client.force_login(admin_user)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = _force_in_admin(client, staff)
    # then: the old password and the open session stop working, a link goes out, it is logged
    assert response.status_code == 200
    assert b"Forced a password reset for 1 user" in response.content
    staff.refresh_from_db()
    assert not staff.has_usable_password()
    assert counter.get(reverse("home")).status_code == 302
    assert not _signs_in(client.__class__(), "rosa", PASSWORD)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [staff.email]
    assert "An administrator" in mail.outbox[0].body
    entry = LogEntry.objects.get(object_id=str(staff.pk))
    assert entry.user == admin_user
    assert entry.change_message == "Forced a password reset"
    # and the link lets her back in
    _set_new_password(client.__class__(), _link_in(mail.outbox[0]))
    assert _signs_in(client.__class__(), "rosa", NEW_PASSWORD)


def test_a_supervisor_cannot_force_a_superusers_reset(
    client, superuser, make_user, django_capture_on_commit_callbacks
):
    # given
    client.force_login(make_user(roles.SUPERVISOR))
    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = _force_in_admin(client, superuser)
    # then: nothing written, nothing sent
    assert b"Only a superuser may force" in response.content
    superuser.refresh_from_db()
    assert superuser.check_password(PASSWORD)
    assert mail.outbox == []
    assert not LogEntry.objects.exists()


def test_a_supervisor_may_not_edit_users_in_the_admin(client, staff, make_user):
    client.force_login(make_user(roles.SUPERVISOR))
    change = reverse("admin:district_user_change", args=[staff.pk])
    response = client.post(change, {"username": "rosa", "is_superuser": "on"})
    assert response.status_code == 403
    staff.refresh_from_db()
    assert not staff.is_superuser


def test_staff_without_the_admin_cannot_force_a_reset(client, staff, make_user):
    client.force_login(make_user(roles.CSR_III))
    response = _force_in_admin(client, staff)
    assert b"Forced a password reset" not in response.content
    staff.refresh_from_db()
    assert staff.check_password(PASSWORD)


def test_a_forced_user_can_ask_for_another_link(client, staff, django_capture_on_commit_callbacks):
    # given: the first e-mail was lost
    with django_capture_on_commit_callbacks(execute=True):
        call_command("force_password_reset", "rosa", base_url="https://portal.example.org")
    # when
    _ask(client, staff.email, django_capture_on_commit_callbacks)
    # then
    assert len(mail.outbox) == 2


def test_the_command_forces_a_reset(staff, capsys, django_capture_on_commit_callbacks):
    # when
    with django_capture_on_commit_callbacks(execute=True):
        call_command("force_password_reset", "rosa", base_url="https://portal.example.org")
    # then
    staff.refresh_from_db()
    assert not staff.has_usable_password()
    assert _link_in(mail.outbox[0]).startswith("https://portal.example.org/")
    assert "a reset link goes to rosa@example.org" in capsys.readouterr().out


def test_the_command_refuses_without_the_portal_address_or_a_known_user(staff, settings):
    settings.PORTAL_BASE_URL = ""
    with pytest.raises(CommandError, match="PORTAL_BASE_URL"):
        call_command("force_password_reset", "rosa")
    with pytest.raises(CommandError, match="No user is named"):
        call_command("force_password_reset", "nobody", base_url="https://portal.example.org")
    staff.refresh_from_db()
    assert staff.check_password(PASSWORD)
    assert mail.outbox == []
