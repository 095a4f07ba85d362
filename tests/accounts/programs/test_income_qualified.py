"""SB 998 income qualification: by an income-qualifying program, or by household income under
200% of the HHS poverty guideline (2026: $33,000 for four, so the line is $66,000)."""

import datetime
from decimal import Decimal

import pytest

from accounts.models import Enrolment, Program
from accounts.programs.poverty_guidelines import guideline_on
from accounts.programs.selectors import income_qualified, income_qualified_accounts
from tests.factories import ServiceAccountFactory

pytestmark = pytest.mark.django_db

ON = datetime.date(2026, 6, 1)


def _enrol(account, code, *, starts_on=datetime.date(2026, 1, 1), **fields):
    return Enrolment.objects.create(
        account=account,
        program=Program.objects.get(code=code),
        starts_on=starts_on,
        evidence="letter",
        **fields,
    )


def test_the_guideline_in_effect_is_the_years_own_after_its_effective_date():
    assert guideline_on(datetime.date(2026, 1, 13)).year == 2026
    assert guideline_on(datetime.date(2026, 1, 12)).year == 2025
    assert guideline_on(ON).for_household(4) == 33000
    assert guideline_on(ON).for_household(10) == 55720 + 2 * 5680
    assert guideline_on(datetime.date(2025, 3, 1)).for_household(1) == 15650
    assert guideline_on(datetime.date(2024, 3, 1)).for_household(8) == 52720


def test_an_enrolment_in_an_income_qualifying_program_qualifies_while_it_covers_the_day():
    # given
    account = ServiceAccountFactory()
    _enrol(account, "calfresh", expires_on=datetime.date(2027, 1, 1))
    # then
    assert income_qualified(account.pk, ON)
    assert income_qualified(account.pk, datetime.date(2026, 12, 31))
    assert not income_qualified(account.pk, datetime.date(2027, 1, 1))  # expired
    assert not income_qualified(account.pk, datetime.date(2025, 12, 31))  # not yet


def test_an_ended_enrolment_no_longer_qualifies():
    account = ServiceAccountFactory()
    _enrol(
        account,
        "medi-cal",
        status=Enrolment.Status.ENDED,
        ended_on=datetime.date(2026, 5, 1),
        end_reason="Benefits stopped",
    )
    assert income_qualified(account.pk, datetime.date(2026, 4, 30))
    assert not income_qualified(account.pk, ON)


def test_a_program_that_is_not_income_qualifying_does_not_qualify():
    account = ServiceAccountFactory()
    _enrol(account, "senior-discount")
    assert not income_qualified(account.pk, ON)


@pytest.mark.parametrize(
    ("income", "qualified"),
    [("65999.99", True), ("66000.00", False), ("66000.01", False)],
)
def test_household_income_under_200_percent_of_the_2026_guideline_qualifies(income, qualified):
    # given a household of four: the 2026 guideline is $33,000, 200% is $66,000
    account = ServiceAccountFactory()
    _enrol(account, "senior-discount", household_size=4, annual_income=Decimal(income))
    # then
    assert income_qualified(account.pk, ON) is qualified


def test_income_is_measured_against_the_guideline_of_the_day_asked_about():
    # 2025: $32,150 for four, so $64,300 is the line; $65,000 is under 2026's but not 2025's
    account = ServiceAccountFactory()
    _enrol(
        account,
        "senior-discount",
        starts_on=datetime.date(2025, 1, 1),
        household_size=4,
        annual_income=Decimal("65000.00"),
    )
    assert not income_qualified(account.pk, datetime.date(2025, 6, 1))
    assert income_qualified(account.pk, ON)


def test_many_accounts_are_answered_in_one_query(django_assert_num_queries):
    # given
    by_program, by_income, over_income, none = ServiceAccountFactory.create_batch(4)
    _enrol(by_program, "wic")
    _enrol(by_income, "senior-discount", household_size=1, annual_income=Decimal("31919.99"))
    _enrol(over_income, "senior-discount", household_size=1, annual_income=Decimal("31920.00"))
    ids = [by_program.pk, by_income.pk, over_income.pk, none.pk]
    # when
    with django_assert_num_queries(1):
        qualified = income_qualified_accounts(ids, ON)
    # then
    assert qualified == {by_program.pk, by_income.pk}
    assert income_qualified_accounts([], ON) == set()
