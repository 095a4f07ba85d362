"""Autopay enrolment: a CSR with the customer's signed form (PPD) or the customer online (WEB),
cancellation, the prenote's maturing into an active enrolment, and key rotation.

A CSR enrols with Perm.EDIT_ACCOUNTS, not TAKE_PAYMENTS: enrolling takes no money today, it
changes how the account pays from now on (a standing authorization kept with the account, as
a mailing address is), and a cashier's role need not include changing it.

A new or changed bank account always starts pending its prenote: the zero-dollar test entry
goes in the next prenote file (drafting.prenotes_send), and the enrolment turns active when the
policy's banking days (autopay-prenote-days) pass without a return. One enrolment per account
is live at a time: enrolling again cancels the one before, in the same transaction.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import ServiceAccount
from district.errors import NotPermitted, ServiceError, require
from district.policies import policy_value
from district.roles import Perm
from district.transitions import transition
from payments.autopay import crypto
from payments.autopay.aba import aba_check_digit, aba_problem
from payments.autopay.fed_calendar import next_banking_day
from payments.models import AchFileRecord, AutopayEnrolment

Status = AutopayEnrolment.Status
EntryClass = AutopayEnrolment.EntryClass
PRENOTE_DAYS_POLICY = "autopay-prenote-days"


@dataclass(frozen=True)
class BankAccountIn:
    holder_name: str
    routing_number: str
    account_number: str
    account_type: str  # AutopayEnrolment.AccountType


def authorization_text(*, entry_class: str, holder_name: str, last4: str, account) -> str:
    """The words the customer agrees to, kept verbatim on the enrolment: in the language the
    customer reads them in (the portal's, Spanish or English; a CSR's signed form is English)."""
    if entry_class == EntryClass.PPD:
        text = gettext(
            "I, %(holder)s, authorize %(district)s to debit my bank account %(masked)s by ACH "
            "for the amount due on each bill of water service account %(account)s, on or after "
            "its due date, and, if a debit is made in error, to correct it. This authorization "
            "stays in force until I cancel it, by phone, in writing or online, in time for the "
            "district to act on it before the next debit. I agree by signing this form."
        )
    else:
        text = gettext(
            "I, %(holder)s, authorize %(district)s to debit my bank account %(masked)s by ACH "
            "for the amount due on each bill of water service account %(account)s, on or after "
            "its due date, and, if a debit is made in error, to correct it. This authorization "
            "stays in force until I cancel it, by phone, in writing or online, in time for the "
            "district to act on it before the next debit. I agree by selecting I agree."
        )
    return text % {
        "holder": holder_name,
        "district": settings.DISTRICT_NAME,
        "masked": crypto.mask(last4),
        "account": account.number,
    }


def _routing_problem(routing: str) -> str:
    """Why `routing` is not a routing number, as the person enrolling reads it ("" if none)."""
    if not aba_problem(routing):
        return ""
    if len(routing) != 9 or not routing.isascii() or not routing.isdigit():
        return gettext("The routing number “%(routing)s” is not nine digits.") % {
            "routing": routing
        }
    return gettext(
        "The routing number %(routing)s fails its check digit (the last digit should be "
        "%(digit)s): a digit was mistyped."
    ) % {"routing": routing, "digit": aba_check_digit(routing[:8])}


def _clean_bank(bank: BankAccountIn) -> BankAccountIn:
    """The bank account as entered, tidied, or a ServiceError per field in the language of the
    person enrolling (a customer on the portal reads Spanish or English)."""
    routing = (bank.routing_number or "").strip().replace(" ", "")
    number = (bank.account_number or "").strip().replace(" ", "").replace("-", "")
    name = " ".join((bank.holder_name or "").split())
    errors = {}
    if problem := _routing_problem(routing):
        errors["routing_number"] = problem
    if not (number.isascii() and number.isdigit() and 4 <= len(number) <= 17):
        errors["account_number"] = gettext(
            "The bank account number is 4 to 17 digits (no letters)."
        )
    if not name:
        errors["holder_name"] = gettext("Give the account holder's name as the bank knows it.")
    elif len(name) > 22:
        errors["holder_name"] = gettext(
            "The holder's name is at most 22 characters (the bank's limit)."
        )
    if bank.account_type not in AutopayEnrolment.AccountType.values:
        errors["account_type"] = gettext("Choose checking or savings.")
    if errors:
        raise ServiceError(errors, code="bank_account")
    return BankAccountIn(name, routing, number, bank.account_type)


@transaction.atomic
def _enrol(*, account_id, bank, entry_class, by, ip, signed_form=None) -> AutopayEnrolment:
    bank = _clean_bank(bank)
    account = ServiceAccount.objects.select_for_update().filter(pk=account_id).first()
    if account is None:
        raise ServiceError("That account does not exist.", code="no_account")
    for live in AutopayEnrolment.objects.select_for_update().filter(
        account=account, status__in=AutopayEnrolment.LIVE_STATUSES
    ):
        transition(live, Status.CANCELLED, verb="replaced")
        live.cancelled_at = timezone.now()
        live.cancelled_by = by
        live.save(update_fields=["status", "cancelled_at", "cancelled_by"])
    last4 = bank.account_number[-4:]
    enrolment = AutopayEnrolment(
        account=account,
        holder_name=bank.holder_name,
        routing_number=bank.routing_number,
        account_number_encrypted=crypto.encrypt_account_number(bank.account_number),
        account_last4=last4,
        account_type=bank.account_type,
        entry_class=entry_class,
        status=Status.PENDING_PRENOTE,
        authorization_text=authorization_text(
            entry_class=entry_class, holder_name=bank.holder_name, last4=last4, account=account
        ),
        authorized_at=timezone.now(),
        authorized_ip=ip or None,
        authorized_by=by,
    )
    if signed_form:
        enrolment.signed_form = signed_form
    enrolment.save()
    return enrolment


def autopay_enrol_by_staff(
    *, account_id: int, bank: BankAccountIn, signed_form, by, ip: str = ""
) -> AutopayEnrolment:
    """Enrol from the customer's signed authorization form (PPD); the form is kept."""
    require(by, Perm.EDIT_ACCOUNTS, doing="enrol an account in autopay")
    if not signed_form:
        raise ServiceError(
            {"signed_form": "Attach the customer's signed authorization form (PDF or photo)."},
            code="no_form",
        )
    return _enrol(
        account_id=account_id, bank=bank, entry_class=EntryClass.PPD, by=by, ip=ip,
        signed_form=signed_form,
    )  # fmt: skip


