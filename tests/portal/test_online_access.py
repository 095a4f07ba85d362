"""The CSR's online-access tools on the account page: the state of each login, resending the
verification, unlocking, removing two-step sign-in and unlinking, each recorded and refused to
roles without the permission."""

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from axes.models import AccessAttempt
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import Contact
from district import roles
from portal.enrolment.staff import online_logins
from portal.models import MFA_REMOVED_BY_STAFF, AccountLink, AuthenticatorEvent
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def online(make_user):
    """An account held by a customer login with an unverified address, TOTP, and a lockout."""
    account = factories.ServiceAccountFactory()
    user = make_user(roles.CUSTOMER, username="pat@example.com")
    user.email = "pat@example.com"
    user.save()
    EmailAddress.objects.create(user=user, email="pat@example.com", primary=True, verified=False)
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    AccessAttempt.objects.create(
        username="pat@example.com", ip_address="10.0.0.1", user_agent="test",
        get_data="", post_data="", http_accept="", path_info="/auth/login/",
        failures_since_start=settings.AXES_FAILURE_LIMIT, attempt_time=timezone.now(),
    )  # fmt: skip
    link = AccountLink.objects.create(user=user, service_account=account, method="enrolment")
    return link


def test_the_panel_shows_each_login_and_its_state(client_for, online):
    client = client_for(roles.CSR_I)

    url = reverse("portal:online_access", args=[online.service_account_id])
    response = client.get(url)
    fragment = client.get(url, HTTP_HX_REQUEST="true")

    assert b"<html" not in fragment.content and b"Locked out" in fragment.content
    (login,) = response.context["logins"]
    assert (login.email, login.verified, login.has_second_factor, login.locked) == (
        "pat@example.com", False, True, True,
    )  # fmt: skip
    assert b"Resend verification" in response.content and b"Unlock" in response.content


def test_the_state_takes_a_fixed_number_of_queries(
    online, make_user, django_assert_max_num_queries
):
    for index in range(3):
        AccountLink.objects.create(
            user=make_user(roles.CUSTOMER), service_account=online.service_account, method="staff"
        )
    with django_assert_max_num_queries(4):
        assert len(online_logins(online.service_account)) == 4


def test_the_account_page_loads_the_panel_on_demand(client_for, online):
    response = client_for(roles.CSR_I).get(
        reverse("accounts:account_detail", args=[online.service_account_id])
    )

    url = reverse("portal:online_access", args=[online.service_account_id])
    assert f'hx-get="{url}"'.encode() in response.content


def test_resend_sends_the_verification_again(
    client_for, online, django_capture_on_commit_callbacks
):
    client = client_for(roles.CSR_I)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("portal:online_access_resend", args=[online.pk]))

    assert response.status_code == 302
    assert [message.to for message in mail.outbox] == [["pat@example.com"]]


def test_unlock_clears_the_lockout(client_for, online):
    client = client_for(roles.CSR_I)

    client.post(reverse("portal:online_access_unlock", args=[online.pk]))

    assert not AccessAttempt.objects.filter(username="pat@example.com").exists()
    assert online_logins(online.service_account)[0].locked is False


def test_removing_mfa_needs_the_identity_check_and_is_recorded(client_for, online):
    client = client_for(roles.CSR_I)
    url = reverse("portal:online_access_remove_mfa", args=[online.pk])

    # when the CSR leaves out how identity was confirmed, nothing happens
    refused = client.post(url, {"channel": "phone", "note": ""})
    assert refused.status_code == 200
    assert Authenticator.objects.filter(user=online.user).exists()

    # when they say how, the factor goes, an event records who and which login, and the
    # account's contact log says how identity was confirmed
    done = client.post(url, {"channel": "phone", "note": "Service address and last payment"})
    assert done.status_code == 302
    assert not Authenticator.objects.filter(user=online.user).exists()
    (event,) = AuthenticatorEvent.objects.all()
    assert (event.pgh_label, event.user_id, event.type) == (
        MFA_REMOVED_BY_STAFF, online.user_id, Authenticator.Type.TOTP,
    )  # fmt: skip
    assert event.pgh_context.metadata["user"] == client.user.pk
    contact = Contact.objects.get(account=online.service_account)
    assert "Service address and last payment" in contact.notes
    assert contact.logged_by == client.user


def test_unlinking_removes_the_link_and_is_recorded(client_for, online):
    client = client_for(roles.CSR_II)

    response = client.post(
        reverse("portal:online_access_unlink", args=[online.pk]),
        {"channel": "counter", "note": "Sold the property; asked us to remove it"},
    )

    assert response.status_code == 302
    assert not AccountLink.objects.filter(pk=online.pk).exists()
    deleted = AccountLink.pgh_event_model.objects.get(pgh_obj_id=online.pk, pgh_label="delete")
    assert deleted.pgh_context.metadata["user"] == client.user.pk
    assert "Sold the property" in Contact.objects.get(account=online.service_account).notes


@pytest.mark.parametrize("role", [roles.FINANCE, roles.FIELD_TECHNICIAN, roles.CUSTOMER])
def test_roles_without_the_permission_are_refused(client_for, online, role):
    client = client_for(role)

    responses = [
        client.get(reverse("portal:online_access", args=[online.service_account_id])),
        client.post(reverse("portal:online_access_unlock", args=[online.pk])),
        client.post(
            reverse("portal:online_access_unlink", args=[online.pk]),
            {"channel": "phone", "note": "x"},
        ),
        client.post(
            reverse("portal:online_access_remove_mfa", args=[online.pk]),
            {"channel": "phone", "note": "x"},
        ),
    ]

    assert [response.status_code for response in responses] == [403] * 4
    assert AccountLink.objects.filter(pk=online.pk).exists()
    assert Authenticator.objects.filter(user=online.user).exists()
    assert AccessAttempt.objects.exists()
    assert not Contact.objects.exists()
