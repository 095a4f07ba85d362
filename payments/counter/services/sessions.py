"""A drawer session's lock and what it should hold: shared by payments, voids, the close and
the head cashier's recount."""

from decimal import Decimal

from django.db.models import Sum

from district.errors import ServiceError
from district.money import ZERO
from payments.models import DrawerSession, Tender

# Tenders the drawer holds and the blind close counts (cards settle through the processor).
DRAWER_TENDERS = (Tender.Kind.CASH, Tender.Kind.CHECK, Tender.Kind.MONEY_ORDER)


def session_locked(session_id: int) -> DrawerSession:
    """The session, row-locked until the transaction ends: every write that counts toward a
    drawer (a payment, a void, the close, a recount) takes this lock first."""
    session = (
        DrawerSession.objects.select_for_update()
        .select_related("drawer")
        .filter(pk=session_id)
        .first()
    )
    if session is None:
        raise ServiceError("That drawer session does not exist.", code="no_session")
    return session


def session_expected(session: DrawerSession) -> dict[str, Decimal]:
    """What the drawer should hold by tender kind (cash includes the float), voids excluded."""
    totals = dict(
        Tender.objects.filter(payment__session=session, payment__void__isnull=True)
        .values_list("kind")
        .annotate(total=Sum("amount"))
        .values_list("kind", "total")
    )
    expected = {kind: totals.get(kind, ZERO) for kind in Tender.Kind.values}
    expected[Tender.Kind.CASH] += session.opening_float
    return expected


def session_check_items(session: DrawerSession) -> int:
    return Tender.objects.filter(
        payment__session=session, payment__void__isnull=True, kind=Tender.Kind.CHECK
    ).count()


def depositable_amount(session: DrawerSession) -> Decimal:
    """What a closed session sends to the bank: counted cash less the float kept in the
    drawer, plus checks and money orders."""
    return (
        (session.counted_cash or ZERO)
        - session.opening_float
        + (session.counted_checks or ZERO)
        + (session.counted_money_orders or ZERO)
    )
