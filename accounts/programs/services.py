"""Every write of programs and enrolments: one function per action, transactional, guarded.

A CSR I and up enrols an account with the evidence seen (EDIT_ACCOUNTS); ending an enrolment
needs a reason; renewal ends the current enrolment at its expiry and makes a new one from
there. Supervisors add and change programs (MANAGE_POLICIES).
"""

import datetime
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Enrolment, Program, ServiceAccount
from district.errors import ServiceError, require
from district.roles import Perm
from district.transitions import transition

RENEWED_REASON = "Renewed"
# A household of more than this is a typing slip, not a household.
LARGEST_HOUSEHOLD = 30
PROGRAM_FIELDS = (
    "code",
    "name",
    "kind",
    "description",
    "benefit",
    "benefit_amount",
    "income_qualifying",
    "requires_evidence",
    "max_enrolment_months",
    "active",
)


# -- programs


def _program_checked(program: Program) -> None:
    if program.benefit == Program.Benefit.NONE:
        program.benefit_amount = Decimal("0.00")
    elif program.benefit_amount is None or program.benefit_amount <= 0:
        raise ServiceError({"benefit_amount": "Give the benefit's amount."})
    elif program.is_percent_discount and program.benefit_amount > 100:
        raise ServiceError({"benefit_amount": "A discount is at most 100%."})
    program.full_clean()


@transaction.atomic
def program_create(*, by, **fields) -> Program:
    require(by, Perm.MANAGE_POLICIES, doing="add assistance programs")
    program = Program(**{name: fields[name] for name in PROGRAM_FIELDS if name in fields})
    program.updated_by = by
    _program_checked(program)
    program.save()
    return program


@transaction.atomic
def program_update(*, program_id: int, by, **fields) -> Program:
    """Change a program's terms; they apply to bills calculated from now on."""
    require(by, Perm.MANAGE_POLICIES, doing="change assistance programs")
    program = Program.objects.select_for_update().get(pk=program_id)
    for name in PROGRAM_FIELDS:
        if name in fields:
            setattr(program, name, fields[name])
    program.updated_by = by
    _program_checked(program)
    program.save()
    return program


# -- enrolments


def _expiry(program: Program, starts_on: datetime.date, asked: datetime.date | None):
    """The enrolment's expiry: the program's maximum unless an earlier day is asked."""
    if asked is not None and asked <= starts_on:
        raise ServiceError({"expires_on": "The expiry must be after the start."})
    if not program.max_enrolment_months:
        return asked
    latest = starts_on + relativedelta(months=program.max_enrolment_months)
    if asked is not None and asked > latest:
        raise ServiceError(
            {
                "expires_on": f"{program.name} enrols for at most "
                f"{program.max_enrolment_months} months: expiry by {latest:%m/%d/%Y}."
            }
        )
    return asked or latest


def _household(household_size, annual_income) -> tuple[int | None, Decimal | None]:
    if (household_size is None) != (annual_income is None):
        field = "annual_income" if annual_income is None else "household_size"
        raise ServiceError(
            {field: "Give both the household size and the annual income, or neither."}
        )
    if household_size is not None and not 1 <= household_size <= LARGEST_HOUSEHOLD:
        raise ServiceError({"household_size": f"A household is 1 to {LARGEST_HOUSEHOLD} people."})
    if annual_income is not None and annual_income < 0:
        raise ServiceError({"annual_income": "The income cannot be negative."})
    return household_size, annual_income


def _check_evidence(program: Program, evidence: str, evidence_file) -> None:
    if program.requires_evidence and not evidence and not evidence_file:
        raise ServiceError(
            {"evidence": f"{program.name} needs evidence: describe what you saw (or attach it)."}
        )


def _save_new(enrolment: Enrolment) -> Enrolment:
    try:
        with transaction.atomic():
            enrolment.save()
    except IntegrityError as error:
        if "enrolment_one_active_per_program" in str(error):
            raise ServiceError(
                {"program": "This account is already enrolled in that program."}
            ) from None
        raise
    return enrolment


