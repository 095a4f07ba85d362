"""Writes of the customer portal's pages: service requests that wait for a CSR, the contact
details, language and paperless billing a customer sets, a payment arrangement request, and the
log of a CSR's "view as customer".

Every function is keyword-only, transactional, takes the acting user and checks its own guard:
a customer acts only on an account their login holds (portal.selectors.access_account, which
the views call, and `_require_linked` here, so a task or a shell cannot slip past it).
"""

import datetime
from decimal import ROUND_DOWN, Decimal

from allauth.account.models import EmailAddress
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.contacts.services import contact_log
from accounts.models import Contact, Customer, ServiceAccount
from accounts.services import customer_update, service_account_update
from billing.arrangements.models import Arrangement
from billing.arrangements.services import arrangement_create
from district.errors import NotPermitted, ServiceError
from district.ledger.selectors import account_balance
from district.money import format_money
from district.roles import Perm, is_staff_user
from district.transitions import transition
from portal.models import AccountLink
from portal.service_requests.models import ServiceRequest, StaffPortalView

# What a customer may change directly: how we reach them and where their mail goes. Each change
# is logged in the account's contact history with the old and the new value. Their name, the
# account's owner and the service address stay with the office (identity and title).
CONTACT_FIELDS = (
    "phone",
    "alternate_phone",
    "email",
    "mailing_line1",
    "mailing_line2",
    "mailing_city",
    "mailing_state",
    "mailing_zip",
)
FARTHEST_WANTED_DAYS = 90
ARRANGEMENT_MONTHS = (2, 3, 4, 5, 6)
REQUEST_REASONS = {
    ServiceRequest.Kind.START: Contact.Reason.START,
    ServiceRequest.Kind.STOP: Contact.Reason.STOP,
    ServiceRequest.Kind.TRANSFER: Contact.Reason.TRANSFER,
}


def _require_linked(by, account: ServiceAccount) -> None:
    if not AccountLink.objects.filter(
        user_id=getattr(by, "pk", None), service_account=account
    ).exists():
        raise NotPermitted(_("You can change only the accounts your sign-in holds."))


def _log(account: ServiceAccount, *, reason: str, by, notes: str) -> Contact:
    return contact_log(
        channel=Contact.Channel.PORTAL, reason=reason, by=by, account=account, notes=notes[:2000]
    )


# -- start, stop and transfer: requests for a CSR -----------------------------------------------


@transaction.atomic
def service_request_create(
    *,
    account: ServiceAccount,
    kind: str,
    wanted_on: datetime.date | None,
    by,
    service_address: str = "",
    forwarding_address: str = "",
    notes: str = "",
    today: datetime.date | None = None,
) -> ServiceRequest:
    """File a start, stop or transfer request for the CSRs' queue (nothing is started or
    stopped until a CSR carries it out)."""
    _require_linked(by, account)
    today = today or timezone.localdate()
    service_address = (service_address or "").strip()
    forwarding_address = (forwarding_address or "").strip()
    notes = (notes or "").strip()
    errors = {}
    if kind not in ServiceRequest.Kind.values:
        errors["kind"] = _("Choose start, stop or transfer of service.")
    if wanted_on is None:
        errors["wanted_on"] = _("Enter the date you want it done, like 07/01/2026.")
    elif wanted_on < today:
        errors["wanted_on"] = _("The date cannot be in the past.")
    elif wanted_on > today + datetime.timedelta(days=FARTHEST_WANTED_DAYS):
        errors["wanted_on"] = _("Ask at most 90 days ahead.")
    if kind in (ServiceRequest.Kind.START, ServiceRequest.Kind.TRANSFER) and not service_address:
        errors["service_address"] = _("Enter the address where you want water service.")
    if kind == ServiceRequest.Kind.STOP and not forwarding_address:
        errors["forwarding_address"] = _("Enter where we should mail your final bill.")
    for name, value, limit in (
        ("service_address", service_address, 200),
        ("forwarding_address", forwarding_address, 200),
        ("notes", notes, 500),
    ):
        if len(value) > limit:
            errors[name] = _("Keep this under %(limit)s characters.") % {"limit": limit}
    if kind == ServiceRequest.Kind.START:
        pass  # a start from an existing account: the customer is known, the address is new
    elif account.status == ServiceAccount.Status.CLOSED and "kind" not in errors:
        errors["kind"] = _("This account is closed: there is no service to stop or move.")
    if errors:
        raise ServiceError(errors)
    request = ServiceRequest(
        kind=kind,
        service_account=account,
        requested_by=by,
        wanted_on=wanted_on,
        service_address=service_address,
        forwarding_address=forwarding_address,
        notes=notes,
    )
    try:
        with transaction.atomic():
            request.save()
    except IntegrityError:
        raise ServiceError(
            _("You already asked for this; the office is working on it."), code="one_open"
        ) from None
    _log(
        account,
        reason=REQUEST_REASONS[kind],
        by=by,
        notes=f"{request.get_kind_display()} requested online for {wanted_on:%m/%d/%Y}"
        + (f" at {service_address}" if service_address else "")
        + (f"; final bill to {forwarding_address}" if forwarding_address else "")
        + (f". {notes}" if notes else "."),
    )
    return request


