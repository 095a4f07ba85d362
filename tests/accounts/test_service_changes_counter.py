"""The counter's side of starting and stopping: after the start, the deposit collected now or
billed in installments; the stop form shows what is owed and held, and takes the final read at
the counter (customer-read or estimated) or sends a field order due on a given day."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.deposits.selectors import deposit_held
from accounts.models import Deposit, DepositInstallment, ServiceAccount, StopRequest
from accounts.service_changes.selectors import awaiting_final_bill
from district import roles
from district.ledger.models import Journal
from district.ledger.selectors import account_balance
from field_ops.dispatch.selectors import pool_orders
from field_ops.models import MeterRead, WorkOrder
from tests.accounts.factories import charged_deposit, table_quote
from tests.factories import MeterInstallationFactory, ServiceAccountFactory, post_bill

pytestmark = pytest.mark.django_db

S = ServiceAccount.Status
TODAY = timezone.localdate


def _pending_with_deposit(csr, installments: int = 1) -> ServiceAccount:
    account = ServiceAccountFactory(status=S.PENDING, start_date=TODAY())
    charged_deposit(
        account, csr, quote=table_quote(account, on_date=TODAY()), installments=installments
    )
    return account


# -- after the start: collect the deposit now, or bill it in installments ----------------------


def test_the_confirmation_offers_to_collect_the_deposit_or_bill_it_in_installments(client_for):
    # given
    client = client_for(roles.CSR_I)
    account = _pending_with_deposit(client.user)
    # when
    html = client.get(reverse("accounts:service_started", args=[account.pk])).content.decode()
    # then
    pay = reverse("payments:counter_pay")
    assert f'href="{pay}?account={account.pk}&amp;deposit={account.pk}"' in html
    assert "Collect deposit now" in html
    assert "Bill in installments" in html
    assert reverse("accounts:service_started_installments", args=[account.pk]) in html


def test_a_deposit_already_in_installments_is_not_offered_installments_again(client_for):
    # given
    client = client_for(roles.CSR_I)
    account = _pending_with_deposit(client.user, installments=3)
    # when
    html = client.get(reverse("accounts:service_started", args=[account.pk])).content.decode()
    # then
    assert "Collect deposit now" in html
    assert "Bill in installments" not in html


def test_billing_the_deposit_in_installments_leaves_the_first_charged_now(client_for):
    # given: $100.00 charged at once
    client = client_for(roles.CSR_I)
    account = _pending_with_deposit(client.user)
    assert account_balance(account.pk) == Decimal("100.00")
    # when
    response = client.post(
        reverse("accounts:service_started_installments", args=[account.pk]),
        {"installments": "3"},
    )
    # then
    assert response.status_code == 302
    deposit = Deposit.objects.get(account=account)
    assert deposit.installments == 3
    assert account_balance(account.pk) == Decimal("33.34")
    assert deposit_held(account.pk) == Decimal("33.34")
    assert list(
        DepositInstallment.objects.filter(deposit=deposit)
        .order_by("number")
        .values_list("number", "amount", "status")
    ) == [
        (1, Decimal("33.34"), "posted"),
        (2, Decimal("33.33"), "open"),
        (3, Decimal("33.33"), "open"),
    ]
    # asked again: nothing more is posted
    journals = Journal.objects.count()
    client.post(
        reverse("accounts:service_started_installments", args=[account.pk]),
        {"installments": "3"},
    )
    assert Journal.objects.count() == journals


def test_a_deposit_partly_paid_stays_charged_at_once(client_for):
    # given: $100.00 charged, $40.00 of the account paid (a credit of 40 on the receivable)
    client = client_for(roles.CSR_I)
    account = _pending_with_deposit(client.user)
    post_bill(account, "-40.00", memo="Payment")
    journals = Journal.objects.count()
    # when
    response = client.post(
        reverse("accounts:service_started_installments", args=[account.pk]),
        {"installments": "2"},
        follow=True,
    )
    # then
    assert "is paid already" in response.content.decode()
    assert Deposit.objects.get(account=account).installments == 1
    assert Journal.objects.count() == journals
    assert not DepositInstallment.objects.exists()


# -- stopping at the counter -------------------------------------------------------------------


def _active():
    account = ServiceAccountFactory(
        status=S.ACTIVE, start_date=TODAY() - datetime.timedelta(days=60)
    )
    MeterInstallationFactory(premise=account.premise)
    return account


def _stop(client, account, **fields):
    data = {
        "stop_date": TODAY().isoformat(),
        "reason": "moving",
        "forwarding_line1": "77 Harbor Way",
        "forwarding_city": "Ocean Park",
        "forwarding_state": "CA",
        "forwarding_zip": "92111",
        "channel": "counter",
        **fields,
    }
    return client.post(reverse("accounts:service_stop", args=[account.pk]), data)


def test_the_stop_form_shows_what_is_owed_now_and_the_deposit_held(client_for):
    # given
    client = client_for(roles.CSR_I)
    account = _active()
    post_bill(account, "58.20")
    # when
    html = client.get(reverse("accounts:service_stop", args=[account.pk])).content.decode()
    # then
    assert re.search(r'data-testid="owed-now">\$58.20<', html)
    assert re.search(r'data-testid="deposit-held">\$0.00<', html)
    assert 'name="final_read"' in html and 'name="order_due"' in html


@pytest.mark.parametrize(
    ("choice", "flags"),
    [(MeterRead.Source.CUSTOMER, []), (MeterRead.Source.ESTIMATE, ["estimated"])],
)
def test_a_final_read_taken_at_the_counter_completes_the_order(client_for, choice, flags):
    # given
    client = client_for(roles.CSR_I)
    account = _active()
    # when
    response = _stop(client, account, final_read=choice, reading="1234")
    # then
    assert response.status_code == 302
    read = MeterRead.objects.get()
    assert (read.source, read.reading, read.flags) == (choice, Decimal("1234.00"), flags)
    assert "counter" in read.note
    order = StopRequest.objects.get(account=account).final_read_order
    assert order.status == WorkOrder.Status.COMPLETED
    assert order.completion["meter_read_id"] == read.pk
    assert list(awaiting_final_bill()) == [account]  # billing's final bill takes it next


def test_a_field_order_lands_on_the_dispatch_board_due_on_the_day_given(client_for):
    # given
    client = client_for(roles.CSR_I)
    account = _active()
    due = TODAY() + datetime.timedelta(days=3)
    # when
    response = _stop(
        client,
        account,
        stop_date=(TODAY() + datetime.timedelta(days=1)).isoformat(),
        final_read="field",
        order_due=due.isoformat(),
    )
    # then
    assert response.status_code == 302
    order = StopRequest.objects.get(account=account).final_read_order
    assert order.requested_date == due
    assert order in list(pool_orders())
    assert not MeterRead.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"final_read": "customer", "reading": ""}, "reading", "Enter the final reading"),
        (
            {"final_read": "estimate", "reading": "10", "stop_date": "+5"},
            "stop_date",
            "today or earlier",
        ),
        ({"final_read": "field", "order_due": "-1"}, "order_due", "cannot be due before"),
    ],
)
def test_a_stop_the_counter_cannot_take_is_refused_and_nothing_is_written(
    client_for, fields, field, message
):
    # given
    client = client_for(roles.CSR_I)
    account = _active()
    stop_date = TODAY() + datetime.timedelta(days=5 if fields.get("stop_date") == "+5" else 2)
    fields = {**fields, "stop_date": stop_date.isoformat()}
    if fields.get("order_due") == "-1":
        fields["order_due"] = (stop_date - datetime.timedelta(days=1)).isoformat()
    # when
    response = _stop(client, account, **fields)
    # then
    assert response.status_code == 200
    assert message in response.content.decode()
    account.refresh_from_db()
    assert account.status == S.ACTIVE
    assert not StopRequest.objects.exists()
    assert not WorkOrder.objects.exists()
    assert not MeterRead.objects.exists()
