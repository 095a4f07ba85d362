"""US currency and coin, and counts of them (a drawer's float, a blind close, a deposit bag)."""

from dataclasses import dataclass
from decimal import Decimal

from district.errors import ServiceError
from district.money import ZERO


@dataclass(frozen=True)
class Denomination:
    key: str  # the count's key in JSON and the form field's suffix
    label: str
    value: Decimal
    is_coin: bool


DENOMINATIONS = (
    Denomination("100", "$100 bills", Decimal("100.00"), False),
    Denomination("50", "$50 bills", Decimal("50.00"), False),
    Denomination("20", "$20 bills", Decimal("20.00"), False),
    Denomination("10", "$10 bills", Decimal("10.00"), False),
    Denomination("5", "$5 bills", Decimal("5.00"), False),
    Denomination("2", "$2 bills", Decimal("2.00"), False),
    Denomination("1", "$1 bills", Decimal("1.00"), False),
    Denomination("coin-1", "$1 coins", Decimal("1.00"), True),
    Denomination("coin-0.50", "Half dollars", Decimal("0.50"), True),
    Denomination("coin-0.25", "Quarters", Decimal("0.25"), True),
    Denomination("coin-0.10", "Dimes", Decimal("0.10"), True),
    Denomination("coin-0.05", "Nickels", Decimal("0.05"), True),
    Denomination("coin-0.01", "Pennies", Decimal("0.01"), True),
)
BY_KEY = {denomination.key: denomination for denomination in DENOMINATIONS}
# No drawer holds more than this many of one piece; a larger number is a typing slip.
_MOST_PIECES = 100_000


def count_clean(count: dict) -> dict[str, int]:
    """A count keyed by denomination, validated: whole, non-negative numbers of known pieces.
    Zero counts are dropped so stored counts stay short."""
    if not isinstance(count, dict):
        raise TypeError("A count is a dict of denomination key -> number of pieces.")
    cleaned: dict[str, int] = {}
    for key, pieces in count.items():
        denomination = BY_KEY.get(str(key))
        if denomination is None:
            raise ServiceError(f"“{key}” is not a US bill or coin.", code="denomination")
        if isinstance(pieces, bool) or not isinstance(pieces, int):
            try:
                pieces = int(str(pieces).strip() or "0")
            except ValueError:
                raise ServiceError(
                    f"{denomination.label}: count whole pieces.", code="pieces"
                ) from None
        if pieces < 0:
            raise ServiceError(f"{denomination.label}: a count cannot be negative.")
        if pieces > _MOST_PIECES:
            raise ServiceError(f"{denomination.label}: {pieces} pieces is too many to be right.")
        if pieces:
            cleaned[denomination.key] = pieces
    return cleaned


def count_total(count: dict) -> Decimal:
    """The value of a (clean) count."""
    total = ZERO
    for key, pieces in count_clean(count).items():
        total += BY_KEY[key].value * pieces
    return total


def count_rows(count: dict) -> list[tuple[Denomination, int, Decimal]]:
    """(denomination, pieces, value) for every denomination with pieces, bills first."""
    cleaned = count_clean(count)
    return [
        (denomination, cleaned[denomination.key], denomination.value * cleaned[denomination.key])
        for denomination in DENOMINATIONS
        if denomination.key in cleaned
    ]
