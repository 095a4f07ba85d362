"""Reads of bank deposits and of the head cashier's day: what waits for the bank, what went.

Every list here costs a fixed number of queries whatever its length (sums are grouped in SQL,
related rows joined), so the pages that show them stay flat as the day grows.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from district.approvals.models import ApprovalRequest
from district.money import ZERO
from payments.counter.denominations import count_rows
from payments.counter.services import depositable_amount
from payments.models import BankDeposit, DrawerSession, Payment, PaymentBatch, Tender

# Paper that goes into the bag and is listed one by one on the slip.
BAG_CHECK_KINDS = (Tender.Kind.CHECK, Tender.Kind.MONEY_ORDER)


def checks_in_bag(*, session_ids, batch_ids) -> QuerySet[Tender]:
    """The check and money-order tenders of the sessions' payments (voids excluded: a voided
    check went back to the customer) and of the batches' payments, in a stable order."""
    return (
        Tender.objects.filter(kind__in=BAG_CHECK_KINDS)
        .filter(
            Q(payment__session_id__in=list(session_ids), payment__void__isnull=True)
            | Q(payment__batch_id__in=list(batch_ids))
        )
        .select_related("payment")
        .order_by("payment__session_id", "payment__batch_id", "id")
    )


def _check_totals_by(source: str, ids) -> dict[int, tuple[int, Decimal]]:
    """{session or batch id: (number of checks, their total)} in one query."""
    ids = list(ids)
    if not ids:
        return {}
    filters = {f"payment__{source}_id__in": ids, "kind__in": BAG_CHECK_KINDS}
    if source == "session":
        filters["payment__void__isnull"] = True
    rows = (
        Tender.objects.filter(**filters)
        .values_list(f"payment__{source}_id")
        .annotate(items=Count("id"), total=Sum("amount"))
        .values_list(f"payment__{source}_id", "items", "total")
    )
    return {source_id: (items, total) for source_id, items, total in rows}


@dataclass
class Source:
    """A closed session or a posted mail batch as it goes into a deposit."""

    kind: str  # "session" or "batch"
    pk: int
    label: str
    amount: Decimal  # what it sends to the bank
    check_count: int
    check_total: Decimal
    row: object  # the DrawerSession or PaymentBatch
    warning: str = ""

    @property
    def cash(self) -> Decimal:
        # The checks listed are the tenders taken; the rest of the amount is currency.
        return self.amount - self.check_total


def _session_source(session: DrawerSession, checks: tuple[int, Decimal]) -> Source:
    cashier = session.cashier.get_full_name() or session.cashier.username
    source = Source(
        kind="session",
        pk=session.pk,
        label=f"Drawer {session.drawer} · {cashier} · {session.business_date:%b %-d, %Y}",
        amount=depositable_amount(session),
        check_count=checks[0],
        check_total=checks[1],
        row=session,
    )
    counted = (session.counted_checks or ZERO) + (session.counted_money_orders or ZERO)
    if counted != source.check_total:
        source.warning = (
            "Checks counted at the close differ from the checks taken: the slip lists the "
            "checks taken, and the cash to deposit absorbs the difference."
        )
    return source


def _batch_source(batch: PaymentBatch, checks: tuple[int, Decimal]) -> Source:
    return Source(
        kind="batch",
        pk=batch.pk,
        label=f"{batch} · {batch.description or batch.get_kind_display()} · "
        f"{batch.business_date:%b %-d, %Y}",
        amount=batch.payments_total or ZERO,
        check_count=checks[0],
        check_total=checks[1],
        row=batch,
    )


def session_sources(sessions) -> list[Source]:
    sessions = list(sessions)
    checks = _check_totals_by("session", [session.pk for session in sessions])
    return [_session_source(session, checks.get(session.pk, (0, ZERO))) for session in sessions]


def batch_sources(batches) -> list[Source]:
    batches = list(batches)
    checks = _check_totals_by("batch", [batch.pk for batch in batches])
    return [_batch_source(batch, checks.get(batch.pk, (0, ZERO))) for batch in batches]


def _batches_with_totals() -> QuerySet[PaymentBatch]:
    return PaymentBatch.objects.annotate(
        payments_total=Sum("payments__total"), payment_count=Count("payments")
    )


