"""AccountNumberField: typed account numbers, with clear messages for mistakes."""

import pytest
from django import forms

from accounts.forms import AccountNumberField, PhoneField
from accounts.numbers import with_check_digit

GOOD = with_check_digit("1000001")  # 10000016
WRONG_CHECK = GOOD[:-1] + str((int(GOOD[-1]) + 1) % 10)


class LookupForm(forms.Form):
    number = AccountNumberField()


@pytest.mark.parametrize("typed", [GOOD, "1000001-6", " 1000 0016 ", "1000001 - 6"])
def test_account_numbers_typed_any_way_clean_to_digits(typed):
    form = LookupForm({"number": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["number"] == GOOD == "10000016"


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (WRONG_CHECK, "check digit does not match"),
        ("10000061", "check digit does not match"),  # the last two digits swapped
        ("12A45678", "only digits"),
        ("123", "too short or too long"),
        ("", "This field is required."),
    ],
)
def test_bad_account_numbers_say_what_is_wrong(typed, message):
    form = LookupForm({"number": typed})
    assert not form.is_valid()
    assert message in form.errors["number"][0]


def test_account_number_is_shown_with_its_dash():
    form = LookupForm(initial={"number": GOOD})
    assert 'value="1000001-6"' in str(form["number"])


def test_phone_field_cleans_and_shows_formatted():
    class ContactForm(forms.Form):
        phone = PhoneField()

    assert ContactForm({"phone": "555.201.3344"}).is_valid()
    assert 'value="(555) 201-3344"' in str(ContactForm(initial={"phone": "5552013344"})["phone"])
    refused = ContactForm({"phone": "201-3344"})
    assert not refused.is_valid() and "10-digit" in refused.errors["phone"][0]
