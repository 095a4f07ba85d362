"""Two-step sign-in is the customer's choice: they turn it on from the portal's sign-in and
security page, and from then on their password alone does not open the portal."""

import time

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    SECRET_SESSION_KEY,
    TOTP,
    format_hotp_value,
    hotp_value,
)
from django.urls import reverse

from district import roles
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
HOME = reverse("portal:home")
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def _code(secret: str) -> str:
    """The code an authenticator app shows now (RFC 6238, 30-second steps)."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def _customer(make_user):
    user = make_user(roles.CUSTOMER, username="pat@example.com")
    user.email = "pat@example.com"
    user.save(update_fields=["email"])
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    return user


def _password_sign_in(client, user):
    return client.post(reverse("login"), {"login": user.email, "password": PASSWORD})


@pytest.mark.django_db(transaction=True)
def test_a_customer_turns_on_two_step_sign_in_from_the_portal(client, make_user):
    # (transactional: allauth announces the new authenticator after the commit, as in production)
    # given a customer signed in with the password alone, which is enough for them
    user = _customer(make_user)
    _password_sign_in(client, user)
    assert client.get(HOME).status_code == 200
    security = client.get(reverse("portal:sign_in_security")).content.decode()
    assert reverse("mfa_index") in security
    # when they set up an authenticator app with its code
    assert client.get(reverse("mfa_activate_totp")).status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    response = client.post(reverse("mfa_activate_totp"), {"code": _code(secret)})
    # then it is on, and the portal stays open in this session
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    assert client.get(HOME).status_code == 200


def test_with_two_step_on_the_password_alone_does_not_open_the_portal(client, make_user):
    # given a customer who turned on two-step sign-in
    user = _customer(make_user)
    TOTP.activate(user, SECRET)
    # when they sign in with the password
    first = _password_sign_in(client, user)
    # then they are asked for the code, and the portal stays closed until it is given
    assert first.status_code == 302 and first["Location"] == reverse("mfa_authenticate")
    assert client.get(HOME).status_code == 302
    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert wrong.status_code == 200 and "_auth_user_id" not in client.session
    client.post(reverse("mfa_authenticate"), {"code": _code(SECRET)})
    assert client.get(HOME).status_code == 200
