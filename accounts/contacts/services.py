"""Writes of the contact log, referrals and cases: one function per business action.

Each takes the acting user (`by`), validates with messages keyed by form field, locks the row it
changes and returns the result. Every change of a case also leaves a note on the case, so its
page reads as a story (pghistory keeps the row history besides).
"""

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import Case, CaseNote, Contact, Customer, Department, ServiceAccount
from district.attribution import acting_user
from district.errors import ServiceError
from district.policies import policy_value
from district.roles import Perm, is_staff_user
from district.transitions import check_transition, transition

NOTE_MAX = 10_000  # characters: a note is a paragraph or two, not a pasted document


def person_name(user) -> str:
    if user is None:
        return "system"
    return user.get_full_name() or user.get_username()


def _clean_text(value) -> str:
    return (value or "").strip()


def _check_staff_person(user, *, field: str, errors: dict) -> None:
    if user is not None and not (user.is_active and is_staff_user(user)):
        errors[field] = f"{person_name(user)} is not on the district staff."


def _check_department(department, *, field: str, errors: dict) -> None:
    if department is not None and not department.is_active:
        errors[field] = f"The {department.name} department no longer takes referrals."


def _who_for(*, customer, account, errors: dict) -> Customer | None:
    """The customer the contact or case is about: an account implies its customer."""
    if account is None:
        return customer
    if customer is not None and account.customer_id != customer.pk:
        errors["account"] = (
            f"Account {account.formatted_number} belongs to another customer ({account.customer})."
        )
        return customer
    return account.customer


# -- contact log


@transaction.atomic
def contact_log(
    *,
    channel: str,
    reason: str,
    by,
    customer: Customer | None = None,
    account: ServiceAccount | None = None,
    visitor_name: str = "",
    notes: str = "",
    referred_to_user=None,
    referred_to_department: Department | None = None,
) -> Contact:
    """Record a call, visit, email or letter; a referral lands in that person's or office's queue.

    The contact is about a customer, an account (which implies its customer) or a visitor
    named by the clerk; a referral needs a note saying what the other person should do.
    """
    visitor_name, notes = _clean_text(visitor_name), _clean_text(notes)
    errors = {}
    if channel not in Contact.Channel.values:
        errors["channel"] = "Choose how the customer reached us."
    if reason not in Contact.Reason.values:
        errors["reason"] = "Choose what the contact was about."
    customer = _who_for(customer=customer, account=account, errors=errors)
    if customer is None and account is None and not visitor_name:
        errors["visitor_name"] = "Pick the customer or account, or type the visitor's name."
    if len(visitor_name) > Contact._meta.get_field("visitor_name").max_length:
        errors["visitor_name"] = "The name is too long (120 characters at most)."
    if len(notes) > NOTE_MAX:
        errors["notes"] = f"The note is too long ({NOTE_MAX:,} characters at most)."
    elif not notes and reason == Contact.Reason.OTHER:
        errors["notes"] = "Say what the contact was about."
    referred = referred_to_user is not None or referred_to_department is not None
    if referred and not notes and "notes" not in errors:
        errors["notes"] = "Say what the referral is for, so whoever takes it knows what to do."
    _check_staff_person(referred_to_user, field="referred_to_user", errors=errors)
    _check_department(referred_to_department, field="referred_to_department", errors=errors)
    if errors:
        raise ServiceError(errors)
    contact = Contact(
        channel=channel,
        reason=reason,
        notes=notes,
        customer=customer,
        account=account,
        visitor_name=visitor_name,
        referred_to_user=referred_to_user,
        referred_to_department=referred_to_department,
        logged_by=by,
        logged_at=timezone.now(),
    )
    with acting_user(by):
        contact.save()
    return contact


def may_close_referral(contact: Contact, user) -> bool:
    """The person referred to, a member of the office referred to, or a supervisor."""
    if user is None:
        return False
    if contact.referred_to_user_id is not None and contact.referred_to_user_id == user.pk:
        return True
    if user.has_perm(Perm.APPROVE_REQUESTS):
        return True
    return (
        contact.referred_to_department_id is not None
        and contact.referred_to_department.members.filter(pk=user.pk).exists()
    )


@transaction.atomic
def referral_done(*, contact: Contact, by) -> Contact:
    """Take a referral off the queue: whoever it was referred to has dealt with it."""
    contact = (
        Contact.objects.select_for_update(of=("self",))
        .select_related("referred_to_department")
        .get(pk=contact.pk)
    )
    if contact.referred_to_user_id is None and contact.referred_to_department_id is None:
        raise ServiceError({"contact": "This contact was not referred to anyone."})
    if contact.referral_done_at is not None:
        when = timezone.localtime(contact.referral_done_at)
        raise ServiceError({"contact": f"This referral was already done on {when:%m/%d/%Y}."})
    if not may_close_referral(contact, by):
        raise ServiceError(
            {"contact": "Only the person or office it was referred to can mark it done."}
        )
    contact.referral_done_at = timezone.now()
    with acting_user(by):
        contact.save(update_fields=["referral_done_at"])
    return contact


# -- cases


def case_due_date(category: str, *, opened_on: datetime.date) -> datetime.date:
    """Opened date + the district's target days for the category (calendar days)."""
    return opened_on + datetime.timedelta(days=policy_value(f"case-target-days-{category}"))


def _note(case: Case, text: str, by) -> CaseNote:
    note = CaseNote(case=case, note=text, written_by=by, written_at=timezone.now())
    note.save()
    return note


def _case_for_update(case: Case) -> Case:
    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("assigned_to", "department")
        .get(pk=case.pk)
    )
    if case.status == Case.Status.CLOSED:
        raise ServiceError("This case is closed and cannot change. Open a new case instead.")
    return case


