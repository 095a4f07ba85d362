"""Premises: the service's rules and normalisation (nothing written on refusal)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from district.audit import history_for
from field_ops.models import Premise
from field_ops.services.premises import normalise_apn, premise_create, premise_update
from tests.factories import PremiseFactory, UserFactory

pytestmark = pytest.mark.django_db


def _fields(**overrides):
    fields = {
        "house_number": "120",
        "street": "  Canyon   View Dr ",
        "city": "Mesa Verde",
        "zip_code": "92001",
        "apn": "12345678",
        "route": "r07",
        "read_sequence": 40,
        "premise_type": Premise.PremiseType.SINGLE_FAMILY,
    }
    fields.update(overrides)
    return fields


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("12345678", "123-456-78"),
        ("123-456-78", "123-456-78"),
        ("1234-5678", "123-456-78"),
        (" 123 456 78 ", "123-456-78"),
        ("123-456-789", "123-456-789"),  # not 8 digits: kept as typed
        ("APN 44-1", "APN 44-1"),
        ("", ""),
    ],
)
def test_apn_is_printed_as_ddd_ddd_dd_when_eight_digits(typed, stored):
    assert normalise_apn(typed) == stored


def test_premise_create_normalises_and_saves():
    # given
    clerk = UserFactory()

    # when
    premise = premise_create(by=clerk, **_fields())

    # then
    premise.refresh_from_db()
    assert premise.apn == "123-456-78"
    assert premise.street == "Canyon View Dr"
    assert premise.route == "R07"
    assert premise.state == "CA"


def test_multi_family_needs_two_dwelling_units():
    # given
    clerk = UserFactory()

    # when
    with pytest.raises(ValidationError) as refused:
        premise_create(
            by=clerk, **_fields(premise_type=Premise.PremiseType.MULTI_FAMILY, dwelling_units=1)
        )

    # then
    assert "at least two dwelling units" in str(refused.value.message_dict["dwelling_units"])
    assert not Premise.objects.exists()


def test_multi_family_with_units_is_accepted():
    premise = premise_create(
        by=UserFactory(),
        **_fields(premise_type=Premise.PremiseType.MULTI_FAMILY, dwelling_units=4),
    )
    assert premise.dwelling_units == 4


@pytest.mark.parametrize(
    ("latitude", "longitude", "field"),
    [
        (Decimal("91"), Decimal("-117"), "latitude"),
        (Decimal("33"), Decimal("-181"), "longitude"),
        (Decimal("33"), None, "longitude"),
    ],
)
def test_coordinates_out_of_range_are_refused(latitude, longitude, field):
    with pytest.raises(ValidationError) as refused:
        premise_create(by=UserFactory(), **_fields(latitude=latitude, longitude=longitude))
    assert field in refused.value.message_dict
    assert not Premise.objects.exists()


def test_missing_required_fields_are_refused_by_field():
    with pytest.raises(ValidationError) as refused:
        premise_create(by=UserFactory(), **_fields(house_number="", route=""))
    assert {"house_number", "route"} <= set(refused.value.message_dict)
    assert not Premise.objects.exists()


def test_premise_update_changes_fields_and_keeps_the_rules():
    # given
    premise = PremiseFactory(apn="")
    clerk = UserFactory()

    # when
    premise_update(premise=premise, by=clerk, apn="987-65-432", owner_name="  J. Owner ")

    # then
    premise.refresh_from_db()
    assert premise.apn == "987-654-32"
    assert premise.owner_name == "J. Owner"


def test_premise_update_refused_leaves_the_premise_as_it_was():
    # given
    premise = PremiseFactory(dwelling_units=1)

    # when
    with pytest.raises(ValidationError):
        premise_update(
            premise=premise, by=UserFactory(), premise_type=Premise.PremiseType.MULTI_FAMILY
        )

    # then
    premise.refresh_from_db()
    assert premise.premise_type == Premise.PremiseType.SINGLE_FAMILY


def test_unknown_fields_are_a_programming_error():
    with pytest.raises(TypeError):
        premise_create(by=UserFactory(), **_fields(colour="blue"))


def test_premise_changes_are_attributed_to_the_clerk():
    # given
    clerk = UserFactory(first_name="Ana", last_name="Ibarra")
    premise = premise_create(by=clerk, **_fields())

    # when
    premise_update(premise=premise, by=clerk, owner_name="New Owner")

    # then
    entries = history_for(premise)
    assert entries[0].who == "Ana Ibarra"
    assert entries[0].changes[0].after == "New Owner"
