"""Reads of the integration API, each answering only what is within a token's reach."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from accounts.models import ServiceAccount
from accounts.numbers import normalise_account_number
from billing.documents.selectors import bill_queryset
from billing.models import Bill
from district.ledger.selectors import account_balance
from field_ops.models import Meter, Premise, WorkOrder
from payments.models import DrawerSession, PaymentLine

# An integration sees issued bills only (as a customer does): drafts are work in progress.
ISSUED_BILL_STATUSES = (Bill.Status.POSTED, Bill.Status.CANCELLED)
# Work orders sent to the field (a mobile or GIS system's work); the office's queue is not.
FIELD_ORDER_STATUSES = (
    WorkOrder.Status.DISPATCHED,
    WorkOrder.Status.IN_PROGRESS,
    WorkOrder.Status.COMPLETED,
)


@dataclass(frozen=True)
class AccountStanding:
    """What a phone system reads to a caller."""

    account: ServiceAccount
    balance: Decimal
    amount_due: Decimal | None
    due_date: date | None
    last_payment_amount: Decimal | None
    last_payment_at: datetime | None


def _digits(text: str) -> str:
    return "".join(ch for ch in (text or "") if ch.isdigit())


def account_for_caller(
    *, number: str, zip_code: str = "", phone_last4: str = ""
) -> ServiceAccount | None:
    """The account whose number and second fact (service ZIP or the last four digits of a
    phone on file) both match, else None: a wrong fact looks exactly like an unknown number."""
    try:
        number = normalise_account_number(number)
    except ValidationError:
        return None
    account = (
        ServiceAccount.objects.select_related("premise", "customer").filter(number=number).first()
    )
    if account is None:
        return None
    zip_code, phone_last4 = _digits(zip_code)[:5], _digits(phone_last4)
    if zip_code and len(zip_code) == 5 and _digits(account.premise.zip_code)[:5] == zip_code:
        return account
    phones = [account.customer.phone, account.customer.alternate_phone]
    if len(phone_last4) == 4 and any(
        len(_digits(phone)) >= 4 and _digits(phone)[-4:] == phone_last4 for phone in phones
    ):
        return account
    return None


def account_standing(account: ServiceAccount) -> AccountStanding:
    """Balance, the latest issued bill's amount and due date, the last payment (3 queries)."""
    bill = (
        Bill.objects.filter(account=account, status=Bill.Status.POSTED)
        .order_by("-bill_date", "-id")
        .only("amount_due", "due_date")
        .first()
    )
    line = (
        PaymentLine.objects.filter(account=account, payment__void__isnull=True)
        .select_related("payment")
        .order_by("-payment__received_at", "-payment_id")
        .first()
    )
    return AccountStanding(
        account=account,
        balance=account_balance(account.pk),
        amount_due=bill.amount_due if bill else None,
        due_date=bill.due_date if bill else None,
        last_payment_amount=line.amount if line else None,
        last_payment_at=line.payment.received_at if line else None,
    )


def issued_bills() -> QuerySet[Bill]:
    return Bill.objects.filter(status__in=ISSUED_BILL_STATUSES).select_related("account")


def issued_bill(bill_id: int) -> Bill | None:
    """An issued bill with what its PDF prints, or None (not issued, or no such bill)."""
    return bill_queryset().filter(pk=bill_id, status__in=ISSUED_BILL_STATUSES).first()


def field_orders() -> QuerySet[WorkOrder]:
    return WorkOrder.objects.filter(status__in=FIELD_ORDER_STATUSES).select_related(
        "premise", "meter", "assigned_to"
    )


def premises() -> QuerySet[Premise]:
    return Premise.objects.all()


def meters() -> QuerySet[Meter]:
    return Meter.objects.all()


def token_drawer_sessions(tokens) -> dict[int, DrawerSession]:
    """The latest drawer session of each token's service user, by token id (one query): the
    open one while the drawer is open, else the last close."""
    by_user = {token.user_id: token.pk for token in tokens}
    latest = (
        DrawerSession.objects.filter(cashier_id__in=list(by_user))
        .select_related("drawer", "closed_by")
        .order_by("cashier_id", "-opened_at", "-id")
        .distinct("cashier_id")
    )
    return {by_user[session.cashier_id]: session for session in latest}