@dataclass
class Undeposited:
    sessions: list[Source]  # closed, over/short settled: ready for the bank
    batches: list[Source]  # posted mail batches
    awaiting: list[DrawerSession] = field(default_factory=list)  # over/short not approved

    @property
    def cash(self) -> Decimal:
        return sum((source.cash for source in self.sessions + self.batches), ZERO)

    @property
    def checks(self) -> Decimal:
        return sum((source.check_total for source in self.sessions + self.batches), ZERO)

    @property
    def total(self) -> Decimal:
        return sum((source.amount for source in self.sessions + self.batches), ZERO)


def undeposited() -> Undeposited:
    """Closed sessions and posted mail batches not in any deposit yet (4 queries)."""
    closed = list(
        DrawerSession.objects.filter(status=DrawerSession.Status.CLOSED, deposit_item__isnull=True)
        .select_related("drawer", "cashier")
        .order_by("business_date", "drawer__name", "id")
    )
    ready = [s for s in closed if s.over_short_state != DrawerSession.OverShort.PENDING]
    batches = (
        _batches_with_totals()
        .filter(
            status=PaymentBatch.Status.POSTED,
            kind=PaymentBatch.Kind.MAIL,
            deposit_item__isnull=True,
        )
        .order_by("business_date", "id")
    )
    return Undeposited(
        sessions=session_sources(ready),
        batches=batch_sources(batches),
        awaiting=[s for s in closed if s.over_short_state == DrawerSession.OverShort.PENDING],
    )


def deposit_list(limit: int = 200) -> list[BankDeposit]:
    """The latest deposits with who prepared them and the bank line matched (1 query)."""
    return list(
        BankDeposit.objects.select_related("prepared_by", "bank_line")
        .annotate(item_count=Count("items"))
        .order_by("-business_date", "-id")[:limit]
    )


@dataclass
class DepositView:
    deposit: BankDeposit
    sources: list[Source]
    checks: list[Tender]
    currency: list  # (Denomination, pieces, value)
    bank_line: object | None


def deposit_view(deposit_id: int) -> DepositView | None:
    """A deposit with its items as sources, the checks in its bag and its bank match."""
    deposit = (
        BankDeposit.objects.select_related("prepared_by", "journal", "bank_line")
        .filter(pk=deposit_id)
        .first()
    )
    if deposit is None:
        return None
    items = list(deposit.items.select_related("session__drawer", "session__cashier"))
    session_ids = [item.session_id for item in items if item.session_id]
    batch_ids = [item.batch_id for item in items if item.batch_id]
    sessions = [item.session for item in items if item.session_id]
    batches = list(_batches_with_totals().filter(pk__in=batch_ids).order_by("id"))
    # A missing reverse one-to-one raises an AttributeError subclass: getattr's default holds.
    bank_line = getattr(deposit, "bank_line", None)
    return DepositView(
        deposit=deposit,
        sources=session_sources(sessions) + batch_sources(batches),
        checks=list(checks_in_bag(session_ids=session_ids, batch_ids=batch_ids)),
        currency=count_rows(deposit.currency_count),
        bank_line=bank_line,
    )


# -- the head cashier's day --------------------------------------------------------------------


@dataclass
class SessionDay:
    session: DrawerSession
    payment_count: int
    void_count: int
    # Expected by tender kind: stored at the close, running (from the tenders) while open.
    expected: dict
    counted: dict  # empty while open
    deposit_id: int | None
    recountable: bool = False


@dataclass
class CashDay:
    day: date
    sessions: list[SessionDay]
    batches: list[PaymentBatch]
    totals: dict = field(default_factory=dict)


# The tenders the head cashier's day shows per drawer, in its columns' order.
DAY_TENDERS = (Tender.Kind.CASH, Tender.Kind.CHECK, Tender.Kind.MONEY_ORDER, Tender.Kind.CARD)


def _running_tenders(session_ids) -> dict[int, dict]:
    """{session id: {tender kind: total}} of the sessions' payments, voids excluded."""
    tenders: dict[int, dict] = {}
    for session_id, kind, total in (
        Tender.objects.filter(payment__session_id__in=session_ids, payment__void__isnull=True)
        .values_list("payment__session_id", "kind")
        .annotate(total=Sum("amount"))
        .values_list("payment__session_id", "kind", "total")
    ):
        tenders.setdefault(session_id, {})[kind] = total
    return tenders


