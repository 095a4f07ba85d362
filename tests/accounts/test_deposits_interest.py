"""Interest on deposits held, by policy: simple, over the days held, to the cent, posted through
the ledger when the deposit is applied or returned (and yearly where the policy says so).

Worked by hand: $100.00 at 2.5% for 365 days is $2.50; $150.00 at 3% for 200 days is
150 x 0.03 x 200 / 365 = $2.4657..., $2.47.
"""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.deposits import interest, services
from accounts.deposits.tasks import deposit_interest_credit_yearly_task
from accounts.models import Deposit, DepositInstallment, ServiceAccount
from district import roles
from district.ledger.models import Journal, JournalLine
from district.ledger.purposes import Purpose
from district.ledger.selectors import account_balance, ledger_problems
from district.models import Policy
from tests import factories
from tests.accounts.factories import charged_deposit, set_quote

pytestmark = pytest.mark.django_db


def _today():
    return timezone.localdate()


def _rate(percent: str, *, yearly: bool = False):
    Policy.objects.filter(key="deposit-interest-rate-percent").update(value=percent)
    Policy.objects.filter(key="deposit-interest-yearly").update(value=str(yearly).lower())


def _held(make_user, *, amount="100.00", days_ago=365, status=ServiceAccount.Status.ACTIVE):
    account = factories.ServiceAccountFactory(
        start_date=_today() - datetime.timedelta(days=365 * 3)
    )
    deposit = charged_deposit(account, make_user(roles.CSR_II), quote=set_quote(amount))
    Deposit.objects.filter(pk=deposit.pk).update(
        charged_on=_today() - datetime.timedelta(days=days_ago)
    )
    ServiceAccount.objects.filter(pk=account.pk).update(status=status)
    account.refresh_from_db()
    deposit.refresh_from_db()
    return account, deposit


def _interest_lines():
    return sorted(
        (line.gl_account.purpose, line.amount)
        for line in JournalLine.objects.filter(
            journal__idempotency_key__startswith="deposit-interest:"
        ).select_related("gl_account")
    )


def test_no_interest_is_paid_by_default(make_user):
    # given
    account, deposit = _held(make_user)
    # when
    services.deposit_refund(deposit=deposit, by=make_user(roles.SUPERVISOR), to="credit")
    # then
    assert _interest_lines() == []
    assert account_balance(account.pk) == Decimal("0.00")


def test_a_credited_deposit_brings_its_interest_to_the_account(make_user):
    # given: $100 held a year at 2.5%
    _rate("2.5")
    account, deposit = _held(make_user)
    balance_before = account_balance(account.pk)
    # when
    services.deposit_refund(deposit=deposit, by=make_user(roles.SUPERVISOR), to="credit")
    # then
    assert _interest_lines() == [
        (Purpose.AR_CUSTOMERS, Decimal("-2.50")),
        (Purpose.DEPOSIT_INTEREST, Decimal("2.50")),
    ]
    assert account_balance(account.pk) == balance_before - Decimal("102.50")
    assert ledger_problems() == []


def test_interest_counts_the_days_held_to_the_cent(make_user):
    # given
    _rate("3")
    _account, deposit = _held(make_user, amount="150.00", days_ago=200)
    # then
    assert interest.interest_earned(
        deposit, through=_today(), rate_percent=Decimal("3")
    ) == Decimal("2.47")


def test_a_final_customer_is_refunded_the_interest_with_the_deposit(make_user):
    # given
    _rate("2.5")
    _account, deposit = _held(make_user, status=ServiceAccount.Status.FINAL)
    # when
    services.deposit_refund(deposit=deposit, by=make_user(roles.SUPERVISOR), to="refund")
    # then
    assert (Purpose.REFUNDS_PAYABLE, Decimal("-2.50")) in _interest_lines()


def test_yearly_interest_is_credited_once_and_the_rest_at_the_refund(make_user):
    # given: $100 held 400 days at 2.5%, credited yearly
    _rate("2.5", yearly=True)
    account, deposit = _held(make_user, days_ago=400)
    # when: the nightly job runs twice
    first = deposit_interest_credit_yearly_task()
    second = deposit_interest_credit_yearly_task()
    # then: one year's interest, once
    assert len(first) == 1 and second == []
    assert Journal.objects.get(pk=first[0]).lines.get(
        gl_account__purpose=Purpose.DEPOSIT_INTEREST
    ).amount == Decimal("2.50")
    # when: the deposit is credited today
    services.deposit_refund(deposit=deposit, by=make_user(roles.SUPERVISOR), to="credit")
    # then: the two credits add up to the whole period's interest (400 days: $2.74)
    paid = sum(
        amount for purpose, amount in _interest_lines() if purpose == Purpose.DEPOSIT_INTEREST
    )
    assert paid == Decimal("2.74")
    assert ledger_problems() == []


def test_a_deposit_in_installments_earns_on_each_from_the_day_it_was_billed(make_user):
    # given: $300 in three installments, two billed (100 days and 30 days ago), one not yet
    _rate("3.65")
    _account, deposit = _held(make_user, amount="300.00", days_ago=100)
    for number, (status, days_ago) in enumerate(
        [("posted", 100), ("posted", 30), ("open", None)], start=1
    ):
        DepositInstallment.objects.create(
            deposit=deposit,
            account_id=deposit.account_id,
            number=number,
            amount=Decimal("100.00"),
            status=status,
            journal_id=1 if status == "posted" else None,
            posted_on=_today() - datetime.timedelta(days=days_ago) if days_ago else None,
        )
    # then: 100 x 3.65% x 100/365 = $1.00, plus 100 x 3.65% x 30/365 = $0.30
    assert interest.interest_earned(
        deposit, through=_today(), rate_percent=Decimal("3.65")
    ) == Decimal("1.30")


def test_the_deposit_panel_shows_the_interest(client_for, make_user):
    # given
    _rate("2.5")
    account, _deposit = _held(make_user)
    # when
    html = client_for(roles.CSR_I).get(f"/account/{account.pk}/panels/deposit/").content.decode()
    # then
    assert "Interest at 2.5% a year, simple: $2.50 earned to date" in html


def test_the_anniversary_of_a_leap_day_charge_is_the_28th():
    assert interest.last_anniversary(
        datetime.date(2024, 2, 29), datetime.date(2025, 3, 1)
    ) == datetime.date(2025, 2, 28)
    assert interest.last_anniversary(datetime.date(2024, 2, 29), datetime.date(2024, 12, 1)) is None
