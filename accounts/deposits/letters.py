"""Deposit refund letters: each deposit returned (credited to the account, refunded to the
customer, or applied to the final bill) gets a letter saying so, in one print batch with
e-mail instead for the customers who chose it, written by the night's job or by a supervisor
from the print batches page.

Which deposits still need their letter is read, not remembered: a deposit returned in the
last LOOKBACK_DAYS whose account has no deposit refund letter dated on or after its return.
So the job is safe to run twice, picks up what a failed night missed, and never writes to
customers whose deposits went back before the letters began.
"""

import datetime
import hashlib
from collections import defaultdict
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Sum

from accounts.correspondence.models import Letter, PrintBatch
from accounts.correspondence.services import letter_batch_create
from accounts.models import Deposit
from district.errors import require
from district.ledger.models import JournalLine
from district.ledger.purposes import Purpose
from district.money import ZERO
from district.roles import Perm
from district.services import NIGHTLY_USERNAME

DEPOSIT_REFUND_KEY = "deposit-refund"
LOOKBACK_DAYS = 31
RETURNED = (Deposit.Status.CREDITED, Deposit.Status.REFUNDED, Deposit.Status.APPLIED)


def deposits_awaiting_letters(*, today: datetime.date) -> list[Deposit]:
    """Deposits returned lately whose account has had no deposit refund letter since (one
    query), oldest return first."""
    lettered = Letter.objects.filter(
        account_id=OuterRef("account_id"),
        template_version__template__key=DEPOSIT_REFUND_KEY,
        created_at__date__gte=OuterRef("closed_on"),
    )
    return list(
        Deposit.objects.filter(
            status__in=RETURNED,
            amount__gt=0,
            closed_on__gte=today - datetime.timedelta(days=LOOKBACK_DAYS),
            closed_on__lte=today,
        )
        .exclude(Exists(lettered))
        .order_by("closed_on", "pk")
    )


def _interest_paid(deposits: list[Deposit]) -> dict[int, Decimal]:
    """{deposit id: interest credited with its return} (one query): the interest journals
    sourced to the deposit and dated the day it was returned."""
    closed_on = {str(deposit.pk): deposit.closed_on for deposit in deposits}
    rows = (
        JournalLine.objects.filter(
            gl_account__purpose=Purpose.DEPOSIT_INTEREST,
            journal__source_type=ContentType.objects.get_for_model(Deposit),
            journal__source_id__in=list(closed_on),
            effective_date__gte=min(closed_on.values()),
        )
        .values_list("journal__source_id", "effective_date")
        .annotate(total=Sum("amount"))
    )
    paid = defaultdict(lambda: ZERO)
    for source_id, effective_date, total in rows:
        if effective_date == closed_on[source_id]:
            paid[int(source_id)] += total  # debits of the interest expense: positive
    return paid


def deposit_refund_letter_facts(deposits: list[Deposit]) -> dict[int, dict]:
    """{account id: merge facts}: the deposit returned, when and how, and its interest (an
    account with two deposits returned gets one letter of their sum)."""
    if not deposits:
        return {}
    interest = _interest_paid(deposits)
    facts: dict[int, dict] = {}
    for deposit in deposits:
        fact = facts.setdefault(
            deposit.account_id, {"amount": ZERO, "interest": ZERO, "returned_on": None}
        )
        fact["amount"] += deposit.amount
        fact["interest"] += interest.get(deposit.pk, ZERO)
        fact["returned_on"] = deposit.closed_on  # the latest (they come oldest first)
        fact.update(
            credited=deposit.status == Deposit.Status.CREDITED,
            refunded=deposit.status == Deposit.Status.REFUNDED,
            applied=deposit.status == Deposit.Status.APPLIED,
        )
    return facts


def _batch_key(deposits: list[Deposit]) -> str:
    """The same deposits make the same key: a repeated click or night returns the first batch."""
    ids = ",".join(str(deposit.pk) for deposit in sorted(deposits, key=lambda d: d.pk))
    return f"deposit-refunds-{hashlib.sha256(ids.encode()).hexdigest()[:32]}"


def deposit_refund_letters(*, today: datetime.date, by) -> PrintBatch | None:
    """One batch of letters for the deposits returned and not yet written about; None when
    there are none. The night's job acts as the nightly user; anyone else must be a
    supervisor (the one who manages the letters)."""
    if getattr(by, "username", None) != NIGHTLY_USERNAME:
        require(by, Perm.MANAGE_POLICIES, doing="write the deposit refund letters")
    deposits = deposits_awaiting_letters(today=today)
    if not deposits:
        return None
    facts = deposit_refund_letter_facts(deposits)
    returned = sorted({deposit.closed_on for deposit in deposits})
    span = f"{returned[0]:%m/%d/%Y}" + (
        f" to {returned[-1]:%m/%d/%Y}" if returned[-1] != returned[0] else ""
    )
    return letter_batch_create(
        key=DEPOSIT_REFUND_KEY,
        account_ids=list(facts),
        by=by,
        reason=f"Deposits returned {span}",
        context_by_account=facts,
        idempotency_key=_batch_key(deposits),
    )
