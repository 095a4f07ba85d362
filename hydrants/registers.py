"""The hydrant meters out register: every meter out on a permit, longest out first, with its
contractor, permit and the deposit the permit holds."""

from django import forms
from django.utils import timezone

from district.registers.definitions import (
    ACCOUNT_DATA,
    DATE,
    MONEY,
    NUMBER,
    PHONE,
    Column,
    Register,
)
from hydrants.permits.selectors import meters_out


class MetersOutForm(forms.Form):
    out_at_least = forms.IntegerField(
        label="Out at least (days)", required=False, min_value=0, max_value=3650
    )


def _phone(digits: str) -> str:
    """(951) 555-0100, for the supervisor who calls a contractor about a meter kept too long."""
    if len(digits) != 10:
        return digits
    return f"({digits[:3]}) {digits[3:6]}-{digits[6:]}"


def meters_out_rows(filters: dict) -> list[dict]:
    """The permits selector's meters out (one query), longest out first."""
    rows = []
    for out in meters_out():
        if filters.get("out_at_least") and out.days_out < filters["out_at_least"]:
            continue
        issue = out.issue
        permit = issue.permit
        rows.append(
            {
                "meter": issue.meter.serial,
                "size": issue.meter.get_size_display(),
                "permit": permit.number,
                "contractor": permit.account.customer.display_name,
                "contractor_phone": _phone(permit.account.customer.phone),
                "account": permit.account.formatted_number,
                "hydrant": permit.hydrant.number,
                "issued_on": timezone.localtime(issue.issued_at).date(),
                "ends_on": permit.ends_on,
                "days_out": out.days_out,
                "deposit": permit.deposit_amount,
            }
        )
    return rows


HYDRANT_METERS_OUT = Register(
    slug="hydrant-meters-out",
    title="Hydrant meters out",
    description="Hydrant meters lent on permits and not back in the yard, longest out first.",
    form=MetersOutForm,
    columns=(
        Column("Meter", "meter"),
        Column("Size", "size"),
        Column("Permit", "permit"),
        Column("Contractor", "contractor", customer_data=ACCOUNT_DATA),
        Column("Contractor phone", "contractor_phone", customer_data=PHONE),
        Column("Account", "account", customer_data=ACCOUNT_DATA),
        Column("Hydrant", "hydrant"),
        Column("Issued", "issued_on", DATE),
        Column("Permit ends", "ends_on", DATE),
        Column("Days out", "days_out", NUMBER),
        Column("Deposit", "deposit", MONEY, total=True),
    ),
    rows=meters_out_rows,
    caption=lambda filters: f"Hydrant meters out as of {timezone.localdate():%m/%d/%Y}",
    order=60,
)

REGISTERS = (HYDRANT_METERS_OUT,)
