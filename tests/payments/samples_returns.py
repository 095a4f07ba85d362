"""Builders of URL arguments and POST-only page names of returns (merged by the access matrix)."""

import uuid
from decimal import Decimal

from django.utils import timezone

from district.ledger.models import Journal
from district.ledger.services import Line, journal_post
from payments.counter.services import PaymentIn, TenderIn, payment_post
from payments.models import BankDeposit, BankDepositItem, Tender
from payments.returns.services import returned_item_record
from tests import factories
from tests.payments.samples_core import sample_session


def sample_returned_item():
    """A $25.00 check taken at a sample drawer, deposited, and returned NSF today."""
    session = sample_session()
    amount = Decimal("25.00")
    payment = payment_post(
        session_id=session.pk,
        by=session.cashier,
        payment=PaymentIn(
            allocations=[(factories.ServiceAccountFactory().pk, amount)],
            tenders=[TenderIn(Tender.Kind.CHECK, amount, check_number="101")],
        ),
        idempotency_key=uuid.uuid4().hex,
    )
    journal = journal_post(
        kind=Journal.Kind.BANK_DEPOSIT,
        memo="Sample deposit",
        lines=[Line("deposits_in_transit", amount), Line("undeposited_funds", -amount)],
        by=session.cashier,
        idempotency_key=uuid.uuid4().hex,
    )
    deposit = BankDeposit.objects.create(
        prepared_by=session.cashier,
        check_total=amount,
        check_count=1,
        total=amount,
        journal=journal,
        idempotency_key=uuid.uuid4().hex,
    )
    BankDepositItem.objects.create(deposit=deposit, session=session, amount=amount)
    return returned_item_record(
        tender_id=payment.tenders.get().pk,
        reason="nsf",
        returned_on=timezone.localdate(),
        by=session.cashier,
    )


SAMPLE_KWARGS: dict = {
    "returned_id": lambda: sample_returned_item().pk,
    "letter_id": lambda: sample_returned_item().letter.pk,
}
POST_ONLY: set = {"payments:letter_mark_printed", "payments:letter_batch_pdf"}
