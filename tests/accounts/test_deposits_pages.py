"""Deposit pages by role: an account's deposit (charge, waive), the letter of credit, the
guidelines and their versions, and the Deposit panel of the account page."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Deposit, DepositGuideline, LetterOfCredit, ServiceAccount
from district import roles
from district.approvals.models import ApprovalRequest
from district.ledger.models import Journal
from tests import factories

pytestmark = pytest.mark.django_db
SEEDED = datetime.date(2000, 1, 1)


def _account(**fields):
    """A new customer's pending account at a premise with a 5/8" meter: $100 is due."""
    fields.setdefault("status", ServiceAccount.Status.PENDING)
    fields.setdefault("start_date", timezone.localdate())
    account = factories.ServiceAccountFactory(**fields)
    factories.MeterInstallationFactory(premise=account.premise)
    return account


def _deposit_url(account):
    return reverse("accounts:account_deposit", kwargs={"account_id": account.pk})


def _letter_url(account):
    return reverse("accounts:account_deposit_letter", kwargs={"account_id": account.pk})


def _account_url(account):
    return reverse("accounts:account_detail", kwargs={"account_id": account.pk})


def _panel_url(account):
    """The account page's deposit panel (loaded on demand), as a page of its own."""
    return reverse(
        "accounts:account_panel", kwargs={"account_id": account.pk, "panel_key": "deposit"}
    )


# -- an account's deposit ----------------------------------------------------------------------


def test_the_deposit_page_shows_the_quote_and_its_explanation(client_for):
    # given
    client = client_for(roles.CSR_I)
    account = _account()
    # when
    response = client.get(_deposit_url(account))
    # then
    assert response.status_code == 200
    page = response.content.decode()
    assert "$100.00" in page
    assert "Residential single-family 5/8&quot; meter: $100.00 by the district&#x27;s table" in page
    assert "Ask a supervisor to waive the deposit" in page
    assert "Record a letter of good credit" not in page


def test_a_csr_i_charges_the_deposit_in_installments(client_for):
    # given
    client = client_for(roles.CSR_I)
    account = _account()
    data = {"action": "charge", "installments": "2", "request_key": "k-charge-1"}
    # when
    response = client.post(_deposit_url(account), data)
    again = client.post(_deposit_url(account), data)
    # then
    assert response.status_code == 302
    assert response["Location"] == _account_url(account)
    assert again.status_code == 302
    deposit = Deposit.objects.get(account=account)
    assert deposit.amount == Decimal("100.00")
    assert deposit.installments == 2
    assert Journal.objects.filter(kind=Journal.Kind.DEPOSIT).count() == 1


def test_a_csr_i_waiver_is_sent_for_approval(client_for):
    # given
    client = client_for(roles.CSR_I)
    account = _account()
    # when
    response = client.post(
        _deposit_url(account),
        {"action": "waive", "reason": "Hardship letter", "request_key": "k-waive-1"},
        follow=True,
    )
    # then
    assert "sent to a supervisor for approval" in response.content.decode()
    assert Deposit.objects.get(account=account).status == Deposit.Status.PENDING_APPROVAL
    assert ApprovalRequest.objects.filter(kind="deposit_waiver").count() == 1


def test_a_waiver_without_a_reason_shows_the_error_and_writes_nothing(client_for):
    # given
    client = client_for(roles.CSR_II)
    account = _account()
    # when
    response = client.post(
        _deposit_url(account), {"action": "waive", "reason": "", "request_key": "k-waive-2"}
    )
    # then
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    assert Deposit.objects.count() == 0


def test_installments_beyond_the_guidelines_are_refused_on_the_page(client_for):
    # given
    client = client_for(roles.CSR_I)
    account = _account()
    # when
    response = client.post(
        _deposit_url(account), {"action": "charge", "installments": "4", "request_key": "k-4"}
    )
    # then
    assert response.status_code == 400
    assert Deposit.objects.count() == 0


