"""Starting service at the counter in a browser, with the keyboard only (type, Tab, Enter,
arrows; no mouse), every page visited checked with axe."""

import re

from playwright.sync_api import expect

from district import roles
from tests.factories import MeterInstallationFactory, PremiseFactory


def _premises():
    """Two units at one address (arrows choose between them), each with a meter."""
    front = PremiseFactory(house_number="4410", street="Juniper Ln", owner_name="Lee Rentals")
    back = PremiseFactory(
        house_number="4410", street="Juniper Ln", unit="B", owner_name="Lee Rentals"
    )
    for premise in (front, back):
        MeterInstallationFactory(premise=premise)
    return front, back


def _step(page, number, label):
    heading = page.get_by_role("heading", level=2, name=f"Step {number} of 6: {label}")
    expect(heading).to_be_visible()


def test_a_csr_i_starts_service_for_a_new_tenant_with_the_keyboard_only(
    page, sign_in, assert_accessible
):
    # given
    sign_in(page, roles.CSR_I)
    _premises()
    page.goto("/service/start/")

    # when: 1. the customer, new: search, then record them
    expect(page.get_by_label("Customer's name or phone")).to_be_focused()
    assert_accessible(page)
    page.keyboard.type("Ana Nguyen", delay=20)
    page.keyboard.press("Enter")
    expect(page.get_by_text("No customer matches “Ana Nguyen”")).to_be_visible()
    assert_accessible(page)
    page.keyboard.press("Tab")  # the Find customer button
    page.keyboard.press("Tab")  # the New customer button
    expect(page.get_by_role("button", name="New customer")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="New customer")).to_be_visible()
    expect(page.get_by_label("Person", exact=True)).to_be_focused()
    expect(page.get_by_label("First name")).to_have_value("Ana")
    expect(page.get_by_label("Last name")).to_have_value("Nguyen")
    assert_accessible(page)
    page.keyboard.press("Tab")  # first name
    page.keyboard.press("Tab")  # last name
    page.keyboard.press("Tab")  # business name
    page.keyboard.press("Tab")  # phone
    expect(page.get_by_label("Phone", exact=True)).to_be_focused()
    page.keyboard.type("555 201 9988", delay=20)
    page.keyboard.press("Enter")

    # 2. the premise: address in part, the arrow picks the second unit
    _step(page, 2, "Service address")
    expect(page.get_by_label("Service address or APN")).to_be_focused()
    assert_accessible(page)
    page.keyboard.type("4410 junip", delay=20)
    page.keyboard.press("Enter")
    first_unit = page.get_by_role("radio", name=re.compile(r"^4410 Juniper Ln, "))
    expect(first_unit).to_be_focused()
    assert_accessible(page)
    page.keyboard.press("ArrowDown")
    expect(page.get_by_role("radio", name=re.compile("4410 Juniper Ln #B"))).to_be_checked()
    page.keyboard.press("Enter")

    # 3. a tenant; the owner comes from the owner of record
    _step(page, 3, "Owner or tenant")
    expect(page.get_by_label("Owner or property manager")).to_have_value("Lee Rentals")
    assert_accessible(page)
    page.keyboard.press("ArrowDown")  # the owner...
    page.keyboard.press("ArrowUp")  # ...no: a tenant
    expect(page.get_by_label("A tenant (renting)")).to_be_checked()
    page.keyboard.press("Enter")

    # 4. the details as proposed (class from the premise, today, the service address)
    _step(page, 4, "Service details")
    expect(page.get_by_label("Customer class")).to_be_focused()
    expect(page.locator("#id_mailing_line1")).to_have_value("4410 Juniper Ln #B")
    assert_accessible(page)
    page.keyboard.press("Enter")

    # 5. the deposit, paid at once
    _step(page, 5, "Deposit")
    expect(page.get_by_test_id("deposit-quote")).to_contain_text("$100.00")
    expect(page.get_by_label("Charge it: paid at once")).to_be_focused()
    assert_accessible(page)
    page.keyboard.press("Enter")

    # 6. the summary, confirmed
    _step(page, 6, "Summary and confirm")
    expect(page.get_by_text("Turn on")).to_be_visible()
    expect(page.get_by_role("button", name="Start service")).to_be_focused()
    assert_accessible(page)
    page.keyboard.press("Enter")

    # then: the confirmation, then the account page through the keyboard
    expect(page.get_by_role("heading", level=1, name="Service start recorded")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Welcome letter"))).to_be_focused()
    assert_accessible(page)
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Open the account")).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/account/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Pending")
    expect(page.locator("main")).to_contain_text("4410 Juniper Ln #B")
    # the deposit's and the service orders' panels load as they scroll into view
    deposit = page.locator('[data-panel="deposit"]')
    deposit.scroll_into_view_if_needed()
    expect(deposit).to_contain_text("$100.00")
    service_changes = page.locator('[data-panel="service_changes"]')
    service_changes.scroll_into_view_if_needed()
    expect(service_changes).to_contain_text("Turn on")
    assert_accessible(page)
