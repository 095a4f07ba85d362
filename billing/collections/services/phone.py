"""The phone call after the written notice (H&S Code 116908(a)(1)(B)): each attempt recorded
with its outcome and logged in the account's contact history.

Who: any CSR (TAKE_PAYMENTS: the counter's collections work); Finance does not call customers.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.contacts.services import contact_log
from accounts.models import Contact, ServiceAccount
from billing.collections.models import PhoneAttempt
from district.attribution import acting_user
from district.errors import ServiceError, require
from district.phones import format_phone, normalise_phone
from district.roles import Perm

Outcome = PhoneAttempt.Outcome


@transaction.atomic
def phone_attempt_record(
    *, account: ServiceAccount, outcome: str, by, phone: str = "", notes: str = ""
) -> PhoneAttempt:
    """Record one call about the delinquency (or that there is no number to call)."""
    require(by, Perm.TAKE_PAYMENTS, doing="record a collections call")
    errors = {}
    if outcome not in Outcome.values:
        errors["outcome"] = "Choose what happened on the call."
    try:
        phone = normalise_phone(phone)
    except ValidationError as error:
        errors["phone"] = error.messages[0]
    if outcome in Outcome.values and outcome != Outcome.NO_PHONE and not phone:
        errors["phone"] = "Enter the number called."
    if errors:
        raise ServiceError(errors)
    if outcome == Outcome.NO_PHONE:
        phone = ""
    label = Outcome(outcome).label
    dialled = f" {format_phone(phone)}" if phone else ""
    note = (notes or "").strip()
    contact = contact_log(
        channel=Contact.Channel.PHONE,
        reason=Contact.Reason.COLLECTIONS,
        by=by,
        account=account,
        notes=f"Collections call{dialled}: {label}." + (f" {note}" if note else ""),
    )
    now = timezone.now()
    attempt = PhoneAttempt(
        account=account,
        outcome=outcome,
        phone=phone,
        notes=note,
        attempted_at=now,
        attempted_on=timezone.localdate(now),
        attempted_by=by,
        contact=contact,
    )
    with acting_user(by):
        attempt.save()
    return attempt
