"""The integration API: scopes (403), reach (404), problem details, throttling, ETags, and each
resource's happy path; payments and processor notifications post once however often sent."""

import datetime
import json
from decimal import Decimal

import pytest
from django.test import override_settings

from billing.models import Bill
from district import roles
from district.ledger.selectors import account_balance, ledger_problems
from field_ops.models import MeterRead, WorkOrder
from integrations.api.common import IntegrationCursorPagination
from integrations.scopes import Scope
from payments.models import BatchItem, Payment
from tests import factories
from tests.payments.factories import opened_drawer

pytestmark = pytest.mark.django_db
PROBLEM = "application/problem+json"


def _bill(account, status=Bill.Status.POSTED, number="B-1", amount="42.50"):
    return Bill.objects.create(
        account=account,
        status=status,
        number=number,
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 1, 31),
        bill_date=datetime.date(2026, 2, 3),
        due_date=datetime.date(2026, 2, 24),
        amount_due=Decimal(amount),
    )


def _is_problem(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert {"type", "title", "status", "detail", "instance"} <= set(body)
    assert body["status"] == status
    return body


# -- authentication, scopes, problem details


def test_no_credentials_answer_401_with_www_authenticate(client):
    body = _is_problem(client.get("/api/v1/premises"), 401)
    response = client.get("/api/v1/premises")
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert body["instance"] == "/api/v1/premises"


def test_a_signed_in_person_gets_403_the_api_takes_tokens(client_for):
    _is_problem(client_for(roles.SUPERVISOR).get("/api/v1/premises"), 403)


@pytest.mark.parametrize(
    ("method", "url", "scope"),
    [
        ("get", "/api/v1/accounts/90000008?zip=92000", Scope.ACCOUNTS_READ),
        ("get", "/api/v1/bills", Scope.BILLS_READ),
        ("get", "/api/v1/bills/1/pdf", Scope.BILLS_READ),
        ("post", "/api/v1/payments", Scope.PAYMENTS_WRITE),
        ("post", "/api/v1/reads/imports", Scope.READS_WRITE),
        ("get", "/api/v1/work-orders", Scope.WORK_ORDERS_WRITE),
        ("post", "/api/v1/work-orders/1/complete", Scope.WORK_ORDERS_WRITE),
        ("get", "/api/v1/premises", Scope.PREMISES_READ),
        ("get", "/api/v1/meters/1", Scope.PREMISES_READ),
        ("post", "/api/v1/processor/notifications", Scope.PROCESSOR_NOTIFY),
    ],
)
def test_a_token_without_the_scope_gets_403(issue, method, url, scope):
    other = next(s for s in Scope.values if s != scope)
    body = _is_problem(getattr(issue(other), method)(url), 403)
    assert scope in body["detail"]
    assert Payment.objects.count() == 0


def test_validation_errors_are_problem_details_with_the_fields(issue):
    body = _is_problem(
        issue(Scope.PROCESSOR_NOTIFY).post(
            "/api/v1/processor/notifications", {}, content_type="application/json"
        ),
        400,
    )
    assert "event_id" in body["errors"] and "amount" in body["errors"]


@override_settings(INTEGRATION_API_RATE="3/min")
def test_a_token_over_its_rate_gets_429_and_another_token_does_not(issue):
    api, other = issue(Scope.PREMISES_READ), issue(Scope.PREMISES_READ, name="GIS")
    statuses = [api.get("/api/v1/premises").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    throttled = api.get("/api/v1/premises")
    _is_problem(throttled, 429)
    assert "Retry-After" in throttled
    assert other.get("/api/v1/premises").status_code == 200


def test_a_get_answers_304_to_its_own_etag(issue):
    api = issue(Scope.PREMISES_READ)
    premise = factories.PremiseFactory()
    first = api.get(f"/api/v1/premises/{premise.pk}")
    etag = first["ETag"]
    again = api.get(f"/api/v1/premises/{premise.pk}", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again["ETag"] == etag and again.content == b""
    # a change makes a new tag
    premise.route = "R99"
    premise.save()
    changed = api.get(f"/api/v1/premises/{premise.pk}", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed["ETag"] != etag


@pytest.mark.parametrize("url", ["/api/v1/bills/not-a-number", "/api/v1/nothing-here"])
def test_a_path_outside_the_api_answers_404_in_problem_details_after_the_token(issue, client, url):
    assert _is_problem(issue(Scope.BILLS_READ).get(url), 404)["instance"] == url
    _is_problem(client.get(url), 401)  # no token: nothing said about what exists


def test_the_cursor_walks_every_premise_once_while_new_ones_arrive(issue, monkeypatch):
    # given: five premises, pages of two
    monkeypatch.setattr(IntegrationCursorPagination, "page_size", 2)
    api = issue(Scope.PREMISES_READ)
    premises = [factories.PremiseFactory() for _ in range(5)]
    # when: following `next`, with a premise added after the first page
    page = api.get("/api/v1/premises").json()
    seen = [row["id"] for row in page["results"]]
    factories.PremiseFactory()
    while page["next"]:
        page = api.get(page["next"]).json()
        seen += [row["id"] for row in page["results"]]
    # then: every premise there was at the first page, once each, newest first; the new one
    # sorts before the cursor, so it shifts no page
    assert seen == sorted((premise.pk for premise in premises), reverse=True)


# -- accounts (IVR)


def test_the_ivr_reads_balance_due_date_and_last_payment(issue):
    account = factories.ServiceAccountFactory(customer__phone="5551234567")
    factories.post_bill(account, "80.00")
    _bill(account)
    api = issue(Scope.ACCOUNTS_READ)
    by_zip = api.get(f"/api/v1/accounts/{account.formatted_number}?zip=92000")
    by_phone = api.get(f"/api/v1/accounts/{account.number}?phone_last4=4567")
    assert by_zip.status_code == 200, by_zip.content
    assert by_zip.json()["balance"] == "80.00"
    assert by_zip.json()["due_date"] == "2026-02-24"
    assert by_zip.json()["last_payment_amount"] is None
    assert by_phone.json() == by_zip.json()


def test_a_wrong_second_fact_answers_404_like_an_unknown_account(issue):
    account = factories.ServiceAccountFactory(customer__phone="5551234567")
    api = issue(Scope.ACCOUNTS_READ)
    wrong_zip = _is_problem(api.get(f"/api/v1/accounts/{account.number}?zip=11111"), 404)
    wrong_phone = _is_problem(api.get(f"/api/v1/accounts/{account.number}?phone_last4=0000"), 404)
    unknown = _is_problem(api.get("/api/v1/accounts/12345674?zip=92000"), 404)
    assert wrong_zip["detail"] == wrong_phone["detail"] == unknown["detail"]
    _is_problem(api.get(f"/api/v1/accounts/{account.number}"), 400)  # no second fact


# -- bills


def test_bills_list_filters_and_pdf_of_an_issued_bill(issue, django_assert_max_num_queries):
    account = factories.ServiceAccountFactory()
    posted = _bill(account)
    _bill(factories.ServiceAccountFactory(), number="B-2")
    api = issue(Scope.BILLS_READ)
    with django_assert_max_num_queries(6):
        listed = api.get(f"/api/v1/bills?account={account.number}")
    assert [bill["id"] for bill in listed.json()["results"]] == [posted.pk]
    assert "next" in listed.json()
    pdf = api.get(f"/api/v1/bills/{posted.pk}/pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_a_draft_bill_is_outside_reach(issue):
    draft = _bill(factories.ServiceAccountFactory(), status=Bill.Status.CALCULATED, number=None)
    api = issue(Scope.BILLS_READ)
    _is_problem(api.get(f"/api/v1/bills/{draft.pk}"), 404)
    _is_problem(api.get(f"/api/v1/bills/{draft.pk}/pdf"), 404)
    assert api.get("/api/v1/bills").json()["results"] == []


# -- payments


def _payment(api, account, key="pay-1", amount="30.00"):
    body = {
        "allocations": [{"account": account.formatted_number, "amount": amount}],
        "tenders": [
            {"kind": "card", "amount": amount, "card_last4": "4242", "approval_code": "A1"}
        ],
    }
    return api.post(
        "/api/v1/payments",
        json.dumps(body),
        content_type="application/json",
        headers={"Idempotency-Key": key},
    )


def test_a_payment_posts_once_however_often_it_is_sent(issue):
    # given: a kiosk with its own open drawer, an account owing 80.00
    api = issue(Scope.PAYMENTS_WRITE)
    opened_drawer(api.token.user, name="Kiosk")
    account = factories.ServiceAccountFactory()
    factories.post_bill(account, "80.00")
    # when
    first, again = _payment(api, account), _payment(api, account)
    # then
    assert first.status_code == 201, first.content
    assert again.status_code == 200
    assert first.json()["receipt"] == again.json()["receipt"]
    assert Payment.objects.count() == 1
    assert account_balance(account.pk) == Decimal("50.00")
    assert ledger_problems() == []
    # the same key for another payment is refused, nothing written
    _is_problem(_payment(api, account, amount="31.00"), 400)
    assert Payment.objects.count() == 1


def test_a_payment_without_a_key_or_a_drawer_is_refused(issue):
    api = issue(Scope.PAYMENTS_WRITE)
    account = factories.ServiceAccountFactory()
    assert "drawer" in _is_problem(_payment(api, account), 400)["errors"]
    no_key = api.post("/api/v1/payments", {}, content_type="application/json")
    assert "Idempotency-Key" in _is_problem(no_key, 400)["errors"]
    assert Payment.objects.count() == 0


# -- processor notifications


def _notify(api, account, event="evt_1", amount="25.00"):
    body = {
        "event_id": event,
        "account_number": account.number,
        "amount": amount,
        "method": "card",
        "last4": "4242",
    }
    return api.post("/api/v1/processor/notifications", body, content_type="application/json")


def test_a_processor_notification_posts_once_however_often_replayed(issue):
    api = issue(Scope.PROCESSOR_NOTIFY)
    account = factories.ServiceAccountFactory()
    factories.post_bill(account, "80.00")
    first, replay = _notify(api, account), _notify(api, account)
    assert first.status_code == 201, first.content
    assert replay.status_code == 200
    assert replay.json() == first.json()
    assert first.json()["status"] == BatchItem.Status.POSTED
    assert Payment.objects.filter(channel=Payment.Channel.PROCESSOR).count() == 1
    assert account_balance(account.pk) == Decimal("55.00")
    assert ledger_problems() == []
    # the same event id with another amount is a conflict, nothing posted
    _is_problem(_notify(api, account, amount="26.00"), 409)
    assert Payment.objects.count() == 1


def test_a_notification_for_no_account_waits_in_unapplied(issue):
    api = issue(Scope.PROCESSOR_NOTIFY)
    response = api.post(
        "/api/v1/processor/notifications",
        {"event_id": "evt_9", "account_number": "12345674", "amount": "5.00", "method": "ach"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["status"] == BatchItem.Status.EXCEPTION


# -- meter reads


def test_a_read_file_loads_all_or_nothing(issue):
    api = issue(Scope.READS_WRITE)
    premise = factories.metered_premise()
    meter = premise.installations.get().meter
    good = f"meter_serial,read_date,reading,source\n{meter.serial},2026-01-20,120,ami\n"
    loaded = api.post("/api/v1/reads/imports", {"file": _file("good.csv", good)})
    assert loaded.status_code == 201, loaded.content
    assert loaded.json()["row_count"] == 1
    bad = good.replace("2026-01-20,120", "2026-01-25,130") + "NOPE,2026-01-25,1,ami\n"
    refused = _is_problem(api.post("/api/v1/reads/imports", {"file": _file("bad.csv", bad)}), 400)
    assert any("NOPE" in message for message in refused["errors"]["file"])
    assert MeterRead.objects.filter(meter=meter).count() == 1


def _file(name, text):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


# -- work orders


def _order(status=WorkOrder.Status.DISPATCHED, order_type="other"):
    return WorkOrder.objects.create(
        order_type=order_type,
        status=status,
        premise=factories.PremiseFactory(),
        requested_date=datetime.date(2026, 1, 1),
    )


def test_work_orders_sent_to_the_field_are_listed_started_and_completed(issue):
    api = issue(Scope.WORK_ORDERS_WRITE)
    order = _order()
    office = _order(status=WorkOrder.Status.NEW)
    listed = api.get("/api/v1/work-orders?status=dispatched")
    assert [row["id"] for row in listed.json()["results"]] == [order.pk]
    started = api.post(
        f"/api/v1/work-orders/{order.pk}/status",
        {"status": "in_progress"},
        content_type="application/json",
    )
    assert started.status_code == 200, started.content
    assert started.json()["status"] == "in_progress"
    done = api.post(
        f"/api/v1/work-orders/{order.pk}/complete",
        {"notes": "Checked the curb stop."},
        content_type="application/json",
    )
    assert done.status_code == 200, done.content
    order.refresh_from_db()
    assert order.status == WorkOrder.Status.COMPLETED
    assert order.completed_by == api.token.user
    # an order still in the office's queue is outside reach
    _is_problem(api.get(f"/api/v1/work-orders/{office.pk}"), 404)
    _is_problem(
        api.post(f"/api/v1/work-orders/{office.pk}/complete", {}, content_type="application/json"),
        404,
    )
    office.refresh_from_db()
    assert office.status == WorkOrder.Status.NEW


# -- premises and meters


def test_premises_and_meters_are_read_with_filters(issue):
    api = issue(Scope.PREMISES_READ)
    premise = factories.metered_premise(route="R07")
    factories.PremiseFactory(route="R08")
    meter = premise.installations.get().meter
    listed = api.get("/api/v1/premises?route=R07")
    assert [row["id"] for row in listed.json()["results"]] == [premise.pk]
    assert api.get(f"/api/v1/meters?serial={meter.serial.lower()}").json()["results"][0]["id"] == (
        meter.pk
    )
    _is_problem(api.get("/api/v1/meters/999999"), 404)
    _is_problem(api.get("/api/v1/premises/999999"), 404)


def test_a_hostile_body_to_an_operation_by_id_is_refused_before_it_runs(issue):
    api = issue(Scope.WORK_ORDERS_WRITE)
    order = _order()
    response = api.post(
        f"/api/v1/work-orders/{order.pk}/complete",
        json.dumps({"notes": "Curb stop\x00"}),
        content_type="application/json",
    )
    assert _is_problem(response, 400)["errors"]
    order.refresh_from_db()
    assert order.status == WorkOrder.Status.DISPATCHED


@pytest.mark.parametrize(
    "url",
    ["/api/v1/payments", "/api/v1/processor/notifications"],
)
def test_a_body_that_is_not_utf8_is_refused_with_a_400(issue, url):
    api = issue()
    response = api.post(
        url,
        b'{"event_id": "caf\xe9 \xed\xa0\x80"}',
        content_type="application/json",
        headers={"Idempotency-Key": "k"},
    )
    _is_problem(response, 400)
    assert Payment.objects.count() == 0
