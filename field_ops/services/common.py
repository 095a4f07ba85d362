"""Small pieces every field_ops service module shares."""

import datetime
import re

from django.utils import timezone


def stripped(fields: dict) -> dict:
    """Text fields with runs of whitespace made one space and the ends trimmed."""
    return {
        name: re.sub(r"\s+", " ", value).strip() if isinstance(value, str) else value
        for name, value in fields.items()
    }


def today() -> datetime.date:
    return timezone.localdate()
