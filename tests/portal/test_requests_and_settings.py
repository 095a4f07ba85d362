"""What a customer asks for or changes: requests wait for a CSR, changes are logged, bad input
writes nothing."""

import datetime
from decimal import Decimal

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Contact
from billing.arrangements.models import Arrangement
from billing.bill_runs.issue import bill_email
from billing.models import Bill
from district import roles
from district.approvals.models import ApprovalRequest
from district.queues.registry import queue_states
from portal.service_requests.models import ServiceRequest

pytestmark = pytest.mark.django_db


def _future(days=10) -> str:
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


def test_a_stop_request_waits_in_the_csr_queue_and_stops_nothing(customer_client, make_user):
    # given
    account = customer_client.user.accounts[0]
    status_before = account.status
    # when the customer asks to stop service
    response = customer_client.post(
        reverse("portal:requests", args=[account.pk]),
        {"kind": "stop", "wanted_on": _future(), "forwarding_address": "1 New St, Town CA"},
    )
    # then a request waits, logged in the contact history; the account is untouched
    assert response.status_code == 302
    request = ServiceRequest.objects.get()
    assert request.status == "waiting" and request.kind == "stop"
    account.refresh_from_db()
    assert account.status == status_before
    assert Contact.objects.filter(account=account, reason="stop", channel="portal").count() == 1
    # and the CSRs' queue counts it with its age
    csr = make_user(roles.CSR_I)
    state = next(s for s in queue_states(csr) if s.queue.key == "portal-requests")
    assert state.count == 1 and state.age_days == 0


def test_a_csr_takes_the_request_into_the_stop_page_and_closes_it(
    customer_client, client, make_user
):
    # given a waiting stop request
    account = customer_client.user.accounts[0]
    customer_client.post(
        reverse("portal:requests", args=[account.pk]),
        {"kind": "stop", "wanted_on": _future(), "forwarding_address": "1 New St"},
    )
    request = ServiceRequest.objects.get()
    csr = make_user(roles.CSR_I)
    client = Client()
    client.force_login(csr)
    # when the CSR takes it
    listing = client.get(reverse("portal:staff_requests"))
    assert account.formatted_number in listing.content.decode()
    response = client.post(reverse("portal:staff_request_take", args=[request.pk]))
    # then the counter's own stop page opens, and the request is theirs
    assert response["Location"] == reverse("accounts:service_stop", args=[account.pk])
    request.refresh_from_db()
    assert request.status == "taken" and request.handled_by == csr
    # when they close it as done, the customer reads the outcome
    client.post(
        reverse("portal:staff_request_close", args=[request.pk]),
        {f"r{request.pk}-done": "done", f"r{request.pk}-outcome": "Final read on 07/01."},
    )
    request.refresh_from_db()
    assert request.status == "done"
    page = customer_client.get(reverse("portal:requests", args=[account.pk])).content.decode()
    assert "Final read on 07/01." in page


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"kind": "stop", "wanted_on": "2001-01-01", "forwarding_address": "x"}, "wanted_on"),
        ({"kind": "stop", "wanted_on": _future()}, "forwarding_address"),
        ({"kind": "transfer", "wanted_on": _future()}, "service_address"),
        ({"kind": "start", "wanted_on": "not a date", "service_address": "x"}, "wanted_on"),
        ({"kind": "demolish", "wanted_on": _future()}, "kind"),
    ],
)
def test_bad_request_input_says_what_and_writes_nothing(customer_client, data, field):
    account = customer_client.user.accounts[0]
    response = customer_client.post(reverse("portal:requests", args=[account.pk]), data)
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert 'data-testid="form-errors"' in response.content.decode()
    assert not ServiceRequest.objects.exists()
    assert not Contact.objects.filter(account=account).exists()


def test_a_second_identical_request_is_refused(customer_client):
    account = customer_client.user.accounts[0]
    data = {"kind": "stop", "wanted_on": _future(), "forwarding_address": "1 New St"}
    customer_client.post(reverse("portal:requests", args=[account.pk]), data)
    response = customer_client.post(reverse("portal:requests", args=[account.pk]), data)
    assert response.status_code == 400
    assert ServiceRequest.objects.count() == 1


def test_contact_change_is_saved_and_logged_with_old_and_new(customer_client):
    # given
    account = customer_client.user.accounts[0]
    account.customer.phone = "5555550100"
    account.customer.save(update_fields=["phone"])
    # when
    response = customer_client.post(
        reverse("portal:settings", args=[account.pk]),
        {"form": "contact", "phone": "(555) 555-0199", "email": "Me@Example.com",
         "mailing_line1": "9 Elm St", "mailing_city": "Town", "mailing_state": "ca",
         "mailing_zip": "95000"},
    )  # fmt: skip
    # then
    assert response.status_code == 302
    account.customer.refresh_from_db()
    assert account.customer.phone == "5555550199" and account.customer.email == "me@example.com"
    log = Contact.objects.get(account=account, channel="portal")
    assert "5555550100 -> 5555550199" in log.notes and "9 Elm St" in log.notes


