"""Notifications of change (NOC): the bank's corrected routing number, account number or account
type for an enrolment, held pending until a CSR confirms it.

The Operating Rules oblige us to make the change before the next entry to that account, so
`enrolments_with_pending_noc` tells drafting which enrolments to skip while a notice waits.
The corrected account number is stored encrypted (payments.autopay.crypto) from the moment it
is read; confirming copies it to the enrolment and records who confirmed and what it replaced.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from district.attribution import acting_user
from district.errors import ServiceError, require
from district.roles import Perm
from district.transitions import transition
from payments.autopay import crypto
from payments.autopay.aba import aba_problem
from payments.autopay.nacha import CHECKING_CODES, SAVINGS_CODES
from payments.autopay.return_codes import CHANGE_CODES, change_meaning
from payments.models import AchChangeNotice, AchReturnEntry, AutopayEnrolment

AccountType = AutopayEnrolment.AccountType


@dataclass(frozen=True)
class Correction:
    routing: str = ""
    account: str = ""  # digits; encrypted before it is stored
    account_type: str = ""


def correction_parse(change_code: str, corrected_data: str) -> Correction:
    """The corrected data of a NOC addenda, checked; ServiceError saying what is wrong."""
    if change_code not in CHANGE_CODES:
        raise ServiceError(
            f"change code {change_code} is not one the district acts on (C01, C02, C03, C05, "
            "C06, C07): a person must read it"
        )
    data = corrected_data.ljust(29)
    fields = {
        name: data[start - 1 : end].strip() for name, start, end in CHANGE_CODES[change_code][1]
    }
    routing, account = fields.get("routing", ""), fields.get("account", "")
    code = fields.get("transaction_code", "")
    if "routing" in fields and (problem := aba_problem(routing)):
        raise ServiceError(problem.replace("the routing number", "the corrected routing number"))
    if "account" in fields and not (account.isascii() and account.isdigit() and len(account) >= 4):
        raise ServiceError(f"the corrected account number “{account}” is not 4 to 17 digits")
    account_type = ""
    if "transaction_code" in fields:
        if code.isdigit() and int(code) in CHECKING_CODES:
            account_type = AccountType.CHECKING
        elif code.isdigit() and int(code) in SAVINGS_CODES:
            account_type = AccountType.SAVINGS
        else:
            raise ServiceError(f"the corrected transaction code “{code}” is not a known one")
    return Correction(routing=routing, account=account, account_type=account_type)


def change_notice_record(*, entry: AchReturnEntry, correction: Correction) -> AchChangeNotice:
    """Keep the correction pending for the entry's enrolment (called inside the import)."""
    return AchChangeNotice.objects.create(
        entry=entry,
        enrolment=entry.enrolment,
        change_code=entry.code,
        corrected_routing=correction.routing,
        corrected_account_encrypted=(
            crypto.encrypt_account_number(correction.account) if correction.account else ""
        ),
        corrected_last4=correction.account[-4:],
        corrected_account_type=correction.account_type,
    )


def same_notice_pending(enrolment_id: int, change_code: str, correction: Correction) -> bool:
    """Whether a pending notice already asks for the same correction (a bank repeats a NOC
    until it sees the change)."""
    for notice in AchChangeNotice.objects.filter(
        enrolment_id=enrolment_id, change_code=change_code, status=AchChangeNotice.Status.PENDING
    ):
        account = (
            crypto.decrypt_account_number(notice.corrected_account_encrypted)
            if notice.corrected_account_encrypted
            else ""
        )
        if (notice.corrected_routing, account, notice.corrected_account_type) == (
            correction.routing,
            correction.account,
            correction.account_type,
        ):
            return True
    return False


def enrolments_with_pending_noc(ids) -> set[int]:
    """Of the enrolment ids given, those with a notification of change waiting for a CSR:
    drafting skips them (the bank requires the change before our next entry)."""
    return set(
        AchChangeNotice.objects.filter(
            enrolment_id__in=list(ids), status=AchChangeNotice.Status.PENDING
        ).values_list("enrolment_id", flat=True)
    )


