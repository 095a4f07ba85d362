"""Writes of the lobby queue: take a ticket, call one, serve, finish, mark a no-show.

Each takes the acting user (`by`), checks the permission itself, locks the ticket it moves and
checks the move against LobbyTicket.ALLOWED_TRANSITIONS (district.transitions).
"""

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from accounts.contacts.services import contact_log
from accounts.models import Contact, ServiceAccount
from accounts.models.lobby import PAY_BILL, TICKET_REASONS, LobbyTicket
from district.errors import ServiceError, require
from district.roles import Perm
from district.transitions import transition

Skill = LobbyTicket.Skill
Status = LobbyTicket.Status

# What the visitor came for decides who can help them.
SKILL_FOR_REASON = {
    PAY_BILL: Skill.PAYMENTS,
    Contact.Reason.PAYMENT: Skill.PAYMENTS,
    Contact.Reason.RETURNED_PAYMENT: Skill.PAYMENTS,
    Contact.Reason.START: Skill.SERVICE,
    Contact.Reason.STOP: Skill.SERVICE,
    Contact.Reason.TRANSFER: Skill.SERVICE,
    Contact.Reason.BILLING: Skill.BILLING,
    Contact.Reason.HIGH_BILL: Skill.BILLING,
    Contact.Reason.PAYMENT_PLAN: Skill.BILLING,
    Contact.Reason.COLLECTIONS: Skill.BILLING,
}
# The permission a CSR's role needs for each skill: billing questions end in corrections and
# arrangements (CSR II and up); anyone who serves the counter takes "other".
PERMISSION_FOR_SKILL = {
    Skill.PAYMENTS: Perm.TAKE_PAYMENTS,
    Skill.SERVICE: Perm.START_STOP_SERVICE,
    Skill.BILLING: Perm.ADJUST_BILLS,
    Skill.OTHER: Perm.VIEW_CUSTOMER_CONTACTS,
}
NUMBER_ATTEMPTS = 5  # two clerks taking tickets at the same instant: retry on the next number
DESK_MAX = LobbyTicket._meta.get_field("desk").max_length
NAME_MAX = LobbyTicket._meta.get_field("visitor_name").max_length
OUTCOME_MAX = 10_000


def skill_for(reason: str) -> str:
    return SKILL_FOR_REASON.get(reason, Skill.OTHER)


def skills_of(user) -> list[str]:
    """The skills a CSR's role covers, in Skill order."""
    return [skill for skill in Skill.values if user.has_perm(PERMISSION_FOR_SKILL[skill])]


def contact_reason_for(reason: str) -> str:
    """The contact log's reason for a ticket's: paying a bill is logged as a payment."""
    return Contact.Reason.PAYMENT if reason == PAY_BILL else reason


def _next_number(day) -> int:
    last = LobbyTicket.objects.filter(day=day).aggregate(last=Max("number"))["last"]
    return (last or 0) + 1


@transaction.atomic
def ticket_take(
    *, reason: str, by, visitor_name: str = "", account: ServiceAccount | None = None
) -> LobbyTicket:
    """Give a walk-in visitor the day's next number.

    Numbers are unique per day by constraint; two takes at the same moment both read the same
    last number, one insert waits on the other's unique index entry and fails, and it retries
    with the number after (each attempt in a savepoint, so the outer transaction survives).
    """
    require(by, Perm.VIEW_CUSTOMER_CONTACTS, doing="give out lobby tickets")
    visitor_name = (visitor_name or "").strip()
    errors = {}
    if reason not in dict(TICKET_REASONS):
        errors["reason"] = "Choose what the visitor came for."
    if account is None and not visitor_name:
        errors["visitor_name"] = "Type the visitor's name or pick their account."
    if len(visitor_name) > NAME_MAX:
        errors["visitor_name"] = f"The name is too long ({NAME_MAX} characters at most)."
    if errors:
        raise ServiceError(errors)
    now = timezone.now()
    day = timezone.localdate(now)
    for _attempt in range(NUMBER_ATTEMPTS):
        ticket = LobbyTicket(
            day=day,
            number=_next_number(day),
            reason=reason,
            skill=skill_for(reason),
            visitor_name=visitor_name,
            account=account,
            taken_at=now,
            taken_by=by,
        )
        try:
            with transaction.atomic():
                ticket.save()
        except IntegrityError:
            continue
        return ticket
    raise ServiceError("The lobby is busy: take the ticket again.", code="ticket_number_taken")


