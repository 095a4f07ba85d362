"""Versions of the deposit guidelines: a new version from today on; a version is corrected
only while no deposit has been set under it."""

import datetime
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.deposits import selectors
from accounts.models import DepositGuideline, DepositGuidelineAmount, ServiceAccount
from district.attribution import acting_user
from district.errors import ServiceError, require
from district.roles import Perm
from field_ops.models import Meter

# -- guidelines --------------------------------------------------------------------------------

GUIDELINE_FIELDS = (
    "effective_from",
    "minimum",
    "average_bill_multiple",
    "good_history_months",
    "max_late_payments",
    "max_installments",
    "refund_after_months",
    "notes",
)
_WHOLE_NUMBER_RANGES = {
    "good_history_months": (1, 120, "Months of good history are 1 to 120."),
    "max_late_payments": (0, 12, "Late payments allowed are 0 to 12."),
    "max_installments": (1, 3, "Installments are 1 to 3."),
    "refund_after_months": (1, 120, "Months before a refund are 1 to 120."),
}


def _guideline_clean(fields: dict, amounts: dict) -> tuple[dict, list[DepositGuidelineAmount]]:
    errors: dict[str, str] = {}
    cleaned = dict(fields)
    if not isinstance(fields.get("effective_from"), datetime.date):
        errors["effective_from"] = "Enter the date this version takes effect."
    minimum = fields.get("minimum")
    if not isinstance(minimum, Decimal) or minimum < 0:
        errors["minimum"] = "Enter the minimum deposit, zero or more."
    multiple = fields.get("average_bill_multiple")
    try:
        if not isinstance(multiple, Decimal) or not Decimal("0") < multiple <= Decimal("99.99"):
            raise InvalidOperation
        if multiple != multiple.quantize(Decimal("0.01")):
            raise InvalidOperation
    except InvalidOperation:
        errors["average_bill_multiple"] = "Enter a multiple above 0, e.g. 2 or 1.5."
    for name, (low, high, message) in _WHOLE_NUMBER_RANGES.items():
        value = fields.get(name)
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            errors[name] = message
    cleaned["notes"] = (fields.get("notes") or "").strip()
    rows = []
    for (customer_class, meter_size), amount in sorted(amounts.items()):
        if amount is None:
            continue
        if customer_class not in ServiceAccount.CustomerClass.values or (
            meter_size not in Meter.Size.values
        ):
            raise ServiceError(f"Unknown class or meter size {customer_class!r} {meter_size!r}.")
        if not isinstance(amount, Decimal) or amount < 0:
            errors[f"amount__{customer_class}__{meter_size}"] = "Enter an amount, zero or more."
            continue
        rows.append(
            DepositGuidelineAmount(
                customer_class=customer_class, meter_size=meter_size, amount=amount
            )
        )
    if errors:
        raise ServiceError(errors)
    return cleaned, rows


def _save_guideline(guideline: DepositGuideline, rows, by, *, fields=None) -> DepositGuideline:
    try:
        with transaction.atomic(), acting_user(by):
            guideline.save(update_fields=fields)
    except IntegrityError as error:
        if "effective_from" in str(error):
            raise ServiceError(
                {"effective_from": "Another version already takes effect on that date."}
            ) from error
        raise
    guideline.amounts.all().delete()
    for row in rows:
        row.guideline = guideline
    DepositGuidelineAmount.objects.bulk_create(rows)
    return guideline


@transaction.atomic
def deposit_guideline_create(*, by, amounts: dict, **fields) -> DepositGuideline:
    """Add a version of the deposit guidelines, taking effect today or later and after every
    existing version. `amounts`: {(customer class, meter size): Decimal or None}."""
    require(by, Perm.MANAGE_POLICIES, doing="change the deposit guidelines")
    unknown = set(fields) - set(GUIDELINE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown fields: {sorted(unknown)}")
    cleaned, rows = _guideline_clean(fields, amounts)
    # Serialise new versions: the latest date is read, then a later one written.
    latest = DepositGuideline.objects.select_for_update().order_by("-effective_from").first()
    effective_from = cleaned["effective_from"]
    today = timezone.localdate()
    if effective_from < today:
        raise ServiceError(
            {"effective_from": "A new version takes effect today or later, never back-dated."}
        )
    if latest is not None and effective_from <= latest.effective_from:
        raise ServiceError(
            {
                "effective_from": "A new version takes effect after the latest one "
                f"({latest.effective_from:%m/%d/%Y})."
            }
        )
    guideline = DepositGuideline(created_by=by, **cleaned)
    return _save_guideline(guideline, rows, by)


@transaction.atomic
def deposit_guideline_update(
    *, guideline: DepositGuideline, by, amounts: dict, **fields
) -> DepositGuideline:
    """Correct a version no deposit was set under yet; a version in use is never edited (add
    a new version instead)."""
    require(by, Perm.MANAGE_POLICIES, doing="change the deposit guidelines")
    unknown = set(fields) - set(GUIDELINE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown fields: {sorted(unknown)}")
    cleaned, rows = _guideline_clean(fields, amounts)
    # A deposit written under it takes a key-share lock on this row, so after this lock no
    # deposit can slip in before the edit commits.
    guideline = DepositGuideline.objects.select_for_update().get(pk=guideline.pk)
    if selectors.guideline_in_use(guideline):
        raise ServiceError(
            "Deposits were already set under this version, so it can no longer be changed; "
            "add a new version instead."
        )
    moved = cleaned["effective_from"] != guideline.effective_from
    if moved and cleaned["effective_from"] < timezone.localdate():
        raise ServiceError({"effective_from": "A version cannot be moved to a date in the past."})
    for name, value in cleaned.items():
        setattr(guideline, name, value)
    return _save_guideline(guideline, rows, by, fields=list(GUIDELINE_FIELDS))
