"""Writes of premises: the service locations the district serves."""

import re

from django.db import transaction

from district.attribution import acting_user, refuse_unknown_fields
from district.errors import ServiceError
from field_ops.models import Premise
from field_ops.services.common import stripped

PREMISE_FIELDS = (
    "house_number",
    "street",
    "unit",
    "city",
    "state",
    "zip_code",
    "cross_street",
    "apn",
    "tract",
    "lot",
    "map_book",
    "map_page",
    "route",
    "read_sequence",
    "latitude",
    "longitude",
    "premise_type",
    "dwelling_units",
    "meter_location_notes",
    "owner_name",
    "owner_mailing_address",
)


def normalise_apn(typed: str) -> str:
    """8 digits, with or without dashes -> the printed form 123-456-78; anything else as typed."""
    typed = (typed or "").strip()
    digits = re.sub(r"[\s-]", "", typed)
    if len(digits) == 8 and digits.isdigit():
        return f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"
    return typed


def _premise_clean_fields(fields: dict) -> dict:
    fields = stripped(fields)
    if "apn" in fields:
        fields["apn"] = normalise_apn(fields["apn"])
    for name in ("state", "route"):
        if fields.get(name):
            fields[name] = fields[name].upper()
    return fields


def _premise_validate(premise: Premise) -> None:
    errors = {}
    if premise.premise_type == Premise.PremiseType.MULTI_FAMILY and (
        premise.dwelling_units is None or premise.dwelling_units < 2
    ):
        errors["dwelling_units"] = "A multi-family premise has at least two dwelling units."
    if premise.latitude is not None and not -90 <= premise.latitude <= 90:
        errors["latitude"] = "Latitude is between -90 and 90 degrees."
    if premise.longitude is not None and not -180 <= premise.longitude <= 180:
        errors["longitude"] = "Longitude is between -180 and 180 degrees."
    if (premise.latitude is None) != (premise.longitude is None):
        errors.setdefault("longitude", "Enter both latitude and longitude, or neither.")
    if errors:
        raise ServiceError(errors)
    premise.full_clean()


@transaction.atomic
def premise_create(*, by, **fields) -> Premise:
    """Record a new service location."""
    refuse_unknown_fields(fields, PREMISE_FIELDS)
    premise = Premise(**_premise_clean_fields(fields))
    _premise_validate(premise)
    with acting_user(by):
        premise.save()
    return premise


@transaction.atomic
def premise_update(*, premise: Premise, by, **fields) -> Premise:
    """Change a premise's description (address, parcel, route, type)."""
    refuse_unknown_fields(fields, PREMISE_FIELDS)
    premise = Premise.objects.select_for_update().get(pk=premise.pk)
    for name, value in _premise_clean_fields(fields).items():
        setattr(premise, name, value)
    _premise_validate(premise)
    with acting_user(by):
        premise.save()
    return premise
