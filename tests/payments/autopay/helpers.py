"""Builders of autopay tests: a bank account, an enrolment made active, a posted bill due on a
chosen day with its ledger balance."""

import datetime
import itertools
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from billing.models import Bill
from payments.autopay.enrolment import BankAccountIn, autopay_enrol_by_staff
from payments.models import AutopayEnrolment
from tests.factories import post_bill

D = datetime.date
ROUTING = "231380104"  # passes the ABA check
NUMBER = "000123456789"
# A Wednesday: tonight's drafts take effect Thursday 12/10/2026.
WEDNESDAY = D(2026, 12, 9)
THURSDAY = D(2026, 12, 10)
_numbers = itertools.count(1)


def bank(number: str = NUMBER, *, routing: str = ROUTING, kind: str = "checking", name="Dana Ruiz"):
    return BankAccountIn(
        holder_name=name, routing_number=routing, account_number=number, account_type=kind
    )


def signed_form() -> SimpleUploadedFile:
    return SimpleUploadedFile(
        "form.pdf", b"%PDF-1.4 signed authorization", content_type="application/pdf"
    )


def enrol(account, by, *, number: str = NUMBER, kind: str = "checking") -> AutopayEnrolment:
    return autopay_enrol_by_staff(
        account_id=account.pk,
        bank=bank(number, kind=kind),
        signed_form=signed_form(),
        by=by,
        ip="10.0.0.8",
    )


def make_active(enrolment, since: datetime.date = D(2026, 11, 2), entry_class=None):
    fields = {"status": AutopayEnrolment.Status.ACTIVE, "active_from": since}
    if entry_class:
        fields["entry_class"] = entry_class
    AutopayEnrolment.objects.filter(pk=enrolment.pk).update(**fields)
    enrolment.refresh_from_db()
    return enrolment


def bill_due(account, amount, due: datetime.date, *, owed: Decimal | str | None = None) -> Bill:
    """A posted bill of `amount` due on `due`; the ledger owes `owed` (default: the bill)."""
    amount = Decimal(amount)
    bill_date = due - datetime.timedelta(days=21)
    journal = post_bill(account, Decimal(owed) if owed is not None else amount, bill_date)
    return Bill.objects.create(
        account=account,
        status=Bill.Status.POSTED,
        number=f"AP{next(_numbers):06d}",
        period_start=due - datetime.timedelta(days=55),
        period_end=due - datetime.timedelta(days=25),
        bill_date=bill_date,
        due_date=due,
        current_charges=amount,
        amount_due=amount,
        journal_id=journal.pk,
    )
