"""Returned items (NSF): the bank took back a deposited check, money order or ACH debit.

Recording one, in one transaction: reverse what the tender paid (debit the customers'
receivables, credit cash in bank, where the bank took the money from), charge the NSF fee from
policy, log a contact, queue the notice letter, and flag the customer cash only after the
policy's number of returns in 12 months. A tender is returned at most once (a one-to-one link
in the database, checked first under the payment's lock); money is never edited in place.
"""

from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from accounts.deposits.rules import months_before
from accounts.models import Contact, Customer, CustomerFlag, ServiceAccount
from accounts.services import customer_flag_set
from district.attribution import acting_user
from district.customer_notes import RETURNED_PAYMENT, RETURNED_PAYMENT_FEE
from district.errors import ServiceError
from district.ledger.models import Journal
from district.ledger.purposes import Purpose
from district.ledger.services import Line, journal_post
from district.money import ZERO, format_money
from district.policies import policy_value
from district.transitions import transition
from payments.models import (
    BankDepositItem,
    Letter,
    Payment,
    PaymentLine,
    PaymentVoid,
    ReturnedItem,
    Tender,
)

# Tenders the bank can send back; cash never bounces and cards come back as chargebacks.
RETURNABLE_TENDERS = (Tender.Kind.CHECK, Tender.Kind.MONEY_ORDER, Tender.Kind.ACH)
# Returns the customer caused: these are charged the NSF fee ("other" covers bank errors).
FEE_REASONS = (ReturnedItem.Reason.NSF, ReturnedItem.Reason.CLOSED, ReturnedItem.Reason.STOPPED)
# Payments that reach the bank in their file's settlement, with no deposit slip of ours.
_FILE_CHANNELS = (Payment.Channel.LOCKBOX, Payment.Channel.PROCESSOR)
CASH_ONLY_WINDOW_MONTHS = 12


def tender_label(tender: Tender) -> str:
    """ "check 1234", "money order", "ACH payment": how the notice and the contact name it."""
    if tender.kind == Tender.Kind.CHECK:
        return f"check {tender.check_number}".strip()
    if tender.kind == Tender.Kind.ACH:
        return "electronic (ACH) payment"
    return tender.get_kind_display().lower()


def _next_returned_item_id() -> int:
    # The journal names its source (the returned item) before the row exists: reserve its id.
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence('payments_returneditem', 'id'))")
        return cursor.fetchone()[0]


def is_deposited(payment: Payment) -> bool:
    """Whether the payment's money reached the bank (so the bank can take it back)."""
    if payment.channel == Payment.Channel.COUNTER:
        return BankDepositItem.objects.filter(session_id=payment.session_id).exists()
    if payment.channel in _FILE_CHANNELS:
        return True
    return BankDepositItem.objects.filter(batch_id=payment.batch_id).exists()


def _check_input(*, reason: str, returned_on) -> None:
    if reason not in ReturnedItem.Reason.values:
        raise ServiceError({"reason": "Choose why the bank returned the payment."})
    if isinstance(returned_on, datetime) or not isinstance(returned_on, date):
        raise ServiceError({"returned_on": "Enter the date the bank returned it."})
    if returned_on > timezone.localdate():
        raise ServiceError({"returned_on": "The return date cannot be in the future."})


def _locked_tender(tender_id) -> tuple[Payment, Tender]:
    """The payment locked first, then its tender (every returned-item action's lock order)."""
    try:
        payment_id = Tender.objects.values_list("payment_id", flat=True).get(pk=tender_id)
    except (Tender.DoesNotExist, ValueError, TypeError):
        raise ServiceError("That payment tender does not exist.") from None
    payment = Payment.objects.select_for_update().get(pk=payment_id)
    tender = Tender.objects.select_for_update().get(pk=tender_id)
    return payment, tender


def _check_returnable(payment: Payment, tender: Tender, returned_on: date) -> None:
    receipt = payment.receipt_number
    if tender.kind not in RETURNABLE_TENDERS:
        raise ServiceError(
            f"Receipt {receipt} was paid by {tender.get_kind_display().lower()}: only a check, "
            "money order or ACH payment can be returned by the bank."
        )
    if PaymentVoid.objects.filter(payment_id=payment.pk).exists():
        raise ServiceError(
            f"Receipt {receipt} was voided: its money was already taken back, nothing to return."
        )
    already = ReturnedItem.objects.filter(tender_id=tender.pk).first()
    if already is not None:
        raise ServiceError(
            f"This {tender_label(tender)} of receipt {receipt} was already recorded as returned "
            f"on {already.returned_on:%m/%d/%Y}."
        )
    if not is_deposited(payment):
        raise ServiceError(
            "This check has not been deposited yet; void it instead if it is today's."
        )
    if returned_on < payment.effective_date:
        raise ServiceError(
            {
                "returned_on": f"The return date is before the payment "
                f"({payment.effective_date:%m/%d/%Y})."
            }
        )