def test_without_a_meter_the_page_says_why_no_amount_is_found(client_for):
    # given
    client = client_for(roles.CSR_I)
    account = factories.ServiceAccountFactory(
        status=ServiceAccount.Status.PENDING, start_date=timezone.localdate()
    )
    # when
    response = client.get(_deposit_url(account))
    # then
    assert response.status_code == 200
    assert "no meter size is known" in response.content.decode()
    assert 'value="charge"' not in response.content.decode()


def test_a_standing_deposit_is_shown_instead_of_the_forms(client_for):
    # given
    client = client_for(roles.CSR_I)
    account = _account()
    client.post(
        _deposit_url(account), {"action": "charge", "installments": "1", "request_key": "a"}
    )
    # when
    response = client.get(_deposit_url(account))
    # then
    page = response.content.decode()
    assert "already holds a deposit of $100.00" in page
    assert 'value="charge"' not in page


@pytest.mark.parametrize("role", [roles.FIELD_TECHNICIAN, roles.FINANCE])
def test_roles_that_do_not_start_service_cannot_open_the_deposit_page(client_for, role):
    # given
    client = client_for(role)
    account = _account()
    # when
    response = client.post(
        _deposit_url(account), {"action": "charge", "installments": "1", "request_key": "x"}
    )
    # then
    assert response.status_code == 403
    assert Deposit.objects.count() == 0


# -- letters of credit -------------------------------------------------------------------------


def test_a_csr_ii_records_a_letter_and_the_deposit_is_then_none(client_for):
    # given
    client = client_for(roles.CSR_II)
    account = _account()
    letter_date = (timezone.localdate() - datetime.timedelta(days=20)).isoformat()
    # when
    response = client.post(
        _letter_url(account), {"utility_name": "Edison", "letter_date": letter_date}
    )
    quote_page = client.get(_deposit_url(account)).content.decode()
    # then
    assert response.status_code == 302
    assert response["Location"] == _deposit_url(account)
    assert LetterOfCredit.objects.filter(customer=account.customer).count() == 1
    assert "letter of good credit from Edison" in quote_page


def test_a_future_letter_is_refused_next_to_its_field(client_for):
    # given
    client = client_for(roles.CSR_II)
    account = _account()
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    # when
    response = client.post(
        _letter_url(account), {"utility_name": "Edison", "letter_date": tomorrow}
    )
    # then
    assert response.status_code == 400
    assert "cannot be dated in the future" in response.content.decode()
    assert LetterOfCredit.objects.count() == 0


def test_a_csr_i_cannot_open_the_letter_page(client_for):
    # given
    client = client_for(roles.CSR_I)
    # when
    response = client.get(_letter_url(_account()))
    # then
    assert response.status_code == 403


# -- the account page's panel ------------------------------------------------------------------


def _panel(response) -> str:
    page = response.content.decode()
    start = page.index('data-panel="deposit"')
    return page[start : page.index("</section>", start)]


def test_the_panel_shows_the_deposit_held_and_the_actions_of_a_csr_ii(client_for):
    # given
    client = client_for(roles.CSR_II)
    account = _account()
    client.post(
        _deposit_url(account), {"action": "charge", "installments": "3", "request_key": "p"}
    )
    # when
    panel = _panel(client.get(_panel_url(account)))
    # then
    # the first of the 3 installments is charged; the next two bills carry the others
    assert "Deposit held: <strong>$33.34</strong>" in panel
    assert "Held" in panel
    assert "3 installments; 2 deposit installments left ($66.66)" in panel
    assert "Deposit: charge or waive" in panel
    assert "Record a letter of credit" in panel


def test_finance_sees_the_panel_without_actions(client_for):
    # given
    client = client_for(roles.FINANCE)
    account = _account()
    # when
    panel = _panel(client.get(_panel_url(account)))
    # then
    assert "No deposit has been set" in panel
    assert "charge or waive" not in panel
    assert "letter of credit" not in panel


# -- guidelines --------------------------------------------------------------------------------


