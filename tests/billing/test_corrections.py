"""Cancel and rebill: the old bill's journal is reversed, a corrected bill replaces it, both kept."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from billing.corrections.rebill import bill_cancel_and_rebill
from billing.models import Bill
from billing.rates.selectors import bill_calculation
from district import roles
from district.ledger.models import Journal
from district.ledger.selectors import account_balance, ledger_problems
from tests import factories
from tests.billing.factories import posted_bill, priced_bill

pytestmark = pytest.mark.django_db


def test_rebill_with_a_corrected_read_reverses_and_replaces(make_user):
    bill, meter = priced_bill(reading_from=100, reading_to=130)
    csr2 = make_user(roles.CSR_II)
    old_charges = bill.current_charges
    assert account_balance(bill.account_id) == old_charges
    corrected = factories.MeterReadFactory(
        meter=meter, read_on=datetime.date(2026, 1, 31), reading=112, source="counter"
    )

    new = bill_cancel_and_rebill(
        bill=bill, by=csr2, reason="Misread digit", idempotency_key="rb-1", corrected_read=corrected
    )

    bill.refresh_from_db()
    assert bill.status == Bill.Status.CANCELLED
    assert bill.cancel_reason == "Misread digit"
    assert new.status == Bill.Status.POSTED
    assert new.kind == Bill.Kind.REBILL
    assert new.replaces_id == bill.pk
    assert new.number == f"{bill.number}-R1"
    assert (new.period_start, new.period_end) == (bill.period_start, bill.period_end)
    assert new.consumption == Decimal("12.00")
    expected = bill_calculation(
        schedule="water",
        customer_class="residential",
        meter_size=meter.size,
        consumption=Decimal(12),
        period_start=bill.period_start,
        period_end=bill.period_end,
        consumption_unit="hcf",
    ).total
    assert new.current_charges == expected < old_charges
    assert sum(line.amount for line in new.lines.all()) == expected
    # Both bills stay visible; the balance is the corrected bill's only.
    assert set(Bill.objects.filter(account=bill.account)) == {bill, new}
    assert account_balance(bill.account_id) == expected
    reversal = Journal.objects.get(reverses_id=bill.journal_id)
    assert reversal.kind == Journal.Kind.REVERSAL
    assert ledger_problems() == []


def test_rebill_without_a_read_recalculates_and_numbers_again(make_user):
    bill, _ = priced_bill()
    supervisor = make_user(roles.SUPERVISOR)
    first = bill_cancel_and_rebill(
        bill=bill, by=supervisor, reason="Rate error", idempotency_key="a"
    )
    second = bill_cancel_and_rebill(bill=first, by=supervisor, reason="Again", idempotency_key="b")
    assert second.number == f"{bill.number}-R2"
    assert second.current_charges == bill.current_charges
    assert account_balance(bill.account_id) == bill.current_charges
    assert ledger_problems() == []


def test_same_request_twice_returns_the_first_rebill(make_user):
    bill, _ = priced_bill()
    csr2 = make_user(roles.CSR_II)
    first = bill_cancel_and_rebill(bill=bill, by=csr2, reason="Rate error", idempotency_key="k")
    journals = Journal.objects.count()
    again = bill_cancel_and_rebill(bill=bill, by=csr2, reason="Rate error", idempotency_key="k")
    assert again == first
    assert Journal.objects.count() == journals


def test_second_cancel_of_the_same_bill_is_refused(make_user):
    bill, _ = priced_bill()
    csr2 = make_user(roles.CSR_II)
    bill_cancel_and_rebill(bill=bill, by=csr2, reason="Rate error", idempotency_key="one")
    journals, bills = Journal.objects.count(), Bill.objects.count()
    with pytest.raises(ValidationError, match="already cancelled"):
        bill_cancel_and_rebill(bill=bill, by=csr2, reason="Again", idempotency_key="two")
    assert (Journal.objects.count(), Bill.objects.count()) == (journals, bills)


def test_unposted_bill_is_refused(make_user):
    account = factories.ServiceAccountFactory()
    bill = Bill.objects.create(
        account=account,
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 1, 31),
        bill_date=datetime.date(2026, 2, 3),
        due_date=datetime.date(2026, 2, 24),
    )
    with pytest.raises(ValidationError, match="Only a posted bill"):
        bill_cancel_and_rebill(
            bill=bill, by=make_user(roles.CSR_II), reason="x", idempotency_key="u"
        )
    bill.refresh_from_db()
    assert bill.status == Bill.Status.CALCULATED
    assert Journal.objects.count() == 0


def test_csr1_cannot_rebill(make_user):
    bill, _ = priced_bill()
    journals = Journal.objects.count()
    with pytest.raises(ValidationError, match="not allow you to correct bills"):
        bill_cancel_and_rebill(
            bill=bill, by=make_user(roles.CSR_I), reason="x", idempotency_key="c1"
        )
    assert Journal.objects.count() == journals
    bill.refresh_from_db()
    assert bill.status == Bill.Status.POSTED


def test_reason_is_required(make_user):
    bill, _ = priced_bill()
    with pytest.raises(ValidationError):
        bill_cancel_and_rebill(
            bill=bill, by=make_user(roles.CSR_II), reason=" ", idempotency_key="r"
        )
    bill.refresh_from_db()
    assert bill.status == Bill.Status.POSTED


def test_bill_without_rate_version_is_refused(make_user):
    account = factories.ServiceAccountFactory()
    bill = posted_bill(
        account, start=datetime.date(2026, 1, 1), end=datetime.date(2026, 1, 31), consumption=10
    )
    journals = Journal.objects.count()
    with pytest.raises(ValidationError, match="no meter read|no rate version"):
        bill_cancel_and_rebill(
            bill=bill, by=make_user(roles.CSR_II), reason="x", idempotency_key="n"
        )
    assert Journal.objects.count() == journals


# -- the page


def test_rebill_page_by_role(client_for):
    bill, _ = priced_bill()
    url = reverse("billing:bill_rebill", kwargs={"bill_id": bill.pk})
    assert client_for(roles.CSR_I).get(url).status_code == 403
    client = client_for(roles.CSR_II)
    page = client.get(url)
    assert page.status_code == 200
    assert b"Cancel and rebill" in page.content


def test_rebill_page_posts_with_a_corrected_reading(client_for):
    bill, _ = priced_bill(reading_from=100, reading_to=130)
    client = client_for(roles.CSR_II)
    url = reverse("billing:bill_rebill", kwargs={"bill_id": bill.pk})
    response = client.post(
        url, {"reason": "Misread", "corrected_reading": "112", "idempotency_key": "page-1"}
    )
    assert response.status_code == 302
    new = Bill.objects.get(replaces=bill)
    assert new.consumption == Decimal("12.00")
    assert new.current_read.supersedes_id == bill.current_read_id
    assert ledger_problems() == []


def test_rebill_page_shows_refusal_next_to_the_form(client_for):
    bill, _ = priced_bill()
    client = client_for(roles.CSR_II)
    url = reverse("billing:bill_rebill", kwargs={"bill_id": bill.pk})
    response = client.post(url, {"reason": "", "idempotency_key": "p2"})
    assert response.status_code == 200
    assert Bill.objects.filter(replaces=bill).count() == 0


def test_a_bill_is_replaced_once_by_the_database(make_user):
    """bill_replaces_once: a partial unique index (only bills that replace one take an entry),
    as strict as the one-to-one it stands for."""
    bill, meter = priced_bill(reading_from=100, reading_to=130)
    corrected = factories.MeterReadFactory(
        meter=meter, read_on=datetime.date(2026, 1, 31), reading=112, source="counter"
    )
    new = bill_cancel_and_rebill(
        bill=bill,
        by=make_user(roles.CSR_II),
        reason="Misread digit",
        idempotency_key="rb-once",
        corrected_read=corrected,
    )
    second = Bill.objects.get(pk=new.pk)
    second.pk, second.number, second.status = None, None, Bill.Status.CANCELLED
    with pytest.raises(IntegrityError, match="bill_replaces_once"), transaction.atomic():
        second.save()
