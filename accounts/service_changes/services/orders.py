"""The field order a start or stop of service asks for (turn-on, start read, final read)."""

import datetime

from django.core.exceptions import ValidationError

from accounts.service_changes.services.checks import today
from district.errors import ServiceError
from field_ops.models import Premise
from field_ops.work_orders import work_order_create


def _order_date(service_date: datetime.date) -> datetime.date:
    """A field order cannot be asked for a past day: a back-dated start or stop is read today."""
    return max(service_date, today())


def service_order_create(
    *, order_type: str, premise: Premise, on_date, account, by, instructions=""
):
    try:
        return work_order_create(
            order_type=order_type,
            premise=premise,
            by=by,
            requested_date=_order_date(on_date),
            service_account_id=account.pk,
            instructions=instructions,
        )
    except ValidationError as error:
        # The order's own fields are not on these forms: the premise is what to fix.
        raise ServiceError({"premise": error.messages}) from error
