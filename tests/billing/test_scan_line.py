"""The remittance stub's scan line: format, parse, and check digits."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from accounts.numbers import is_valid_luhn, luhn_check_digit, with_check_digit
from billing.documents.scan_line import ScanLine, parse_scan_line, scan_line

ACCOUNT = with_check_digit("9000001")  # 90000019


def test_scan_line_format():
    # given / when
    line = scan_line(ACCOUNT, Decimal("123.45"))
    # then: account, cents in 10 digits, one check digit, separated by spaces
    account, cents, check = line.split(" ")
    assert account == "0000" + ACCOUNT  # padded to 12 digits
    assert cents == "0000012345"
    assert len(check) == 1
    assert is_valid_luhn(account + cents + check)


def test_scan_line_known_value():
    # Worked by hand. Luhn over 0000900000190000012345, doubling every other digit from the
    # right starting with the last: 5->1, 3->6, 1->2, 9->9 (18 -> 1+8), the rest as they are
    # (4, 2, 1, 9): 1+6+2+9 + 4+2+1+9 = 34, so the check digit is (10 - 4) % 10 = 6.
    assert scan_line("90000019", Decimal("123.45")) == "000090000019 0000012345 6"


def test_credit_balance_prints_zero():
    assert scan_line(ACCOUNT, Decimal("-20.00")).split(" ")[1] == "0000000000"


def test_scan_line_refuses_a_bad_account_number():
    with pytest.raises(ValueError):
        scan_line("90000016", Decimal("1.00"))


def test_parse_with_and_without_spaces():
    line = scan_line(ACCOUNT, Decimal("87.10"))
    expected = ScanLine(ACCOUNT, Decimal("87.10"))
    assert parse_scan_line(line) == expected
    assert parse_scan_line(line.replace(" ", "")) == expected
    assert parse_scan_line(f"  {line.replace(' ', '  ')}\n") == expected


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("", "empty"),
        ("9000 00A5", "invalid"),
        ("12345", "length"),
        ("9" * 30, "length"),
    ],
)
def test_parse_refuses_bad_input_with_a_clear_message(typed, code):
    with pytest.raises(ValidationError) as refused:
        parse_scan_line(typed)
    assert refused.value.code == code


def test_parse_refuses_a_wrong_check_digit():
    line = scan_line(ACCOUNT, Decimal("87.10"))
    wrong = line[:-1] + str((int(line[-1]) + 1) % 10)
    with pytest.raises(ValidationError, match="check digit"):
        parse_scan_line(wrong)


def test_a_dropped_or_doubled_digit_is_always_caught():
    # A run of zeros is where a variable-width line would let a dropped digit slip through.
    digits = scan_line(ACCOUNT, Decimal("87.10")).replace(" ", "")
    for index in range(len(digits)):
        with pytest.raises(ValidationError, match="a digit is missing"):
            parse_scan_line(digits[:index] + digits[index + 1 :])
        with pytest.raises(ValidationError, match="a digit is extra"):
            parse_scan_line(digits[: index + 1] + digits[index:])


def test_an_account_with_a_bad_own_check_digit_is_refused():
    # The line's final digit is right, but the account fails its own Luhn digit.
    body = "000090000018" + "0000001000"
    with pytest.raises(ValidationError) as refused:
        parse_scan_line(body + luhn_check_digit(body))
    assert refused.value.code == "account_check_digit"


accounts = st.integers(min_value=10_000, max_value=99_999_999_999).map(
    lambda base: with_check_digit(str(base))
)
amounts = st.integers(min_value=0, max_value=9_999_999_999).map(lambda cents: Decimal(cents) / 100)


@given(account=accounts, amount=amounts)
def test_round_trip(account, amount):
    parsed = parse_scan_line(scan_line(account, amount))
    assert parsed == ScanLine(account, amount.quantize(Decimal("0.01")))


@given(
    account=accounts,
    amount=amounts,
    position=st.integers(min_value=0, max_value=40),
    shift=st.integers(min_value=1, max_value=9),
)
def test_a_single_digit_typo_is_always_caught(account, amount, position, shift):
    digits = scan_line(account, amount).replace(" ", "")
    index = position % len(digits)
    typo = digits[:index] + str((int(digits[index]) + shift) % 10) + digits[index + 1 :]
    with pytest.raises(ValidationError):
        parse_scan_line(typo)
