"""Customer and service-account pages: good and bad posts, the duplicate warning, query counts."""

import pytest
from django.urls import reverse

from accounts.models import Customer, CustomerFlag, ServiceAccount
from accounts.selectors import premise_accounts_panel
from accounts.services import customer_flag_set
from district import panels, roles
from district.roles import Perm
from tests.factories import CustomerFactory, PremiseFactory, ServiceAccountFactory

pytestmark = pytest.mark.django_db


def _customer_post(**overrides):
    data = {
        "kind": "person",
        "first_name": "Rosa",
        "last_name": "Delgado",
        "business_name": "",
        "phone": "555 201 3344",
        "alternate_phone": "",
        "email": "rosa@example.org",
        "mailing_line1": "14 Vista Way",
        "mailing_line2": "",
        "mailing_city": "Mesa Verde",
        "mailing_state": "CA",
        "mailing_zip": "92001",
        "language": "en",
    }
    data.update(overrides)
    return data


def test_customer_create_page_shows_a_bad_phone_then_saves(client_for):
    # given
    client = client_for(roles.CSR_I)
    url = reverse("accounts:customer_create")

    # when
    refused = client.post(url, _customer_post(phone="201-3344"))
    accepted = client.post(url, _customer_post())

    # then
    html = refused.content.decode()
    assert 'id="id_phone_error"' in html and "10-digit phone number" in html
    customer = Customer.objects.get()
    assert accepted["Location"] == reverse("accounts:customer_detail", args=[customer.pk])
    assert customer.phone == "5552013344"


def test_duplicate_warning_lists_look_alikes_then_create_anyway(client_for):
    # given
    client = client_for(roles.CSR_I)
    existing = CustomerFactory(
        first_name="Rosa", last_name="Delgado", phone="5552013344", mailing_line1="1 Elm St"
    )
    url = reverse("accounts:customer_create")

    # when
    warned = client.post(url, _customer_post())

    # then
    html = warned.content.decode()
    assert "Possible duplicate" in html
    assert reverse("accounts:customer_detail", args=[existing.pk]) in html
    assert 'type="checkbox" name="confirm_duplicate"' in html
    assert Customer.objects.count() == 1

    # when: confirmed
    created = client.post(url, _customer_post(confirm_duplicate="on"))

    # then
    assert created.status_code == 302
    assert Customer.objects.count() == 2


def test_customer_detail_shows_the_record_in_fixed_queries(
    client_for, django_assert_max_num_queries
):
    # given
    client = client_for(roles.CSR_I)
    customer = CustomerFactory(phone="5552013344", alternate_phone="5559870000")
    for _ in range(3):
        ServiceAccountFactory(customer=customer)
    customer_flag_set(customer=customer, flag="cash_only", reason="Two NSF checks", by=client.user)
    customer_flag_set(customer=customer, flag="do_not_call", reason="Asked", by=client.user)
    url = reverse("accounts:customer_detail", kwargs={"customer_id": customer.pk})

    # when: 9 for the session, user, permissions and menu; customer, flags, accounts
    with django_assert_max_num_queries(12):
        response = client.get(url)

    # then
    html = response.content.decode()
    assert "(555) 201-3344" in html and "(555) 987-0000" in html
    assert "Two NSF checks" in html and client.user.username in html
    assert reverse("history", args=["customer", customer.pk]) in html
    for account in customer.service_accounts.all():
        assert account.formatted_number in html


def test_customer_detail_of_a_missing_customer_is_404(client_for):
    client = client_for(roles.CSR_I)
    response = client.get(reverse("accounts:customer_detail", kwargs={"customer_id": 999999}))
    assert response.status_code == 404


def test_customer_edit_page(client_for):
    client = client_for(roles.CSR_II)
    customer = CustomerFactory(phone="5552013344")
    url = reverse("accounts:customer_edit", kwargs={"customer_id": customer.pk})
    form = client.get(url)
    refused = client.post(url, _customer_post(last_name=""))
    accepted = client.post(url, _customer_post(email="NEW@Example.org"))
    assert 'value="(555) 201-3344"' in form.content.decode()
    assert 'id="id_last_name_error"' in refused.content.decode()
    assert accepted.status_code == 302
    customer.refresh_from_db()
    assert customer.email == "new@example.org"


