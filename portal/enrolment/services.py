"""Enrolment: a customer proves they hold an account with facts from its bill.

The proof is the account number (its check digit caught at entry) and a second fact from the
bill: the last bill's amount due, or the service ZIP and the last four digits of a phone on
file. Wrong facts, or a number we do not have, answer one message only and write nothing but a
failure count (portal.enrolment.throttle), so a guesser learns nothing about the account.

Only once the facts match does the answer say more (closed account, already enrolled, e-mail in
use): whoever reads it has just shown they hold the bill.

Closed accounts cannot be enrolled: nothing is left to see or pay, and the records are the
office's to send. Final accounts can: the final bill may still be owed and paid online.

An enrolled login sees no account until its e-mail address is verified
(portal.selectors.linked_accounts). An enrolment never verified within allauth's confirmation
window stops holding the account: whoever holds the bill may enrol it again.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from allauth.account import app_settings as allauth_settings
from allauth.account.models import EmailAddress
from allauth.core import context as allauth_context
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts.languages import DEFAULT_LANGUAGE, login_language
from accounts.models import ServiceAccount
from accounts.numbers import normalise_account_number
from billing.models import Bill
from district import roles
from district.attribution import acting_user
from district.errors import ServiceError
from district.money import quantize_money
from district.roles import is_staff_user
from district.services import user_create_with_role
from portal.enrolment import throttle
from portal.models import AccountLink

NO_MATCH = _("Those details do not match our records.")
MISSING_FACT = _(
    "Give the amount of your last bill, or the service ZIP code and the last four digits of "
    "the phone number on the account."
)
ALREADY_ENROLLED = _(
    "This account already has an online sign-in. Sign in with it (the sign-in page can reset a "
    "forgotten password), or call the district office if you do not know who enrolled it."
)
ALREADY_YOURS = _("This account is already in your list.")
CLOSED = _(
    "This account is closed, so it cannot be enrolled online. Call the district office for its "
    "records or final balance."
)
EMAIL_IN_USE = _(
    "An online sign-in already uses this e-mail address. Sign in with it and add this account "
    "from your list of accounts, or use another address."
)

NOT_ENROLLABLE = {ServiceAccount.Status.CLOSED}


@dataclass(frozen=True)
class BillFacts:
    """What the customer typed from their bill."""

    account_number: str
    last_bill_amount: Decimal | None = None
    service_zip: str = ""
    phone_last_four: str = ""


def _digits(value: str) -> str:
    return "".join(char for char in (value or "") if char.isdigit())


def _facts_match(account: ServiceAccount, facts: BillFacts) -> bool:
    if facts.last_bill_amount is not None:
        last_amount = (
            Bill.objects.filter(account=account, status=Bill.Status.POSTED)
            .order_by("-bill_date", "-pk")
            .values_list("amount_due", flat=True)
            .first()
        )
        return last_amount is not None and quantize_money(last_amount) == quantize_money(
            facts.last_bill_amount
        )
    zip_code = _digits(facts.service_zip)[:5]
    last_four = _digits(facts.phone_last_four)
    if len(zip_code) != 5 or len(last_four) != 4:
        return False
    phones = [
        _digits(phone)
        for phone in (account.customer.phone, account.customer.alternate_phone)
        if _digits(phone)
    ]
    return _digits(account.premise.zip_code)[:5] == zip_code and any(
        phone[-4:] == last_four for phone in phones
    )


def _account_proven(facts: BillFacts, *, ip: str) -> ServiceAccount:
    """The account the facts prove, locked; refuses wrong facts with one message, counted."""
    if facts.last_bill_amount is None and not (facts.service_zip and facts.phone_last_four):
        raise ServiceError({"last_bill_amount": MISSING_FACT})
    try:
        number = normalise_account_number(facts.account_number)
    except ValidationError as error:
        raise ServiceError({"account_number": error.messages}) from error
    if throttle.is_throttled(account_number=number, ip=ip):
        raise ServiceError(throttle.THROTTLED_MESSAGE, code="throttled")
    account = (
        ServiceAccount.objects.select_for_update(of=("self",))
        .select_related("customer", "premise")
        .filter(number=number)
        .first()
    )
    if account is None or not _facts_match(account, facts):
        # Counted outside the transaction's fate: the cache is not rolled back.
        throttle.record_failure(account_number=number, ip=ip)
        raise ServiceError(NO_MATCH, code="no_match")
    if account.status in NOT_ENROLLABLE:
        raise ServiceError(CLOSED, code="closed")
    return account


def _stale_enrolments(account: ServiceAccount):
    """Online enrolments of this account never verified within allauth's confirmation window."""
    cutoff = timezone.now() - datetime.timedelta(
        days=allauth_settings.EMAIL_CONFIRMATION_EXPIRE_DAYS
    )
    verified = EmailAddress.objects.filter(user_id=OuterRef("user_id"), verified=True)
    return AccountLink.objects.filter(
        service_account=account, method=AccountLink.Method.ENROLMENT, linked_at__lt=cutoff
    ).filter(~Exists(verified))


