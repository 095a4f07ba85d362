"""Customers: normalisation, the duplicate warning, and flags with who set and cleared them."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import Customer, CustomerFlag
from accounts.selectors import likely_duplicates
from accounts.services import (
    customer_create,
    customer_flag_clear,
    customer_flag_set,
    customer_update,
)
from tests.factories import CustomerFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk(db):
    return UserFactory(first_name="Ben", last_name="Ito")


def _person(**overrides):
    fields = {
        "first_name": "  Rosa ",
        "last_name": "Delgado  ",
        "phone": "(555) 201-3344",
        "email": "Rosa.Delgado@Example.ORG ",
        "mailing_line1": "14  Vista Way",
        "mailing_city": "Mesa Verde",
        "mailing_state": "ca",
        "mailing_zip": "92001",
    }
    fields.update(overrides)
    return fields


@pytest.mark.parametrize(
    "typed",
    ["(555) 201-3344", "555.201.3344", "555-201-3344", "+1 555 201 3344", "1-555-201-3344"],
)
def test_phones_are_stored_as_ten_digits_however_typed(clerk, typed):
    customer = customer_create(by=clerk, **_person(phone=typed))
    customer.refresh_from_db()
    assert customer.phone == "5552013344"


def test_customer_create_trims_names_and_lower_cases_email(clerk):
    customer = customer_create(by=clerk, **_person())
    customer.refresh_from_db()
    assert (customer.first_name, customer.last_name) == ("Rosa", "Delgado")
    assert customer.email == "rosa.delgado@example.org"
    assert customer.mailing_line1 == "14 Vista Way"
    assert customer.mailing_state == "CA"
    assert customer.created_by == clerk


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"phone": "555-1234"}, "phone", "10-digit"),
        ({"alternate_phone": "(155) 201-3344"}, "alternate_phone", "cannot start with 0 or 1"),
        ({"last_name": "  "}, "last_name", "last name"),
        ({"email": "rosa@"}, "email", "email address"),
        ({"alternate_phone": "5552013344"}, "alternate_phone", "same as the main phone"),
    ],
)
def test_bad_customer_input_is_refused_by_field(clerk, overrides, field, message):
    with pytest.raises(ValidationError) as refused:
        customer_create(by=clerk, **_person(**overrides))
    assert message in " ".join(refused.value.message_dict[field])
    assert not Customer.objects.exists()


def test_a_business_needs_its_name(clerk):
    with pytest.raises(ValidationError) as refused:
        customer_create(by=clerk, kind=Customer.Kind.BUSINESS, business_name=" ", phone="")
    assert "business_name" in refused.value.message_dict
    business = customer_create(
        by=clerk, kind=Customer.Kind.BUSINESS, business_name="Mesa Car Wash", phone="5552000000"
    )
    assert business.display_name == "Mesa Car Wash"


def test_the_database_requires_a_name():
    with pytest.raises(IntegrityError), transaction.atomic():
        Customer.objects.create(kind=Customer.Kind.PERSON, last_name="")


def test_likely_duplicate_is_refused_until_confirmed(clerk):
    # given
    existing = customer_create(by=clerk, **_person())

    # when: same name and address, different phone
    with pytest.raises(ValidationError) as warned:
        customer_create(by=clerk, **_person(phone="5559990000", first_name="ROSA"))

    # then
    assert warned.value.code == "duplicate"
    assert warned.value.params["duplicates"] == [existing]
    assert f"customer #{existing.pk}" in warned.value.messages[0]
    assert Customer.objects.count() == 1

    # when: the clerk confirms it is a different person
    second = customer_create(by=clerk, confirm_duplicate=True, **_person(phone="5559990000"))

    # then
    assert Customer.objects.count() == 2
    assert second.pk != existing.pk


@pytest.mark.parametrize(
    ("entered", "duplicate"),
    [
        ({"mailing_line1": "99 Other Rd", "phone": "5552013344"}, True),  # same phone
        ({"mailing_line1": "14 vista way", "phone": ""}, True),  # same address
        ({"mailing_line1": "99 Other Rd", "alternate_phone": "5552013344", "phone": ""}, True),
        ({"mailing_line1": "99 Other Rd", "phone": "5550000001"}, False),
        ({"first_name": "Ramon"}, False),  # another person in the household
    ],
)
def test_what_counts_as_a_likely_duplicate(clerk, entered, duplicate):
    customer_create(by=clerk, **_person())
    fields = {"kind": "person", "first_name": "Rosa", "last_name": "Delgado", **entered}
    assert bool(likely_duplicates(**fields)) is duplicate


def test_business_duplicates_need_the_same_name_and_phone(clerk):
    customer_create(
        by=clerk, kind=Customer.Kind.BUSINESS, business_name="Mesa Car Wash", phone="5552000000"
    )
    same = {"kind": "business", "business_name": "mesa car wash"}
    assert likely_duplicates(**same, phone="5552000000")
    assert not likely_duplicates(**same, phone="5552000001")


def test_customer_update_normalises_and_refuses_bad_phones(clerk):
    # given
    customer = CustomerFactory(phone="5551112222")

    # when
    customer_update(customer=customer, by=clerk, phone="555 111 3333", language="es")
    with pytest.raises(ValidationError):
        customer_update(customer=customer, by=clerk, phone="12")

    # then
    customer.refresh_from_db()
    assert (customer.phone, customer.language) == ("5551113333", "es")


def test_flag_set_and_clear_record_who_and_why(clerk):
    # given
    customer = CustomerFactory()
    supervisor = UserFactory(first_name="Dolores", last_name="Sandoval")

    # when
    flag = customer_flag_set(
        customer=customer, flag=CustomerFlag.Flag.CASH_ONLY, reason="Two NSF checks", by=clerk
    )
    customer_flag_clear(flag=flag, reason="A year without returns", by=supervisor)

    # then
    flag.refresh_from_db()
    assert (flag.set_by, flag.reason) == (clerk, "Two NSF checks")
    assert (flag.cleared_by, flag.clear_reason) == (supervisor, "A year without returns")
    assert flag.cleared_at is not None


def test_an_active_flag_is_not_set_twice(clerk):
    # given
    customer = CustomerFactory()
    customer_flag_set(customer=customer, flag="do_not_call", reason="Asked", by=clerk)

    # when
    with pytest.raises(ValidationError) as refused:
        customer_flag_set(customer=customer, flag="do_not_call", reason="Again", by=clerk)

    # then
    assert "already flagged Do not call (set by Ben Ito" in refused.value.message_dict["flag"][0]
    assert CustomerFlag.objects.count() == 1


def test_a_cleared_flag_may_be_set_again(clerk):
    customer = CustomerFactory()
    flag = customer_flag_set(customer=customer, flag="cash_only", reason="NSF", by=clerk)
    customer_flag_clear(flag=flag, reason="Paid up", by=clerk)
    customer_flag_set(customer=customer, flag="cash_only", reason="NSF again", by=clerk)
    assert customer.flags.filter(cleared_at__isnull=True).count() == 1


def test_flags_need_a_reason_and_clear_once(clerk):
    # given
    customer = CustomerFactory()

    # when
    with pytest.raises(ValidationError) as no_reason:
        customer_flag_set(customer=customer, flag="cash_only", reason=" ", by=clerk)
    flag = customer_flag_set(customer=customer, flag="cash_only", reason="NSF", by=clerk)
    with pytest.raises(ValidationError) as no_clear_reason:
        customer_flag_clear(flag=flag, reason="", by=clerk)
    customer_flag_clear(flag=flag, reason="ok", by=clerk)
    with pytest.raises(ValidationError) as twice:
        customer_flag_clear(flag=flag, reason="again", by=clerk)

    # then
    assert "reason" in no_reason.value.message_dict
    assert "clear_reason" in no_clear_reason.value.message_dict
    assert "already cleared" in twice.value.message_dict["clear_reason"][0]
    flag.refresh_from_db()
    assert flag.clear_reason == "ok"
