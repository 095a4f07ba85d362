"""No page, PDF or API answer with a customer's data stays in a browser cache; static files do."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from district import roles
from payments.counter.services import PaymentIn, TenderIn, payment_post
from payments.models import Tender
from portal.models import AccountLink
from tests import factories
from tests.billing.factories import account_with_meter, make_bill
from tests.factories import post_bill
from tests.payments.factories import opened_drawer

pytestmark = pytest.mark.django_db


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _assert_no_store(response):
    assert response.status_code == 200, response.status_code
    assert "no-store" in response["Cache-Control"]
    assert "max-age" not in response["Cache-Control"]
    assert response["Pragma"] == "no-cache"


def _posted_bill():
    account, meter = account_with_meter()
    bill = make_bill(
        account,
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 1, 31),
        consumption=Decimal("9"),
        meter=meter,
        reading=Decimal("109"),
    )
    return account, bill


def test_the_account_page_is_not_stored(client_for):
    # given
    account = factories.ServiceAccountFactory()
    client = client_for(roles.CSR_I)
    # when
    response = client.get(reverse("accounts:account_detail", args=[account.pk]))
    # then
    _assert_no_store(response)


def test_search_results_are_not_stored(client_for):
    # given
    factories.ServiceAccountFactory(customer=factories.CustomerFactory(last_name="Quintero"))
    client = client_for(roles.CSR_I)
    # when
    response = client.get(reverse("accounts:search"), {"q": "Quintero"})
    # then
    _assert_no_store(response)


def test_a_posted_bill_pdf_is_not_stored_even_on_the_second_open(client_for, media_root):
    # given: the first open renders and stores the PDF; the second serves the stored file
    _account, bill = _posted_bill()
    client = client_for(roles.CSR_I)
    url = reverse("billing:bill_pdf", args=[bill.pk])
    client.get(url)
    # when
    response = client.get(url)
    # then
    _assert_no_store(response)
    assert response["Content-Type"] == "application/pdf"


def test_the_customer_portal_bill_and_its_pdf_are_not_stored(client, make_user, media_root):
    # given
    account, bill = _posted_bill()
    user = make_user(roles.CUSTOMER)
    AccountLink.objects.create(user=user, service_account=account, method="staff")
    client.force_login(user)
    pdf_url = reverse("billing:portal_bill_pdf", args=[bill.pk])
    client.get(pdf_url)
    # when
    page = client.get(reverse("billing:portal_bill", args=[bill.pk]))
    pdf = client.get(pdf_url)
    # then
    _assert_no_store(page)
    _assert_no_store(pdf)


def test_the_receipt_pdf_is_not_stored(client, make_user):
    # given
    cashier = make_user(roles.CSR_I)
    session = opened_drawer(cashier, name="Counter 1", opening_count={"20": 5})
    account = factories.ServiceAccountFactory()
    post_bill(account, "40.00")
    payment = payment_post(
        session_id=session.pk,
        by=cashier,
        payment=PaymentIn(
            allocations=[(account.pk, Decimal("40.00"))],
            tenders=[TenderIn(Tender.Kind.CASH, Decimal("40.00"))],
        ),
        idempotency_key="cache-policy-receipt",
    )
    client.force_login(cashier)
    # when
    response = client.get(reverse("payments:receipt_pdf", args=[payment.pk]))
    # then
    _assert_no_store(response)
    assert response["Content-Type"] == "application/pdf"


def test_api_answers_are_not_stored(client_for):
    # given
    client = client_for(roles.CSR_I)
    # when
    schema = client.get(reverse("api-schema"))
    refused = client.post(reverse("billing:api_calculate"), {}, content_type="application/json")
    # then
    _assert_no_store(schema)
    assert refused.status_code == 400
    assert "no-store" in refused["Cache-Control"]


def test_the_sign_in_page_is_not_stored(client, db):
    # when
    response = client.get(reverse("login"))
    # then
    _assert_no_store(response)


def test_static_files_keep_their_caching(client, db):
    # when
    response = client.get("/static/css/portal.css")
    # then
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
    assert "max-age" in response["Cache-Control"]


def test_the_health_check_keeps_its_own_headers(client, db):
    # when
    response = client.get(reverse("healthz"))
    # then: never_cache's full header, not rewritten
    assert response.status_code == 200
    assert "must-revalidate" in response["Cache-Control"]
    assert "Pragma" not in response
