"""Deposit rules: the guideline in force, payment history from the registered sources, and the
quote matrix (owner, letter, good history, average bill, class and size table, minimum)."""

import datetime
import itertools
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.deposits import rules
from accounts.deposits.rules import HistoryFacts, deposit_quote, months_before
from accounts.models import Deposit, DepositGuideline, LetterOfCredit, ServiceAccount
from district.ledger.models import Journal
from district.ledger.purposes import Purpose
from district.ledger.services import Line, journal_post
from field_ops.models import WorkOrder
from tests import factories

pytestmark = pytest.mark.django_db
Basis = Deposit.Basis
_keys = itertools.count(1)


def _today():
    return timezone.localdate()


def _quote(customer, premise=None, **overrides):
    arguments = {
        "customer": customer,
        "premise": premise or factories.PremiseFactory(),
        "customer_class": ServiceAccount.CustomerClass.RESIDENTIAL,
        "meter_size": "5/8",
        "is_owner": False,
        "on_date": _today(),
    }
    arguments.update(overrides)
    return deposit_quote(**arguments)


def _long_time_customer(years: int = 3):
    """A customer whose service began long ago (the history window is met)."""
    account = factories.ServiceAccountFactory(
        start_date=_today() - datetime.timedelta(days=365 * years)
    )
    return account.customer, account


def _new_customer():
    return factories.CustomerFactory()


@pytest.fixture
def history_source():
    """history_source({customer_pk: HistoryFacts}) registers a throwaway source for the test."""
    names = []

    def register(facts_by_customer: dict):
        name = f"test-source-{len(names)}"
        rules.register_history_source(
            name, lambda customer, since: facts_by_customer.get(customer.pk, HistoryFacts())
        )
        names.append(name)

    yield register
    for name in names:
        rules.unregister_history_source(name)


# -- months and the guideline in force ---------------------------------------------------------


def test_months_before_keeps_the_day_or_takes_the_months_last():
    # given / when / then
    assert months_before(datetime.date(2026, 3, 15), 12) == datetime.date(2025, 3, 15)
    assert months_before(datetime.date(2026, 5, 31), 3) == datetime.date(2026, 2, 28)
    assert months_before(datetime.date(2026, 1, 10), 1) == datetime.date(2025, 12, 10)


def test_the_guideline_in_force_is_the_latest_that_has_started():
    # given
    seeded = DepositGuideline.objects.get(effective_from=datetime.date(2000, 1, 1))
    later = DepositGuideline.objects.create(
        effective_from=datetime.date(2030, 1, 1), minimum=Decimal("75.00")
    )
    # when / then
    assert rules.guideline_in_force(datetime.date(2029, 12, 31)) == seeded
    assert rules.guideline_in_force(datetime.date(2030, 1, 1)) == later


def test_no_guideline_before_the_first_version_is_refused():
    # when / then
    with pytest.raises(ValidationError, match="No deposit guidelines are in force"):
        rules.guideline_in_force(datetime.date(1999, 12, 31))


# -- exemptions --------------------------------------------------------------------------------


def test_an_owner_pays_no_deposit():
    # given
    customer = _new_customer()
    # when
    quote = _quote(customer, is_owner=True)
    # then
    assert quote.amount == Decimal("0.00")
    assert quote.basis == Basis.OWNER
    assert quote.explanation.startswith("No deposit: the customer owns the premise")
    assert "(guidelines of 2000-01-01)" in quote.explanation


def test_a_letter_of_credit_within_twelve_months_waives_the_deposit():
    # given
    customer = _new_customer()
    LetterOfCredit.objects.create(
        customer=customer,
        utility_name="Pacific Gas and Electric",
        letter_date=_today() - datetime.timedelta(days=300),
    )
    # when
    quote = _quote(customer)
    # then
    assert quote.amount == 0
    assert quote.basis == Basis.LETTER_OF_CREDIT
    assert "Pacific Gas and Electric" in quote.explanation


def test_a_letter_older_than_twelve_months_does_not_count():
    # given
    customer = _new_customer()
    LetterOfCredit.objects.create(
        customer=customer,
        utility_name="Old Gas Co",
        letter_date=months_before(_today(), 12) - datetime.timedelta(days=1),
    )
    # when
    quote = _quote(customer)
    # then
    assert quote.basis == Basis.CLASS_AND_SIZE
    assert quote.amount == Decimal("100.00")


