"""A customer's whole portal journey in a real browser, checked from outside as a customer goes:
enrol with the account number and a fact from the bill, confirm the e-mail, add a second account
the same way, pay online through the sandbox processor and see the balance drop, turn on
paperless billing, ask for a payment plan (it waits for the office), switch to Spanish, and find
another customer's bill and account closed (404). Forms are filled and sent by keyboard; every
page the customer works in is checked by axe."""

import re
from decimal import Decimal

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from playwright.sync_api import expect

from accounts.models import Customer
from billing.arrangements.models import Arrangement
from billing.models import Bill
from district.approvals.models import ApprovalRequest
from district.ledger.selectors import account_balance
from district.money import format_money
from payments.models import OnlinePayment
from portal.models import AccountLink
from tests.portal.conftest import billed_account
from tests.portal.enrolment_helpers import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

EMAIL = "pat.journey@example.com"


def _last_bill_amount(account) -> str:
    bill = Bill.objects.filter(account=account).order_by("-bill_date", "-pk").first()
    return f"{bill.amount_due:.2f}"


def _prove(page, account) -> None:
    """Type the account number and the amount due on its last bill (the form's shared fields)."""
    page.get_by_label("Account number").fill(account.formatted_number)
    page.get_by_label("Amount due on your last bill").fill(_last_bill_amount(account))


def _summary(page, account):
    return page.get_by_test_id("account-summary").filter(has_text=account.formatted_number)


@pytest.fixture
def journey_page(browser, live_server, role_groups):
    # role_groups: enrolment gives the new login the customer role's group, which an earlier
    # browser test's flush may have emptied
    cache.clear()  # the enrolment throttle starts empty
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}, locale="en-US"
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()
    cache.clear()


def test_a_customer_enrols_pays_goes_paperless_asks_for_a_plan_and_reads_spanish(
    journey_page, assert_accessible
):
    page = journey_page
    # given two accounts with posted bills, and another customer's account
    first, second = billed_account(3), billed_account(2, use="5")
    stranger = billed_account(1)
    stranger_bill = Bill.objects.filter(account=stranger).first()

    # -- enrol with the account number and the last bill's amount, by keyboard
    page.goto(reverse("portal:enrol"))
    assert_accessible(page)
    _prove(page, first)
    page.get_by_label("E-mail address").fill(EMAIL)
    page.get_by_label("Choose a password").fill(PASSWORD)
    page.get_by_label("Choose a password").press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your e-mail")
    assert_accessible(page)

    # -- open the link in the verification e-mail and confirm the address
    assert [message.to for message in mail.outbox] == [[EMAIL]]
    link = re.search(r"https?://[^/\s]+(/auth/confirm-email/\S+)", mail.outbox[0].body)
    page.goto(link.group(1))
    assert_accessible(page)
    page.get_by_role("button", name="Confirm").press("Enter")

    # -- then sign in with the new password, where the confirmation leads
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    assert EmailAddress.objects.get(email=EMAIL).verified
    page.get_by_label("Username").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")
    page.wait_for_url(f"**{reverse('portal:home')}")
    expect(page.get_by_test_id("account-summary")).to_have_count(1)
    expect(_summary(page, first)).to_be_visible()
    assert_accessible(page)

    # -- add the second account the same way
    page.goto(reverse("portal:account_add"))
    assert_accessible(page)
    _prove(page, second)
    page.get_by_label("Amount due on your last bill").press("Enter")
    page.wait_for_url(f"**{reverse('portal:home')}")
    expect(page.get_by_role("status")).to_contain_text(
        f"Account {second.formatted_number} is now in your list"
    )
    expect(page.get_by_test_id("account-summary")).to_have_count(2)
    user = AccountLink.objects.get(service_account=first).user
    assert set(AccountLink.objects.filter(user=user).values_list("service_account", flat=True)) == {
        first.pk,
        second.pk,
    }

    # -- pay $10.00 online on the first account through the sandbox processor
    owed = account_balance(first.pk)
    paid = Decimal("10.00")
    expect(_summary(page, first).get_by_test_id("balance")).to_have_text(format_money(owed))
    _summary(page, first).get_by_test_id("pay").click()
    assert_accessible(page)
    amount = page.get_by_label(re.compile("Amount"))
    amount.fill(f"{paid:.2f}")
    amount.press("Enter")
    expect(page.get_by_test_id("quote")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name=re.compile("Confirm and pay")).press("Enter")
    page.get_by_role("button", name="Pay (succeeds)").press("Enter")
    expect(page.get_by_test_id("payment-status")).to_have_attribute("data-status", "succeeded")
    assert_accessible(page)
    assert OnlinePayment.objects.get().status == OnlinePayment.Status.SUCCEEDED
    page.get_by_role("navigation", name="Your account").get_by_role("link", name="Home").click()
    expect(_summary(page, first).get_by_test_id("balance")).to_have_text(format_money(owed - paid))
    assert account_balance(first.pk) == owed - paid

    # -- turn on paperless billing for the first account
    page.goto(reverse("portal:settings", args=[first.pk]))
    assert_accessible(page)
    paperless = page.get_by_label(re.compile("Paperless billing: e-mail me a link"))
    paperless.focus()
    page.keyboard.press("Space")
    expect(paperless).to_be_checked()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Save paperless billing")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Saved.")).to_be_visible()
    expect(page.get_by_label(re.compile("Paperless billing: e-mail me a link"))).to_be_checked()
    first.refresh_from_db()
    assert first.paperless is True

    # -- ask for a payment plan on what is left: it waits for the office's review
    page.goto(reverse("portal:arrangement_request", args=[first.pk]))
    assert_accessible(page)
    page.get_by_label("Pay the balance over").select_option(label="3 months")
    notes = page.get_by_label(re.compile("Why you need more time"))
    notes.fill("Hours cut at work")
    notes.press("Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_text("your payment plan request is with our office")).to_be_visible()
    arrangement = Arrangement.objects.get(account=first)
    assert arrangement.status == "pending" and arrangement.source == "portal"
    assert arrangement.amount == owed - paid
    assert arrangement.installments.count() == 3
    assert ApprovalRequest.objects.filter(kind="payment-arrangement", status="pending").exists()

    # -- switch to Spanish: the home speaks Spanish, and the choice is kept on the record
    page.goto(reverse("portal:home"))
    page.get_by_role("button", name="Español").press("Enter")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bienvenido(a)")
    expect(
        page.get_by_role("navigation", name="Su cuenta").get_by_role("link", name="Inicio")
    ).to_be_visible()
    assert_accessible(page)
    assert set(
        Customer.objects.filter(service_accounts__in=[first, second]).values_list(
            "language", flat=True
        )
    ) == {"es"}

    # -- another customer's bill and account are not found
    for url in (
        reverse("billing:portal_bill", args=[stranger_bill.pk]),
        reverse("billing:portal_bill_pdf", args=[stranger_bill.pk]),
        reverse("portal:account", args=[stranger.pk]),
        reverse("portal:pay", args=[stranger.pk]),
    ):
        assert page.goto(url).status == 404, url
