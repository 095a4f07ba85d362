"""Payment arrangements: set up, approve or reject, cancel, and the nightly standing check.

Every write is keyword-only, transactional and checks its own guard. Who may do what:
- a CSR II or above (Perm.PAYMENT_ARRANGEMENTS) sets one up; it is active at once when its
  term is at most policy `arrangement-max-months` and its amount at most
  `arrangement-limit-csr2`, otherwise it waits for a supervisor (approval kind
  "payment-arrangement"). A supervisor's own (Perm.APPROVE_REQUESTS) is active at once: they
  are the approver, and no one approves their own request;
- a CSR I (Perm.EDIT_ACCOUNTS without PAYMENT_ARRANGEMENTS) files a request that goes to review;
- a customer may request one on an account their login holds (portal's account links), source
  "portal": always reviewed.
Each creation, decision, cancellation, warning and default logs a contact (reason
PAYMENT_PLAN). Payments are never recorded here: standing.py derives them from the ledger.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.contacts.services import contact_log
from accounts.models import Contact, ServiceAccount
from billing.arrangements.models import Arrangement, Installment
from billing.arrangements.schedule import MAX_INSTALLMENTS, term_months
from billing.arrangements.selectors import arrangements_to_check, credits_by_arrangement
from billing.arrangements.standing import Standing, standing_of
from billing.collection_stops import collection_stopped
from district.approvals.services import approval_request_create
from district.errors import NotPermitted, ServiceError, require
from district.ledger.selectors import account_balance
from district.money import format_money, parse_money
from district.policies import policy_value
from district.roles import Perm, is_staff_user
from district.transitions import transition

APPROVAL_KIND = "payment-arrangement"
# Health & Safety Code 116908(a)(2)(B): no disconnection until an arrangement has been
# delinquent 60 days or more; a district policy below that is read as 60.
LEGAL_DEFAULT_FLOOR_DAYS = 60
STAFF_CHANNELS = (Contact.Channel.COUNTER, Contact.Channel.PHONE)
ONE_OPEN_MESSAGE = (
    "This account already has a payment arrangement that is active or waiting for approval; "
    "cancel or finish it before setting up another."
)

Status = Arrangement.Status


def default_days() -> int:
    """Days an installment may be late before the arrangement defaults (never under 60)."""
    return max(int(policy_value("arrangement-default-days")), LEGAL_DEFAULT_FLOOR_DAYS)


def warning_days() -> int:
    return min(int(policy_value("arrangement-warning-days")), default_days())


def _is_owner(by, account: ServiceAccount) -> bool:
    """The customer's login holds the account (the portal's account links, read by their
    reverse name so billing imports nothing from the portal above it)."""
    return (
        by is not None
        and getattr(by, "is_authenticated", False)
        and account.portal_links.filter(user_id=by.pk).exists()
    )


def _source_for(by, account: ServiceAccount) -> str:
    """STAFF or PORTAL; refuses anyone else (a customer's other accounts are not theirs)."""
    if by is not None and getattr(by, "is_authenticated", False) and not is_staff_user(by):
        if _is_owner(by, account):
            return Arrangement.Source.PORTAL
        raise NotPermitted("You can ask for a payment arrangement only on your own account.")
    require(
        by,
        Perm.PAYMENT_ARRANGEMENTS,
        Perm.EDIT_ACCOUNTS,
        any_of=True,
        doing="set up payment arrangements",
    )
    return Arrangement.Source.STAFF


def _clean_installments(kind, rows, *, on: datetime.date) -> list[tuple[datetime.date, Decimal]]:
    errors = {}
    if kind not in Arrangement.Kind.values:
        errors["kind"] = "Choose installments, a deferral or a reduced schedule."
    cleaned = []
    for due_on, amount in rows or []:
        try:
            value = parse_money(amount)
        except ValidationError as error:
            errors["installments"] = error.messages
            break
        if not isinstance(due_on, datetime.date):
            errors["installments"] = "Give every installment a due date."
            break
        if value <= 0:
            errors["installments"] = "Every installment must be above $0.00."
            break
        cleaned.append((due_on, value))
    if "installments" not in errors:
        if not cleaned:
            errors["installments"] = "Add at least one installment."
        elif len(cleaned) > MAX_INSTALLMENTS:
            errors["installments"] = f"An arrangement has at most {MAX_INSTALLMENTS} installments."
        elif kind == Arrangement.Kind.DEFERRAL and len(cleaned) != 1:
            errors["installments"] = "A deferral is one payment on one later date."
        elif any(due_on < on for due_on, _ in cleaned):
            errors["installments"] = "Due dates cannot be in the past."
        elif any(a[0] >= b[0] for a, b in zip(cleaned, cleaned[1:], strict=False)):
            errors["installments"] = "Put the installments in date order, one per date."
    if errors:
        raise ServiceError(errors)
    return cleaned


def review_reasons(*, by, source: str, amount: Decimal, months: int) -> list[str]:
    """Why an arrangement would wait for a supervisor (empty: it is active at once)."""
    if source == Arrangement.Source.PORTAL:
        return ["requested online by the customer"]
    if not by.has_perm(Perm.PAYMENT_ARRANGEMENTS):
        return ["filed by a CSR I"]
    if by.has_perm(Perm.APPROVE_REQUESTS):
        return []
    reasons = []
    max_months = int(policy_value("arrangement-max-months"))
    if months > max_months:
        reasons.append(f"a term of {months} months, over the {max_months}-month limit")
    limit = policy_value("arrangement-limit-csr2")
    if amount > limit:
        reasons.append(f"{format_money(amount)}, over the {format_money(limit)} limit")
    return reasons


def _log(arrangement: Arrangement, *, channel: str, by, notes: str) -> Contact:
    return contact_log(
        channel=channel,
        reason=Contact.Reason.PAYMENT_PLAN,
        by=by,
        account=arrangement.account,
        notes=notes[:2000],
    )


def _summary(arrangement: Arrangement, rows) -> str:
    first, last = rows[0][0], rows[-1][0]
    when = (
        f"due {first:%b} {first.day}, {first.year}"
        if len(rows) == 1
        else f"{len(rows)} installments, {first:%m/%d/%Y} to {last:%m/%d/%Y}"
    )
    return f"{arrangement.get_kind_display()} of {format_money(arrangement.amount)}, {when}"


@transaction.atomic
def arrangement_create(
    *,
    account: ServiceAccount,
    kind: str,
    installments: list[tuple[datetime.date, Decimal]],
    by,
    channel: str = Contact.Channel.COUNTER,
    notes: str = "",
    idempotency_key: str | None = None,
    on: datetime.date | None = None,
) -> Arrangement:
    """Set up an arrangement on the account's past-due balance, active at once or for review.

    A repeated idempotency key returns the first arrangement (nothing new written).
    """
    source = _source_for(by, account)
    if source == Arrangement.Source.PORTAL:
        channel = Contact.Channel.PORTAL
    elif channel not in STAFF_CHANNELS:
        raise ServiceError({"channel": "Choose counter or phone."})
    if idempotency_key:
        existing = Arrangement.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            if existing.account_id != account.pk:
                raise ServiceError("That request key was already used for another account.")
            return existing
    on = on or timezone.localdate()
    rows = _clean_installments(kind, installments, on=on)
    notes = (notes or "").strip()
    if len(notes) > 255:
        raise ServiceError({"notes": "Keep the note under 255 characters."})
    # The account's lock serialises two clerks setting one up at once; the partial unique
    # constraint is the backstop.
    ServiceAccount.objects.select_for_update().filter(pk=account.pk).first()
    if Arrangement.objects.filter(
        account_id=account.pk, status__in=Arrangement.OPEN_STATUSES
    ).exists():
        raise ServiceError(ONE_OPEN_MESSAGE, code="one_open")
    amount = sum((value for _, value in rows), Decimal("0.00"))
    owed = account_balance(account.pk)
    if owed <= 0:
        raise ServiceError("The account owes nothing: there is no balance to arrange.")
    if amount > owed:
        raise ServiceError(
            {
                "installments": f"The installments add up to {format_money(amount)}, more than "
                f"the {format_money(owed)} the account owes."
            }
        )
    reasons = review_reasons(
        by=by, source=source, amount=amount, months=term_months(on, rows[-1][0])
    )
    arrangement = Arrangement(
        account=account,
        kind=kind,
        status=Status.PENDING if reasons else Status.ACTIVE,
        source=source,
        channel=channel,
        amount=amount,
        arranged_on=on,
        activated_on=None if reasons else on,
        notes=notes,
        requested_by=by,
        idempotency_key=idempotency_key or None,
    )
    try:
        with transaction.atomic():
            arrangement.save()
    except IntegrityError:
        raise ServiceError(ONE_OPEN_MESSAGE, code="one_open") from None
    Installment.objects.bulk_create(
        Installment(arrangement=arrangement, number=number, due_on=due_on, amount=value)
        for number, (due_on, value) in enumerate(rows, start=1)
    )
    summary = _summary(arrangement, rows)
    if reasons:
        request = approval_request_create(
            kind=APPROVAL_KIND,
            by=by,
            reason=f"Payment arrangement on account {account.formatted_number}: {summary} "
            f"({'; '.join(reasons)})." + (f" {notes}" if notes else ""),
            amount=amount,
            payload={"arrangement_id": arrangement.pk, "account": account.number},
            target=arrangement,
            idempotency_key=f"arrangement:{arrangement.pk}",
        )
        arrangement.approval_request = request
        arrangement.save(update_fields=["approval_request"])
        _log(arrangement, channel=channel, by=by, notes=f"Arrangement requested: {summary}.")
    else:
        _log(arrangement, channel=channel, by=by, notes=f"Arrangement set up: {summary}.")
        collection_stopped([account.pk], by=by)
    return arrangement


def _locked(arrangement_id) -> Arrangement:
    arrangement = (
        Arrangement.objects.select_for_update(of=("self",))
        .select_related("account__customer")
        .filter(pk=arrangement_id)
        .first()
    )
    if arrangement is None:
        raise ServiceError("That payment arrangement does not exist.")
    return arrangement


def _arrangement_of(request) -> Arrangement:
    return _locked((request.payload or {}).get("arrangement_id"))


def arrangement_approve(request, decider) -> dict:
    """Approval handler: the arrangement becomes active (runs in the decision's transaction)."""
    arrangement = _arrangement_of(request)
    # Payments may have come in while the request waited: never arrange more than is owed.
    owed = account_balance(arrangement.account_id)
    if arrangement.amount > owed:
        raise ServiceError(
            f"The account now owes {format_money(max(owed, Decimal('0.00')))}, less than the "
            f"{format_money(arrangement.amount)} this request arranges: turn it down and set up "
            "a new arrangement for what is owed."
        )
    transition(arrangement, Status.ACTIVE, verb="approved")
    collection_stopped([arrangement.account_id], by=decider)
    arrangement.activated_on = timezone.localdate()
    arrangement.save(update_fields=["status", "activated_on"])
    _log(
        arrangement,
        channel=arrangement.channel,
        by=decider,
        notes=f"Arrangement approved: {arrangement.get_kind_display().lower()} of "
        f"{format_money(arrangement.amount)}.",
    )
    return {"arrangement_id": arrangement.pk, "status": arrangement.status}


def arrangement_reject(request, by) -> None:
    """Approval hook on reject or withdraw: the arrangement is marked rejected."""
    arrangement = _arrangement_of(request)
    transition(arrangement, Status.REJECTED, verb="rejected")
    arrangement.ended_on = timezone.localdate()
    arrangement.ended_by = by
    arrangement.save(update_fields=["status", "ended_on", "ended_by"])
    _log(
        arrangement,
        channel=arrangement.channel,
        by=by,
        notes=f"Arrangement request for {format_money(arrangement.amount)} turned down or "
        "withdrawn.",
    )


def arrangement_describe(request) -> str:
    payload = request.payload or {}
    return (
        f"Payment arrangement {payload.get('arrangement_id')} on account "
        f"{payload.get('account')} for {format_money(request.amount or 0)}."
    )


@transaction.atomic
def arrangement_cancel(*, arrangement: Arrangement, by, reason: str, channel: str) -> Arrangement:
    """End an active arrangement early (CSR II or supervisor), with the reason."""
    require(by, Perm.PAYMENT_ARRANGEMENTS, doing="cancel payment arrangements")
    reason = (reason or "").strip()
    errors = {}
    if not reason:
        errors["reason"] = "Say why the arrangement is cancelled."
    elif len(reason) > 255:
        errors["reason"] = "Keep the reason under 255 characters."
    if channel not in STAFF_CHANNELS:
        errors["channel"] = "Choose counter or phone."
    if errors:
        raise ServiceError(errors)
    locked = _locked(arrangement.pk)
    transition(locked, Status.CANCELLED, verb="cancelled")
    locked.ended_on = timezone.localdate()
    locked.ended_by = by
    locked.end_reason = reason
    locked.save(update_fields=["status", "ended_on", "ended_by", "end_reason"])
    _log(locked, channel=channel, by=by, notes=f"Arrangement cancelled: {reason}")
    return locked


# -- the nightly standing check ----------------------------------------------------------------


def _warn(arrangement: Arrangement, standing: Standing, *, on, by) -> None:
    arrangement.warning_sent_on = on
    arrangement.save(update_fields=["warning_sent_on"])
    _log(
        arrangement,
        channel=Contact.Channel.MAIL,
        by=by,
        notes=f"Warning letter: an installment is {standing.days_late} days late "
        f"({format_money(standing.late_total)} late). The arrangement defaults if it is still "
        f"unpaid {default_days()} days after its due date.",
    )


def _end(arrangement: Arrangement, status: str, *, on, by, reason: str) -> None:
    transition(arrangement, status)
    arrangement.ended_on = on
    arrangement.ended_by = by
    arrangement.end_reason = reason
    arrangement.save(update_fields=["status", "ended_on", "ended_by", "end_reason"])


@transaction.atomic
def arrangement_check_standing(*, by, on: datetime.date | None = None) -> dict[str, list[int]]:
    """Warn, default and complete active arrangements as of `on`; safe to run twice a day.

    Completed: every installment paid. Warned once (warning_sent_on), when the oldest late
    installment is `arrangement-warning-days` late. Defaulted only when it is at least
    `arrangement-default-days` (never under 60) late and the warning was sent on an earlier
    day, so the customer is always written to first; one missed day never defaults.
    """
    on = on or timezone.localdate()
    arrangements = [a for a in arrangements_to_check(lock=True) if a.arranged_on <= on]
    credits = credits_by_arrangement([a.pk for a in arrangements], on=on)
    done = {"completed": [], "warned": [], "defaulted": []}
    warn_at, default_at = warning_days(), default_days()
    for arrangement in arrangements:
        standing = standing_of(
            arrangement, arrangement.installments.all(), credited=credits[arrangement.pk], on=on
        )
        if standing.is_complete:
            _end(arrangement, Status.COMPLETED, on=on, by=by, reason="Every installment paid.")
            done["completed"].append(arrangement.pk)
            continue
        late = standing.days_late
        warned_before = arrangement.warning_sent_on is not None and arrangement.warning_sent_on < on
        if late >= default_at and warned_before:
            reason = f"An installment unpaid {late} days after its due date."
            _end(arrangement, Status.DEFAULTED, on=on, by=by, reason=reason)
            _log(
                arrangement,
                channel=Contact.Channel.MAIL,
                by=by,
                notes=f"Arrangement defaulted: {reason} The whole balance is due.",
            )
            done["defaulted"].append(arrangement.pk)
        elif late >= warn_at and arrangement.warning_sent_on is None:
            _warn(arrangement, standing, on=on, by=by)
            done["warned"].append(arrangement.pk)
    return done
