"""The counter payment API under concurrency, on real PostgreSQL with real threads: of many
simultaneous calls with one Idempotency-Key, the one that posted answers 201 and every other
answers 200 with the same receipt."""

import json
import threading
import uuid
from decimal import Decimal

import pytest
from django.db import close_old_connections, connection
from django.test import Client

from district.ledger.models import Journal
from district.ledger.selectors import account_balance, ledger_problems
from payments.models import Payment

URL = "/api/payments/counter"
CALLS = 10


@pytest.mark.django_db(transaction=True)
def test_ten_simultaneous_calls_with_one_key_answer_one_201_and_nine_200(
    open_session, cashier, owing_account
):
    # given ten clients of the cashier, all sending the same payment with the same key
    key = uuid.uuid4().hex
    body = json.dumps(
        {
            "allocations": [{"account": owing_account.formatted_number, "amount": "45.25"}],
            "tenders": [{"kind": "cash", "amount": "50.00"}],
        }
    )
    clients = []
    for _ in range(CALLS):
        client = Client()
        client.force_login(cashier)
        clients.append(client)
    barrier = threading.Barrier(CALLS)
    answers: list = [None] * CALLS

    def call(position):
        try:
            barrier.wait()
            response = clients[position].post(
                URL, body, content_type="application/json", headers={"Idempotency-Key": key}
            )
            answers[position] = (response.status_code, response.json())
        except Exception as error:  # noqa: BLE001 - reported to the test
            answers[position] = error
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=call, args=(n,)) for n in range(CALLS)]
    # when
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    # then
    assert all(isinstance(answer, tuple) for answer in answers), answers
    statuses = sorted(status for status, _body in answers)
    assert statuses == [200] * (CALLS - 1) + [201], answers
    assert len({answer["receipt"] for _status, answer in answers}) == 1
    assert Payment.objects.count() == 1
    assert Journal.objects.filter(kind=Journal.Kind.PAYMENT).count() == 1
    assert account_balance(owing_account.pk) == Decimal("120.50") - Decimal("45.25")
    assert ledger_problems() == []
