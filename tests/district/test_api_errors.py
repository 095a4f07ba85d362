"""The API answers a service's refusal the same way from every endpoint (district.api_errors):
problem details (RFC 9457), 400 with the field names the service used under "errors", 403 with
"access" for a role that may not."""

import json

import pytest
from django.urls import reverse
from rest_framework.exceptions import NotFound
from rest_framework.views import APIView

from billing.rates import selectors as rate_selectors
from district import roles
from district.api_errors import api_exception_handler
from district.errors import ServiceError, require
from district.roles import Perm

pytestmark = pytest.mark.django_db

URL = "billing:api_calculate"
BODY = {
    "schedule": "DW",
    "customer_class": "residential",
    "meter_size": "5/8",
    "consumption": "12",
    "period_start": "2026-01-01",
    "period_end": "2026-01-31",
}


def _calculate(client):
    return client.post(reverse(URL), json.dumps(BODY), content_type="application/json")


def test_a_service_error_naming_a_field_answers_400_under_that_field(client_for, monkeypatch):
    # given: the rate engine refuses the zone
    def refuse(**_inputs):
        raise ServiceError({"zone": "No such zone in the schedule."})

    monkeypatch.setattr(rate_selectors, "bill_calculation", refuse)
    # when
    response = _calculate(client_for(roles.CSR_I))
    # then
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"] == {"zone": ["No such zone in the schedule."]}
    assert response.json()["status"] == 400
    assert response.json()["instance"] == "/api/billing/calculate"


def test_a_service_error_without_a_field_answers_under_the_view_s_input(client_for, monkeypatch):
    # given: a refusal of the whole schedule (the calculator names it "rates")
    def refuse(**_inputs):
        raise ServiceError("The schedule has no tiers.")

    monkeypatch.setattr(rate_selectors, "bill_calculation", refuse)
    # when
    response = _calculate(client_for(roles.CSR_I))
    # then
    assert response.status_code == 400
    assert response.json()["errors"] == {"rates": ["The schedule has no tiers."]}


def test_a_refused_permission_answers_403_as_the_staff_api_guard_does(client_for, monkeypatch):
    # given: a service whose guard refuses this role
    def guarded(**_inputs):
        require(client.user, Perm.RUN_BILLING, doing="price a bill")

    client = client_for(roles.CSR_I)
    monkeypatch.setattr(rate_selectors, "bill_calculation", guarded)
    # when
    response = _calculate(client)
    # then
    assert response.status_code == 403
    assert response.json()["errors"] == {
        "access": ["Your role does not allow you to price a bill."]
    }
    assert response.json()["detail"] == "Your role does not allow you to price a bill."


def test_non_field_messages_go_under_non_field_errors_by_default():
    # given: a view that names no input for non-field messages
    error = ServiceError({"__all__": ["Closed."], "amount": ["Too much."]})
    # when
    response = api_exception_handler(error, {"view": APIView()})
    # then
    assert response.status_code == 400
    assert response.data["errors"] == {"non_field_errors": ["Closed."], "amount": ["Too much."]}


def test_other_exceptions_keep_drf_s_answer():
    # given / when
    response = api_exception_handler(NotFound(), {"view": APIView()})
    # then
    assert response.status_code == 404
    assert response.data["title"] == "Not Found"
    assert response.content_type == "application/problem+json"
