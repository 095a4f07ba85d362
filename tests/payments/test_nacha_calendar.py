"""The Federal Reserve's banking days for 2026-2027, and routing numbers' check digits."""

import datetime

import pytest

from payments.autopay.aba import aba_check_digit_ok, aba_problem
from payments.autopay.fed_calendar import (
    closed_because,
    effective_entry_date,
    fed_holidays,
    is_banking_day,
    next_banking_day,
)

D = datetime.date


def test_fed_holidays_2026():
    assert sorted(fed_holidays(2026)) == [
        D(2026, 1, 1),
        D(2026, 1, 19),  # MLK: third Monday
        D(2026, 2, 16),  # Presidents' Day
        D(2026, 5, 25),  # Memorial Day: last Monday
        D(2026, 6, 19),  # Juneteenth, a Friday
        # Independence Day is a Saturday: not moved, the Fed is open Friday July 3
        D(2026, 9, 7),
        D(2026, 10, 12),
        D(2026, 11, 11),
        D(2026, 11, 26),  # Thanksgiving: fourth Thursday
        D(2026, 12, 25),
    ]


def test_fed_holidays_2027():
    assert sorted(fed_holidays(2027)) == [
        D(2027, 1, 1),
        D(2027, 1, 18),
        D(2027, 2, 15),
        D(2027, 5, 31),
        # Juneteenth is a Saturday: not moved
        D(2027, 7, 5),  # Independence Day is a Sunday: the Monday is closed
        D(2027, 9, 6),
        D(2027, 10, 11),
        D(2027, 11, 11),
        D(2027, 11, 25),
        # Christmas is a Saturday: not moved, the Fed is open Friday December 24
    ]


@pytest.mark.parametrize(
    "day, open_, reason",
    [
        (D(2027, 6, 18), True, ""),  # the Friday before Juneteenth on a Saturday
        (D(2027, 6, 19), False, "a Saturday"),
        (D(2027, 7, 5), False, "Independence Day (observed)"),
        (D(2026, 7, 3), True, ""),
        (D(2027, 12, 24), True, ""),
        (D(2027, 12, 31), True, ""),  # New Year's Day 2028 is a Saturday
        (D(2026, 11, 26), False, "Thanksgiving Day"),
        (D(2026, 11, 27), True, ""),  # the Fed is open the day after Thanksgiving
        (D(2026, 1, 19), False, "Martin Luther King Jr. Day"),
        (D(2026, 12, 6), False, "a Sunday"),
    ],
)
def test_banking_days(day, open_, reason):
    assert is_banking_day(day) is open_
    assert closed_because(day) == reason


def test_next_banking_day_and_effective_entry_date():
    assert next_banking_day(D(2026, 12, 24)) == D(2026, 12, 28)  # past Christmas and a weekend
    assert next_banking_day(D(2027, 7, 2)) == D(2027, 7, 6)  # past the weekend and July 5
    assert effective_entry_date(D(2026, 11, 26)) == D(2026, 11, 27)
    assert effective_entry_date(D(2027, 6, 18)) == D(2027, 6, 18)
    assert effective_entry_date(D(2027, 6, 19)) == D(2027, 6, 21)


@pytest.mark.parametrize(
    "routing, ok",
    [
        ("121000358", True),
        ("231380104", True),
        ("081000210", True),
        ("121000359", False),
        ("12100035", False),
        ("12100035X", False),
        ("１２１０００３５８", False),  # full-width digits are not digits here
    ],
)
def test_aba_check_digit(routing, ok):
    assert aba_check_digit_ok(routing) is ok


def test_aba_problem_says_which_digit_is_expected():
    assert aba_problem("121000358") == ""
    assert aba_problem("121000359") == (
        "the routing number 121000359 fails its check digit (the last digit should be 8): "
        "a digit was mistyped"
    )
    assert aba_problem("1210") == "the routing number “1210” is not nine digits"