def test_twelve_months_of_clean_history_waives_the_deposit():
    # given
    customer, _account = _long_time_customer()
    # when
    quote = _quote(customer)
    # then
    assert quote.amount == 0
    assert quote.basis == Basis.GOOD_HISTORY
    assert "12 months of good payment history" in quote.explanation


def test_less_than_the_history_months_with_the_district_is_not_good_history():
    # given
    account = factories.ServiceAccountFactory(start_date=_today() - datetime.timedelta(days=200))
    # when
    quote = _quote(account.customer)
    # then
    assert quote.basis == Basis.CLASS_AND_SIZE
    assert any("less than 12 months" in reason for reason in quote.reasons_due)


def test_an_account_that_never_started_is_no_history():
    # given
    account = factories.ServiceAccountFactory(
        start_date=_today() - datetime.timedelta(days=800), status=ServiceAccount.Status.PENDING
    )
    # when
    quote = _quote(account.customer)
    # then
    assert quote.basis == Basis.CLASS_AND_SIZE


@pytest.mark.parametrize(
    ("facts", "reason"),
    [
        (HistoryFacts(returned_payments=1), "1 returned payment"),
        (HistoryFacts(late_payments=2), "2 late payments (at most 1 allowed)"),
        (HistoryFacts(shut_offs=1), "1 shut-off"),
    ],
)
def test_each_disqualifier_from_a_registered_source_makes_a_deposit_due(
    history_source, facts, reason
):
    # given
    customer, _account = _long_time_customer()
    history_source({customer.pk: facts})
    # when
    quote = _quote(customer)
    # then
    assert quote.basis == Basis.CLASS_AND_SIZE
    assert quote.amount == Decimal("100.00")
    assert reason in quote.reasons_due


def test_one_late_payment_is_still_good_history(history_source):
    # given
    customer, _account = _long_time_customer()
    history_source({customer.pk: HistoryFacts(late_payments=1)})
    # when
    quote = _quote(customer)
    # then
    assert quote.basis == Basis.GOOD_HISTORY


def test_the_facts_of_all_sources_are_added_up(history_source):
    # given: one late payment from each of two sources is two, over the limit of one
    customer, _account = _long_time_customer()
    history_source({customer.pk: HistoryFacts(late_payments=1)})
    history_source({customer.pk: HistoryFacts(late_payments=1)})
    # when
    facts = rules.history_facts(customer, months_before(_today(), 12))
    quote = _quote(customer)
    # then
    assert facts == HistoryFacts(late_payments=2)
    assert quote.basis == Basis.CLASS_AND_SIZE


def _shut_off(account, completed_at):
    return WorkOrder.objects.create(
        order_type=WorkOrder.Type.SHUT_OFF,
        status=WorkOrder.Status.COMPLETED,
        completed_at=completed_at,
        premise=account.premise,
        service_account_id=account.pk,
        requested_date=completed_at.date(),
    )


def test_a_completed_shut_off_in_the_window_comes_from_field_ops():
    # given
    customer, account = _long_time_customer()
    _shut_off(account, timezone.now() - datetime.timedelta(days=60))
    # when
    quote = _quote(customer)
    # then
    assert quote.basis == Basis.CLASS_AND_SIZE
    assert "1 shut-off" in quote.reasons_due


def test_a_shut_off_before_the_window_or_not_completed_does_not_count():
    # given
    customer, account = _long_time_customer()
    _shut_off(account, timezone.now() - datetime.timedelta(days=400))
    WorkOrder.objects.create(
        order_type=WorkOrder.Type.SHUT_OFF,
        premise=account.premise,
        service_account_id=account.pk,
        requested_date=_today(),
    )
    # when
    quote = _quote(customer)
    # then
    assert quote.basis == Basis.GOOD_HISTORY


def test_field_ops_shut_offs_are_a_registered_source():
    # then
    assert "field_ops.shut_offs" in rules.history_sources()


# -- amounts -----------------------------------------------------------------------------------


def test_the_class_and_size_table_applies_without_billing_history():
    # given
    customer = _new_customer()
    # when
    quote = _quote(customer, customer_class="commercial", meter_size="2")
    # then
    assert quote.amount == Decimal("700.00")
    assert quote.basis == Basis.CLASS_AND_SIZE
    assert quote.explanation == (
        "Commercial 2\" meter: $700.00 by the district's table (guidelines of 2000-01-01)."
    )


