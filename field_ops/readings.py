"""Meter register arithmetic shared by every place a reading is typed or compared.

A reading is register units with at most two decimals and fewer digits than the meter's dials.
Going from one reading to a lower one is a rollover only when the use it implies is under a
tenth of the register's range; otherwise it is a misread.
"""

from decimal import Decimal, InvalidOperation

from district.errors import ServiceError
from field_ops.models import Meter

ROLLOVER_MAX_SHARE = Decimal("0.1")
CENT = Decimal("0.01")


def reading_parse(text, *, meter: Meter, field_name: str = "reading") -> Decimal:
    """A typed reading as a number of register units, or a refusal a meter reader understands."""
    try:
        value = Decimal(str(text).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise ServiceError({field_name: "Enter the reading as a number."}) from None
    if not value.is_finite():
        raise ServiceError({field_name: "Enter the reading as a number."})
    if value < 0:
        raise ServiceError({field_name: "A reading cannot be negative."})
    if value != value.quantize(CENT):
        raise ServiceError({field_name: "A reading has at most two decimals."})
    if value >= Decimal(10) ** meter.dials:
        raise ServiceError(
            {
                field_name: f"Meter {meter.serial} has {meter.dials} dials: a reading is below "
                f"{10**meter.dials:,}. Check the reading."
            }
        )
    return value.quantize(CENT)


def register_use(earlier: Decimal, later: Decimal, *, dials: int) -> tuple[Decimal, bool] | None:
    """(register units used, rolled over?) from one reading to a later one; None when the
    later reading is lower and cannot be a rollover."""
    if later >= earlier:
        return later - earlier, False
    capacity = Decimal(10) ** dials
    rolled = later + capacity - earlier
    if rolled <= capacity * ROLLOVER_MAX_SHARE:
        return rolled, True
    return None