def test_bad_contact_input_writes_nothing(customer_client):
    account = customer_client.user.accounts[0]
    before = (account.customer.phone, account.customer.email)
    response = customer_client.post(
        reverse("portal:settings", args=[account.pk]),
        {"form": "contact", "phone": "12", "email": "not-an-email"},
    )
    assert response.status_code == 400
    assert response.context["forms"]["contact"].errors
    account.customer.refresh_from_db()
    assert (account.customer.phone, account.customer.email) == before
    assert not Contact.objects.filter(account=account).exists()


def test_language_is_saved_and_logged(customer_client):
    account = customer_client.user.accounts[0]
    response = customer_client.post(
        reverse("portal:settings", args=[account.pk]), {"form": "language", "language": "es"}
    )
    assert response.status_code == 302
    account.customer.refresh_from_db()
    assert account.customer.language == "es"
    assert "Spanish" in Contact.objects.get(account=account).notes


def test_paperless_needs_an_email_and_then_emails_a_link_never_the_pdf(customer_client):
    # given an account whose customer has no e-mail
    account = customer_client.user.accounts[0]
    account.customer.email = ""
    account.customer.save(update_fields=["email"])
    url = reverse("portal:settings", args=[account.pk])
    # when paperless is turned on: refused, nothing written
    response = customer_client.post(url, {"form": "paperless", "paperless": "on"})
    assert response.status_code == 400
    account.refresh_from_db()
    assert account.paperless is False
    # when the e-mail is added, then paperless on
    customer_client.post(url, {"form": "contact", "email": "me@example.com"})
    response = customer_client.post(url, {"form": "paperless", "paperless": "on"})
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.paperless is True
    assert Contact.objects.filter(account=account, notes__icontains="paperless").count() == 1
    # then the bill e-mail carries a link to the bill and no attachment
    bill = Bill.objects.filter(account=account).order_by("-bill_date").first()
    message = bill_email(Bill.objects.select_related("account__customer").get(pk=bill.pk))
    assert message.attachments == []
    assert f"/portal/bills/{bill.pk}/" in message.body
    assert len(mail.outbox) == 0


def test_paperless_takes_the_verified_sign_in_address_when_none_is_on_file(customer_client):
    # given a customer record without an e-mail, and a login whose address is verified
    account = customer_client.user.accounts[0]
    account.customer.email = ""
    account.customer.save(update_fields=["email"])
    EmailAddress.objects.create(
        user=customer_client.user, email="rosa@example.org", primary=True, verified=True
    )
    url = reverse("portal:settings", args=[account.pk])
    # when
    response = customer_client.post(url, {"form": "paperless", "paperless": "on"})
    # then the address is recorded (and logged) and paperless is on
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.paperless is True
    assert account.customer.email == "rosa@example.org"
    assert Contact.objects.filter(account=account, notes__icontains="rosa@example.org").exists()


def test_a_payment_plan_request_lands_for_review(customer_client):
    # given the account owes its bills
    account = customer_client.user.accounts[0]
    # when
    response = customer_client.post(
        reverse("portal:arrangement_request", args=[account.pk]), {"months": "3"}
    )
    # then a pending arrangement, reviewed by a supervisor, in three installments
    assert response.status_code == 302
    arrangement = Arrangement.objects.get(account=account)
    assert arrangement.status == "pending" and arrangement.source == "portal"
    assert arrangement.installments.count() == 3
    assert sum(i.amount for i in arrangement.installments.all()) == arrangement.amount
    assert ApprovalRequest.objects.filter(kind="payment-arrangement").count() == 1


def test_a_payment_plan_with_bad_months_writes_nothing(customer_client):
    account = customer_client.user.accounts[0]
    response = customer_client.post(
        reverse("portal:arrangement_request", args=[account.pk]), {"months": "24"}
    )
    assert response.status_code == 400
    assert not Arrangement.objects.exists()


def test_installments_add_up_to_the_balance():
    from portal.services import arrangement_installments

    rows = arrangement_installments(Decimal("100.00"), 3, on=datetime.date(2026, 1, 31))
    assert [amount for _, amount in rows] == [Decimal("33.33"), Decimal("33.33"), Decimal("33.34")]
    assert rows[0][0] == datetime.date(2026, 2, 28)