def _for_update(ticket: LobbyTicket) -> LobbyTicket:
    return LobbyTicket.objects.select_for_update().get(pk=ticket.pk)


def _check_desk(desk: str) -> str:
    desk = (desk or "").strip()
    if not desk:
        raise ServiceError({"desk": "Say which window the visitor should come to."})
    if len(desk) > DESK_MAX:
        raise ServiceError({"desk": f"The window's name is too long ({DESK_MAX} at most)."})
    return desk


def _call(ticket: LobbyTicket, *, desk: str, by) -> LobbyTicket:
    transition(ticket, Status.CALLED, verb="called")
    ticket.called_at = timezone.now()
    ticket.called_by = by
    ticket.desk = desk
    ticket.save(update_fields=["status", "called_at", "called_by", "desk"])
    return ticket


@transaction.atomic
def ticket_call(*, ticket: LobbyTicket, desk: str, by) -> LobbyTicket:
    """Call this ticket to the window, whatever its place in line (a CSR's explicit choice)."""
    require(by, Perm.VIEW_CUSTOMER_CONTACTS, doing="call visitors from the lobby")
    desk = _check_desk(desk)
    ticket = _for_update(ticket)
    if ticket.skill not in skills_of(by):
        raise ServiceError(
            f"{ticket} is for {ticket.get_skill_display().lower()}, which your role does not do."
        )
    return _call(ticket, desk=desk, by=by)


@transaction.atomic
def ticket_call_next(*, desk: str, by, day=None) -> LobbyTicket | None:
    """Call the longest-waiting ticket of today that this CSR's role can serve; None if none.

    SKIP LOCKED: two CSRs pressing "call next" together get two different visitors.
    """
    require(by, Perm.VIEW_CUSTOMER_CONTACTS, doing="call visitors from the lobby")
    desk = _check_desk(desk)
    ticket = (
        LobbyTicket.objects.select_for_update(skip_locked=True)
        .filter(day=day or timezone.localdate(), status=Status.WAITING, skill__in=skills_of(by))
        .order_by("taken_at", "number")
        .first()
    )
    if ticket is None:
        return None
    return _call(ticket, desk=desk, by=by)


def _check_caller(ticket: LobbyTicket, by, doing: str) -> None:
    """The CSR who called the ticket works it; a supervisor may close it for them."""
    if ticket.called_by_id != by.pk and not by.has_perm(Perm.APPROVE_REQUESTS):
        raise ServiceError(f"{ticket} was called by someone else: only they can {doing} it.")


@transaction.atomic
def ticket_start(*, ticket: LobbyTicket, by) -> LobbyTicket:
    """The visitor came to the window."""
    require(by, Perm.VIEW_CUSTOMER_CONTACTS, doing="serve visitors from the lobby")
    ticket = _for_update(ticket)
    transition(ticket, Status.SERVING, verb="served")
    _check_caller(ticket, by, "serve")
    ticket.save(update_fields=["status"])
    return ticket


@transaction.atomic
def ticket_finish(*, ticket: LobbyTicket, by, outcome: str = "") -> LobbyTicket:
    """The visit is over: close the ticket and log the visit in the contact history once."""
    require(by, Perm.VIEW_CUSTOMER_CONTACTS, doing="serve visitors from the lobby")
    outcome = (outcome or "").strip()
    if len(outcome) > OUTCOME_MAX:
        raise ServiceError({"outcome": f"The note is too long ({OUTCOME_MAX:,} at most)."})
    ticket = _for_update(ticket)
    transition(ticket, Status.DONE, verb="finished")
    _check_caller(ticket, by, "finish")
    ticket.served_at = timezone.now()
    ticket.outcome = outcome
    ticket.contact = contact_log(
        channel=Contact.Channel.COUNTER,
        reason=contact_reason_for(ticket.reason),
        by=by,
        account=ticket.account,
        visitor_name=ticket.visitor_name,
        notes=f"Lobby ticket {ticket.label}" + (f": {outcome}" if outcome else "."),
    )
    ticket.save(update_fields=["status", "served_at", "outcome", "contact"])
    return ticket


@transaction.atomic
def ticket_left(*, ticket: LobbyTicket, by) -> LobbyTicket:
    """Called, and nobody came to the window: a no-show."""
    require(by, Perm.VIEW_CUSTOMER_CONTACTS, doing="serve visitors from the lobby")
    ticket = _for_update(ticket)
    transition(ticket, Status.LEFT, verb="marked as left")
    _check_caller(ticket, by, "close")
    ticket.save(update_fields=["status"])
    return ticket