def _receivable_split(payment: Payment, tender: Tender) -> list[tuple[int, Decimal]]:
    """(account id, amount) the returned tender had paid: the tender's amount spread over the
    payment's lines in line order, each line taking up to its own amount, after what earlier
    returns of the same payment's other tenders took (they were spread the same way)."""
    earlier = sum(
        ReturnedItem.objects.filter(tender__payment_id=payment.pk).values_list(
            "tender__amount", flat=True
        ),
        ZERO,
    )
    split = []
    remaining = tender.amount
    for line in PaymentLine.objects.filter(payment_id=payment.pk).order_by("id"):
        available = line.amount
        if earlier:
            used = min(earlier, available)
            earlier -= used
            available -= used
        take = min(remaining, available)
        if take > 0:
            split.append((line.account_id, take))
            remaining -= take
        if remaining == 0:
            break
    if remaining:
        # Tenders and lines both sum to the payment's total, so this means broken data.
        raise ServiceError(
            f"Receipt {payment.receipt_number}'s accounts do not add up to its tenders; "
            "ask finance to look at it before recording the return."
        )
    return split


def returned_item_record(
    *,
    tender_id: int,
    reason: str,
    returned_on: date,
    by,
    bank_reference: str = "",
    notice: bool = True,
) -> ReturnedItem:
    """Record a tender the bank returned unpaid: reverse it to cash in bank, charge the NSF fee,
    log a contact, queue the notice, flag cash only at the policy's count. Once per tender.

    notice=False: the caller tells the customer, and logs that contact, its own way (the ACH
    return file e-mails a customer who chose e-mail): no letter is queued here, so nobody is
    told twice."""
    if by is None:
        raise ServiceError("Say who is recording the returned payment.")
    _check_input(reason=reason, returned_on=returned_on)
    bank_reference = (bank_reference or "").strip()[:60]
    try:
        with transaction.atomic(), acting_user(by):
            payment, tender = _locked_tender(tender_id)
            _check_returnable(payment, tender, returned_on)
            return _record(payment, tender, reason, returned_on, by, bank_reference, notice)
    except IntegrityError as error:
        # Another return of this tender committed between our check and our insert.
        if ReturnedItem.objects.filter(tender_id=tender_id).exists():
            raise ServiceError("This payment was already recorded as returned.") from error
        raise


def _record(payment, tender, reason, returned_on, by, bank_reference, notice) -> ReturnedItem:
    split = _receivable_split(payment, tender)
    accounts = ServiceAccount.objects.select_related("customer").in_bulk(
        [account_id for account_id, _ in split]
    )
    first_account = accounts[split[0][0]]
    # The customer's lock serialises their returns, so two recorded at once count each other
    # (the second counts after the first commits) and the cash-only rule is not missed.
    Customer.objects.select_for_update().filter(pk=first_account.customer_id).first()
    what = tender_label(tender)
    reason_label = ReturnedItem.Reason(reason).label
    receipt = payment.receipt_number
    item_id = _next_returned_item_id()
    # Kind "payment", not "reversal": the reversal kind is reserved for journal_reverse, which
    # negates a whole journal, and a returned tender undoes only its part of a payment (and of
    # a batch journal, which many payments share). The memo and the source (this returned
    # item) say it is a return; its lines are a negative payment.
    journal = journal_post(
        kind=Journal.Kind.PAYMENT,
        memo=f"Returned {what}, receipt {receipt}: {reason_label}"[:255],
        lines=[
            Line(
                Purpose.AR_CUSTOMERS,
                amount,
                account_id,
                memo=RETURNED_PAYMENT.text(what=what, receipt=receipt),
            )
            for account_id, amount in split
        ]
        + [
            Line(
                Purpose.CASH_IN_BANK, -tender.amount, memo=f"Returned by the bank {bank_reference}"
            )
        ],
        by=by,
        idempotency_key=f"returned-item:{tender.pk}",
        effective_date=returned_on,
        source=ReturnedItem(pk=item_id),
    )
    fee = policy_value("nsf-fee") if reason in FEE_REASONS else ZERO
    fee_journal = _fee_post(
        fee, account=first_account, what=f"{what}, receipt {receipt}", tender=tender, by=by,
        returned_on=returned_on, item_id=item_id,
    )  # fmt: skip
    with transaction.atomic():
        item = ReturnedItem.objects.create(
            pk=item_id,
            tender=tender,
            reason=reason,
            returned_on=returned_on,
            bank_reference=bank_reference,
            journal=journal,
            fee_journal=fee_journal,
            recorded_by=by,
        )
    customer = first_account.customer
    if notice:
        fee_text = f" A returned payment fee of {format_money(fee)} was charged." if fee else ""
        Contact.objects.create(
            channel=Contact.Channel.MAIL,
            reason=Contact.Reason.RETURNED_PAYMENT,
            account=first_account,
            customer=customer,
            notes=(
                f"The bank returned {what} ({format_money(tender.amount)}, receipt {receipt}) "
                f"on {returned_on:%m/%d/%Y}: {reason_label}.{fee_text} Returned payment notice "
                "queued."
            ),
            logged_by=by,
        )
        Letter.objects.create(
            account=first_account, kind=Letter.Kind.RETURNED_PAYMENT, returned_item=item
        )
    _flag_cash_only_if_due(customer, returned_on=returned_on, by=by)
    return item


