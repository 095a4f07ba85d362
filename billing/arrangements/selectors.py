"""Reads of payment arrangements that other areas call (collections, shut-offs, bills).

Query counts: `arrangement_active` 1, `accounts_with_active_arrangement` 1,
`arrangement_standing` 1 (plus 1 when the installments were not prefetched),
`account_panel` 3 (the open arrangement, its installments, the ledger credits).
"""

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.db import connection
from django.db.models import Prefetch, Q
from django.utils import timezone

from billing.arrangements.models import Arrangement, Installment
from billing.arrangements.standing import CREDIT_SQL, Standing, standing_of
from district.ledger.models import GLAccount, Journal, JournalLine
from district.ledger.selectors import RECEIVABLE_PURPOSE
from district.money import ZERO
from district.roles import Perm

Status = Arrangement.Status

_CREDITS_SQL = f"""
    SELECT arrangement.id, COALESCE(SUM({CREDIT_SQL}), 0)
    FROM {Arrangement._meta.db_table} arrangement
    JOIN {JournalLine._meta.db_table} line
        ON line.service_account_id = arrangement.account_id
        AND line.effective_date >= arrangement.arranged_on
        AND line.effective_date <= %s
        AND line.gl_account_id = (
            SELECT id FROM {GLAccount._meta.db_table} WHERE purpose = '{RECEIVABLE_PURPOSE}'
        )
    JOIN {Journal._meta.db_table} journal ON journal.id = line.journal_id
    WHERE arrangement.id = ANY(%s)
    GROUP BY arrangement.id
"""


def _installments_prefetch() -> Prefetch:
    return Prefetch("installments", queryset=Installment.objects.order_by("due_on", "number"))


def credits_by_arrangement(
    arrangement_ids: Iterable[int], *, on: datetime.date
) -> dict[int, Decimal]:
    """Money paid toward each arrangement up to `on` (standing.py rule 1), one query."""
    ids = list(arrangement_ids)
    credits = dict.fromkeys(ids, ZERO)
    if not ids:
        return credits
    with connection.cursor() as cursor:
        cursor.execute(_CREDITS_SQL, [on, ids])
        for arrangement_id, total in cursor.fetchall():
            credits[arrangement_id] = Decimal(total).quantize(Decimal("0.01"))
    return credits


def arrangement_active(account_id: int, on: datetime.date | None = None) -> Arrangement | None:
    """The account's active arrangement (status active), or None; with `on`, only one made on
    or before that day (1 query)."""
    queryset = Arrangement.objects.filter(account_id=account_id, status=Status.ACTIVE)
    if on is not None:
        queryset = queryset.filter(arranged_on__lte=on)
    return queryset.first()


def accounts_with_active_arrangement(
    account_ids: Iterable[int], on: datetime.date | None = None
) -> set[int]:
    """Which of these accounts have an active arrangement (one query)."""
    queryset = Arrangement.objects.filter(account_id__in=list(account_ids), status=Status.ACTIVE)
    if on is not None:
        queryset = queryset.filter(arranged_on__lte=on)
    return set(queryset.values_list("account_id", flat=True))


def arrangement_standing(arrangement: Arrangement, on: datetime.date) -> Standing:
    """Each installment paid / part paid / due / late on `on`, and the totals (standing.py)."""
    credited = credits_by_arrangement([arrangement.pk], on=on)[arrangement.pk]
    return standing_of(arrangement, arrangement.installments.all(), credited=credited, on=on)


def arrangement_open(account_id: int) -> Arrangement | None:
    """The account's active or pending arrangement, with its installments (2 queries)."""
    return (
        Arrangement.objects.filter(account_id=account_id, status__in=Arrangement.OPEN_STATUSES)
        .prefetch_related(_installments_prefetch())
        .first()
    )


def arrangement_for_page(arrangement_id: int) -> Arrangement | None:
    return (
        Arrangement.objects.select_related(
            "account__customer", "requested_by", "ended_by", "approval_request"
        )
        .prefetch_related(_installments_prefetch())
        .filter(pk=arrangement_id)
        .first()
    )


def account_arrangements(account_id: int, *, limit: int = 10) -> list[Arrangement]:
    """The account's arrangements, newest first (1 query)."""
    return list(Arrangement.objects.filter(account_id=account_id)[:limit])


def arrangements_to_check(*, lock: bool = False) -> list[Arrangement]:
    """Every active arrangement with its installments, for the nightly check (2 queries).

    With `lock` (inside a transaction), the arrangement rows are locked in id order, so a
    cancellation at the counter and the nightly check never overwrite each other.
    """
    queryset = Arrangement.objects.filter(status=Status.ACTIVE)
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    return list(
        queryset.select_related("account").prefetch_related(_installments_prefetch()).order_by("pk")
    )


def installments_on_bill(account_id: int, bill_date: datetime.date) -> list[Installment]:
    """The installments of the arrangement that was active on a bill's date, with it (1 query).

    Active on the date: made on or before it, and still active, or ended (completed, defaulted,
    cancelled) after it. A bill printed again later shows what the customer owed then.
    """
    return list(
        Installment.objects.filter(
            arrangement__account_id=account_id,
            arrangement__activated_on__isnull=False,
            arrangement__arranged_on__lte=bill_date,
        )
        .filter(
            Q(arrangement__status=Status.ACTIVE)
            | Q(
                arrangement__status__in=(Status.COMPLETED, Status.DEFAULTED, Status.CANCELLED),
                arrangement__ended_on__gt=bill_date,
            )
        )
        .select_related("arrangement")
        .order_by("arrangement_id", "due_on", "number")
    )


def account_panel(request, *, account, **_context) -> dict:
    """The account page's "Payment arrangement" panel (3 queries)."""
    arrangement = arrangement_open(account.pk)
    standing = arrangement_standing(arrangement, timezone.localdate()) if arrangement else None
    return {
        "arrangement": arrangement,
        "standing": standing,
        "can_set_up": request.user.has_perm(Perm.EDIT_ACCOUNTS),
    }