def _expected_and_counted(session: DrawerSession, running: dict) -> tuple[dict, dict]:
    """Expected by tender kind (fixed at the close, else running with the float) and counted
    (empty while open)."""
    if session.status != DrawerSession.Status.CLOSED:
        expected = {kind: running.get(kind, ZERO) for kind in DAY_TENDERS}
        expected[Tender.Kind.CASH] += session.opening_float
        return expected, {}
    expected = {
        Tender.Kind.CASH: session.expected_cash,
        Tender.Kind.CHECK: session.expected_checks,
        Tender.Kind.MONEY_ORDER: session.expected_money_orders,
        Tender.Kind.CARD: session.expected_cards,
    }
    counted = {
        Tender.Kind.CASH: session.counted_cash,
        Tender.Kind.CHECK: session.counted_checks,
        Tender.Kind.MONEY_ORDER: session.counted_money_orders,
        Tender.Kind.CARD: session.counted_cards,
    }
    return expected, counted


def _session_days(sessions: list[DrawerSession]) -> list[SessionDay]:
    ids = [session.pk for session in sessions]
    tenders = _running_tenders(ids)
    counts = {
        row["session_id"]: row
        for row in Payment.objects.filter(session_id__in=ids)
        .values("session_id")
        .annotate(payments=Count("id"), voids=Count("void"))
    }
    rows = []
    for session in sessions:
        expected, counted = _expected_and_counted(session, tenders.get(session.pk, {}))
        item = getattr(session, "deposit_item", None)
        row_counts = counts.get(session.pk, {})
        rows.append(
            SessionDay(
                session=session,
                payment_count=row_counts.get("payments", 0),
                void_count=row_counts.get("voids", 0),
                expected=expected,
                counted=counted,
                deposit_id=item.deposit_id if item is not None else None,
                recountable=recountable(session),
            )
        )
    return rows


def _day_totals(rows: list[SessionDay], batches: list[PaymentBatch]) -> dict:
    closed = [row for row in rows if row.session.status == DrawerSession.Status.CLOSED]

    def summed(figures: str, *kinds) -> Decimal:
        return sum((getattr(row, figures)[kind] or ZERO for row in closed for kind in kinds), ZERO)

    paper = (Tender.Kind.CHECK, Tender.Kind.MONEY_ORDER)
    return {
        "float": sum((row.session.opening_float for row in rows), ZERO),
        "expected_cash": summed("expected", Tender.Kind.CASH),
        "counted_cash": summed("counted", Tender.Kind.CASH),
        "expected_checks": summed("expected", *paper),
        "counted_checks": summed("counted", *paper),
        "over_short": sum((row.session.over_short for row in closed), ZERO),
        "batches": sum((batch.payments_total or ZERO for batch in batches), ZERO),
        "open": len(rows) - len(closed),
        "undeposited_sessions": sum(1 for row in closed if row.deposit_id is None),
        "undeposited_batches": sum(
            1
            for batch in batches
            if batch.kind == PaymentBatch.Kind.MAIL and not _has_deposit(batch)
        ),
    }


def cash_day(day: date) -> CashDay:
    """Every drawer session and posted batch of a business day (4 queries in all)."""
    sessions = list(
        DrawerSession.objects.filter(business_date=day)
        .select_related("drawer", "cashier", "deposit_item", "over_short_request")
        .order_by("drawer__name", "opened_at", "id")
    )
    rows = _session_days(sessions)
    batches = list(
        _batches_with_totals()
        .filter(business_date=day, status=PaymentBatch.Status.POSTED)
        .select_related("deposit_item")
        .order_by("kind", "id")
    )
    return CashDay(day=day, sessions=rows, batches=batches, totals=_day_totals(rows, batches))


def _has_deposit(row) -> bool:
    return getattr(row, "deposit_item", None) is not None


def recountable(session: DrawerSession) -> bool:
    """Whether a closed session's over/short waits for a recount (its request turned down)."""
    if session.status != DrawerSession.Status.CLOSED:
        return False
    if session.over_short_state != DrawerSession.OverShort.PENDING:
        return False
    request = session.over_short_request
    return request is None or request.status in {
        ApprovalRequest.Status.REJECTED,
        ApprovalRequest.Status.CANCELLED,
    }


def cash_day_summary() -> dict[str, int]:
    """The head cashier's home panel: drawers open, closed and waiting for the bank, and
    differences awaiting a supervisor, over every day (one query)."""
    not_deposited = Q(status=DrawerSession.Status.CLOSED, deposit_item__isnull=True)
    return DrawerSession.objects.aggregate(
        open=Count("pk", filter=Q(status=DrawerSession.Status.OPEN)),
        to_deposit=Count(
            "pk", filter=not_deposited & ~Q(over_short_state=DrawerSession.OverShort.PENDING)
        ),
        awaiting_approval=Count(
            "pk", filter=not_deposited & Q(over_short_state=DrawerSession.OverShort.PENDING)
        ),
    )
