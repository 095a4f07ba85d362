"""Holds that stop the collection ladder: a bill appeal (H&S Code 116918), a medical
certification (116910) and a payment reported on its way. An active payment arrangement also
holds, derived from billing.arrangements (selectors.active_holds), never stored here.

Who: a CSR I records an appeal or a payment on its way (TAKE_PAYMENTS, the counter's work);
a medical hold is a judgement on documents and needs a CSR II (PAYMENT_ARRANGEMENTS, as the
arrangement it leads to does); releasing any hold early is a CSR II's or a supervisor's.
Holds expire by their date: selectors read `expires_on`, no job changes the row.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import ServiceAccount
from billing.collection_stops import collection_stopped
from billing.collections.models import CollectionHold
from district.attribution import acting_user
from district.errors import ServiceError, require
from district.policies import policy_value
from district.roles import Perm

Kind = CollectionHold.Kind
IN_FLIGHT_POLICY = "collections-payment-in-flight-days"
MEDICAL_DOCUMENTS = {
    "provider_certificate": "the certificate from a primary care provider",
    "financial_inability": "the statement that the household cannot pay within the normal "
    "billing cycle",
    "arrangement_willing": "the customer's agreement to enter a payment arrangement",
}
ADD_PERMISSION = {
    Kind.APPEAL: Perm.TAKE_PAYMENTS,
    Kind.PAYMENT_IN_FLIGHT: Perm.TAKE_PAYMENTS,
    Kind.MEDICAL: Perm.PAYMENT_ARRANGEMENTS,
}
RELEASE_PERMISSION = Perm.PAYMENT_ARRANGEMENTS


@transaction.atomic
def hold_add(
    *,
    account: ServiceAccount,
    kind: str,
    evidence: str,
    by,
    starts_on: datetime.date | None = None,
    expires_on: datetime.date | None = None,
    provider_certificate: bool = False,
    financial_inability: bool = False,
    arrangement_willing: bool = False,
) -> CollectionHold:
    """Stop the ladder for the account; refused without evidence (and, medical, all three)."""
    if kind not in Kind.values:
        raise ServiceError({"kind": "Choose what holds the account."})
    require(by, ADD_PERMISSION[kind], doing=f"add a hold for {Kind(kind).label.lower()}")
    today = timezone.localdate()
    starts_on = starts_on or today
    evidence = (evidence or "").strip()
    errors = {}
    if not evidence:
        errors["evidence"] = "Say what the customer showed or told us, and where it is filed."
    if kind == Kind.MEDICAL:
        given = {
            "provider_certificate": provider_certificate,
            "financial_inability": financial_inability,
            "arrangement_willing": arrangement_willing,
        }
        missing = [MEDICAL_DOCUMENTS[name] for name, present in given.items() if not present]
        if missing:
            errors["provider_certificate"] = (
                "A medical hold needs all three of: "
                + "; ".join(MEDICAL_DOCUMENTS.values())
                + ". Missing: "
                + "; ".join(missing)
                + "."
            )
    if kind == Kind.PAYMENT_IN_FLIGHT:
        # The policy decides how long a promise holds; staff may only shorten it.
        longest = starts_on + datetime.timedelta(days=int(policy_value(IN_FLIGHT_POLICY)))
        expires_on = min(expires_on or longest, longest)
    if expires_on is not None and expires_on < starts_on:
        errors["expires_on"] = "The hold cannot end before it starts."
    if errors:
        raise ServiceError(errors)
    hold = CollectionHold(
        account=account,
        kind=kind,
        evidence=evidence,
        provider_certificate=kind == Kind.MEDICAL and provider_certificate,
        financial_inability=kind == Kind.MEDICAL and financial_inability,
        arrangement_willing=kind == Kind.MEDICAL and arrangement_willing,
        starts_on=starts_on,
        expires_on=expires_on,
        created_at=timezone.now(),
        created_by=by,
    )
    hold.full_clean()
    with acting_user(by):
        hold.save()
    collection_stopped([account.pk], by=by)
    return hold


@transaction.atomic
def hold_release(*, hold: CollectionHold, reason: str, by) -> CollectionHold:
    """End a hold before it expires (the appeal decided, the documents withdrawn...)."""
    require(by, RELEASE_PERMISSION, doing="release a collections hold")
    hold = CollectionHold.objects.select_for_update().get(pk=hold.pk)
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError({"reason": "Say why the hold ends."})
    if hold.released_at is not None:
        raise ServiceError("This hold was already released.")
    hold.released_at = timezone.now()
    hold.released_by = by
    hold.release_reason = reason
    with acting_user(by):
        hold.save(update_fields=["released_at", "released_by", "release_reason"])
    return hold