def _fee_post(fee, *, account, what: str, tender, by, returned_on, item_id) -> Journal | None:
    """The returned payment (NSF) fee charged to the first account the tender paid."""
    if fee <= 0:
        return None
    return journal_post(
        kind=Journal.Kind.FEE,
        memo=f"Returned payment fee: {what}"[:255],
        lines=[
            Line(Purpose.AR_CUSTOMERS, fee, account.pk, memo=RETURNED_PAYMENT_FEE.text()),
            Line(Purpose.FEES_NSF, -fee),
        ],
        by=by,
        idempotency_key=f"nsf-fee:{tender.pk}",
        effective_date=returned_on,
        source=ReturnedItem(pk=item_id),
    )


def returns_in_window(customer, *, until: date) -> int:
    """The customer's returned items in the 12 months up to and including `until`."""
    payments = Payment.objects.filter(lines__account__customer=customer).values("pk")
    return ReturnedItem.objects.filter(
        tender__payment__in=payments,
        returned_on__gt=months_before(until, CASH_ONLY_WINDOW_MONTHS),
        returned_on__lte=until,
    ).count()


def _flag_cash_only_if_due(customer, *, returned_on: date, by) -> CustomerFlag | None:
    threshold = policy_value("nsf-returns-cash-only")
    if not threshold or threshold <= 0:
        return None
    count = returns_in_window(customer, until=returned_on)
    if count < threshold:
        return None
    active = CustomerFlag.objects.filter(
        customer=customer, flag=CustomerFlag.Flag.CASH_ONLY, cleared_at__isnull=True
    )
    if active.exists():
        return None
    try:
        # accounts' service locks the customer, so a concurrent flag waits and then sees ours.
        return customer_flag_set(
            customer=customer,
            flag=CustomerFlag.Flag.CASH_ONLY,
            reason=f"{count} returned payments in 12 months",
            by=by,
        )
    except ValidationError:
        return None  # set meanwhile: one active flag is all the rule asks for


# -- letters -----------------------------------------------------------------------------------


def letter_mark_printed(*, letter_id: int, by) -> Letter:
    """Mark a queued letter printed (asked again, leaves it as it is)."""
    with transaction.atomic(), acting_user(by):
        letter = Letter.objects.select_for_update().filter(pk=letter_id).first()
        if letter is None:
            raise ServiceError("That letter does not exist.")
        if letter.can_move_to(Letter.Status.PRINTED):
            transition(letter, Letter.Status.PRINTED)
            letter.printed_at = timezone.now()
            letter.save(update_fields=["status", "printed_at"])
        return letter


def letters_take_queued(*, by) -> list[int]:
    """Mark every queued letter printed and return their ids, oldest first (for the batch
    print, which renders them in the same transaction so a failure leaves them queued)."""
    with acting_user(by):
        ids = list(
            Letter.objects.select_for_update(skip_locked=True)
            .filter(status=Letter.Status.QUEUED)
            .order_by("created_at", "id")
            .values_list("pk", flat=True)
        )
        Letter.objects.filter(pk__in=ids).update(
            status=Letter.Status.PRINTED, printed_at=timezone.now()
        )
    return ids
