"""A customer's portal session: it ends after the customer idle policy (20 minutes) and when the
browser closes, and a new password (changed or reset by the e-mailed link) signs out every
other device."""

import re
import time

import pytest
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from district.sessions import IDLE_LIMIT_KEY, LAST_ACTIVITY_KEY

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "a-brand-new-river-otter-42"
HOME = reverse("portal:home")


@pytest.fixture(autouse=True)
def _empty_throttle():
    cache.clear()  # the reset's per-address throttle
    yield
    cache.clear()


def _idle_for(client, minutes: int) -> None:
    session = client.session
    session[LAST_ACTIVITY_KEY] = time.time() - minutes * 60
    session.save()


def test_an_idle_customer_is_signed_out_after_the_customer_policy(customer_client):
    # given a customer whose session keeps the customer idle limit, idle for 21 minutes
    assert customer_client.session[IDLE_LIMIT_KEY] == 20 * 60
    _idle_for(customer_client, 21)
    # when they open their portal home
    response = customer_client.get(HOME)
    # then they are sent to sign in again, signed out
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert "_auth_user_id" not in customer_client.session


def test_a_customer_active_within_the_limit_stays_signed_in(customer_client):
    # given a customer idle for 19 minutes
    _idle_for(customer_client, 19)
    # when / then the portal answers and the clock restarts
    assert customer_client.get(HOME).status_code == 200
    assert time.time() - customer_client.session[LAST_ACTIVITY_KEY] < 60


def test_the_portal_session_cookie_ends_with_the_browser(customer_client):
    # when a signed-in customer opens a page (every request saves the session)
    response = customer_client.get(HOME)
    # then its cookie has no expiry date: closing the browser ends the session
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["expires"] == "" and cookie["max-age"] == ""
    assert cookie["httponly"]


def test_a_password_reset_signs_out_the_customers_other_devices(
    customer, client, django_capture_on_commit_callbacks
):
    # given a customer signed in on a phone, who forgot the password on another computer
    customer.email = "home@example.org"
    customer.save(update_fields=["email"])
    phone = Client()
    phone.force_login(customer)
    assert phone.get(HOME).status_code == 200
    # when they reset it through the e-mailed link
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password_reset"), {"email": "home@example.org"})
    link = re.search(r"https?://\S+/accounts/password/reset/\S+/\S+/", mail.outbox[0].body)
    opened = client.get(link.group(0), follow=True)
    done = client.post(
        opened.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert done.status_code == 302
    # then the phone's session has ended
    assert phone.get(HOME).status_code == 302
    assert "_auth_user_id" not in phone.session