def _check_not_enrolled(account: ServiceAccount, *, by) -> None:
    with acting_user(by):
        _stale_enrolments(account).delete()
    others = AccountLink.objects.filter(service_account=account)
    if by is not None:
        if others.filter(user=by).exists():
            raise ServiceError(ALREADY_YOURS, code="already_yours")
        others = others.filter(~Q(user=by))
    if others.exists():
        raise ServiceError(ALREADY_ENROLLED, code="already_enrolled")


def _email_in_use(email: str) -> bool:
    return (
        EmailAddress.objects.filter(email__iexact=email).exists()
        or get_user_model().objects.filter(Q(username__iexact=email) | Q(email__iexact=email))
        .exists()
    )


def verification_send(address: EmailAddress, *, request, signup: bool) -> None:
    """allauth's verification e-mail for the address. allauth reads the request from its own
    context, which has ended when an on_commit callback runs after the view: set it again.

    In the customer's language: the page's when they enrol themselves, their preferred one when
    a CSR (reading English) sends it again."""
    language = translation.get_language()
    if is_staff_user(request.user):
        language = login_language(address.user) or DEFAULT_LANGUAGE
    with allauth_context.request_context(request), translation.override(language):
        address.send_confirmation(request, signup=signup)


@transaction.atomic
def enrolment_start(*, facts: BillFacts, email: str, password: str, ip: str, request):
    """Make a customer login holding the proven account and send the verification e-mail.

    `request` is allauth's, for the verification link's address. Returns the new login.
    """
    email = (email or "").strip().lower()
    if not email:
        raise ServiceError({"email": _("Give the e-mail address you will sign in with.")})
    try:
        validate_password(password)
    except ValidationError as error:
        raise ServiceError({"password": error.messages}) from error
    account = _account_proven(facts, ip=ip)
    _check_not_enrolled(account, by=None)
    if _email_in_use(email):
        raise ServiceError({"email": EMAIL_IN_USE}, code="email_in_use")
    user = user_create_with_role(username=email, password=password, role=roles.CUSTOMER)
    user.email = email
    user.save(update_fields=["email"])
    address = EmailAddress.objects.create(user=user, email=email, primary=True, verified=False)
    with acting_user(user):
        AccountLink.objects.create(
            user=user, service_account=account, method=AccountLink.Method.ENROLMENT
        )
    transaction.on_commit(lambda: verification_send(address, request=request, signup=True))
    return user


@transaction.atomic
def account_add(*, user, facts: BillFacts, ip: str) -> AccountLink:
    """Add another proven account to a signed-in customer's login."""
    if user is None or not user.is_authenticated or roles.is_staff_user(user):
        raise ServiceError(_("Sign in as a customer to add an account."), code="not_customer")
    account = _account_proven(facts, ip=ip)
    _check_not_enrolled(account, by=user)
    with acting_user(user):
        return AccountLink.objects.create(
            user=user, service_account=account, method=AccountLink.Method.ENROLMENT
        )
