"""The cash drawer's life: open with a counted float, close blind, settle the over/short.

The close fixes what the drawer should hold under the session's lock, so every payment that
got the lock first is counted. A difference within the tolerance posts at once; a larger one
waits for a supervisor (never the drawer's own cashier).
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from district.approvals.models import ApprovalRequest
from district.approvals.services import approval_request_create
from district.attribution import acting_user
from district.errors import ServiceError, require
from district.ledger.models import Journal
from district.ledger.purposes import Purpose
from district.ledger.services import Line, journal_post
from district.money import ZERO, format_money, parse_money
from district.policies import policy_value
from district.roles import Perm
from district.transitions import transition
from payments.counter.denominations import count_clean, count_total
from payments.counter.services.sessions import session_expected, session_locked
from payments.counter.services.voids import VOID_KIND
from payments.models import Drawer, DrawerSession, Tender

OVER_SHORT_KIND = "drawer-over-short"


def _open_elsewhere(error: IntegrityError, *, drawer: Drawer, cashier) -> ServiceError | None:
    """The refusal for an open that one of the one-open-session constraints turned down."""
    if "cashier_one_open_session" in str(error):
        open_one = DrawerSession.objects.filter(
            cashier=cashier, status=DrawerSession.Status.OPEN
        ).first()
        return ServiceError(
            f"You already have drawer {open_one.drawer if open_one else ''} open; "
            "close it before opening another.",
            code="cashier_busy",
        )
    if "drawer_one_open_session" in str(error):
        open_one = (
            DrawerSession.objects.filter(drawer=drawer, status=DrawerSession.Status.OPEN)
            .select_related("cashier")
            .first()
        )
        who = open_one.cashier.get_full_name() or open_one.cashier.username if open_one else ""
        return ServiceError(
            f"Drawer {drawer} is already open{f' ({who})' if who else ''}.", code="drawer_busy"
        )
    return None


def drawer_open(*, drawer: Drawer, cashier, opening_count: dict, by=None) -> DrawerSession:
    """Open a session on `drawer` for `cashier` with the float as counted, by denomination.

    `by` is who counted the float when it is not the cashier (a supervisor opening a till's
    or kiosk's drawer for its service user); the history records them."""
    if not drawer.is_active:
        raise ServiceError(f"Drawer {drawer} is out of service.", code="drawer_inactive")
    count = count_clean(opening_count)
    session = DrawerSession(
        drawer=drawer,
        cashier=cashier,
        opening_count=count,
        opening_float=count_total(count),
    )
    try:
        with transaction.atomic(), acting_user(by or cashier):
            session.save()
    except IntegrityError as error:
        refusal = _open_elsewhere(error, drawer=drawer, cashier=cashier)
        if refusal is not None:
            raise refusal from error
        raise
    return session


# -- the blind close ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CloseCount:
    """What the cashier counted, before seeing what the system expects."""

    cash: dict  # denomination key -> pieces, float included
    checks_total: Decimal = ZERO
    check_items: int = 0
    money_orders_total: Decimal = ZERO
    cards_total: Decimal = ZERO


def close_count_record(session: DrawerSession, count: CloseCount) -> None:
    """Put a blind count on the session and work out the over/short against the expected
    figures fixed on it (cards settle through the processor, so they are shown, not posted)."""
    cash = count_clean(count.cash)
    amounts = {
        "checks_total": ("checks", parse_money(count.checks_total)),
        "money_orders_total": ("money orders", parse_money(count.money_orders_total)),
        "cards_total": ("cards", parse_money(count.cards_total)),
    }
    for name, (label, amount) in amounts.items():
        if amount < 0:
            raise ServiceError({name: f"The {label} total cannot be negative."}, code="negative")
    if count.check_items < 0:
        raise ServiceError(
            {"check_items": "The number of checks cannot be negative."}, code="negative"
        )
    session.close_count = cash
    session.counted_cash = count_total(cash)
    session.counted_checks = amounts["checks_total"][1]
    session.counted_check_items = count.check_items
    session.counted_money_orders = amounts["money_orders_total"][1]
    session.counted_cards = amounts["cards_total"][1]
    session.over_short = (
        (session.counted_cash - session.expected_cash)
        + (session.counted_checks - (session.expected_checks or ZERO))
        + (session.counted_money_orders - (session.expected_money_orders or ZERO))
    )


def over_short_settle(
    session: DrawerSession, *, by, key: str, headline: str, note: str = "", payload=None
) -> None:
    """Post a difference within the tolerance at once; ask a supervisor to approve a larger one
    (its journal posts when approved). `key` makes the journal or the request once-only."""
    tolerance = policy_value("drawer-over-short-tolerance")
    if session.over_short == 0:
        session.over_short_state = DrawerSession.OverShort.NONE
    elif abs(session.over_short) <= tolerance:
        session.over_short_journal = over_short_post(session, by=by, key=key, note=note)
        session.over_short_state = DrawerSession.OverShort.POSTED
    else:
        session.over_short_state = DrawerSession.OverShort.PENDING
        session.save()
        what = "over" if session.over_short > 0 else "short"
        session.over_short_request = approval_request_create(
            kind=OVER_SHORT_KIND,
            by=by,
            reason=(
                f"{headline} {format_money(abs(session.over_short))} {what}, beyond the "
                f"{format_money(tolerance)} tolerance. {note}"
            ).strip(),
            amount=abs(session.over_short),
            payload={"session_id": session.pk, **(payload or {})},
            target=session,
            idempotency_key=key,
        )
    session.save()


def _check_closable(session: DrawerSession, by, *, on_behalf: bool) -> None:
    if not session.can_move_to(DrawerSession.Status.CLOSED):
        raise ServiceError(f"Drawer {session.drawer} is already closed.", code="closed")
    if on_behalf:
        # A till's or kiosk's drawer: its service user cannot count, so a head cashier does.
        require(by, Perm.BALANCE_CASH, doing="count and close another's drawer")
    elif session.cashier_id != by.pk:
        raise ServiceError("Only the drawer's cashier closes it.", code="not_your_drawer")
    pending_voids = ApprovalRequest.objects.filter(
        kind=VOID_KIND,
        status=ApprovalRequest.Status.PENDING,
        payload__payment_id__in=list(session.payments.values_list("pk", flat=True)),
    )
    if pending_voids.exists():
        raise ServiceError(
            "A void of this drawer's payment awaits a supervisor: have it decided first.",
            code="void_pending",
        )


def drawer_close(
    *, session_id: int, by, count: CloseCount, on_behalf: bool = False
) -> DrawerSession:
    """Close the drawer with the blind count: the expected figures are fixed now, under the
    session's lock, so every payment that got the lock first is counted.

    `on_behalf`: `by` counts and closes a drawer that is not theirs (an integration's till or
    kiosk); it takes the balance-cash permission, and `by` is recorded as the closer, who then
    cannot approve the over/short."""
    with transaction.atomic(), acting_user(by):
        session = session_locked(session_id)
        _check_closable(session, by, on_behalf=on_behalf)
        expected = session_expected(session)
        session.expected_cash = expected[Tender.Kind.CASH]
        session.expected_checks = expected[Tender.Kind.CHECK]
        session.expected_money_orders = expected[Tender.Kind.MONEY_ORDER]
        session.expected_cards = expected[Tender.Kind.CARD]
        close_count_record(session, count)
        transition(session, DrawerSession.Status.CLOSED)
        session.closed_at = timezone.now()
        session.closed_by = by
        over_short_settle(
            session,
            by=by,
            key=f"over-short:{session.pk}",
            headline=f"Drawer {session.drawer} closed",
        )
    return session


# -- the over/short ----------------------------------------------------------------------------


def over_short_post(session: DrawerSession, *, by, key: str, note: str = "") -> Journal:
    """The difference's journal: debit undeposited funds (over) or credit it (short)."""
    difference = session.over_short
    what = "over" if difference > 0 else "short"
    memo = f"Drawer {session.drawer} {session.business_date:%Y-%m-%d} {what}"
    return journal_post(
        kind=Journal.Kind.OVER_SHORT,
        memo=(f"{memo} ({note})" if note else memo)[:255],
        lines=[
            Line(Purpose.UNDEPOSITED_FUNDS, difference),
            Line(Purpose.CASH_OVER_SHORT, -difference),
        ],
        by=by,
        idempotency_key=key,
        source=session,
    )


def over_short_approve(request: ApprovalRequest, by) -> dict:
    session = session_locked(int(request.payload["session_id"]))
    if session.over_short_state != DrawerSession.OverShort.PENDING:
        raise ServiceError("This drawer's over/short is no longer awaiting approval.")
    if session.cashier_id == by.pk:
        raise ServiceError("A cashier cannot approve their own drawer's over/short.")
    # Separation of duties holds on the count too: whoever counted the drawer (the cashier, or
    # a supervisor closing a till's drawer for it) is not the one who accepts the difference.
    if by.pk in (session.closed_by_id, request.requested_by_id):
        raise ServiceError("Whoever counted a drawer cannot approve its over/short.")
    session.over_short_journal = over_short_post(session, by=by, key=f"over-short:{session.pk}")
    session.over_short_state = DrawerSession.OverShort.POSTED
    session.save(update_fields=["over_short_journal", "over_short_state"])
    return {"journal_id": session.over_short_journal_id}


def over_short_describe(request: ApprovalRequest) -> str:
    return f"Accept a drawer difference of {format_money(request.amount or ZERO)}."
