"""The counter in a browser: find an account by part of its address, pick it with the keyboard,
see its balance and consumption chart; every page checked with axe."""

import datetime
import re
from decimal import Decimal

from django.utils import timezone
from playwright.sync_api import expect

from district import roles
from district.ledger.services import Line, journal_post
from tests.factories import (
    CustomerFactory,
    MeterInstallationFactory,
    MeterReadFactory,
    PremiseFactory,
    ServiceAccountFactory,
)


def _account_with_a_year_of_history(by):
    today = timezone.localdate()
    premise = PremiseFactory(house_number="4321", street="Juniper Ln")
    account = ServiceAccountFactory(
        premise=premise, customer=CustomerFactory(first_name="Rosa", last_name="Quintero")
    )
    installation = MeterInstallationFactory(
        premise=premise, installed_on=today - datetime.timedelta(days=400)
    )
    for months_ago in range(12, 0, -1):
        read_on = today - datetime.timedelta(days=30 * months_ago)
        MeterReadFactory(meter=installation.meter, read_on=read_on, reading=12 * (13 - months_ago))
    journal_post(
        kind="bill",
        memo="Bill",
        lines=[
            Line("ar_customers", Decimal("87.25"), account.pk),
            Line("water_sales_volumetric", Decimal("-87.25")),
        ],
        by=by,
        idempotency_key=f"e2e-bill-{account.pk}",
        effective_date=today,
    )
    return account


def test_a_csr_finds_an_account_by_address_and_opens_it_with_the_keyboard(
    page, sign_in, assert_accessible
):
    # given
    user = sign_in(page, roles.CSR_I)
    account = _account_with_a_year_of_history(user)
    ServiceAccountFactory(premise=PremiseFactory(house_number="4321", street="Elm St"))
    menu = page.get_by_role("navigation", name="Main")
    menu.get_by_role("button", name="Counter").click()  # the menus group entries by job
    menu.get_by_role("link", name="Search", exact=True).click()
    box = page.get_by_role("searchbox", name=re.compile("Name, service address"))
    expect(box).to_be_focused()
    # when: part of the address, typed as at the counter
    page.keyboard.type("4321 junip", delay=30)
    result = page.get_by_role("link", name=account.formatted_number, exact=True)
    expect(result).to_be_visible()
    expect(page.locator("a.search-hit-link")).to_have_count(1)
    expect(page.locator("#search-status")).to_have_text("1 account found")
    assert_accessible(page)
    page.keyboard.press("ArrowDown")
    expect(result).to_be_focused()
    page.keyboard.press("Enter")
    # then
    page.wait_for_url(f"**/account/{account.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(account.formatted_number)
    expect(page.get_by_test_id("account-balance")).to_have_text("$87.25")
    # the usage chart loads when its panel scrolls into view
    page.get_by_role("region", name="Reads and consumption").scroll_into_view_if_needed()
    expect(page.get_by_role("img", name=re.compile("Water use by month"))).to_be_visible()
    assert_accessible(page)


def test_arrow_keys_move_through_the_results_and_back_to_the_box(page, sign_in):
    # given
    sign_in(page, roles.CSR_I)
    first = ServiceAccountFactory(customer=CustomerFactory(first_name="Maria", last_name="Lopez"))
    second = ServiceAccountFactory(customer=CustomerFactory(first_name="Mario", last_name="Lopez"))
    page.goto("/search/")
    # when
    page.keyboard.type("lopez mar")
    expect(page.locator("a.search-hit-link")).to_have_count(2)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    focused_second = page.evaluate("document.activeElement.textContent")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    # then
    assert focused_second in {first.formatted_number, second.formatted_number}
    expect(page.locator("#global-search")).to_be_focused()


def test_the_header_box_jumps_straight_to_an_exact_account_number(page, sign_in):
    # given
    sign_in(page, roles.CSR_I)
    account = ServiceAccountFactory()
    # when: "/" from the home page, the number, Enter
    page.keyboard.press("/")
    page.keyboard.type(account.number)
    page.keyboard.press("Enter")
    # then
    page.wait_for_url(f"**/account/{account.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(account.formatted_number)
