"""Checks the start, stop and transfer services share (reads only: nothing here writes)."""

import datetime
import re

from django.utils import timezone

from accounts.models import ServiceAccount
from accounts.service_changes import selectors

Status = ServiceAccount.Status
ZIP = re.compile(r"^\d{5}(-?\d{4})?$")


def today() -> datetime.date:
    return timezone.localdate()


def check_service_date(
    value: datetime.date | None, *, field_name: str, what: str, errors: dict
) -> None:
    """A start or stop date within the district's window (policies start-date-*-days)."""
    if value is None:
        errors[field_name] = f"Enter the date service {what}."
        return
    window = selectors.service_date_window()
    if value < window.earliest:
        errors[field_name] = (
            f"The date service {what} can be at most {window.past_days} day"
            f"{'' if window.past_days == 1 else 's'} ago (not before "
            f"{window.earliest:%m/%d/%Y})."
        )
    elif value > window.latest:
        errors[field_name] = (
            f"The date service {what} can be at most {window.ahead_days} days ahead "
            f"(by {window.latest:%m/%d/%Y})."
        )
