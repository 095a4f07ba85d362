"""The start wizard, the stop, transfer and owner-agreement pages, the welcome letter."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import (
    Contact,
    Customer,
    Deposit,
    RevertToOwnerAgreement,
    ServiceAccount,
    StopRequest,
)
from accounts.service_changes import letters
from accounts.service_changes.services import DepositChoice, OwnerInfo, service_start
from district import roles
from field_ops.models import WorkOrder
from tests.factories import (
    CustomerFactory,
    MeterInstallationFactory,
    ServiceAccountFactory,
    metered_premise,
)

pytestmark = pytest.mark.django_db

S = ServiceAccount.Status
START_URL = "/service/start/"
TODAY = timezone.localdate


def _token(response) -> str:
    return re.search(r'name="wizard" value="([0-9a-f]+)"', response.content.decode()).group(1)


def _post(client, token, step, action="next", **data):
    return client.post(START_URL, {"wizard": token, "step": step, "action": action, **data})


def _walk_to_confirm(client, *, customer, premise, details=None, deposit="1", occupancy="tenant"):
    """Steps 1-5 as a full-page (no JavaScript) client: each POST redirects to the next step."""
    token = _token(client.get(START_URL))
    _post(client, token, "customer", "search", q=customer.last_name)
    _post(client, token, "customer", "choose", customer=customer.pk)
    _post(client, token, "premise", "search", q=f"{premise.house_number} {premise.street}")
    _post(client, token, "premise", "choose", premise=premise.pk)
    _post(client, token, "occupancy", occupancy=occupancy, owner_name="Harbor Property Mgmt")
    _post(
        client,
        token,
        "details",
        **{
            "customer_class": "residential",
            "start_date": TODAY().isoformat(),
            "mailing_line1": "9 Vista Ct",
            "mailing_city": "Mesa Verde",
            "mailing_state": "ca",
            "mailing_zip": "92000",
            "language": "es",
            "channel": "counter",
            **(details or {}),
        },
    )
    _post(client, token, "deposit", choice=deposit, waiver_reason="")
    return token


def test_a_csr_i_starts_service_through_the_six_steps_without_javascript(client_for):
    # given
    client = client_for(roles.CSR_I)
    customer = CustomerFactory(first_name="Ana", last_name="Nguyen")
    premise = metered_premise(house_number="4410", street="Juniper Ln", owner_name="P. Owner")
    token = _walk_to_confirm(client, customer=customer, premise=premise, deposit="2")
    summary = client.get(f"{START_URL}?wizard={token}")
    assert "Step 6 of 6: Summary and confirm" in summary.content.decode()
    assert "$100.00 in 2 installments" in summary.content.decode()
    assert "Turn on" in summary.content.decode()

    # when
    response = _post(client, token, "confirm", "confirm")

    # then
    account = ServiceAccount.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("accounts:service_started", args=[account.pk])
    assert account.status == S.PENDING and account.customer == customer
    assert account.parties.owner_name == "Harbor Property Mgmt"
    assert Deposit.objects.get().installments == 2
    assert WorkOrder.objects.get().order_type == WorkOrder.Type.TURN_ON
    customer.refresh_from_db()
    assert customer.mailing_line1 == "9 Vista Ct" and customer.language == "es"
    page = client.get(response.url).content.decode()
    assert "welcome-letter.pdf" in page and "in Spanish" in page
    # a repeated confirm (double click, back button) leads to the same start
    assert _post(client, token, "confirm", "confirm").url == response.url
    assert ServiceAccount.objects.count() == 1


def test_each_step_is_swapped_in_place_with_htmx(client_for):
    # given
    client = client_for(roles.CSR_I)
    customer = CustomerFactory(last_name="Okafor")
    token = _token(client.get(START_URL))

    # when
    response = client.post(
        START_URL,
        {"wizard": token, "step": "customer", "action": "search", "q": "okaf"},
        HTTP_HX_REQUEST="true",
    )

    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and 'id="wizard"' in html
    assert f'value="{customer.pk}"' in html
    chosen = rf'type="radio"[^>]*value="{customer.pk}"[^>]*checked[^>]*autofocus'
    assert re.search(chosen, html)


def test_a_new_customer_is_created_in_the_first_step_with_the_duplicate_warning(client_for):
    # given
    client = client_for(roles.CSR_I)
    CustomerFactory(first_name="Rosa", last_name="Diaz", phone="5552223333")
    token = _token(client.get(START_URL))
    _post(client, token, "customer", "search", q="Rosa Diaz")
    form = client.get(f"{START_URL}?wizard={token}")
    assert "New customer" in form.content.decode()
    _post(client, token, "customer", "new")
    data = {
        "kind": "person",
        "first_name": "Rosa",
        "last_name": "Diaz",
        "phone": "(555) 222-3333",
        "mailing_state": "CA",
        "language": "en",
    }

    # when
    warned = _post(client, token, "customer", "create", **data)
    created = _post(client, token, "customer", "create", confirm_duplicate="on", **data)

    # then
    assert "Possible duplicate" in warned.content.decode()
    assert created.status_code == 302
    assert Customer.objects.filter(last_name="Diaz").count() == 2
    step = client.get(created.url).content.decode()
    assert "Step 2 of 6: Service address" in step


def test_a_premise_served_by_someone_else_is_refused_with_a_link_to_stop_them(client_for):
    # given
    client = client_for(roles.CSR_I)
    customer = CustomerFactory()
    premise = metered_premise(house_number="77", street="Sage St")
    holder = ServiceAccountFactory(premise=premise, status=S.ACTIVE)
    token = _token(client.get(START_URL))
    _post(client, token, "customer", "search", q=customer.last_name)
    _post(client, token, "customer", "choose", customer=customer.pk)
    _post(client, token, "premise", "search", q="77 sage")

    # when
    response = _post(client, token, "premise", "choose", premise=premise.pk)

    # then
    html = response.content.decode()
    assert "has active service for someone else" in html
    assert reverse("accounts:service_stop", args=[holder.pk]) in html
    assert "Step 2 of 6" in html


def test_a_start_date_beyond_the_policy_is_refused_at_its_step(client_for):
    # given
    client = client_for(roles.CSR_I)
    token = _walk_to_confirm(client, customer=CustomerFactory(), premise=metered_premise())

    # when
    response = _post(
        client,
        token,
        "details",
        customer_class="residential",
        start_date=(TODAY() + datetime.timedelta(days=61)).isoformat(),
        mailing_line1="1 A St",
        mailing_city="Mesa Verde",
        mailing_state="CA",
        mailing_zip="92000",
        language="en",
        channel="counter",
    )

    # then
    assert "at most 60 days ahead" in response.content.decode()
    assert not ServiceAccount.objects.exists()


def test_the_deposit_step_offers_a_csr_i_an_approval_and_a_csr_ii_a_waiver(client_for):
    # given
    premise, customer = metered_premise(), CustomerFactory()
    pages = {}
    for role in (roles.CSR_I, roles.CSR_II):
        client = client_for(role)
        token = _walk_to_confirm(client, customer=customer, premise=premise)
        pages[role.name] = client.get(f"{START_URL}?wizard={token}&step=deposit").content.decode()

    # then
    assert "Ask a supervisor to waive it" in pages["csr1"]
    assert "Waive it" in pages["csr2"] and "Ask a supervisor" not in pages["csr2"]
    assert "$100.00" in pages["csr1"]


def test_an_owner_is_told_no_deposit_is_due_and_goes_on_to_the_summary(client_for):
    # given
    client = client_for(roles.CSR_I)
    customer, premise = CustomerFactory(), metered_premise()

    # when
    token = _walk_to_confirm(client, customer=customer, premise=premise, occupancy="owner")
    deposit_page = client.get(f"{START_URL}?wizard={token}&step=deposit").content.decode()
    summary = client.get(f"{START_URL}?wizard={token}&step=confirm").content.decode()

    # then
    assert "No deposit is due." in deposit_page
    assert "Step 6 of 6" in summary
    assert "No deposit: the customer owns the premise" in summary


def test_back_goes_to_an_earlier_step_but_not_past_the_furthest_reached(client_for):
    # given
    client = client_for(roles.CSR_I)
    token = _token(client.get(START_URL))

    # when
    ahead = client.get(f"{START_URL}?wizard={token}&step=deposit")

    # then
    assert "Step 1 of 6" in ahead.content.decode()


# -- stop, cancel, transfer


def _active(client_user, **fields):
    account = ServiceAccountFactory(
        status=S.ACTIVE, start_date=TODAY() - datetime.timedelta(days=30), **fields
    )
    MeterInstallationFactory(premise=account.premise)
    return account


def test_the_stop_page_stops_service_and_the_account_page_shows_the_final_read(client_for):
    # given
    client = client_for(roles.CSR_I)
    account = _active(client.user)

    # when
    response = client.post(
        reverse("accounts:service_stop", args=[account.pk]),
        {
            "stop_date": TODAY().isoformat(),
            "reason": "moving",
            "forwarding_line1": "77 Harbor Way",
            "forwarding_city": "Ocean Park",
            "forwarding_state": "CA",
            "forwarding_zip": "92111",
            "channel": "phone",
        },
    )

    # then
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.status == S.PENDING_FINAL
    assert Contact.objects.get().channel == "phone"
    page = client.get(
        reverse("accounts:account_panel", args=[account.pk, "service_changes"])
    ).content.decode()
    assert "Final read" in page and "awaiting its final bill" in page
    assert "Cancel the stop" in page


def test_a_stop_with_errors_shows_them_beside_the_fields(client_for):
    # given
    client = client_for(roles.CSR_I)
    account = _active(client.user)

    # when
    response = client.post(
        reverse("accounts:service_stop", args=[account.pk]),
        {"stop_date": TODAY().isoformat(), "reason": "", "channel": "counter"},
    )

    # then
    html = response.content.decode()
    assert "Choose why service stops." in html
    assert "This field is required." in html or "Enter the address" in html
    assert not StopRequest.objects.exists()


def test_the_stop_is_cancelled_from_its_page(client_for):
    # given
    client = client_for(roles.CSR_I)
    account = _active(client.user)
    client.post(
        reverse("accounts:service_stop", args=[account.pk]),
        {
            "stop_date": TODAY().isoformat(),
            "reason": "moving",
            "forwarding_line1": "1 B St",
            "forwarding_city": "Mesa Verde",
            "forwarding_state": "CA",
            "forwarding_zip": "92000",
            "channel": "counter",
        },
    )
    assert (
        "Cancel the stop"
        in client.get(reverse("accounts:service_stop", args=[account.pk])).content.decode()
    )

    # when
    response = client.post(
        reverse("accounts:service_stop_cancel", args=[account.pk]), {"reason": "Lease renewed"}
    )

    # then
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.status == S.ACTIVE


def test_the_transfer_page_finds_the_new_premise_and_moves_service(client_for):
    # given
    client = client_for(roles.CSR_I)
    account = _active(client.user, paperless=True)
    new_premise = metered_premise(house_number="8800", street="Birch Rd")
    url = reverse("accounts:service_transfer", args=[account.pk])
    found = client.get(url, {"q": "8800 birch"}).content.decode()
    assert f"?premise={new_premise.pk}" in found

    # when
    response = client.post(
        f"{url}?premise={new_premise.pk}",
        {
            "premise": new_premise.pk,
            "stop_date": TODAY().isoformat(),
            "start_date": TODAY().isoformat(),
            "customer_class": "residential",
            "occupancy": "owner",
            "forwarding_line1": "8800 Birch Rd",
            "forwarding_city": "Mesa Verde",
            "forwarding_state": "CA",
            "forwarding_zip": "92000",
            "channel": "counter",
        },
    )

    # then
    new_account = ServiceAccount.objects.get(premise=new_premise)
    assert response.status_code == 302
    assert new_account.parties.transferred_from == account
    assert new_account.paperless is True and new_account.is_owner is True
    account.refresh_from_db()
    assert account.status == S.PENDING_FINAL
    assert Contact.objects.get().reason == Contact.Reason.TRANSFER


def test_the_owner_agreement_is_recorded_and_ended_on_the_premise(client_for):
    # given
    client = client_for(roles.CSR_I)
    premise = metered_premise()
    owner = CustomerFactory()
    url = reverse("accounts:owner_agreement", args=[premise.pk])

    # when
    recorded = client.post(
        url, {"action": "record", "owner": owner.pk, "signed_on": TODAY().isoformat()}
    )
    ended = client.post(url, {"action": "end", "ended_on": TODAY().isoformat()})

    # then
    assert recorded.status_code == 302 and ended.status_code == 302
    agreement = RevertToOwnerAgreement.objects.get()
    assert agreement.owner == owner and agreement.ended_on == TODAY()
    premise_page = client.get(reverse("field_ops:premise_detail", args=[premise.pk]))
    assert "Revert to owner" in premise_page.content.decode()


# -- the welcome letter


def _started(user, customer):
    return service_start(
        customer=customer,
        premise=metered_premise(),
        customer_class="residential",
        start_date=TODAY(),
        is_owner=False,
        owner_info=OwnerInfo(name="Owner"),
        deposit=DepositChoice(),
        by=user,
        idempotency_key="letter",
    ).account


def test_the_welcome_letter_is_a_pdf(client_for):
    # given
    client = client_for(roles.CSR_I)
    account = _started(client.user, CustomerFactory())

    # when
    response = client.get(reverse("accounts:welcome_letter", args=[account.pk]))

    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_a_spanish_speaking_customer_gets_the_spanish_letter(make_user):
    # given
    account = _started(make_user(roles.CSR_I), CustomerFactory(language="es"))

    # when
    html = letters.welcome_letter_html(account)

    # then
    assert '<html lang="es">' in html
    assert "Bienvenido" in html and account.formatted_number in html
    assert letters.welcome_letter_pdf(account).startswith(b"%PDF")


def test_a_language_without_a_letter_gets_the_english_one(make_user):
    # given
    account = _started(make_user(roles.CSR_I), CustomerFactory(language="zh"))

    # when
    html = letters.welcome_letter_html(account)

    # then
    assert '<html lang="en">' in html and "Welcome to" in html


def test_the_start_service_menu_entry_is_for_roles_that_start_service(client_for):
    # given
    csr = client_for(roles.CSR_I)
    home = csr.get("/").content.decode()

    # then
    assert f'href="{START_URL}"' in home