def _locked_request(request_id: int) -> ServiceRequest:
    request = (
        ServiceRequest.objects.select_for_update(of=("self",))
        .select_related("service_account")
        .filter(pk=request_id)
        .first()
    )
    if request is None:
        raise ServiceError("That request no longer exists.")
    return request


def _require_csr(by) -> None:
    if not (is_staff_user(by) and by.has_perm(Perm.START_STOP_SERVICE)):
        raise NotPermitted("Only a CSR who starts and stops service handles online requests.")


@transaction.atomic
def service_request_take(*, request_id: int, by) -> ServiceRequest:
    """A CSR takes a waiting request to carry it out on the counter's own page."""
    _require_csr(by)
    request = _locked_request(request_id)
    if request.status == ServiceRequest.Status.TAKEN and request.handled_by_id == by.pk:
        return request  # a second click on "Take" is the same action
    transition(request, ServiceRequest.Status.TAKEN, verb="taken")
    request.handled_by = by
    request.handled_at = timezone.now()
    request.save(update_fields=["status", "handled_by", "handled_at"])
    return request


@transaction.atomic
def service_request_close(*, request_id: int, by, done: bool, outcome: str) -> ServiceRequest:
    """Close a request: done (the CSR carried it out) or declined (the reason is for the
    customer). Logged in the account's contact history."""
    _require_csr(by)
    outcome = (outcome or "").strip()
    if not outcome:
        raise ServiceError({"outcome": "Say what was done, or why it was declined."})
    if len(outcome) > 255:
        raise ServiceError({"outcome": "Keep it under 255 characters."})
    request = _locked_request(request_id)
    to = ServiceRequest.Status.DONE if done else ServiceRequest.Status.DECLINED
    transition(request, to, verb="done" if done else "declined")
    request.handled_by = by
    request.handled_at = timezone.now()
    request.outcome = outcome
    request.save(update_fields=["status", "handled_by", "handled_at", "outcome"])
    contact_log(
        channel=Contact.Channel.PORTAL,
        reason=REQUEST_REASONS[request.kind],
        by=by,
        account=request.service_account,
        notes=f"Online {request.get_kind_display().lower()} request "
        f"{'done' if done else 'declined'}: {outcome}",
    )
    return request


# -- contact details, language, paperless --------------------------------------------------------


@transaction.atomic
def contact_details_update(*, account: ServiceAccount, by, **fields) -> Customer:
    """Change the phones, e-mail and mailing address of the account's customer; every changed
    field is logged in the account's contact history (old and new)."""
    _require_linked(by, account)
    unknown = set(fields) - set(CONTACT_FIELDS)
    if unknown:
        raise ServiceError(f"These cannot be changed online: {', '.join(sorted(unknown))}.")
    customer = Customer.objects.select_for_update().get(pk=account.customer_id)
    before = {name: getattr(customer, name) for name in CONTACT_FIELDS}
    if "email" in fields and not fields["email"] and account_is_paperless_anywhere(customer):
        raise ServiceError(
            {
                "email": _(
                    "Your bills come by e-mail: keep an e-mail address, or turn paperless off first."
                )
            }
        )
    customer = customer_update(customer=customer, by=by, **fields)
    changes = [
        f"{Customer._meta.get_field(name).verbose_name}: "
        f"{before[name] or '(none)'} -> {getattr(customer, name) or '(none)'}"
        for name in CONTACT_FIELDS
        if before[name] != getattr(customer, name)
    ]
    if changes:
        _log(
            account,
            reason=Contact.Reason.GENERAL,
            by=by,
            notes="Contact details changed online: " + "; ".join(changes) + ".",
        )
    return customer


def account_is_paperless_anywhere(customer: Customer) -> bool:
    return ServiceAccount.objects.filter(customer=customer, paperless=True).exists()


