"""The aging trend computes every month end in one statement, with the same figures as the
district aging at each of those days (payments, adjustments, credits and reversals included)."""

import datetime
import random
from decimal import Decimal

import pytest

from accounts.registers import AGING_TREND, month_ends
from district.ledger.selectors import district_aging, district_agings
from district.ledger.services import journal_reverse
from district.registers.definitions import fill
from tests import factories

pytestmark = pytest.mark.django_db
D = datetime.date


def _small_district():
    """Four accounts over a year and a half: bills, payments, goodwill credits, a reversed
    bill, an overpayment (a credit balance), lines on bucket edges and after the last end."""
    owing, paying, credit, late = (factories.ServiceAccountFactory() for _ in range(4))
    for month in range(1, 13):
        factories.post_bill(owing, "45.10", D(2025, month, 5))
    factories.post_payment(owing, "100.00", D(2025, 6, 20))
    factories.post_credit(owing, "12.35", D(2025, 11, 30))  # an adjustment on a month end
    for month in range(3, 13):
        factories.post_bill(paying, "60.00", D(2025, month, 15))
        factories.post_payment(paying, "60.00", D(2025, month, 28))
    wrong = factories.post_bill(paying, "500.00", D(2025, 9, 1))
    journal_reverse(journal=wrong, reason="Misread meter", by=None,
                    idempotency_key="reverse-wrong", effective_date=D(2025, 9, 10))  # fmt: skip
    factories.post_bill(credit, "80.00", D(2025, 7, 31))
    factories.post_payment(credit, "200.00", D(2025, 8, 2))  # overpaid: a credit balance
    factories.post_bill(credit, "50.00", D(2025, 10, 2))
    # exactly 30, 60, 90 and 120 days before 12/31/2025
    for days in (30, 60, 90, 120, 121):
        factories.post_bill(late, "10.00", D(2025, 12, 31) - datetime.timedelta(days=days))
    factories.post_payment(late, "15.00", D(2025, 12, 31))
    factories.post_bill(late, "99.00", D(2026, 1, 3))  # after the last month end asked
    return owing


def test_one_pass_matches_the_aging_at_each_month_end():
    # given
    _small_district()
    ends = month_ends(count=12, through=D(2025, 12, 1))
    # when
    agings = district_agings(ends)
    # then
    assert list(agings) == ends
    for end in ends:
        assert agings[end] == district_aging(as_of=end), end
    assert agings[D(2025, 12, 31)].days_120_plus > 0
    assert agings[D(2025, 8, 31)].current < 0  # the credit balance counts in current


def test_one_pass_matches_at_days_that_are_not_month_ends():
    # given
    _small_district()
    days = [D(2024, 12, 31), D(2025, 3, 4), D(2025, 9, 1), D(2025, 12, 30), D(2026, 2, 1)]
    # when
    agings = district_agings(days)
    # then
    for day in days:
        assert agings[day] == district_aging(as_of=day), day


def test_one_pass_matches_on_random_histories():
    # given: a year of irregular bills, payments and credits on a few accounts (fixed seed)
    generator = random.Random(20261206)
    for _ in range(6):
        account = factories.ServiceAccountFactory()
        for _ in range(20):
            on = D(2025, 1, 1) + datetime.timedelta(days=generator.randrange(400))
            amount = str(Decimal(generator.randrange(100, 20000)) / 100)
            post = generator.choices(
                (factories.post_bill, factories.post_payment, factories.post_credit),
                weights=(6, 3, 1),
            )[0]
            post(account, amount, on)
    ends = month_ends(count=14, through=D(2026, 1, 1))
    # when
    agings = district_agings(ends)
    # then
    for end in ends:
        assert agings[end] == district_aging(as_of=end), end


def test_no_lines_give_zero_agings():
    agings = district_agings([D(2026, 1, 31), D(2026, 2, 28)])
    assert agings[D(2026, 2, 28)] == district_aging(as_of=D(2026, 2, 28))
    assert agings[D(2026, 2, 28)].total == 0
    assert district_agings([]) == {}


def test_the_trend_is_one_statement_whatever_the_months(django_assert_max_num_queries):
    # given
    _small_district()
    # when / then: two to see which months are closed (none), one for every month end
    with django_assert_max_num_queries(3):
        table = fill(AGING_TREND, {"months": 24, "through": D(2025, 12, 1)})
    assert len(table.rows) == 24
    assert table.rows[-1]["total"] == district_aging(as_of=D(2025, 12, 31)).total
