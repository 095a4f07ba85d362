"""Deposits under concurrency: two clerks (or a double click) charging at the same moment
charge once, and the Deposit panel's query count does not grow with the account's deposits."""

import threading
import uuid
from decimal import Decimal

import pytest
from django.db import connection
from django.test.client import RequestFactory
from django.utils import timezone

from accounts.deposits import services
from accounts.deposits.views import deposit_panel
from accounts.models import Deposit, ServiceAccount
from district import roles
from district.ledger.models import Journal
from tests import factories
from tests.accounts.factories import table_quote


def _run_together(work, count: int) -> list:
    """Run `work` in `count` threads released at once; returns results or exceptions."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(position):
        try:
            barrier.wait()
            results[position] = work()
        except Exception as error:  # noqa: BLE001 - reported to the test
            results[position] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.django_db(transaction=True)
def test_the_same_key_at_the_same_moment_charges_once(make_user):
    # given
    csr = make_user(roles.CSR_I)
    account = factories.ServiceAccountFactory(
        status=ServiceAccount.Status.PENDING, start_date=timezone.localdate()
    )
    quote = table_quote(account)
    key = uuid.uuid4().hex
    # when
    results = _run_together(
        lambda: (
            services.deposit_charge(account=account, quote=quote, by=csr, idempotency_key=key).pk
        ),
        3,
    )
    # then
    assert len(set(results)) == 1, results
    assert Deposit.objects.filter(account=account).count() == 1
    assert Journal.objects.filter(kind=Journal.Kind.DEPOSIT).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_different_requests_at_once_hold_one_deposit(make_user):
    # given
    csr = make_user(roles.CSR_I)
    account = factories.ServiceAccountFactory(
        status=ServiceAccount.Status.PENDING, start_date=timezone.localdate()
    )
    quote = table_quote(account)
    # when
    results = _run_together(
        lambda: services.deposit_charge(
            account=account, quote=quote, by=csr, idempotency_key=uuid.uuid4().hex
        ),
        2,
    )
    # then: one charged, the other told a deposit is already held
    assert sum(isinstance(result, Deposit) for result in results) == 1
    assert any("already holds a deposit" in str(result) for result in results)
    assert Journal.objects.filter(kind=Journal.Kind.DEPOSIT).count() == 1


@pytest.mark.django_db
def test_the_panel_reads_in_three_queries_however_many_deposits(
    make_user, django_assert_num_queries
):
    # given: an account with a carried-over deposit and settled ones before it
    supervisor = make_user(roles.SUPERVISOR)
    old = factories.ServiceAccountFactory(
        status=ServiceAccount.Status.PENDING, start_date=timezone.localdate()
    )
    services.deposit_charge(
        account=old, quote=table_quote(old), by=supervisor, idempotency_key=uuid.uuid4().hex
    )
    account = factories.ServiceAccountFactory(
        customer=old.customer, status=ServiceAccount.Status.PENDING, start_date=old.start_date
    )
    carried = services.deposit_carry_over(from_account=old, to_account=account, by=supervisor)
    services.deposit_refund(deposit=carried, by=supervisor, to="credit")
    services.deposit_charge(
        account=account, quote=table_quote(account), by=supervisor, idempotency_key=uuid.uuid4().hex
    )
    request = RequestFactory().get("/")
    request.user = supervisor
    supervisor.has_perm(roles.Perm.VIEW_ACCOUNTS)  # the permission cache is filled first
    # when: the deposits, the amount held, and the interest policy (it pays none by default)
    with django_assert_num_queries(3):
        context = deposit_panel(request, account=account)
        statuses = [row.status for row in context["rows"]]
    # then
    assert context["held"] == Decimal("100.00")
    assert statuses == ["Held", "Credited to the account"]
