"""Saving a deposit's changes (its status moves go through district.transitions first)."""

from accounts.models import Deposit
from district.attribution import acting_user


def deposit_save(deposit: Deposit, by, *, fields: list[str] | None = None) -> None:
    """Save under the acting user (the row's history records who changed it)."""
    with acting_user(by):
        deposit.save(update_fields=fields)
