"""Keyboard only at 1366x768: from the account page, p opens the counter payment with the
account and its amount due, cash is already the tender, "Take payment" is on screen without
scrolling, and Enter takes the payment to its receipt."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from district import roles
from payments.models import Payment
from tests.factories import ServiceAccountFactory, post_bill
from tests.payments.factories import opened_drawer

SCREEN = {"width": 1366, "height": 768}


@pytest.fixture
def counter_page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport=SCREEN)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def test_p_on_the_account_page_takes_a_cash_payment_by_keyboard(
    counter_page, sign_in, assert_accessible
):
    # given: an account owing $120.50 and the cashier's drawer open
    page = counter_page
    account = ServiceAccountFactory()
    post_bill(account, "120.50")
    cashier = sign_in(page, roles.CSR_I)
    opened_drawer(cashier, name="Counter 1", opening_count={"20": 10})
    page.goto(f"/account/{account.pk}/")

    # when: p, then the cash handed over, then Enter
    page.locator("body").press("p")
    expect(page.get_by_role("heading", level=1)).to_have_text("Take a payment")
    expect(
        page.get_by_label(f"Amount paid on account {account.formatted_number}")
    ).to_have_value("120.50")
    first = page.get_by_role("group", name="Tender 1")
    expect(first.get_by_label("Tender", exact=True)).to_have_value("cash")
    expect(page.get_by_role("group", name="Tender 2")).to_be_hidden()
    cash = first.get_by_label("Amount", exact=True)
    expect(cash).to_be_focused()
    button = page.get_by_role("button", name="Take payment")
    box = button.bounding_box()
    assert box is not None and box["y"] + box["height"] <= SCREEN["height"]
    assert_accessible(page)
    page.keyboard.type("140")
    expect(page.locator("#pay-summary")).to_contain_text("Change due: $19.50")
    page.keyboard.press("Enter")

    # then: the receipt
    expect(page.get_by_role("heading", level=1)).to_contain_text(re.compile("Receipt"))
    expect(page.get_by_test_id("change")).to_have_text("$19.50")
    assert Payment.objects.get().total == Decimal("120.50")