def _guideline_post(**overrides):
    data = {
        "effective_from": (timezone.localdate() + datetime.timedelta(days=7)).isoformat(),
        "minimum": "60",
        "average_bill_multiple": "2.5",
        "good_history_months": "12",
        "max_late_payments": "1",
        "max_installments": "3",
        "refund_after_months": "12",
        "notes": "",
        "amount__residential__5/8": "$125",
        "amount__commercial__2": "750.00",
    }
    data.update(overrides)
    return data


def test_a_supervisor_sees_the_versions_and_the_menu_entry(client_for):
    # given
    client = client_for(roles.SUPERVISOR)
    # when
    response = client.get(reverse("accounts:deposit_guidelines"))
    home = client.get(reverse("home")).content.decode()
    # then
    page = response.content.decode()
    assert response.status_code == 200
    assert "From 01/01/2000" in page
    assert "In force" in page
    assert "Deposit guidelines" in home


@pytest.mark.parametrize("role", [roles.CSR_III, roles.FINANCE])
def test_others_cannot_open_the_guidelines(client_for, role):
    # when
    response = client_for(role).get(reverse("accounts:deposit_guidelines"))
    # then
    assert response.status_code == 403


def test_the_new_version_form_starts_from_the_latest(client_for):
    # when
    response = client_for(roles.SUPERVISOR).get(reverse("accounts:deposit_guideline_new"))
    # then
    page = response.content.decode()
    assert response.status_code == 200
    assert 'name="amount__residential__5/8"' in page
    assert 'value="100.00"' in page
    assert 'value="50.00"' in page


def test_a_supervisor_saves_a_new_version(client_for):
    # given
    client = client_for(roles.SUPERVISOR)
    # when
    response = client.post(reverse("accounts:deposit_guideline_new"), _guideline_post())
    # then
    assert response.status_code == 302
    guideline = DepositGuideline.objects.get(minimum=Decimal("60.00"))
    assert guideline.average_bill_multiple == Decimal("2.50")
    assert {(a.customer_class, a.meter_size, a.amount) for a in guideline.amounts.all()} == {
        ("residential", "5/8", Decimal("125.00")),
        ("commercial", "2", Decimal("750.00")),
    }


def test_a_back_dated_version_is_refused_next_to_its_date(client_for):
    # given
    client = client_for(roles.SUPERVISOR)
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    # when
    response = client.post(
        reverse("accounts:deposit_guideline_new"), _guideline_post(effective_from=yesterday)
    )
    # then
    assert response.status_code == 400
    assert "never back-dated" in response.content.decode()
    assert DepositGuideline.objects.count() == 1


def test_a_version_in_use_shows_why_it_cannot_be_edited(client_for):
    # given
    client = client_for(roles.SUPERVISOR)
    account = _account()
    client.post(
        _deposit_url(account), {"action": "charge", "installments": "1", "request_key": "u"}
    )
    seeded = DepositGuideline.objects.get(effective_from=SEEDED)
    url = reverse("accounts:deposit_guideline_edit", kwargs={"guideline_id": seeded.pk})
    # when
    shown = client.get(url)
    posted = client.post(url, _guideline_post(effective_from=SEEDED.isoformat(), minimum="1"))
    # then
    assert shown.status_code == 200
    assert "can no longer be changed" in shown.content.decode()
    assert posted.status_code == 409
    seeded.refresh_from_db()
    assert seeded.minimum == Decimal("50.00")


def test_a_version_not_yet_used_is_corrected(client_for):
    # given
    client = client_for(roles.SUPERVISOR)
    client.post(reverse("accounts:deposit_guideline_new"), _guideline_post())
    future = DepositGuideline.objects.get(minimum=Decimal("60.00"))
    url = reverse("accounts:deposit_guideline_edit", kwargs={"guideline_id": future.pk})
    # when
    response = client.post(url, _guideline_post(minimum="65"))
    # then
    assert response.status_code == 302
    future.refresh_from_db()
    assert future.minimum == Decimal("65.00")
