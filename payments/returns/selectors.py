"""Reads of returned items and letters: the lists, a detail, and the finder of a payment's
returnable tenders (each a fixed number of queries, however many rows)."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, Q

from accounts.models import CustomerFlag, ServiceAccount
from district.ledger.selectors import account_balance
from district.money import ZERO
from payments.models import Letter, PaymentLine, ReturnedItem, Tender
from payments.returns.services import RETURNABLE_TENDERS

LIST_LIMIT = 200
FINDER_LIMIT = 50

_LINES = Prefetch(
    "tender__payment__lines",
    queryset=PaymentLine.objects.select_related("account__customer").order_by("id"),
)


def returned_items(limit: int = LIST_LIMIT) -> list[ReturnedItem]:
    """The latest returned items with their tender, payment, accounts and letter (2 queries)."""
    return list(
        ReturnedItem.objects.select_related(
            "tender__payment", "recorded_by", "journal", "fee_journal", "letter"
        )
        .prefetch_related(_LINES)
        .order_by("-returned_on", "-id")[:limit]
    )


def returned_item_detail(returned_id) -> ReturnedItem | None:
    return (
        ReturnedItem.objects.select_related(
            "tender__payment__session__drawer",
            "tender__payment__batch",
            "recorded_by",
            "journal",
            "fee_journal",
            "letter",
        )
        .prefetch_related(_LINES)
        .filter(pk=returned_id)
        .first()
    )


def queued_letters() -> list[Letter]:
    """Letters waiting for the mail room, oldest first, with what they are about (1 query)."""
    return list(
        Letter.objects.filter(status=Letter.Status.QUEUED)
        .select_related("account__customer", "returned_item__tender__payment")
        .order_by("created_at", "id")
    )


def letter_for_print(letter_id) -> Letter | None:
    return (
        Letter.objects.select_related(
            "account__customer", "account__premise", "returned_item__tender__payment"
        )
        .filter(pk=letter_id)
        .first()
    )


@dataclass(frozen=True)
class LetterFacts:
    """What the returned-payment notice says."""

    letter: Letter
    account: ServiceAccount
    item: ReturnedItem
    tender: Tender
    fee: Decimal
    balance: Decimal
    cash_only: bool


def letter_facts(letter: Letter) -> LetterFacts:
    """The notice's facts: the balance as it is now, and the cash-only flag if set."""
    item = letter.returned_item
    fee = ZERO
    if item.fee_journal_id:
        fee = sum(
            (
                line.amount
                for line in item.fee_journal.lines.all()
                if line.service_account_id is not None
            ),
            ZERO,
        )
    return LetterFacts(
        letter=letter,
        account=letter.account,
        item=item,
        tender=item.tender,
        fee=fee,
        balance=account_balance(letter.account_id),
        cash_only=CustomerFlag.objects.filter(
            customer_id=letter.account.customer_id,
            flag=CustomerFlag.Flag.CASH_ONLY,
            cleared_at__isnull=True,
        ).exists(),
    )


def _receipt_pk(receipt: str) -> int | None:
    """The payment id in a receipt number such as 2026-00001234 (or the bare number)."""
    text = receipt.strip()
    if "-" in text:
        text = text.rsplit("-", 1)[1]
    return int(text) if text.isdigit() else None


def returnable_tenders(
    *,
    receipt: str = "",
    account_number: str = "",
    check_number: str = "",
    amount: Decimal | None = None,
    limit: int = FINDER_LIMIT,
) -> list[Tender]:
    """Checks, money orders and ACH tenders not yet returned or voided that match what the
    clerk typed (receipt number, account number, check number, amount), newest first."""
    filters = Q()
    if receipt.strip():
        payment_id = _receipt_pk(receipt)
        if payment_id is None:
            return []
        filters &= Q(payment_id=payment_id)
    if account_number.strip():
        digits = "".join(ch for ch in account_number if ch.isdigit())
        filters &= Q(payment__lines__account__number=digits)
    if check_number.strip():
        filters &= Q(check_number=check_number.strip())
    if amount is not None:
        filters &= Q(amount=amount)
    if not filters:
        return []
    matching = Tender.objects.filter(filters).values("pk")
    return list(
        Tender.objects.filter(
            pk__in=matching,
            kind__in=RETURNABLE_TENDERS,
            returned__isnull=True,
            payment__void__isnull=True,
        )
        .select_related("payment")
        .prefetch_related(
            Prefetch(
                "payment__lines",
                queryset=PaymentLine.objects.select_related("account__customer").order_by("id"),
            )
        )
        .order_by("-payment__received_at", "-id")[:limit]
    )