def test_a_residential_explanation_reads_like_the_guidelines():
    # when
    quote = _quote(_new_customer())
    # then
    assert quote.explanation == (
        "Residential single-family 5/8\" meter: $100.00 by the district's table "
        "(guidelines of 2000-01-01)."
    )


def test_twelve_months_of_bills_at_the_premise_use_the_average_bill_multiple():
    # given: the previous occupant was billed $60, $70, ... monthly for 12 months
    premise = factories.PremiseFactory()
    previous = factories.ServiceAccountFactory(premise=premise)
    today = _today()
    for month in range(12):
        factories.post_bill(
            previous,
            "60.00" if month % 2 else "70.00",
            months_before(today, month) - datetime.timedelta(days=1),
        )
    # and a bill before the window does not count towards the average
    factories.post_bill(previous, "999.00", months_before(today, 13))
    # when
    quote = _quote(_new_customer(), premise=premise)
    # then: average 65.00, twice that
    assert quote.basis == Basis.AVERAGE_BILL
    assert quote.amount == Decimal("130.00")
    assert "average monthly bill of $65.00" in quote.explanation


def test_less_than_twelve_months_of_bills_falls_back_to_the_table():
    # given
    premise = factories.PremiseFactory()
    previous = factories.ServiceAccountFactory(premise=premise)
    for month in range(6):
        factories.post_bill(previous, "80.00", months_before(_today(), month))
    # when
    quote = _quote(_new_customer(), premise=premise)
    # then
    assert quote.basis == Basis.CLASS_AND_SIZE
    assert quote.amount == Decimal("100.00")


def test_payments_and_other_journals_are_not_bills():
    # given: twelve months of payments only
    premise = factories.PremiseFactory()
    previous = factories.ServiceAccountFactory(premise=premise)
    for month in range(12):
        journal_post(
            kind=Journal.Kind.FEE,
            memo="Late fee",
            lines=[
                Line(Purpose.AR_CUSTOMERS, Decimal("10.00"), service_account_id=previous.pk),
                Line(Purpose.FEES_LATE, Decimal("-10.00")),
            ],
            by=None,
            idempotency_key=f"test-fee-{next(_keys)}",
            effective_date=months_before(_today(), month),
        )
    # when
    quote = _quote(_new_customer(), premise=premise)
    # then
    assert quote.basis == Basis.CLASS_AND_SIZE


def test_a_small_average_bill_is_raised_to_the_minimum():
    # given: $10 a month, twice is $20, below the $50 minimum
    premise = factories.PremiseFactory()
    previous = factories.ServiceAccountFactory(premise=premise)
    for month in range(12):
        factories.post_bill(previous, "10.00", months_before(_today(), month))
    # when
    quote = _quote(_new_customer(), premise=premise)
    # then
    assert quote.basis == Basis.MINIMUM
    assert quote.amount == Decimal("50.00")
    assert "raised to the minimum deposit of $50.00" in quote.explanation


def test_a_table_amount_below_the_minimum_is_raised_to_it():
    # given
    guideline = DepositGuideline.objects.get(effective_from=datetime.date(2000, 1, 1))
    guideline.amounts.filter(customer_class="residential", meter_size="5/8").update(
        amount=Decimal("30.00")
    )
    # when
    quote = _quote(_new_customer())
    # then
    assert quote.basis == Basis.MINIMUM
    assert quote.amount == Decimal("50.00")


def test_a_class_and_size_missing_from_the_table_takes_the_minimum():
    # given: the seeded table has no residential 10" amount
    # when
    quote = _quote(_new_customer(), meter_size="10")
    # then
    assert quote.basis == Basis.MINIMUM
    assert quote.amount == Decimal("50.00")
    assert "has no amount for it" in quote.explanation


def test_a_due_deposit_without_a_meter_size_is_refused():
    # when / then
    with pytest.raises(ValidationError, match="meter size"):
        _quote(_new_customer(), meter_size=None)


def test_an_owner_needs_no_meter_size():
    # when
    quote = _quote(_new_customer(), meter_size=None, is_owner=True)
    # then
    assert quote.basis == Basis.OWNER
