"""Enrolments, drafts paid by a payment, and the bank's return / NOC files, built with the
NACHA writer the district uses."""

import datetime
import itertools
from decimal import Decimal

from django.utils import timezone

from billing.models import Bill
from payments.autopay import crypto
from payments.autopay.nacha import (
    AchBatch,
    AchChangeAddenda,
    AchEntry,
    AchFile,
    AchReturnAddenda,
)
from payments.autopay.nacha_write import nacha_write
from payments.models import (
    AchDraft,
    AutopayEnrolment,
    Payment,
    PaymentBatch,
    PaymentLine,
    Tender,
)
from tests.billing.factories import make_bill
from tests.factories import new_key, post_payment

RETURN_DAY = datetime.date(2026, 12, 7)  # a Monday, a banking day
ODFI = "12100035"  # the district's bank (routing 121000358)
RDFI = "23138010"  # the customer's bank (routing 231380104), which returns the entries
RDFI_ROUTING = "231380104"
ACCOUNT_NUMBER = "000123456789"
_traces = itertools.count(1)


def our_trace() -> str:
    return f"{ODFI}{next(_traces):07d}"


def enrolment_for(account, by, *, status=AutopayEnrolment.Status.ACTIVE, prenote_trace=None):
    return AutopayEnrolment.objects.create(
        account=account,
        holder_name="Maria Lopez",
        routing_number=RDFI_ROUTING,
        account_number_encrypted=crypto.encrypt_account_number(ACCOUNT_NUMBER),
        account_last4=ACCOUNT_NUMBER[-4:],
        account_type=AutopayEnrolment.AccountType.CHECKING,
        entry_class=AutopayEnrolment.EntryClass.PPD,
        status=status,
        authorization_text="I authorize the district.",
        authorized_by=by,
        active_from=datetime.date(2026, 11, 1) if status == "active" else None,
        prenote_trace_number=prenote_trace,
        prenote_sent_on=datetime.date(2026, 11, 2) if prenote_trace else None,
    )


_months = itertools.count(1)


def _bill(account) -> Bill:
    month = next(_months) % 12 + 1
    start = datetime.date(2025, month, 1)
    return make_bill(
        account,
        period_start=start,
        period_end=start + datetime.timedelta(days=27),
        consumption=Decimal("10"),
    )


def draft_paid(enrolment, by, amount="42.13", *, with_payment=True) -> AchDraft:
    """A sent draft whose payment (a file payment with an ACH tender) was posted."""
    account = enrolment.account
    amount = Decimal(amount)
    trace = our_trace()
    journal = post_payment(account, amount, timezone.localdate() - datetime.timedelta(days=3))
    payment = None
    if with_payment:
        batch = PaymentBatch.objects.create(
            kind=PaymentBatch.Kind.PROCESSOR,
            status=PaymentBatch.Status.POSTED,
            control_count=1,
            control_total=amount,
            created_by=by,
            posted_by=by,
            posted_at=timezone.now(),
            journal=journal,
            description="Autopay drafts",
        )
        payment = Payment.objects.create(
            channel=Payment.Channel.PROCESSOR,
            batch=batch,
            taken_by=by,
            total=amount,
            idempotency_key=new_key("autopay"),
            journal=journal,
            effective_date=timezone.localdate() - datetime.timedelta(days=3),
        )
        PaymentLine.objects.create(payment=payment, account=account, amount=amount)
        Tender.objects.create(payment=payment, kind=Tender.Kind.ACH, amount=amount, reference=trace)
    return AchDraft.objects.create(
        enrolment=enrolment,
        bill=_bill(account),
        amount=amount,
        effective_date=timezone.localdate() - datetime.timedelta(days=3),
        trace_number=trace,
        status=AchDraft.Status.SENT,
        journal_id=journal.pk,
        payment=payment,
    )


_return_traces = itertools.count(1)


def returned(original_trace, code="R01", amount_cents=4_213, *, transaction_code=26, **addenda):
    return AchEntry(
        transaction_code=transaction_code,
        rdfi_routing=f"{ODFI}8",
        account_number=ACCOUNT_NUMBER,
        amount_cents=amount_cents,
        individual_name="Maria Lopez",
        individual_id="9000001",
        trace_number=f"{RDFI}{next(_return_traces):07d}",
        addenda=[
            AchReturnAddenda(
                return_reason_code=code,
                original_trace_number=original_trace,
                original_rdfi=RDFI,
                **addenda,
            )
        ],
    )


def changed(original_trace, code="C01", corrected_data="", *, transaction_code=26):
    return AchEntry(
        transaction_code=transaction_code,
        rdfi_routing=f"{ODFI}8",
        account_number=ACCOUNT_NUMBER,
        amount_cents=0,
        individual_name="Maria Lopez",
        individual_id="9000001",
        trace_number=f"{RDFI}{next(_return_traces):07d}",
        addenda=[
            AchChangeAddenda(
                change_code=code,
                original_trace_number=original_trace,
                original_rdfi=RDFI,
                corrected_data=corrected_data,
            )
        ],
    )


def _batch(entries, sec_code) -> AchBatch:
    return AchBatch(
        service_class_code=225 if sec_code != "COR" else 200,
        company_name="SIERRA VISTA WD",
        company_id="1946000123",
        sec_code=sec_code,
        entry_description="WATER BILL" if sec_code != "COR" else "NOC",
        effective_entry_date=RETURN_DAY,
        odfi_routing=RDFI,
        entries=entries,
    )


def return_file(returns=(), changes=(), *, reference="") -> AchFile:
    batches = []
    if returns:
        batches.append(_batch(list(returns), "PPD"))
    if changes:
        batches.append(_batch(list(changes), "COR"))
    return AchFile(
        immediate_destination="121000358",
        immediate_origin=RDFI_ROUTING,
        creation_date=RETURN_DAY,
        creation_time="0610",
        immediate_destination_name="DISTRICT BANK",
        immediate_origin_name="CUSTOMER BANK",
        reference_code=reference,
        batches=batches,
    )


def return_bytes(returns=(), changes=(), **options) -> bytes:
    return nacha_write(return_file(returns, changes, **options))
