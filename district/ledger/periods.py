"""The month-end close: closed accounting months, the close checklist, closing and reopening.

A closed month takes no journal dated inside it. The rule is kept by the database (a
statement-level trigger on the journals, district.ledger.models.Journal: one indexed lookup of
the months the inserted journals fall in), so journal_post, journal_reverse, the bulk posting
and raw SQL alike are refused; the posting services turn the trigger's error into a
ServiceError with `closed_period_error`. Nothing is closed until someone closes it, so postings
dated in the past keep working in a fresh database.

The checklist is filled by the apps above the ledger: each registers its items in its
registrations.py with `close_checks.register(key, label, check)`, where `check(month)` returns
a CheckResult. The ledger never imports them.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import IntegrityError, connection, transaction
from django.db.utils import OperationalError
from django.utils import timezone

from district.errors import ServiceError, require
from district.ledger.models import ClosedPeriod, Journal
from district.registries import Registry, callable_name
from district.roles import Perm

# The trigger names this constraint in the error it raises (see Journal.Meta.triggers).
CLOSED_PERIOD_CONSTRAINT = "ledger_period_closed"
# Closing waits at most this long for postings in flight (a bill run posting) to commit.
_CLOSE_LOCK_TIMEOUT = "5s"


@dataclass(frozen=True, order=True)
class Month:
    """A calendar month ("2026-07")."""

    year: int
    month: int

    @classmethod
    def of(cls, day: date) -> "Month":
        return cls(day.year, day.month)

    @classmethod
    def parse(cls, text: str) -> "Month":
        """From "YYYY-MM"; a ServiceError for anything else."""
        found = re.fullmatch(r"(\d{4})-(\d{2})", (text or "").strip())
        if not found or not 1 <= int(found[2]) <= 12 or int(found[1]) < 1900:
            raise ServiceError("Give the month as YYYY-MM (e.g. 2026-07).", code="month")
        return cls(int(found[1]), int(found[2]))

    @property
    def first(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last(self) -> date:
        return self.next.first - timedelta(days=1)

    @property
    def next(self) -> "Month":
        return Month(self.year + self.month // 12, self.month % 12 + 1)

    @property
    def previous(self) -> "Month":
        return Month.of(self.first - timedelta(days=1))

    @property
    def key(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def label(self) -> str:
        return self.first.strftime("%B %Y")

    def __str__(self) -> str:
        return self.key


def closed_message(month: Month) -> str:
    return f"{month.label} is closed: post it dated in an open month."


def closed_period_error(error: IntegrityError) -> ServiceError | None:
    """The ServiceError for the closed-period trigger's error, or None for any other error.

    The trigger puts the first day of the closed month in the error's detail."""
    diagnostics = getattr(error.__cause__, "diag", None)
    if diagnostics is None or diagnostics.constraint_name != CLOSED_PERIOD_CONSTRAINT:
        return None
    month = Month.of(date.fromisoformat(diagnostics.message_detail))
    return ServiceError(closed_message(month), code="period_closed")


# --- the checklist ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckResult:
    """What an item of the checklist found for a month."""

    done: bool
    summary: str  # "2 bill runs, all posted"
    details: tuple[str, ...] = ()  # a few lines naming what is still open
    url_name: str = ""  # the page where the work is done (no arguments)


@dataclass(frozen=True)
class CloseCheck:
    label: str
    check: Callable[[Month], CheckResult]
    order: int = 0


class CloseChecks:
    """The month-end checklist's items, registered by the apps that own the work."""

    def __init__(self):
        self._registry = Registry(
            "month-end close checks",
            describe=lambda key, entry: (
                f"{key}: {entry.label} -> {callable_name(entry.check)} order={entry.order}"
            ),
            order=lambda key, entry: (entry.order, key),
        )

    def register(
        self, key: str, label: str, check: Callable[[Month], CheckResult], *, order: int = 0
    ) -> None:
        self._registry.register(key, CloseCheck(label, check, order))

    def unregister(self, key: str) -> None:
        self._registry.unregister(key)

    def items(self) -> list[tuple[str, CloseCheck]]:
        return self._registry.items()


