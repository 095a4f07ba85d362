"""Bank deposits of closed drawers and posted mail batches, and the head cashier's recount.

A deposit moves money from undeposited funds to deposits in transit (the bank line matches it
later). Each session and batch goes to the bank once: the service refuses a second deposit,
and the one-to-one links of BankDepositItem are the database's guarantee of it.

Checks and the cash figure. A session's close counts its checks as one total, while the slip
lists checks one by one; the two can differ (a check missed in the count, the difference
posted to over/short). The slip lists the check and money-order *tenders* taken (the only
itemised record there is), and the cash to deposit is the rest of the amount:
cash = depositable amount - listed checks. When counts and tenders agree (nearly always) that
is exactly the counted cash less the float; when they differ, the deposit page warns and the
preparer finds the check before taking the bag, so undeposited funds still clear to zero.
"""

from django.db import IntegrityError, connection, transaction
from django.db.models import Sum
from django.utils import timezone

from district.approvals.models import ApprovalRequest
from district.attribution import acting_user
from district.errors import ServiceError, require
from district.ledger.models import Journal
from district.ledger.purposes import Purpose
from district.ledger.services import Line, journal_post
from district.money import ZERO, format_money
from district.roles import Perm
from payments.counter.denominations import count_clean, count_total
from payments.counter.services import (
    OVER_SHORT_KIND,
    CloseCount,
    close_count_record,
    depositable_amount,
    over_short_settle,
    session_locked,
)
from payments.deposits.selectors import BAG_CHECK_KINDS
from payments.models import (
    BankDeposit,
    BankDepositItem,
    DrawerSession,
    Payment,
    PaymentBatch,
    Tender,
)


def _ids(values, *, what: str) -> list[int]:
    try:
        return sorted({int(value) for value in values or []})
    except (TypeError, ValueError):
        raise ServiceError(f"The {what} chosen are not valid.", code="ids") from None


def _next_deposit_id() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence('payments_bankdeposit', 'id'))")
        return cursor.fetchone()[0]


def _existing(key: str, *, session_ids: list[int], batch_ids: list[int]) -> BankDeposit:
    existing = BankDeposit.objects.get(idempotency_key=key)
    items = list(existing.items.values_list("session_id", "batch_id"))
    if (
        sorted(s for s, _ in items if s) != session_ids
        or sorted(b for _, b in items if b) != batch_ids
    ):
        raise ServiceError(
            "This request key was already used for a different deposit; reload the form.",
            code="key_reused",
        )
    return existing


def _locked_sources(session_ids, batch_ids):
    """Lock the sessions, then the batches, each in id order (a stable order: no deadlock)."""
    sessions = list(
        # of=("self",): lock the sessions only, not the drawers joined for their names.
        DrawerSession.objects.select_for_update(of=("self",))
        .filter(pk__in=session_ids)
        .select_related("drawer")
        .order_by("pk")
    )
    batches = list(PaymentBatch.objects.select_for_update().filter(pk__in=batch_ids).order_by("pk"))
    if len(sessions) != len(session_ids) or len(batches) != len(batch_ids):
        raise ServiceError(
            "A drawer session or batch chosen no longer exists; reload the page.",
            code="missing",
        )
    return sessions, batches


def _check_session(session: DrawerSession, deposited: dict) -> None:
    name = f"Drawer {session.drawer} of {session.business_date:%b %-d, %Y}"
    if session.status != DrawerSession.Status.CLOSED:
        raise ServiceError(f"{name} is still open: close it first.", code="open")
    if session.over_short_state == DrawerSession.OverShort.PENDING:
        raise ServiceError(
            f"{name} awaits approval of its over/short of {format_money(session.over_short)}: "
            "it cannot be deposited until a supervisor decides it.",
            code="over_short_pending",
        )
    if session.pk in deposited:
        raise ServiceError(
            f"{name} was already deposited (deposit {deposited[session.pk]}).",
            code="deposited",
        )