@transaction.atomic
def case_open(
    *,
    category: str,
    subject: str,
    description: str,
    by,
    customer: Customer | None = None,
    account: ServiceAccount | None = None,
    priority: str = Case.Priority.NORMAL,
    assigned_to=None,
    department: Department | None = None,
) -> Case:
    """Open a case due in the category's target days; with nobody named, the opener owns it."""
    subject, description = _clean_text(subject), _clean_text(description)
    errors = {}
    if category not in Case.Category.values:
        errors["category"] = "Choose the kind of case."
    if priority not in Case.Priority.values:
        errors["priority"] = "Choose the priority."
    if not subject:
        errors["subject"] = "Give the case a short subject."
    elif len(subject) > Case._meta.get_field("subject").max_length:
        errors["subject"] = "The subject is too long (200 characters at most)."
    if not description:
        errors["description"] = "Describe what the customer asked or reported."
    elif len(description) > NOTE_MAX:
        errors["description"] = f"The description is too long ({NOTE_MAX:,} characters at most)."
    customer = _who_for(customer=customer, account=account, errors=errors)
    _check_staff_person(assigned_to, field="assigned_to", errors=errors)
    _check_department(department, field="department", errors=errors)
    if errors:
        raise ServiceError(errors)
    if assigned_to is None and department is None:
        assigned_to = by  # someone must follow it up, or it is lost
    opened_at = timezone.now()
    case = Case(
        category=category,
        priority=priority,
        subject=subject,
        description=description,
        customer=customer,
        account=account,
        assigned_to=assigned_to,
        department=department,
        due_date=case_due_date(category, opened_on=timezone.localdate(opened_at)),
        opened_by=by,
        opened_at=opened_at,
    )
    with acting_user(by):
        case.save()
    return case


@transaction.atomic
def case_assign(*, case: Case, assigned_to, by) -> Case:
    """Give the case to a staff member (None: nobody in particular, its department follows)."""
    case = _case_for_update(case)
    errors = {}
    _check_staff_person(assigned_to, field="assigned_to", errors=errors)
    if assigned_to is None and case.department_id is None:
        errors["assigned_to"] = "Choose who follows the case up (it has no department)."
    if errors:
        raise ServiceError(errors)
    if case.assigned_to_id == (assigned_to.pk if assigned_to else None):
        raise ServiceError({"assigned_to": "The case is already with them."})
    case.assigned_to = assigned_to
    with acting_user(by):
        case.save(update_fields=["assigned_to"])
        who = person_name(assigned_to) if assigned_to else f"the {case.department} department"
        _note(case, f"Assigned to {who}.", by)
    return case


@transaction.atomic
def case_note_add(*, case: Case, note: str, by) -> CaseNote:
    """Record a follow-up: what was done or said."""
    note = _clean_text(note)
    if not note:
        raise ServiceError({"note": "Write the note."})
    if len(note) > NOTE_MAX:
        raise ServiceError({"note": f"The note is too long ({NOTE_MAX:,} characters at most)."})
    case = _case_for_update(case)
    with acting_user(by):
        return _note(case, note, by)


def _transition(case: Case, to_status: str, *, resolution: str = "", field: str = "to_status"):
    """Move a locked case along Case.ALLOWED_TRANSITIONS (callers lock and note)."""
    if to_status not in Case.Status.values:
        raise ServiceError({field: "Choose a status."})
    check_transition(case, to_status, field=field)
    previous = case.get_status_display()
    if to_status == Case.Status.RESOLVED:
        if not resolution:
            raise ServiceError({"resolution": "Write how the case was resolved."})
        case.resolution = resolution
        case.resolved_at = timezone.now()
    elif to_status == Case.Status.OPEN and case.status == Case.Status.RESOLVED:
        # Reopened: the old resolution stays in the notes and the history; resolving again
        # needs a new one.
        case.resolution = ""
        case.resolved_at = None
    transition(case, to_status, field=field)
    case.save(update_fields=["status", "resolution", "resolved_at"])
    return previous


@transaction.atomic
def case_change_status(*, case: Case, to_status: str, by, resolution: str = "") -> Case:
    """Move a case along its allowed transitions; resolving needs the resolution, closed is final."""
    resolution = _clean_text(resolution)
    case = _case_for_update(case)
    with acting_user(by):
        previous = _transition(case, to_status, resolution=resolution)
        text = f"Status changed from {previous} to {case.get_status_display()}."
        if to_status == Case.Status.RESOLVED:
            text += f" Resolution: {resolution}"
        _note(case, text, by)
    return case


@transaction.atomic
def case_refer(
    *,
    case: Case,
    by,
    note: str,
    department: Department | None = None,
    user=None,
) -> Case:
    """Send the case to a department and/or a person, saying why; it shows in their queue."""
    note = _clean_text(note)
    errors = {}
    if department is None and user is None:
        errors["department"] = "Choose the department or the person to refer the case to."
    _check_staff_person(user, field="user", errors=errors)
    _check_department(department, field="department", errors=errors)
    if not note:
        errors["note"] = "Say why the case is referred and what is needed."
    if errors:
        raise ServiceError(errors)
    case = _case_for_update(case)
    with acting_user(by):
        if case.status != Case.Status.REFERRED:  # referring again just changes the hands
            _transition(case, Case.Status.REFERRED, field="department")
        if department is not None:
            case.department = department
        if user is not None:
            case.assigned_to = user
        case.save(update_fields=["department", "assigned_to"])
        to = " and ".join(
            part
            for part in (
                f"the {department} department" if department else "",
                person_name(user) if user else "",
            )
            if part
        )
        _note(case, f"Referred to {to}: {note}", by)
    return case
