"""Sign-in, throttling, sign-out, password change, roles and the admin's door."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.core.management import call_command

from district import roles
from district.services import roles_sync
from tests.factories import PASSWORD


def test_every_role_signs_in_to_its_home_page(client, make_user, settings):
    # MFA enforcement has its own tests (test_staff_mfa.py); this one is about the roles' homes.
    settings.STAFF_MFA_REQUIRED = False
    for role in roles.STAFF_ROLES:
        user = make_user(role)
        # when
        response = client.post(
            "/accounts/login/", {"login": user.username, "password": PASSWORD}, follow=True
        )
        # then
        assert response.status_code == 200
        assert response.resolver_match.url_name == "home"
        assert role.label.encode() in response.content
        client.post("/accounts/logout/")


def test_customer_signs_in_to_the_customer_home(client, make_user):
    # given: a customer whose e-mail address is verified (enrolment does it; allauth asks)
    user = make_user(roles.CUSTOMER)
    EmailAddress.objects.create(user=user, email="homeowner@example.org", verified=True)
    response = client.post(
        "/accounts/login/", {"login": user.username, "password": PASSWORD}, follow=True
    )
    assert b"Welcome" in response.content
    assert not user.is_staff


def test_wrong_password_is_refused_with_a_message(client, make_user):
    user = make_user(roles.CSR_I)
    response = client.post("/accounts/login/", {"login": user.username, "password": "nope"})
    assert response.status_code == 200
    assert b"correct username and password" in response.content
    assert "_auth_user_id" not in client.session


def test_repeated_failures_lock_the_username_from_that_address(client, make_user):
    user = make_user(roles.CSR_I)
    for _ in range(5):
        client.post("/accounts/login/", {"login": user.username, "password": "nope"})
    # when: even the right password is now refused
    response = client.post("/accounts/login/", {"login": user.username, "password": PASSWORD})
    # then
    assert response.status_code == 429
    assert b"Too many failed sign-ins" in response.content
    assert "_auth_user_id" not in client.session


def test_sign_out_ends_the_session(client_for):
    client = client_for(roles.CSR_I)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_password_change(client_for):
    client = client_for(roles.CSR_II)
    response = client.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "a-new-long-passphrase-42",
            "new_password2": "a-new-long-passphrase-42",
        },
    )
    assert response.status_code == 302
    client.user.refresh_from_db()
    assert client.user.check_password("a-new-long-passphrase-42")


def test_sync_roles_is_idempotent_and_exact(db):
    roles_sync()
    call_command("sync_roles")
    for role in roles.ALL_ROLES:
        group = Group.objects.get(name=role.name)
        held = {
            f"{app}.{codename}"
            for app, codename in group.permissions.values_list(
                "content_type__app_label", "codename"
            )
        }
        assert held == set(role.permissions)
    assert Group.objects.filter(name__in=[role.name for role in roles.ALL_ROLES]).count() == 7


def test_seed_demo_creates_one_user_per_role(db, capsys):
    call_command("seed_demo", "--if-new")
    out = capsys.readouterr().out
    for role in roles.STAFF_ROLES:
        assert f"demo-{role.name}" in out


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (roles.SUPERVISOR, True),
        (roles.CSR_III, False),
        (roles.FINANCE, False),
        (roles.CUSTOMER, False),
    ],
)
def test_admin_is_open_only_to_staff_who_manage_policies(client_for, role, allowed):
    client = client_for(role)
    response = client.get("/admin/")
    assert (response.status_code == 200) is allowed


def test_a_customer_without_a_verified_address_is_asked_to_verify_it(client, make_user):
    # given: allauth's e-mail verification stage applies to customers (not to staff)
    user = make_user(roles.CUSTOMER)
    user.email = "unverified@example.org"
    user.save()
    # when
    client.post("/accounts/login/", {"login": user.username, "password": PASSWORD})
    # then
    assert "_auth_user_id" not in client.session


def test_sign_in_by_e_mail_address_counts_toward_the_lockout(client, make_user):
    user = make_user(roles.CSR_I)
    user.email = "rosa@example.org"
    user.save()
    for _ in range(5):
        client.post("/accounts/login/", {"login": "rosa@example.org", "password": "nope"})
    response = client.post("/accounts/login/", {"login": "rosa@example.org", "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