def test_flags_page_sets_and_clears(client_for):
    # given
    client = client_for(roles.CSR_I)
    customer = CustomerFactory()
    url = reverse("accounts:customer_flags", kwargs={"customer_id": customer.pk})

    # when
    no_reason = client.post(url, {"action": "set", "flag": "cash_only", "reason": ""})
    client.post(url, {"action": "set", "flag": "cash_only", "reason": "NSF"})
    flag = CustomerFlag.objects.get()
    twice = client.post(url, {"action": "set", "flag": "cash_only", "reason": "NSF"})
    no_clear_reason = client.post(url, {"action": "clear", "flag": flag.pk, "clear_reason": ""})
    cleared = client.post(url, {"action": "clear", "flag": flag.pk, "clear_reason": "Paid"})

    # then
    assert 'id="id_reason_error"' in no_reason.content.decode()
    assert "already flagged Cash only" in twice.content.decode()
    assert f'id="clear-reason-{flag.pk}-error"' in no_clear_reason.content.decode()
    assert cleared.status_code == 302
    flag.refresh_from_db()
    assert (flag.cleared_by, flag.clear_reason) == (client.user, "Paid")


def test_service_account_create_preselects_and_opens_a_pending_account(client_for):
    # given
    client = client_for(roles.CSR_I)
    customer, premise = CustomerFactory(), PremiseFactory()
    url = reverse("accounts:service_account_create")

    # when
    page = client.get(url, {"customer": customer.pk, "premise": premise.pk})
    data = {
        "customer": customer.pk,
        "premise": premise.pk,
        "customer_class": "residential",
        "start_date": "2025-04-01",
        "billing_cycle": "m2",
        "billing_frequency": "monthly",
    }
    refused = client.post(url, {**data, "customer": "999999"})
    accepted = client.post(url, data)

    # then
    assert customer.display_name in page.content.decode()
    assert premise.full_address in page.content.decode()
    assert "No customer has that number." in refused.content.decode()
    account = ServiceAccount.objects.get()
    assert accepted.status_code == 302
    assert (account.status, account.billing_cycle) == ("pending", "M2")


def test_service_account_edit_and_status_pages(client_for):
    # given
    client = client_for(roles.SUPERVISOR)
    premise = PremiseFactory()
    active = ServiceAccountFactory(premise=premise, status="active")
    pending = ServiceAccountFactory(premise=premise, status="pending")

    # when
    edited = client.post(
        reverse("accounts:service_account_edit", kwargs={"account_id": pending.pk}),
        {"customer_class": "commercial", "billing_cycle": "M4", "billing_frequency": "bimonthly"},
    )
    refused = client.post(
        reverse("accounts:service_account_status", kwargs={"account_id": pending.pk}),
        {"to_status": "active", "on_date": ""},
    )

    # then
    assert edited.status_code == 302
    pending.refresh_from_db()
    assert (pending.customer_class, pending.billing_frequency) == ("commercial", "bimonthly")
    assert f"already has an active account (#{active.formatted_number})" in refused.content.decode()
    assert pending.status == "pending"


def test_finance_may_look_but_not_open_accounts(client_for):
    client = client_for(roles.FINANCE)
    customer = CustomerFactory()
    # the customer record is how to reach the customer: not Finance's (README, roles)
    assert client.get(reverse("accounts:customer_detail", args=[customer.pk])).status_code == 403
    assert client.get(reverse("accounts:service_account_create")).status_code == 403
    assert client.get(reverse("accounts:customer_edit", args=[customer.pk])).status_code == 403


def test_premise_page_lists_accounts_over_time_through_the_accounts_panel(client_for, monkeypatch):
    # given: the panel accounts registers for the premise page
    monkeypatch.setattr(
        panels.PANELS,
        "_entries",
        {
            ("premise", "premise_accounts"): panels.Panel(
                page="premise",
                key="premise_accounts",
                title="Accounts at this premise",
                template="accounts/records/_panel_premise_accounts.html",
                selector=premise_accounts_panel,
                permission=Perm.VIEW_ACCOUNTS,
            )
        },
    )
    client = client_for(roles.CSR_I)
    premise = PremiseFactory()
    old = ServiceAccountFactory(premise=premise, status="closed")
    current = ServiceAccountFactory(premise=premise, status="active")

    # when
    response = client.get(reverse("field_ops:premise_detail", args=[premise.pk]))

    # then
    html = response.content.decode()
    assert "Accounts at this premise" in html
    assert html.index(current.formatted_number) < html.index(old.formatted_number)
    assert current.customer.display_name in html


def test_the_direct_status_change_is_a_supervisors_tool(client_for):
    client = client_for(roles.CSR_III)
    account = ServiceAccountFactory(status="pending")
    response = client.get(
        reverse("accounts:service_account_status", kwargs={"account_id": account.pk})
    )
    assert response.status_code == 403