def _check_batch(batch: PaymentBatch, deposited: dict) -> None:
    if batch.kind != PaymentBatch.Kind.MAIL:
        raise ServiceError(
            f"{batch} is a {batch.get_kind_display().lower()}: its money reaches the bank "
            "without us, so it is not deposited.",
            code="not_mail",
        )
    if batch.status != PaymentBatch.Status.POSTED:
        raise ServiceError(f"{batch} is not posted yet: post it first.", code="not_posted")
    if batch.pk in deposited:
        raise ServiceError(
            f"{batch} was already deposited (deposit {deposited[batch.pk]}).", code="deposited"
        )


def bank_deposit_prepare(
    *, session_ids: list[int], batch_ids: list[int], currency_count: dict, by, idempotency_key: str
) -> BankDeposit:
    """Put closed drawer sessions and posted mail batches in one bank deposit: the currency
    counted into the bag must equal the cash to deposit. Posts once per key."""
    require(by, Perm.BALANCE_CASH, doing="prepare bank deposits")
    key = (idempotency_key or "").strip()
    if not key or len(key) > 120:
        raise ServiceError("The form is missing its request key; reload it.", code="key")
    session_ids = _ids(session_ids, what="drawer sessions")
    batch_ids = _ids(batch_ids, what="batches")
    currency = count_clean(currency_count or {})
    try:
        with transaction.atomic(), acting_user(by):
            sessions, batches = _locked_sources(session_ids, batch_ids)
            # After the locks: a concurrent request with this key has committed or rolled back.
            if BankDeposit.objects.filter(idempotency_key=key).exists():
                return _existing(key, session_ids=session_ids, batch_ids=batch_ids)
            if not sessions and not batches:
                raise ServiceError(
                    "Choose at least one closed drawer or posted mail batch to deposit.",
                    code="nothing",
                )
            return _deposit_write(
                sessions=sessions, batches=batches, currency=currency, by=by, key=key
            )
    except IntegrityError:
        # The same key raced us to the unique index from another set of locks.
        if BankDeposit.objects.filter(idempotency_key=key).exists():
            return _existing(key, session_ids=session_ids, batch_ids=batch_ids)
        raise


def _check_sources(sessions, batches) -> None:
    """Each session closed and settled, each batch a posted mail batch, none deposited yet."""
    deposited = dict(
        BankDepositItem.objects.filter(session__in=sessions).values_list("session_id", "deposit_id")
    )
    for session in sessions:
        _check_session(session, deposited)
    deposited = dict(
        BankDepositItem.objects.filter(batch__in=batches).values_list("batch_id", "deposit_id")
    )
    for batch in batches:
        _check_batch(batch, deposited)


def _amounts(sessions, batches) -> list[tuple]:
    """(session, batch, amount) of each source: what it sends to the bank."""
    batch_totals = dict(
        Payment.objects.filter(batch__in=batches)
        .values_list("batch_id")
        .annotate(total=Sum("total"))
        .values_list("batch_id", "total")
    )
    return [(session, None, depositable_amount(session)) for session in sessions] + [
        (None, batch, batch_totals.get(batch.pk, ZERO)) for batch in batches
    ]


def _checks_in_bag(sessions, batches) -> list:
    """The amounts of the checks and money orders the sources took (voids excluded)."""
    return list(
        Tender.objects.filter(kind__in=BAG_CHECK_KINDS, payment__session__in=sessions)
        .filter(payment__void__isnull=True)
        .values_list("amount", flat=True)
    ) + list(
        Tender.objects.filter(kind__in=BAG_CHECK_KINDS, payment__batch__in=batches).values_list(
            "amount", flat=True
        )
    )


def _check_bag(*, total, check_total, currency) -> None:
    """The currency counted into the bag must be the cash to deposit, to the cent."""
    cash = total - check_total  # see the module docstring: the listed checks are the tenders
    if cash < 0:
        raise ServiceError(
            f"The checks taken ({format_money(check_total)}) exceed the amount to deposit "
            f"({format_money(total)}): a drawer's count is wrong; recount it first.",
            code="checks_exceed",
        )
    counted = count_total(currency)
    if counted != cash:
        difference = counted - cash
        raise ServiceError(
            {
                "currency_count": (
                    f"The currency counted, {format_money(counted)}, is "
                    f"{format_money(abs(difference))} {'over' if difference > 0 else 'short of'}"
                    f" the {format_money(cash)} cash to deposit. Recount the bag."
                )
            },
            code="count_mismatch",
        )


