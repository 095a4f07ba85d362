"""The contact log in a browser: "c" on the account page, a note, Enter, and the contact is in
the timeline; reception finds the account and refers the caller to a lead. Axe checks
every page."""

import datetime
from decimal import Decimal

from django.utils import timezone
from playwright.sync_api import expect

from accounts.contacts.services import case_note_add, case_open, contact_log
from accounts.models import Case, Contact
from district import roles
from district.ledger.services import Line, journal_post
from tests.factories import CustomerFactory, ServiceAccountFactory


def _account_with_a_bill(by):
    account = ServiceAccountFactory(customer=CustomerFactory(first_name="Rosa", last_name="Vega"))
    journal_post(
        kind="bill",
        memo="Bill for March",
        lines=[
            Line("ar_customers", Decimal("64.10"), account.pk),
            Line("water_sales_volumetric", Decimal("-64.10")),
        ],
        by=by,
        idempotency_key=f"e2e-contact-bill-{account.pk}",
        effective_date=timezone.localdate() - datetime.timedelta(days=3),
    )
    return account


def test_a_csr_logs_a_contact_from_the_account_page_in_two_keystrokes(
    page, sign_in, assert_accessible
):
    # given
    user = sign_in(page, roles.CSR_I)
    account = _account_with_a_bill(user)
    page.goto(f"/account/{account.pk}/")
    note = page.get_by_role("textbox", name="Note")
    # the timeline loads when its panel scrolls into view
    page.get_by_role("region", name="Timeline").scroll_into_view_if_needed()
    timeline = page.locator("#account-timeline")
    expect(timeline).to_contain_text("Bill for March")
    assert_accessible(page)
    # when: "c", the note, Enter
    page.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("c")
    expect(note).to_be_focused()
    page.keyboard.type("Asked when the next bill is due", delay=10)
    page.keyboard.press("Enter")
    # then
    first_row = timeline.locator("tbody tr").first
    expect(first_row).to_contain_text("Asked when the next bill is due")
    expect(first_row).to_contain_text("Phone contact")
    expect(page.locator("[data-contact-recent] li").first).to_contain_text(
        "Asked when the next bill is due"
    )
    expect(page.locator("#contact-log-status")).to_have_text(
        "Contact logged: Phone: General inquiry."
    )
    expect(note).to_have_value("")
    expect(note).to_be_focused()
    assert Contact.objects.get().account_id == account.pk
    assert_accessible(page)


def test_reception_finds_the_account_and_refers_the_caller_to_a_lead(
    page, sign_in, make_user, assert_accessible
):
    # given
    lead = make_user(roles.CSR_III, first_name="Carmen", last_name="Castillo")
    sign_in(page, roles.CSR_I)
    account = ServiceAccountFactory(customer=CustomerFactory(last_name="Quintana"))
    page.goto("/reception/")
    assert_accessible(page)
    # when: find the account, pick it, say why, refer it
    page.get_by_role("searchbox", name="Name, address, account number or phone").fill("quintana")
    pick = page.get_by_role("link", name=f"Use {account.formatted_number}", exact=False)
    pick.click()
    expect(page.get_by_role("textbox", name="Account number")).to_have_value(
        account.formatted_number
    )
    page.get_by_label("Reason").select_option("complaint")
    page.get_by_label("Note").fill("Wants to speak to a lead about the shut-off notice")
    page.get_by_label("Refer to a person").select_option(label="Carmen Castillo")
    page.get_by_role("button", name="Log", exact=True).click()
    # then
    expect(page.locator(".messages")).to_contain_text("referred to Carmen Castillo")
    expect(page.get_by_role("table")).to_contain_text("Quintana")
    assert_accessible(page)
    contact = Contact.objects.get()
    assert (contact.account_id, contact.referred_to_user_id) == (account.pk, lead.pk)


def test_case_and_contact_pages_pass_axe(page, sign_in, assert_accessible):
    # given: a referral and an overdue case, so every home panel has rows
    user = sign_in(page, roles.SUPERVISOR)
    account = _account_with_a_bill(user)
    contact_log(
        channel="phone", reason="leak", notes="Drip at the meter", account=account,
        referred_to_user=user, by=user,
    )  # fmt: skip
    case = case_open(
        category="leak", subject="Leak at the curb", description="Water", account=account, by=user
    )
    Case.objects.filter(pk=case.pk).update(
        due_date=timezone.localdate() - datetime.timedelta(days=1)
    )
    case_note_add(case=case, note="Crew called", by=user)
    # when / then
    for url in (
        "/",
        "/cases/",
        "/cases/mine/",
        f"/cases/{case.pk}/",
        f"/cases/new/?contact={Contact.objects.get().pk}",
        f"/account/{account.pk}/contacts/",
        "/referrals/",
    ):
        page.goto(url)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert_accessible(page)
