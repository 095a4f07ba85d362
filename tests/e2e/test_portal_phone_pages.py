"""Every page a customer works in, on a phone (390 px) and in Spanish: no sideways scroll, axe
clean, the page declared Spanish. (The home and account pages in English, and the request form
by keyboard, are in test_portal_pages.py.)"""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.models import Customer
from billing.models import Bill
from tests.e2e.test_portal_pages import (  # noqa: F401 (a fixture)
    PHONE,
    _no_sideways_scroll,
    customer_phone,
)

pytestmark = pytest.mark.django_db(transaction=True)


def _customer_pages(account) -> list[str]:
    return [
        reverse("portal:home"),
        reverse("portal:account", args=[account.pk]),
        reverse("billing:portal_bills"),
        reverse("billing:portal_bill", args=[Bill.objects.filter(account=account).first().pk]),
        reverse("portal:requests", args=[account.pk]),
        reverse("portal:arrangement_request", args=[account.pk]),
        reverse("portal:settings", args=[account.pk]),
        reverse("portal:pay", args=[account.pk]),
        reverse("payments:portal_autopay"),
        reverse("payments:portal_autopay") + f"?account={account.pk}",
        reverse("portal:sign_in_security"),
        reverse("usersessions_list"),
        reverse("portal:account_add"),
    ]


def test_every_customer_page_fits_a_phone_in_spanish_and_is_accessible(
    customer_phone,  # noqa: F811
    assert_accessible,
):
    # given a customer whose preferred language is Spanish, on a phone
    page = customer_phone
    Customer.objects.filter(service_accounts__in=page.accounts).update(language="es")
    for url in _customer_pages(page.accounts[0]):
        # when they open each page they work in
        response = page.goto(url)
        # then it answers, in Spanish, within the phone's width, axe clean
        assert response.status == 200, url
        expect(page.locator("html")).to_have_attribute("lang", "es")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        _no_sideways_scroll(page)
        assert_accessible(page)


def test_enrolment_and_sign_in_fit_a_phone_and_are_accessible(
    browser, live_server, assert_accessible
):
    # given a visitor on a phone who reads Spanish
    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, is_mobile=True, locale="es-US"
    )
    page = context.new_page()
    try:
        for url in [reverse("portal:enrol"), reverse("login"), reverse("password_reset")]:
            # when they open the enrolment, sign-in and password reset pages
            response = page.goto(url)
            # then each is Spanish, within the phone's width, axe clean
            assert response.status == 200, url
            expect(page.locator("html")).to_have_attribute("lang", "es")
            _no_sideways_scroll(page)
            assert_accessible(page)
    finally:
        context.close()
