"""The customer's portal on a phone (390 px): home and account page with no sideways scroll,
axe clean, and the request form usable by keyboard alone."""

import datetime

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from district import roles
from portal.service_requests.models import ServiceRequest
from tests.portal.conftest import billed_account, link

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def customer_phone(browser, live_server, make_user):
    """A phone-sized browser signed in as a customer holding two billed accounts."""
    user = make_user(roles.CUSTOMER)
    accounts = [billed_account(3), billed_account(2, use="5")]
    for account in accounts:
        link(user, account)
    client = Client()
    client.force_login(user)
    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, is_mobile=True, has_touch=True
    )
    context.add_cookies(
        [
            {
                "name": django_settings.SESSION_COOKIE_NAME,
                "value": client.cookies[django_settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.accounts = sorted(accounts, key=lambda account: account.number)
    yield page
    context.close()


def _no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide"


def test_portal_home_and_account_page_fit_a_phone_and_are_accessible(
    customer_phone, assert_accessible
):
    page = customer_phone
    # when the customer opens the portal home
    page.goto("/portal/")
    # then both accounts, no sideways scroll, axe clean
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")
    expect(page.get_by_test_id("account-summary")).to_have_count(2)
    _no_sideways_scroll(page)
    assert_accessible(page)
    # when they open an account
    page.get_by_role("link", name="Bills and usage").first.click()
    expect(page.get_by_test_id("usage-table")).to_be_visible()
    expect(page.locator("svg[role=img]")).to_have_count(1)
    _no_sideways_scroll(page)
    assert_accessible(page)


def test_a_stop_request_by_keyboard_alone(customer_phone, assert_accessible):
    page = customer_phone
    account = page.accounts[0]
    page.goto(f"/portal/accounts/{account.pk}/requests/")
    _no_sideways_scroll(page)
    assert_accessible(page)
    # when the customer fills the form with the keyboard only
    page.get_by_label("Stop service at this address").focus()
    page.keyboard.press("Space")
    wanted = timezone.localdate() + datetime.timedelta(days=7)
    page.keyboard.press("Tab")  # the next radio is skipped by Tab: focus goes to the date
    page.keyboard.type(wanted.strftime("%m%d%Y"))
    page.get_by_label("Where to mail the final bill (stop)").focus()
    page.keyboard.type("1 New St, Town CA 95000")
    page.keyboard.press("Enter")
    # then the request waits for the office
    expect(page.get_by_role("status")).to_contain_text("Thank you")
    assert ServiceRequest.objects.get().kind == "stop"
    assert_accessible(page)


def test_bad_input_is_said_next_to_the_field_and_nothing_is_written(
    customer_phone, assert_accessible
):
    page = customer_phone
    account = page.accounts[0]
    page.goto(f"/portal/accounts/{account.pk}/requests/")
    page.get_by_label("Move my service to a new address").check()
    page.get_by_role("button", name="Send the request").click()
    expect(page.get_by_test_id("form-errors")).to_be_visible()
    expect(page.get_by_text("Enter the date you want it done")).to_be_visible()
    assert not ServiceRequest.objects.exists()
    assert_accessible(page)
