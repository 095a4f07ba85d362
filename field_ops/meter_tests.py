"""Meter accuracy tests, retiring a meter, and the meter stock by size.

A test's result is decided here from the district's accuracy limits, not typed by the tester.
A meter out of the ground moves on with its result, along Meter.ALLOWED_TRANSITIONS and
through field_ops.services.meters.meter_status_change: a pass sends it back to stock, a failure
retires it. An installed meter keeps its status (a failure calls for an exchange order).
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import pghistory
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from district.errors import ServiceError
from field_ops.models import Meter, MeterTest, WorkOrder
from field_ops.services.meters import meter_status_change

# District policy: the registered volume, as a percent of the true volume, a meter must show
# at the normal test flow to pass (AWWA limits: 98.5-101.5% for displacement meters up to
# 2 inches, 97-103% for the larger compound and turbine meters).
SMALL_METER_LIMITS = (Decimal("98.5"), Decimal("101.5"))
LARGE_METER_LIMITS = (Decimal("97.0"), Decimal("103.0"))
SMALL_METER_SIZES = frozenset(
    {
        Meter.Size.FIVE_EIGHTHS,
        Meter.Size.THREE_QUARTERS,
        Meter.Size.ONE,
        Meter.Size.ONE_AND_HALF,
        Meter.Size.TWO,
    }
)
ACCURACY_RANGE = (Decimal(0), Decimal(200))  # what a test bench can read at all
HUNDREDTH = Decimal("0.01")

S = Meter.Status
# Where a meter out of the ground goes after its test (each move is in ALLOWED_TRANSITIONS).
AFTER_PASS = {S.IN_TEST: S.IN_STOCK, S.REMOVED: S.IN_STOCK}
AFTER_FAIL = {S.IN_TEST: S.RETIRED, S.REMOVED: S.RETIRED, S.IN_STOCK: S.RETIRED}
MAX_NOTES = MeterTest._meta.get_field("notes").max_length
MAX_REASON = 200


def accuracy_limits(size: str) -> tuple[Decimal, Decimal]:
    """(lowest, highest) passing accuracy in percent for a meter of this size."""
    return SMALL_METER_LIMITS if size in SMALL_METER_SIZES else LARGE_METER_LIMITS


def accuracy_passes(*, size: str, accuracy_percent: Decimal) -> bool:
    low, high = accuracy_limits(size)
    return low <= accuracy_percent <= high


def _accuracy_clean(value) -> Decimal:
    try:
        accuracy = Decimal(str(value).strip().removesuffix("%").strip())
    except (InvalidOperation, ValueError):
        raise ServiceError(
            {"accuracy_percent": "Enter the accuracy as a percent, e.g. 99.2."}
        ) from None
    low, high = ACCURACY_RANGE
    if not accuracy.is_finite() or not low <= accuracy <= high:
        raise ServiceError(
            {"accuracy_percent": "The accuracy is a percent between 0 and 200, e.g. 99.2."}
        )
    if accuracy != accuracy.quantize(HUNDREDTH):
        raise ServiceError({"accuracy_percent": "Enter the accuracy with at most two decimals."})
    return accuracy.quantize(HUNDREDTH)


@transaction.atomic
def meter_test_record(
    *,
    meter: Meter,
    tested_on: datetime.date,
    accuracy_percent,
    by,
    notes: str = "",
    work_order: WorkOrder | None = None,
) -> MeterTest:
    """Record an accuracy test; the result follows the limits for the meter's size.

    A meter in test, in stock or removed then moves on (see AFTER_PASS / AFTER_FAIL);
    `test.meter` is the meter as it stands afterwards.
    """
    meter = Meter.objects.select_for_update().get(pk=meter.pk)
    errors = {}
    if not meter.can_be_tested:
        raise ServiceError(f"Meter {meter.serial} is retired: it is not tested any more.")
    if tested_on is None:
        errors["tested_on"] = "Enter the day of the test."
    elif tested_on > timezone.localdate():
        errors["tested_on"] = "A test cannot be dated in the future."
    notes = " ".join((notes or "").split())
    if len(notes) > MAX_NOTES:
        errors["notes"] = f"Keep the notes under {MAX_NOTES} characters."
    if work_order is not None and work_order.meter_id != meter.pk:
        errors["work_order"] = f"{work_order} is not for meter {meter.serial}."
    try:
        accuracy = _accuracy_clean(accuracy_percent)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ServiceError(errors)
    passed = accuracy_passes(size=meter.size, accuracy_percent=accuracy)
    test = MeterTest(
        meter=meter,
        tested_on=tested_on,
        accuracy_percent=accuracy,
        passed=passed,
        notes=notes,
        tested_by=by,
        work_order=work_order,
    )
    test.full_clean()
    test.save()
    next_status = (AFTER_PASS if passed else AFTER_FAIL).get(meter.status)
    if next_status is not None:
        verdict = "passed" if passed else "failed"
        with pghistory.context(reason=f"Accuracy test {verdict}: {accuracy}%"):
            meter = meter_status_change(meter=meter, to_status=next_status, by=by)
    test.meter = meter
    return test


@transaction.atomic
def meter_retire(*, meter: Meter, by, reason: str) -> Meter:
    """Take a meter out of service for good (it must be out of the ground), saying why.

    The reason is kept with the change in the meter's history.
    """
    reason = " ".join((reason or "").split())
    if not reason:
        raise ServiceError({"reason": "Say why the meter is retired (e.g. failed test)."})
    if len(reason) > MAX_REASON:
        raise ServiceError({"reason": f"Keep the reason under {MAX_REASON} characters."})
    with pghistory.context(reason=reason):
        return meter_status_change(meter=meter, to_status=S.RETIRED, by=by)


# -- reads


def tests_for_meter(meter: Meter) -> list[MeterTest]:
    """The meter's tests, newest first, with who tested and the order (one query)."""
    return list(MeterTest.objects.filter(meter=meter).select_related("tested_by", "work_order"))


@dataclass(frozen=True)
class StockRow:
    size: str
    label: str
    in_stock: int
    in_test: int
    removed: int
    retired: int
    installed: int

    @property
    def total(self) -> int:
        return self.in_stock + self.in_test + self.removed + self.retired + self.installed


STOCK_COLUMNS = ("in_stock", "in_test", "removed", "retired", "installed")


def meter_stock_by_size() -> tuple[list[StockRow], StockRow]:
    """Meters of each size by status (one aggregate query), and the totals row."""
    counts = {
        row["size"]: row
        for row in Meter.objects.order_by()
        .values("size")
        .annotate(**{column: Count("id", filter=Q(status=column)) for column in STOCK_COLUMNS})
    }
    rows = [
        StockRow(
            size=size,
            label=label,
            **{column: counts[size][column] for column in STOCK_COLUMNS},
        )
        for size, label in Meter.Size.choices
        if size in counts
    ]
    totals = StockRow(
        size="",
        label="All sizes",
        **{column: sum(getattr(row, column) for row in rows) for column in STOCK_COLUMNS},
    )
    return rows, totals