close_checks = CloseChecks()


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    label: str
    result: CheckResult


def close_checklist(month: Month) -> list[ChecklistItem]:
    """Every registered item's result for the month, in order."""
    return [
        ChecklistItem(key, entry.label, entry.check(month)) for key, entry in close_checks.items()
    ]


# --- reads ------------------------------------------------------------------------------------


def closed_period(month: Month) -> ClosedPeriod | None:
    """The month's standing close, or None while it is open."""
    return (
        ClosedPeriod.objects.select_related("closed_by")
        .filter(month=month.first, reopened_at__isnull=True)
        .first()
    )


def is_month_closed(month: Month) -> bool:
    return ClosedPeriod.objects.filter(month=month.first, reopened_at__isnull=True).exists()


def close_history(*, limit: int = 24) -> list[ClosedPeriod]:
    """The latest closes and reopenings (one query), newest month first."""
    return list(
        ClosedPeriod.objects.select_related("closed_by", "reopened_by").order_by(
            "-month", "-closed_at"
        )[:limit]
    )


def can_close(user) -> bool:
    return user.has_perm(Perm.VIEW_LEDGER) and user.has_perm(Perm.BALANCE_CASH)


def can_reopen(user) -> bool:
    return user.has_perm(Perm.VIEW_LEDGER) and user.has_perm(Perm.APPROVE_REQUESTS)


# --- writes -----------------------------------------------------------------------------------


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError({"reason": "Give a reason."}, code="reason")
    if len(reason) > 255:
        raise ServiceError({"reason": "The reason is longer than 255 characters."})
    return reason


@transaction.atomic
def period_close(*, month: Month, by, reason: str) -> ClosedPeriod:
    """Close the month: from now on no journal may be dated inside it.

    Closing is for those who hold the ledger and the cash: Finance and the supervisor
    (VIEW_LEDGER and BALANCE_CASH; the lead CSR balances cash but does not see the ledger).
    Only a month that has ended may be closed. Postings in flight are waited for (a short
    table lock), so none slips into the month as it closes.
    """
    require(by, Perm.VIEW_LEDGER, Perm.BALANCE_CASH, doing="close a month")
    reason = _reason(reason)
    if month.last >= timezone.localdate():
        raise ServiceError(
            f"{month.label} has not ended yet; close it from the 1st of the next month.",
            code="not_ended",
        )
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL lock_timeout = '{_CLOSE_LOCK_TIMEOUT}'")
        try:
            # SHARE waits for every transaction inserting journals to finish and holds new
            # ones until this one commits; they then see the month closed.
            cursor.execute(f"LOCK TABLE {Journal._meta.db_table} IN SHARE MODE")
        except OperationalError as error:
            raise ServiceError(
                "Postings are running (a bill run or a payment file); "
                "try closing again in a minute.",
                code="busy",
            ) from error
    try:
        with transaction.atomic():
            return ClosedPeriod.objects.create(month=month.first, closed_by=by, reason=reason)
    except IntegrityError as error:
        raise ServiceError(f"{month.label} is already closed.", code="already_closed") from error


@transaction.atomic
def period_reopen(*, month: Month, by, reason: str) -> ClosedPeriod:
    """Reopen a closed month (a supervisor: APPROVE_REQUESTS), recording who and why."""
    require(by, Perm.VIEW_LEDGER, Perm.APPROVE_REQUESTS, doing="reopen a closed month")
    reason = _reason(reason)
    closed = (
        ClosedPeriod.objects.select_for_update()
        .filter(month=month.first, reopened_at__isnull=True)
        .first()
    )
    if closed is None:
        raise ServiceError(f"{month.label} is not closed.", code="not_closed")
    closed.reopened_by = by
    closed.reopened_at = timezone.now()
    closed.reopen_reason = reason
    closed.save(update_fields=["reopened_by", "reopened_at", "reopen_reason"])
    return closed