def autopay_enrol_online(*, account_id: int, bank: BankAccountIn, by, ip: str) -> AutopayEnrolment:
    """The customer enrols their own account online (WEB); only the account's owner may."""
    if by is None or not getattr(by, "is_authenticated", False):
        raise NotPermitted("Only the account's customer can enrol it online.", code="not_owner")
    # The portal's account links (read by their reverse name): the login holds the account.
    owns = ServiceAccount.objects.filter(pk=account_id, portal_links__user_id=by.pk).exists()
    if not owns:
        raise NotPermitted("Only the account's customer can enrol it online.", code="not_owner")
    return _enrol(account_id=account_id, bank=bank, entry_class=EntryClass.WEB, by=by, ip=ip)


def _may_cancel(enrolment: AutopayEnrolment, by) -> None:
    if (
        getattr(by, "is_authenticated", False)
        and by.pk is not None
        and enrolment.account.portal_links.filter(user_id=by.pk).exists()
    ):
        return
    require(by, Perm.EDIT_ACCOUNTS, doing="cancel an account's autopay")


@transaction.atomic
def autopay_cancel(*, enrolment_id: int, by) -> AutopayEnrolment:
    """Cancel by the customer (their own account) or a CSR; drafts already sent still settle."""
    enrolment = (
        AutopayEnrolment.objects.select_for_update()
        .select_related("account__customer")
        .filter(pk=enrolment_id)
        .first()
    )
    if enrolment is None:
        raise ServiceError("That autopay enrolment does not exist.", code="no_enrolment")
    _may_cancel(enrolment, by)
    transition(enrolment, Status.CANCELLED, verb="cancelled")
    enrolment.cancelled_at = timezone.now()
    enrolment.cancelled_by = by
    enrolment.save(update_fields=["status", "cancelled_at", "cancelled_by"])
    return enrolment


@transaction.atomic
def autopay_suspend(*, enrolment_id: int, reason: str, by=None) -> AutopayEnrolment:
    """Stop drafting (a return, a notice of change): resumes only through a new prenote."""
    enrolment = AutopayEnrolment.objects.select_for_update().get(pk=enrolment_id)
    transition(enrolment, Status.SUSPENDED, verb="suspended")
    enrolment.suspended_reason = reason[:255]
    enrolment.save(update_fields=["status", "suspended_reason"])
    return enrolment


def banking_days_after(start: datetime.date, days: int) -> datetime.date:
    """The `days`-th banking day after `start`."""
    day = start
    for _ in range(days):
        day = next_banking_day(day)
    return day


def prenote_matures_on(enrolment: AutopayEnrolment, days: int | None = None) -> datetime.date:
    if days is None:
        days = int(policy_value(PRENOTE_DAYS_POLICY))
    return banking_days_after(enrolment.prenote_sent_on, days)


@transaction.atomic
def prenotes_mature(*, on: datetime.date) -> list[AutopayEnrolment]:
    """Activate each enrolment whose prenote went out the policy's banking days before `on`
    without a return (a returned prenote suspends the enrolment first, so it is not here)."""
    days = int(policy_value(PRENOTE_DAYS_POLICY))
    activated = []
    for enrolment in AutopayEnrolment.objects.select_for_update().filter(
        status=Status.PENDING_PRENOTE, prenote_sent_on__isnull=False
    ):
        matures = prenote_matures_on(enrolment, days)
        if matures <= on:
            transition(enrolment, Status.ACTIVE, verb="activated")
            enrolment.active_from = matures
            enrolment.save(update_fields=["status", "active_from"])
            activated.append(enrolment)
    return activated


def account_numbers_rotate(*, chunk: int = 500) -> int:
    """Re-encrypt every stored account number and ACH file with the newest key; returns how
    many. Each chunk commits by itself, so a long run holds no lock on everything; a rerun is
    harmless (MultiFernet reads every listed key meanwhile)."""
    return _rotate(AutopayEnrolment, "account_number_encrypted", chunk) + _rotate(
        AchFileRecord, "content", chunk
    )


def _rotate(model, field_name: str, chunk: int) -> int:
    done, last_id = 0, 0
    while True:
        with transaction.atomic():
            rows = list(
                model.objects.select_for_update()
                .filter(pk__gt=last_id)
                .order_by("pk")
                .only("pk", field_name)[:chunk]
            )
            if not rows:
                return done
            for row in rows:
                setattr(row, field_name, crypto.reencrypt(getattr(row, field_name)))
            model.objects.bulk_update(rows, [field_name])
            done += len(rows)
            last_id = rows[-1].pk
