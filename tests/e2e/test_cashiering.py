"""The cash drawer end to end in a browser: a CSR I opens a drawer with a counted float, takes a
cash payment with change (the change shown live) and a check payment (the bill stub scanned),
asks for a void of the check; a supervisor, in a second browser, approves it in the approvals
queue; the CSR closes the drawer blind; the supervisor makes the bank deposit and prints its
slip. axe-core checks every page visited."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from billing.documents.scan_line import scan_line
from district import roles
from district.ledger.selectors import account_balance, ledger_problems
from payments.models import BankDeposit, Drawer, DrawerSession, Payment, PaymentVoid
from tests.factories import CustomerFactory, ServiceAccountFactory, post_bill


@pytest.fixture
def second_page(browser, live_server):
    """A second browser (its own cookies): the supervisor's desk."""
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def count(page, pieces: dict[str, int]) -> None:
    for label, number in pieces.items():
        page.get_by_label(label, exact=True).fill(str(number))


def tender(page, number: int):
    return page.get_by_role("group", name=f"Tender {number}")


def test_a_day_at_the_drawer(page, second_page, sign_in, assert_accessible):
    # given: two accounts owing money and a drawer
    Drawer.objects.create(name="Counter 1", location="Front lobby")
    cash_account = ServiceAccountFactory(
        customer=CustomerFactory(first_name="Rosa", last_name="Quintero")
    )
    check_account = ServiceAccountFactory()
    post_bill(cash_account, "120.50")
    post_bill(check_account, "45.00")
    csr = sign_in(page, roles.CSR_I)

    # when: the CSR opens the drawer with the standard $200 float
    menu = page.get_by_role("navigation", name="Main")
    menu.get_by_role("button", name="Cash").click()  # the menus group entries by job
    menu.get_by_role("link", name="Cash drawer", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Open a cash drawer")
    page.get_by_label("Drawer", exact=True).select_option(label="Counter 1")
    count(page, {"$20 bills": 5, "$10 bills": 5, "$5 bills": 8, "$1 bills": 10})
    expect(page.locator("[data-count-total]")).to_have_text("$200.00")
    assert_accessible(page)
    page.get_by_role("button", name="Open the drawer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cash drawer Counter 1")
    session = DrawerSession.objects.get(cashier=csr, status="open")
    assert session.opening_float == Decimal("200.00")
    assert_accessible(page)

    # and takes a cash payment: the account by its number, $140 handed over
    page.get_by_role("link", name="Take a payment").click()
    lookup = page.get_by_label(re.compile("Scan the bill stub"))
    expect(lookup).to_be_focused()
    lookup.fill(cash_account.formatted_number)
    lookup.press("Enter")
    amount = page.get_by_label(f"Amount paid on account {cash_account.formatted_number}")
    expect(amount).to_have_value("120.50")
    tender(page, 1).get_by_label("Tender", exact=True).select_option("cash")
    tender(page, 1).get_by_label("Amount", exact=True).fill("140")
    expect(page.locator("#pay-summary")).to_contain_text("Change due: $19.50")
    expect(page.locator("#pay-total")).to_have_text("$120.50")
    assert_accessible(page)
    page.get_by_role("button", name="Take payment").click()
    expect(page.get_by_test_id("change")).to_have_text("$19.50")
    expect(page.get_by_test_id("balance-after")).to_have_text("$0.00")
    cash_payment = Payment.objects.get(lines__account=cash_account)
    assert cash_payment.change_given == Decimal("19.50")
    assert_accessible(page)

    # and a check payment, the bill stub scanned
    page.get_by_role("link", name="Take another payment").click()
    lookup = page.get_by_label(re.compile("Scan the bill stub"))
    lookup.fill(scan_line(check_account.number, Decimal("45.00")))
    lookup.press("Enter")
    expect(page.locator("body")).to_contain_text("Stub scanned: amount due on the bill $45.00")
    row = tender(page, 1)
    row.get_by_label("Tender", exact=True).select_option("check")
    row.get_by_label("Amount", exact=True).fill("45.00")
    row.get_by_label("Check or money order number").fill("1042")
    row.get_by_label("Bank").fill("Valley Credit Union")
    expect(page.locator("#pay-summary")).to_contain_text("Fully tendered")
    page.get_by_role("button", name="Take payment").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Receipt")
    check_payment = Payment.objects.get(lines__account=check_account)
    expect(page.locator("body")).to_contain_text("Check no. 1042, Valley Credit Union")

    # and asks for a void of the check payment
    page.get_by_label("Why void this receipt?").fill("Customer paid the wrong account")
    page.get_by_role("button", name="Request void").click()
    expect(page.get_by_test_id("void-state")).to_contain_text("awaiting a supervisor's approval")
    assert_accessible(page)

    # then: a supervisor, at their own desk, approves it in the approvals queue
    supervisor = sign_in(second_page, roles.SUPERVISOR)
    second_page.goto("/approvals/")
    assert_accessible(second_page)
    second_page.get_by_role("row", name=re.compile("Void of a counter payment")).get_by_role(
        "link"
    ).first.click()
    expect(second_page.locator("body")).to_contain_text(check_payment.receipt_number)
    assert_accessible(second_page)
    second_page.get_by_role("button", name="Approve request").click()
    expect(second_page.locator(".messages")).to_contain_text("approved")
    assert PaymentVoid.objects.filter(payment=check_payment).exists()
    assert account_balance(check_account.pk) == Decimal("45.00")
    page.reload()
    expect(page.get_by_test_id("void-stamp")).to_have_text("VOID")
    expect(page.get_by_test_id("void-state")).to_contain_text(
        f"approved by {supervisor.get_full_name() or supervisor.username}"
    )

    # when: the CSR closes blind: $320.50 in the drawer, no checks
    page.get_by_role("link", name="Back to the drawer").click()
    page.get_by_role("link", name="Close drawer").click()
    expect(page.locator("main")).not_to_contain_text("320.50")
    count(page, {"$20 bills": 15, "$10 bills": 2, "Quarters": 2})
    page.get_by_label("Checks: total").fill("0")
    page.get_by_label("Checks: how many").fill("0")
    assert_accessible(page)
    page.get_by_role("button", name="Submit the count and close").click()
    # then: expected against counted, balanced
    expect(page.get_by_test_id("over-short")).to_contain_text("The drawer balanced.")
    expect(page.get_by_test_id("close-counts")).to_contain_text("$320.50")
    session.refresh_from_db()
    assert session.status == "closed" and session.over_short == Decimal("0.00")
    assert_accessible(page)

    # when: the supervisor makes the bank deposit: the drawer's takings, the float stays
    second_page.goto("/payments/deposits/new/")
    second_page.get_by_label(re.compile(r"Drawer Counter 1")).check()
    count(second_page, {"$20 bills": 6, "Quarters": 2})
    assert_accessible(second_page)
    second_page.get_by_role("button", name="Make deposit").click()
    expect(second_page.get_by_role("heading", level=1)).to_contain_text("Deposit")
    deposit = BankDeposit.objects.get()
    assert deposit.total == Decimal("120.50")
    assert_accessible(second_page)
    # and prints the slip
    slip = second_page.get_by_role("link", name="Deposit slip (PDF)").get_attribute("href")
    response = second_page.request.get(slip)
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")
    assert ledger_problems() == []