@transaction.atomic
def language_set(*, account: ServiceAccount, by, language: str) -> Customer:
    """The language the customer's bills, letters and e-mails are written in."""
    _require_linked(by, account)
    customer = Customer.objects.select_for_update().get(pk=account.customer_id)
    if language not in dict(Customer._meta.get_field("language").choices):
        raise ServiceError({"language": _("Choose a language from the list.")})
    if customer.language == language:
        return customer
    before = customer.get_language_display()
    customer = customer_update(customer=customer, by=by, language=language)
    _log(
        account,
        reason=Contact.Reason.GENERAL,
        by=by,
        notes=f"Preferred language changed online: {before} -> {customer.get_language_display()}.",
    )
    return customer


def _verified_sign_in_email(user) -> str:
    """The customer login's primary e-mail address when it is verified, else ""."""
    address = EmailAddress.objects.filter(user=user, primary=True, verified=True).first()
    return address.email if address else ""


@transaction.atomic
def paperless_set(*, account: ServiceAccount, by, paperless: bool) -> ServiceAccount:
    """Paperless billing on or off. On, the bill-run issue e-mails a link to the bill in the
    portal instead of printing it (billing.bill_runs.issue), so an e-mail address is needed: the
    customer record's, or else the verified address the customer signs in with, then recorded."""
    _require_linked(by, account)
    account = (
        ServiceAccount.objects.select_for_update().select_related("customer").get(pk=account.pk)
    )
    if paperless and not account.customer.email:
        # The address the customer signs in with and proved is theirs, when the office has none
        # on file: recorded (and logged) as their contact e-mail.
        signed_in = _verified_sign_in_email(by)
        if not signed_in:
            raise ServiceError(
                {"paperless": _("Add an e-mail address first: we send each bill's link there.")}
            )
        contact_details_update(account=account, by=by, email=signed_in)
        account.customer.refresh_from_db(fields=["email"])
    if account.paperless == paperless:
        return account
    account = service_account_update(account=account, by=by, paperless=paperless)
    _log(
        account,
        reason=Contact.Reason.BILLING,
        by=by,
        notes="Paperless billing turned on online."
        if paperless
        else "Paperless billing turned off online.",
    )
    return account


# -- payment arrangement request ------------------------------------------------------------------


def _add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return datetime.date(year, month, min(day.day, 28))


def arrangement_installments(balance: Decimal, months: int, *, on: datetime.date):
    """Equal monthly installments of the balance, the first a month from today (the last one
    takes the cents left over)."""
    each = (balance / months).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
    rows = [(_add_months(on, number), each) for number in range(1, months + 1)]
    rows[-1] = (rows[-1][0], balance - each * (months - 1))
    return rows


def arrangement_request(
    *, account: ServiceAccount, by, months: int, notes: str = "", idempotency_key: str | None = None
) -> Arrangement:
    """Ask for the balance in equal monthly installments: billing's arrangement service files it
    for a supervisor's review (a customer's request is always reviewed)."""
    _require_linked(by, account)
    if months not in ARRANGEMENT_MONTHS:
        raise ServiceError({"months": _("Choose 2 to 6 months.")})
    balance = account_balance(account.pk)
    if balance <= 0:
        raise ServiceError(_("This account owes nothing: there is no balance to arrange."))
    today = timezone.localdate()
    return arrangement_create(
        account=account,
        kind=Arrangement.Kind.INSTALLMENTS,
        installments=arrangement_installments(balance, months, on=today),
        by=by,
        notes=notes,
        idempotency_key=idempotency_key,
        on=today,
    )


def arrangement_preview(balance: Decimal, months: int) -> str:
    return _("%(months)s payments of about %(each)s") % {
        "months": months,
        "each": format_money((balance / months).quantize(Decimal("0.01"))),
    }


# -- "view as customer" ---------------------------------------------------------------------------


@transaction.atomic
def staff_portal_view_log(*, account: ServiceAccount, by) -> StaffPortalView:
    """Record that a CSR opened the account's portal page as the customer sees it."""
    if not (is_staff_user(by) and by.has_perm(Perm.VIEW_ACCOUNTS)):
        raise NotPermitted("Only staff who see accounts may view the portal as the customer.")
    view = StaffPortalView.objects.create(viewed_by=by, service_account=account)
    contact_log(
        channel=Contact.Channel.PORTAL,
        reason=Contact.Reason.GENERAL,
        by=by,
        account=account,
        notes="Viewed the customer's portal page as the customer sees it (read-only).",
    )
    return view
