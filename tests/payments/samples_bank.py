"""Builders of bank reconciliation rows (used by the bank tests and merged by the access
matrix): BAI2 files written with the project's own writer, deposits and processor batches."""

import datetime
import uuid
from decimal import Decimal

from django.utils import timezone

from district import roles
from district.ledger.models import Journal
from district.ledger.selectors import RECEIVABLE_PURPOSE
from district.ledger.services import Line, journal_post
from district.services import user_create_with_role
from payments.bank import bai2
from payments.bank.imports import bai2_import
from payments.bank.uploads import bai2_upload_store
from payments.counter.services import (
    CloseCount,
    PaymentIn,
    TenderIn,
    drawer_close,
    drawer_open,
    payment_post,
)
from payments.deposits.services import bank_deposit_prepare
from payments.models import (
    BankDeposit,
    Drawer,
    Payment,
    PaymentBatch,
    PaymentLine,
    Tender,
)
from tests import factories

ACCOUNT = "1234567890"


def cents(amount) -> int:
    return int(Decimal(str(amount)) * 100)


def detail(type_code, amount, *, bank_reference="", customer_reference="", text="", funds=None):
    return bai2.Detail(
        type_code=type_code,
        amount=cents(amount),
        funds=funds or {"type": "Z"},
        bank_reference=bank_reference,
        customer_reference=customer_reference,
        text=text,
    )


def bai2_file(details, *, as_of=None, account=ACCOUNT, file_id=None, summaries=None):
    """A one-group, one-account prior-day file (a structure for bai2.write)."""
    as_of = as_of or timezone.localdate()
    return bai2.Bai2File(
        sender="121140399",
        receiver="DISTRICT",
        created_on=as_of + datetime.timedelta(days=1),
        created_time="0600",
        file_id=file_id or uuid.uuid4().hex[:8],
        groups=[
            bai2.Group(
                receiver="DISTRICT",
                originator="121140399",
                as_of_date=as_of,
                currency="USD",
                as_of_date_modifier="2",
                accounts=[
                    bai2.Account(
                        number=account,
                        currency="USD",
                        summaries=summaries
                        if summaries is not None
                        else [bai2.Summary("010", 100000, None, {"type": "Z"})],
                        details=list(details),
                    )
                ],
            )
        ],
    )


def bai2_bytes(details, **options) -> bytes:
    return bai2.write(bai2_file(details, **options)).encode()


def finance_user(name: str = ""):
    return user_create_with_role(
        username=name or f"finance-{uuid.uuid4().hex[:8]}",
        password="x-sample-x",
        role=roles.FINANCE,
    )


def make_deposit(total, *, business_date=None, by) -> BankDeposit:
    """A prepared deposit made the way the counter makes one: a check taken at a new drawer,
    the drawer closed, the deposit prepared (its business date moved when given)."""
    total = Decimal(str(total))
    cashier = user_create_with_role(
        username=f"bank-cashier-{uuid.uuid4().hex[:8]}", password="x-sample-x", role=roles.CSR_I
    )
    drawer = Drawer.objects.create(name=f"Bank test {uuid.uuid4().hex[:8]}")
    session = drawer_open(drawer=drawer, cashier=cashier, opening_count={})
    payment_post(
        session_id=session.pk,
        by=cashier,
        payment=PaymentIn(
            allocations=[(factories.ServiceAccountFactory().pk, total)],
            tenders=[TenderIn(Tender.Kind.CHECK, total, check_number="1001")],
        ),
        idempotency_key=uuid.uuid4().hex,
    )
    drawer_close(
        session_id=session.pk,
        by=cashier,
        count=CloseCount(cash={}, checks_total=total, check_items=1),
    )
    deposit = bank_deposit_prepare(
        session_ids=[session.pk],
        batch_ids=[],
        currency_count={},
        by=by,
        idempotency_key=uuid.uuid4().hex,
    )
    if business_date is not None:
        BankDeposit.objects.filter(pk=deposit.pk).update(business_date=business_date)
        deposit.refresh_from_db()
    return deposit


def make_file_batch(amounts, *, kind=PaymentBatch.Kind.PROCESSOR, business_date=None, by):
    """A posted processor (or lockbox) batch as a file import leaves it: its money waits in
    settlements due (lockbox: deposits in transit) until the bank credits it."""
    amounts = [Decimal(str(amount)) for amount in amounts]
    total = sum(amounts)
    account = factories.ServiceAccountFactory()
    holding = "settlements_due" if kind == PaymentBatch.Kind.PROCESSOR else "deposits_in_transit"
    journal = journal_post(
        kind=Journal.Kind.PAYMENT,
        memo="File batch (test)",
        lines=[Line(holding, total), Line(RECEIVABLE_PURPOSE, -total, account.pk)],
        by=by,
        idempotency_key=f"test-batch:{uuid.uuid4().hex}",
    )
    batch = PaymentBatch.objects.create(
        kind=kind,
        status=PaymentBatch.Status.POSTED,
        business_date=business_date or timezone.localdate(),
        control_count=len(amounts),
        control_total=total,
        created_by=by,
        posted_by=by,
        posted_at=timezone.now(),
        journal=journal,
    )
    channel = Payment.Channel.PROCESSOR if kind == "processor" else Payment.Channel.LOCKBOX
    tender = Tender.Kind.ACH if kind == "processor" else Tender.Kind.CHECK
    for amount in amounts:
        payment = Payment.objects.create(
            channel=channel,
            batch=batch,
            taken_by=by,
            total=amount,
            idempotency_key=uuid.uuid4().hex,
            journal=journal,
        )
        PaymentLine.objects.create(payment=payment, account=account, amount=amount)
        Tender.objects.create(payment=payment, kind=tender, amount=amount, check_number="2002")
    return batch


def sample_file():
    """An imported file with one unmatched credit and one fee debit."""
    by = finance_user()
    content = bai2_bytes(
        [
            detail("301", "123.45", bank_reference=uuid.uuid4().hex[:10], text="SAMPLE CREDIT"),
            detail("698", "12.00", text="SERVICE FEE"),
        ]
    )
    return bai2_import(content=content, file_name="sample.bai2", by=by).file


def sample_upload():
    """A stored upload still waiting for its import."""
    content = bai2_bytes([detail("301", "10.00", bank_reference=uuid.uuid4().hex[:10])])
    return bai2_upload_store(content=content, file_name="waiting.bai2", by=finance_user())


SAMPLE_KWARGS = {
    "file_id": lambda: sample_file().pk,
    "line_id": lambda: sample_file().accounts.get().transactions.first().pk,
    "upload_id": lambda: sample_upload().pk,
}
POST_ONLY: set = {"payments:bank_line_resolve"}