def _deposit_write(*, sessions, batches, currency, by, key) -> BankDeposit:
    _check_sources(sessions, batches)
    amounts = _amounts(sessions, batches)
    total = sum((amount for _, _, amount in amounts), ZERO)
    if total <= 0:
        raise ServiceError(
            "There is nothing to deposit: the drawers chosen hold only their float.",
            code="nothing",
        )
    checks = _checks_in_bag(sessions, batches)
    check_total = sum(checks, ZERO)
    _check_bag(total=total, check_total=check_total, currency=currency)
    deposit_id = _next_deposit_id()
    today = timezone.localdate()
    journal = journal_post(
        kind=Journal.Kind.BANK_DEPOSIT,
        memo=f"Bank deposit {deposit_id} of {today:%Y-%m-%d}",
        lines=[
            Line(Purpose.DEPOSITS_IN_TRANSIT, total),
            Line(Purpose.UNDEPOSITED_FUNDS, -total),
        ],
        by=by,
        idempotency_key=f"bank-deposit:{key}",
        source=BankDeposit(pk=deposit_id),
    )
    deposit = BankDeposit.objects.create(
        pk=deposit_id,
        business_date=today,
        prepared_by=by,
        currency_count=currency,
        cash_total=total - check_total,
        check_total=check_total,
        check_count=len(checks),
        total=total,
        journal=journal,
        idempotency_key=key,
    )
    try:
        with transaction.atomic():
            BankDepositItem.objects.bulk_create(
                BankDepositItem(deposit=deposit, session=session, batch=batch, amount=amount)
                for session, batch, amount in amounts
            )
    except IntegrityError as error:
        # Only the one-to-one links can fail here: someone deposited one of them meanwhile.
        raise ServiceError(
            "A drawer or batch chosen was deposited by someone else meanwhile; reload the page.",
            code="deposited",
        ) from error
    return deposit


# -- the head cashier's recount ----------------------------------------------------------------


def drawer_recount(*, session_id: int, by, count: CloseCount, reason: str) -> DrawerSession:
    """Recount a closed drawer whose over/short a supervisor rejected (or its cashier withdrew):
    record the new count, then post a difference within tolerance or ask for approval again.

    The expected figures fixed at the close stay as they were; only the count changes. The
    head cashier recounts, never the drawer's own cashier (a second pair of eyes).
    """
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError({"reason": "Say why the drawer was recounted."}, code="reason")
    require(by, Perm.BALANCE_CASH, doing="recount drawers")
    with transaction.atomic(), acting_user(by):
        session = session_locked(session_id)
        if session.status != DrawerSession.Status.CLOSED:
            raise ServiceError(f"Drawer {session.drawer} is still open.", code="open")
        if session.over_short_state != DrawerSession.OverShort.PENDING:
            raise ServiceError(
                f"Drawer {session.drawer}'s over/short is settled: there is nothing to recount.",
                code="settled",
            )
        request = (
            ApprovalRequest.objects.select_for_update()
            .filter(pk=session.over_short_request_id)
            .first()
        )
        if request is not None and request.status == ApprovalRequest.Status.PENDING:
            raise ServiceError(
                "A supervisor has not decided this drawer's over/short yet: wait for the "
                "decision (recount only after a rejection).",
                code="undecided",
            )
        if session.cashier_id == by.pk:
            raise ServiceError(
                "Another head cashier or supervisor recounts your drawer.", code="own_drawer"
            )
        # The n-th recount: one more than the approval requests this drawer has filed.
        recount = ApprovalRequest.objects.filter(
            kind=OVER_SHORT_KIND, payload__session_id=session.pk
        ).count()
        close_count_record(session, count)
        over_short_settle(
            session,
            by=by,
            key=f"over-short:{session.pk}:{recount}",
            headline=f"Recount of drawer {session.drawer}:",
            note=f"recount: {reason}",
            payload={"recount": recount},
        )
    return session
