"""The counter payment API: a retried call posts once, bad input writes nothing."""

import json
from decimal import Decimal

import pytest
from django.urls import reverse

from district import roles
from district.ledger.selectors import account_balance, ledger_problems
from payments.models import Payment
from tests.factories import ServiceAccountFactory, post_bill
from tests.payments.factories import opened_drawer

pytestmark = pytest.mark.django_db
URL = "/api/payments/counter"


@pytest.fixture
def cashier_client(client_for):
    client = client_for(roles.CSR_I)
    opened_drawer(client.user, name="API till")
    return client


def _post(client, body, key="key-1"):
    return client.post(
        URL, json.dumps(body), content_type="application/json", headers={"Idempotency-Key": key}
    )


def test_the_url_is_named():
    assert reverse("payments:api_counter_payment") == URL


def test_a_retried_call_posts_once_and_answers_the_first_receipt(cashier_client):
    account = ServiceAccountFactory()
    post_bill(account, "80.00")
    body = {
        "allocations": [{"account": account.formatted_number, "amount": "60.00"}],
        "tenders": [
            {"kind": "check", "amount": "40.00", "check_number": "2211"},
            {"kind": "cash", "amount": "50.00"},
        ],
    }
    first = _post(cashier_client, body)
    again = _post(cashier_client, body)
    assert first.status_code == 201, first.json()
    assert again.status_code == 200
    assert first.json()["receipt"] == again.json()["receipt"]
    assert first.json()["change"] == "30.00"
    assert Payment.objects.count() == 1
    assert account_balance(account.pk) == Decimal("20.00")
    assert ledger_problems() == []


def test_the_same_key_for_another_payment_is_refused(cashier_client):
    account = ServiceAccountFactory()
    body = {
        "allocations": [{"account": account.formatted_number, "amount": "10.00"}],
        "tenders": [{"kind": "cash", "amount": "10.00"}],
    }
    assert _post(cashier_client, body).status_code == 201
    body["allocations"][0]["amount"] = "12.00"
    body["tenders"][0]["amount"] = "12.00"
    refused = _post(cashier_client, body)
    assert refused.status_code == 400
    assert "already used" in json.dumps(refused.json())
    assert Payment.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"allocations": [], "tenders": [{"kind": "cash", "amount": "1.00"}]}, "allocations"),
        (
            {
                "allocations": [{"account": "1234567-0", "amount": "5.00"}],
                "tenders": [{"kind": "cash", "amount": "5.00"}],
            },
            "allocations",
        ),
        (
            {
                "allocations": [{"account": "ACCOUNT", "amount": "5.00"}],
                "tenders": [{"kind": "card", "amount": "5.00", "card_last4": "4111111111111111"}],
            },
            "tenders",
        ),
    ],
)
def test_bad_input_answers_400_and_writes_nothing(cashier_client, body, field):
    account = ServiceAccountFactory()
    for allocation in body["allocations"]:
        if allocation["account"] == "ACCOUNT":
            allocation["account"] = account.formatted_number
    response = _post(cashier_client, body)
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert "4111111111111111" not in response.content.decode()
    assert Payment.objects.count() == 0


def test_a_missing_key_or_drawer_is_refused(client_for):
    client = client_for(roles.CSR_I)
    account = ServiceAccountFactory()
    body = {
        "allocations": [{"account": account.formatted_number, "amount": "5.00"}],
        "tenders": [{"kind": "cash", "amount": "5.00"}],
    }
    no_key = client.post(URL, json.dumps(body), content_type="application/json")
    assert no_key.json()["errors"] == {"Idempotency-Key": ["Send an Idempotency-Key header."]}
    no_drawer = _post(client, body)
    assert "drawer" in no_drawer.json()["errors"]
    assert Payment.objects.count() == 0


def test_field_technicians_cannot_take_payments(client_for):
    response = client_for(roles.FIELD_TECHNICIAN).post(
        URL, "{}", content_type="application/json", headers={"Idempotency-Key": "k"}
    )
    assert response.status_code == 403
