"""What a posted payment sets off in billing, once the payment has committed.

A payment can end a collection: the shut-off order for the account is cancelled (the crew's
phone shows it at once) or a disconnected account is queued for reconnection, and a written-off
balance the customer now pays is restored so the payment pays it. Every payment path (counter,
mail batch, processor and lockbox files, a resolved unmatched payment) calls payments_posted.

The follow-up runs after the commit, each step in its own transaction, so a refusal there can
never undo the customer's payment; a failure is logged, and the safety nets stay: the shut-off
order's completion re-checks eligibility at the door, and the nightly collections run re-checks
every open order.
"""

import logging
from collections.abc import Iterable

from django.db import transaction

from billing.shutoffs.services import payment_received
from billing.writeoffs.services import writeoffs_recover

log = logging.getLogger(__name__)

FOLLOW_UPS = (writeoffs_recover, payment_received)


def payments_posted(account_ids: Iterable[int | None], *, by) -> None:
    """Queue billing's follow-up for these accounts for when the current transaction commits."""
    ids = sorted({int(pk) for pk in account_ids if pk})
    if ids:
        transaction.on_commit(lambda: payments_follow_up(ids, by=by))


def payments_follow_up(account_ids: list[int], *, by) -> None:
    for step in FOLLOW_UPS:
        try:
            with transaction.atomic():
                step(account_ids, by=by)
        except Exception:
            # The payment stands; the order is re-checked at the door and overnight.
            log.exception(
                "After-payment step %s failed for accounts %s", step.__name__, account_ids
            )