def _locked_notice(notice_id) -> AchChangeNotice:
    # The enrolment first, then the notice: the order the import's writes take.
    try:
        enrolment_id = AchChangeNotice.objects.values_list("enrolment_id", flat=True).get(
            pk=notice_id
        )
    except (AchChangeNotice.DoesNotExist, ValueError, TypeError):
        raise ServiceError("That notification of change does not exist.") from None
    AutopayEnrolment.objects.select_for_update().filter(pk=enrolment_id).first()
    return AchChangeNotice.objects.select_for_update().select_related("enrolment").get(pk=notice_id)


def _check_pending(notice: AchChangeNotice) -> None:
    if not notice.can_decide:
        raise ServiceError(
            f"This notification of change was already {notice.get_status_display().lower()} "
            f"on {timezone.localtime(notice.decided_at):%m/%d/%Y}."
        )


@transaction.atomic
def change_notice_confirm(*, notice_id: int, by) -> AchChangeNotice:
    """Apply the bank's correction to the enrolment's stored bank details; records who
    confirmed and what was replaced."""
    require(by, Perm.EDIT_ACCOUNTS, doing="confirm a bank's notification of change")
    with acting_user(by):
        notice = _locked_notice(notice_id)
        _check_pending(notice)
        enrolment = notice.enrolment
        if enrolment.is_cancelled:
            raise ServiceError(
                "This autopay was cancelled: there is nothing to correct; decline the notice."
            )
        notice.previous_routing = enrolment.routing_number
        notice.previous_last4 = enrolment.account_last4
        notice.previous_account_type = enrolment.account_type
        changed = []
        if notice.corrected_routing:
            enrolment.routing_number = notice.corrected_routing
            changed.append("routing_number")
        if notice.corrected_account_encrypted:
            digits = crypto.decrypt_account_number(notice.corrected_account_encrypted)
            enrolment.account_number_encrypted = crypto.encrypt_account_number(digits)
            enrolment.account_last4 = digits[-4:]
            changed += ["account_number_encrypted", "account_last4"]
        if notice.corrected_account_type:
            enrolment.account_type = notice.corrected_account_type
            changed.append("account_type")
        enrolment.save(update_fields=changed)
        transition(notice, AchChangeNotice.Status.CONFIRMED, verb="confirmed")
        notice.decided_by, notice.decided_at = by, timezone.now()
        notice.save(
            update_fields=[
                "status",
                "decided_by",
                "decided_at",
                "previous_routing",
                "previous_last4",
                "previous_account_type",
            ]
        )
        return notice


@transaction.atomic
def change_notice_decline(*, notice_id: int, reason: str, by) -> AchChangeNotice:
    """Leave the enrolment as it is (the correction was checked with the customer and is
    wrong); drafting resumes for it."""
    require(by, Perm.EDIT_ACCOUNTS, doing="decline a bank's notification of change")
    reason = " ".join((reason or "").split())
    if not reason:
        raise ServiceError({"reason": "Say why the bank's correction is not made."})
    with acting_user(by):
        notice = _locked_notice(notice_id)
        _check_pending(notice)
        transition(notice, AchChangeNotice.Status.DECLINED, verb="declined")
        notice.decided_by, notice.decided_at = by, timezone.now()
        notice.decline_reason = reason[:255]
        notice.save(update_fields=["status", "decided_by", "decided_at", "decline_reason"])
        return notice


def notice_description(notice: AchChangeNotice) -> str:
    """What the notice changes, masked: "routing 121000358, account ****6789, savings"."""
    parts = []
    if notice.corrected_routing:
        parts.append(f"routing {notice.corrected_routing}")
    if notice.corrected_last4:
        parts.append(f"account {crypto.mask(notice.corrected_last4)}")
    if notice.corrected_account_type:
        parts.append(AccountType(notice.corrected_account_type).label.lower())
    return f"{change_meaning(notice.change_code)}: " + ", ".join(parts)