@transaction.atomic
def enrolment_create(
    *,
    account_id: int,
    program_id: int,
    by,
    starts_on: datetime.date | None = None,
    expires_on: datetime.date | None = None,
    evidence: str = "",
    evidence_file=None,
    household_size: int | None = None,
    annual_income: Decimal | None = None,
) -> Enrolment:
    """Enrol an account in a program from `starts_on` (today by default)."""
    require(by, Perm.EDIT_ACCOUNTS, doing="enrol accounts in assistance programs")
    # The account row is the lock that serialises enrolments of one account.
    account = ServiceAccount.objects.select_for_update().get(pk=account_id)
    program = Program.objects.get(pk=program_id)
    if not program.active:
        raise ServiceError({"program": f"{program.name} is not taking enrolments."})
    if account.status in (ServiceAccount.Status.FINAL, ServiceAccount.Status.CLOSED):
        raise ServiceError(
            f"Account {account.formatted_number} is {account.get_status_display().lower()}: "
            "it cannot be enrolled."
        )
    current = Enrolment.objects.filter(
        account=account, program=program, status=Enrolment.Status.ACTIVE
    ).first()
    if current is not None:
        hint = " Renew it instead." if current.can_renew else ""
        raise ServiceError(
            {
                "program": f"This account is already enrolled in {program.name} "
                f"(since {current.starts_on:%m/%d/%Y}).{hint}"
            }
        )
    evidence = (evidence or "").strip()
    _check_evidence(program, evidence, evidence_file)
    household_size, annual_income = _household(household_size, annual_income)
    starts_on = starts_on or timezone.localdate()
    enrolment = Enrolment(
        account=account,
        program=program,
        evidence=evidence,
        household_size=household_size,
        annual_income=annual_income,
        starts_on=starts_on,
        expires_on=_expiry(program, starts_on, expires_on),
        enrolled_by=by,
    )
    if evidence_file:
        enrolment.evidence_file = evidence_file
    return _save_new(enrolment)


def _locked(enrolment_id: int) -> Enrolment:
    return (
        Enrolment.objects.select_for_update()
        .select_related("program", "account")
        .get(pk=enrolment_id)
    )


@transaction.atomic
def enrolment_end(
    *, enrolment_id: int, by, reason: str, on: datetime.date | None = None
) -> Enrolment:
    """End an enrolment: from `on` (today by default) it no longer covers the account."""
    require(by, Perm.EDIT_ACCOUNTS, doing="end program enrolments")
    enrolment = _locked(enrolment_id)
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError({"reason": "Say why the enrolment ends."})
    on = on or timezone.localdate()
    if on < enrolment.starts_on:
        raise ServiceError(
            {"on": f"The enrolment starts on {enrolment.starts_on:%m/%d/%Y}: it cannot end before."}
        )
    transition(enrolment, Enrolment.Status.ENDED, verb="ended")
    enrolment.ended_on = on
    enrolment.ended_by = by
    enrolment.end_reason = reason[:255]
    enrolment.save(update_fields=["status", "ended_on", "ended_by", "end_reason"])
    return enrolment


@transaction.atomic
def enrolment_renew(
    *,
    enrolment_id: int,
    by,
    evidence: str = "",
    evidence_file=None,
    household_size: int | None = None,
    annual_income: Decimal | None = None,
) -> Enrolment:
    """Renew an enrolment that expires: it ends at its expiry and a new one starts there (or
    today, when it has lapsed), for the program's full term. Household figures carry over
    unless new ones are given."""
    require(by, Perm.EDIT_ACCOUNTS, doing="renew program enrolments")
    current = _locked(enrolment_id)
    program = current.program
    if not current.is_active:
        raise ServiceError(f"{current} has ended: enrol the account again instead.")
    if current.expires_on is None:
        raise ServiceError(f"{current} does not expire: there is nothing to renew.")
    if not program.active:
        raise ServiceError(f"{program.name} is not taking enrolments.")
    evidence = (evidence or "").strip()
    _check_evidence(program, evidence, evidence_file)
    if household_size is None and annual_income is None:
        household_size, annual_income = current.household_size, current.annual_income
    household_size, annual_income = _household(household_size, annual_income)
    starts_on = max(current.expires_on, timezone.localdate())
    transition(current, Enrolment.Status.ENDED, verb="renewed")
    current.ended_on = current.expires_on
    current.ended_by = by
    current.end_reason = RENEWED_REASON
    current.save(update_fields=["status", "ended_on", "ended_by", "end_reason"])
    renewal = Enrolment(
        account=current.account,
        program=program,
        evidence=evidence,
        household_size=household_size,
        annual_income=annual_income,
        starts_on=starts_on,
        expires_on=_expiry(program, starts_on, None),
        renewal_of=current,
        enrolled_by=by,
    )
    if evidence_file:
        renewal.evidence_file = evidence_file
    return _save_new(renewal)
