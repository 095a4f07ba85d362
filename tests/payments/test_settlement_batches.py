"""A processor's daily settlement batch: the day's notifications and online payments gather in
one batch (each on its account at once, each once), the batch closes after the cut-off (the task
and Finance, idempotently), and the bank's payout matches it, net of fees by Finance's hand."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from district import roles
from district.ledger.models import JournalLine
from district.ledger.selectors import account_balance, ledger_problems
from integrations.scopes import Scope
from integrations.services import token_create
from payments.bank.imports import bai2_import
from payments.bank.resolve import bank_line_resolve
from payments.bank.selectors import exceptions_queue
from payments.batches.services import payment_file_import
from payments.batches.services.processor import ProcessorPayment, processor_payment_post
from payments.batches.services.settlement import (
    parse_cutoffs,
    settlement_batch_close,
    settlement_batches_close_due,
    settlement_date_for,
)
from payments.batches.tasks import settlement_batches_close
from payments.models import Bai2Transaction, BatchItem, Payment, PaymentBatch
from payments.online.gateways import Outcome
from payments.online.services import online_payment_resolve, online_payment_start
from tests.factories import ServiceAccountFactory, UserFactory, post_bill
from tests.payments.online.conftest import set_policy
from tests.payments.samples_bank import bai2_bytes, detail

URLS = lambda payment: ("https://portal.test/back", "https://portal.test/cancel")  # noqa: E731
LOCAL = timezone.get_current_timezone()


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=LOCAL)


def gl(purpose: str) -> Decimal:
    lines = JournalLine.objects.filter(gl_account__purpose=purpose)
    return sum(lines.values_list("amount", flat=True), Decimal("0.00"))


def notify(account, transaction_id, amount, *, processor="sandbox", received_at=None, by):
    return processor_payment_post(
        payment=ProcessorPayment(
            transaction_id=transaction_id,
            account_number=account.number,
            amount=Decimal(amount),
            method="card",
            last4="4242",
            processor=processor,
            received_at=received_at,
        ),
        by=by,
    )


@pytest.fixture
def finance(make_user):
    return make_user(roles.FINANCE, username="finance")


@pytest.fixture
def payer(make_user):
    from portal.models import AccountLink

    user = make_user(roles.CUSTOMER, username="payer")
    account = ServiceAccountFactory()
    post_bill(account, "120.50")
    AccountLink.objects.create(user=user, service_account=account, method="staff")
    user.account = account
    return user


def online_payment(payer, amount, reference, fee="0.00"):
    payment = online_payment_start(
        account=payer.account, amount=Decimal(amount), fee_shown=Decimal(fee), by=payer, urls=URLS
    )
    return online_payment_resolve(
        payment_id=payment.pk, outcome=Outcome("succeeded", reference, "card", "4242"), by=payer
    )


def close_today(batch, by):
    """Close a batch as if the day's cut-off had passed (the next day at noon)."""
    return settlement_batch_close(
        batch_id=batch.pk, by=by, now=at(batch.settlement_date + datetime.timedelta(days=1), 12)
    )


# -- the settlement day ------------------------------------------------------------------------


def test_the_cut_off_policy_reads_a_default_and_each_processors_own():
    assert parse_cutoffs("17:00; stripe=00:00") == (
        datetime.time(17, 0),
        {"stripe": datetime.time(0, 0)},
    )
    # a typo is ignored rather than stopping payments
    assert parse_cutoffs("5pm") == (datetime.time(17, 0), {})


def test_a_payment_after_the_cut_off_settles_the_next_day(db):
    day = datetime.date(2026, 3, 2)
    assert settlement_date_for(at(day, 16, 59), processor="sandbox") == day
    assert settlement_date_for(at(day, 17, 0), processor="sandbox") == day + datetime.timedelta(1)
    set_policy("processor-settlement-cutoff", "17:00; sandbox=00:00")
    assert settlement_date_for(at(day, 23, 59), processor="sandbox") == day


# -- one batch a day ---------------------------------------------------------------------------


def test_a_days_notifications_and_online_payments_form_one_batch(payer):
    # given a notification token named for the portal's processor
    administrator = UserFactory(username="administrator", is_superuser=True, is_staff=True)
    issued = token_create(name="Sandbox", scopes=[Scope.PROCESSOR_NOTIFY], by=administrator)

    api = Client(headers={"Authorization": f"Bearer {issued.secret}"})
    other = ServiceAccountFactory()
    post_bill(other, "80.00")
    # when the day brings a notification, two online payments (one with a fee) and a replay
    body = {
        "event_id": "evt_1",
        "account_number": other.number,
        "amount": "25.00",
        "method": "card",
        "last4": "4242",
    }
    first = api.post("/api/v1/processor/notifications", body, content_type="application/json")
    set_policy("online-payment-convenience-fee", "1.95")
    online_payment(payer, "40.00", "pi_1", fee="1.95")
    online_payment(payer, "10.00", "pi_2", fee="1.95")
    replay = api.post("/api/v1/processor/notifications", body, content_type="application/json")
    # then each is on its account at once, all in one open batch whose total is the payout
    assert first.status_code == 201 and replay.status_code == 200
    assert account_balance(other.pk) == Decimal("55.00")
    assert account_balance(payer.account.pk) == Decimal("70.50")
    batch = PaymentBatch.objects.get()
    assert batch.is_open_settlement and batch.processor == "sandbox"
    assert (batch.control_count, batch.control_total, batch.fees_total) == (
        3,
        Decimal("78.90"),
        Decimal("3.90"),
    )
    assert Payment.objects.filter(batch=batch).count() == 3
    assert first.json()["batch_id"] == batch.pk
    assert ledger_problems() == []
    call_command("check_ledger")


def test_another_processor_or_day_is_another_batch(db, finance):
    account = ServiceAccountFactory()
    day = datetime.date(2026, 3, 2)
    notify(account, "A", "5.00", received_at=at(day, 9), by=finance)
    notify(account, "B", "6.00", received_at=at(day, 18), by=finance)  # after the cut-off
    notify(account, "C", "7.00", processor="phone-ivr", received_at=at(day, 9), by=finance)
    batches = PaymentBatch.objects.order_by("processor", "settlement_date")
    assert [(b.processor, b.settlement_date, b.control_total) for b in batches] == [
        ("phone-ivr", day, Decimal("7.00")),
        ("sandbox", day, Decimal("5.00")),
        ("sandbox", day + datetime.timedelta(days=1), Decimal("6.00")),
    ]
    assert ledger_problems() == []


def test_replays_post_once_and_another_amount_is_refused(db, finance):
    account = ServiceAccountFactory()
    item, posted = notify(account, "T-1", "12.00", by=finance)
    again, posted_again = notify(account, "T-1", "12.00", by=finance)
    assert posted and not posted_again and again.pk == item.pk
    with pytest.raises(ValidationError, match="already posted for"):
        notify(account, "T-1", "13.00", by=finance)
    assert BatchItem.objects.count() == 1
    assert PaymentBatch.objects.get().control_total == Decimal("12.00")
    assert account_balance(account.pk) == Decimal("-12.00")


def test_the_nightly_settlement_file_skips_what_notifications_posted(db, finance):
    account = ServiceAccountFactory()
    item, _ = notify(account, "TX-1", "10.00", by=finance)
    content = (
        "transaction_id,settled_on,account_number,amount,payer_name,method,last4\n"
        f"TX-1,2026-03-02,{account.number},10.00,Al,card,4242\n"
        f"TX-2,2026-03-02,{account.number},4.00,Al,ach,\n"
    ).encode()
    result = payment_file_import(
        content=content, file_name="day.csv", file_format="processor-csv", by=finance
    )
    assert result.imported == 1
    assert f"processor:TX-1 (already in batch {item.batch_id})" in result.skipped[0]
    assert account_balance(account.pk) == Decimal("-14.00")
    assert ledger_problems() == []


def _settlement_csv(account, *transaction_ids) -> bytes:
    rows = [f"{tid},2026-03-02,{account.number},10.00,Al,card,4242" for tid in transaction_ids]
    header = "transaction_id,settled_on,account_number,amount,payer_name,method,last4"
    return ("\n".join([header, *rows]) + "\n").encode()


def _written() -> tuple:
    return (
        PaymentBatch.objects.count(),
        BatchItem.objects.count(),
        Payment.objects.count(),
        JournalLine.objects.count(),
    )


def test_a_file_whose_every_payment_notifications_posted_is_nothing_new(db, finance, client_for):
    # given: the day's two notifications posted into their settlement batch
    account = ServiceAccountFactory()
    item, _ = notify(account, "TX-1", "10.00", by=finance)
    notify(account, "TX-2", "10.00", by=finance)
    before = _written()
    # when: the nightly file brings only those two
    result = payment_file_import(
        content=_settlement_csv(account, "TX-1", "TX-2"),
        file_name="day.csv",
        file_format="processor-csv",
        by=finance,
    )
    # then: a plain success that writes nothing
    assert result.batch is None and result.imported == 0 and len(result.skipped) == 2
    assert result.nothing_new == (
        f"nothing new: 2 payments were already posted (batch {item.batch_id})"
    )
    assert _written() == before
    assert account_balance(account.pk) == Decimal("-20.00")
    # and Finance importing it on the page is told so (no error)
    page = client_for(roles.FINANCE).post(
        "/payments/batches/import/",
        {
            "file_format": "processor-csv",
            "file": SimpleUploadedFile("day.csv", _settlement_csv(account, "TX-1", "TX-2")),
        },
        follow=True,
    )
    assert page.status_code == 200
    assert "nothing new: 2 payments were already posted" in page.content.decode()
    assert _written() == before
    assert ledger_problems() == []


def test_a_byte_identical_file_already_imported_stays_refused(db, finance):
    # given: a file with one payment the notifications missed, imported
    account = ServiceAccountFactory()
    notify(account, "TX-1", "10.00", by=finance)
    content = _settlement_csv(account, "TX-1", "TX-3")
    first = payment_file_import(
        content=content, file_name="day.csv", file_format="processor-csv", by=finance
    )
    assert first.batch is not None and first.imported == 1
    before = _written()
    # when / then: the same bytes again are refused, nothing written
    with pytest.raises(ValidationError, match=f"already imported on .* as batch {first.batch.pk}"):
        payment_file_import(
            content=content, file_name="again.csv", file_format="processor-csv", by=finance
        )
    assert _written() == before


# -- closing -----------------------------------------------------------------------------------


def test_closing_waits_for_the_cut_off_and_is_idempotent(db, finance):
    account = ServiceAccountFactory()
    day = datetime.date(2026, 3, 2)
    item, _ = notify(account, "T-1", "30.00", received_at=at(day, 10), by=finance)
    batch = item.batch
    # before the cut-off, Finance is told the day is still open; nothing changes
    with pytest.raises(ValidationError, match="still taking payments"):
        settlement_batch_close(batch_id=batch.pk, by=finance, now=at(day, 16))
    assert settlement_batches_close_due(by=finance, now=at(day, 16)) == []
    # after it, the task closes the batch once; a rerun and Finance's close change nothing
    assert settlement_batches_close_due(by=finance, now=at(day, 17, 5)) == [batch.pk]
    assert settlement_batches_close_due(by=finance, now=at(day, 18)) == []
    closed, closed_now = settlement_batch_close(batch_id=batch.pk, by=finance)
    assert not closed_now and closed.is_posted and closed.control_total == Decimal("30.00")
    assert ledger_problems() == []


def test_the_beat_task_closes_yesterdays_batches(db, finance):
    account = ServiceAccountFactory()
    yesterday = timezone.localdate() - datetime.timedelta(days=2)
    item, _ = notify(account, "T-9", "8.00", received_at=at(yesterday, 9), by=finance)
    assert settlement_batches_close.apply().get() == [item.batch_id]
    assert PaymentBatch.objects.get().is_posted


def test_finance_closes_from_the_batch_page(client_for, finance, db):
    account = ServiceAccountFactory()
    yesterday = timezone.localdate() - datetime.timedelta(days=2)
    item, _ = notify(account, "T-7", "9.00", received_at=at(yesterday, 9), by=finance)
    # a supervisor sees the action on the batch page
    page = client_for(roles.SUPERVISOR).get(f"/payments/batches/{item.batch_id}/")
    assert b"Close settlement batch" in page.content
    # Finance (balance cash) closes it
    response = client_for(roles.FINANCE).post(f"/payments/batches/{item.batch_id}/close/")
    assert response.status_code == 302
    assert PaymentBatch.objects.get().is_posted


def test_finance_sees_and_closes_settlement_batches_on_the_reconciliation_page(
    client_for, finance, db, django_assert_max_num_queries
):
    # given: an open day past its cut-off, and two closed days
    account = ServiceAccountFactory()
    today = timezone.localdate()
    days = [today - datetime.timedelta(days=n) for n in (4, 3, 2)]
    items = [
        notify(account, f"T-{n}", "9.00", received_at=at(day, 9), by=finance)[0]
        for n, day in enumerate(days)
    ]
    for item in items[:2]:
        close_today(item.batch, finance)
    open_batch = items[2].batch
    client = client_for(roles.FINANCE)
    # when: Finance opens the bank reconciliation page (it cannot open the batch page)
    assert client.get(f"/payments/batches/{open_batch.pk}/").status_code == 403
    with django_assert_max_num_queries(13):
        page = client.get("/payments/bank/")
    # then: the open day with its close action, and the closed days
    text = page.content.decode()
    assert page.status_code == 200
    assert "Processor settlement batches" in text
    assert text.count("Close settlement batch") == 1
    assert text.count("Closed ") >= 2
    # when: Finance closes it there
    closed = client.post(f"/payments/batches/{open_batch.pk}/close/", {"back": "reconciliation"})
    # then: closed, and back on the reconciliation page
    assert closed.status_code == 302 and closed["Location"] == "/payments/bank/"
    open_batch.refresh_from_db()
    assert open_batch.is_posted and open_batch.posted_by == client.user
    assert "Close settlement batch" not in client.get("/payments/bank/").content.decode()


# -- the bank's payout -------------------------------------------------------------------------


def _closed_day(finance, *amounts, processor="sandbox"):
    account = ServiceAccountFactory()
    day = timezone.localdate() - datetime.timedelta(days=1)
    for number, amount in enumerate(amounts):
        item, _ = notify(
            account, f"{processor}-{number}", amount, processor=processor,
            received_at=at(day, 9), by=finance,
        )  # fmt: skip
    batch, _ = close_today(item.batch, finance)
    return batch


def test_a_bank_credit_of_the_days_total_matches_the_batch(db, finance):
    batch = _closed_day(finance, "20.00", "15.50")
    result = bai2_import(
        content=bai2_bytes([detail("165", "35.50", text="SANDBOX PAYOUT")]),
        file_name="day.bai2",
        by=finance,
    )
    assert result.reconcile.batches == 1
    assert Bai2Transaction.objects.get().matched_batch_id == batch.pk
    assert gl("settlements_due") == Decimal("0.00")
    assert ledger_problems() == []


def test_an_open_batch_is_not_matched(db, finance):
    account = ServiceAccountFactory()
    notify(account, "open-1", "35.50", by=finance)
    result = bai2_import(
        content=bai2_bytes([detail("165", "35.50")]), file_name="day.bai2", by=finance
    )
    assert result.reconcile.batches == 0


def test_a_net_payout_matches_when_finance_books_the_fees(db, finance, make_user):
    # given a processor that keeps its fees, and its closed day of $100.00
    set_policy("processor-net-settlement", "sandbox")
    batch = _closed_day(finance, "60.00", "40.00")
    bai2_import(
        content=bai2_bytes([detail("165", "97.10", text="SANDBOX PAYOUT")]),
        file_name="day.bai2",
        by=finance,
    )
    line = Bai2Transaction.objects.get()
    # then the automatic match leaves it to a person, and the queue offers the batch
    assert line.status == Bai2Transaction.Status.UNMATCHED
    (queued,) = exceptions_queue()
    assert [c.value for c in queued.candidates] == [f"batch:{batch.pk}"]
    assert "net of $2.90 processor fees" in queued.candidates[0].label
    # a CSR cannot book the fees
    clerk = make_user(roles.CSR_II, username="clerk")
    with pytest.raises(ValidationError, match="Only Finance"):
        bank_line_resolve(line_id=line.pk, batch_id=batch.pk, by=clerk)
    # when Finance matches it
    resolved = bank_line_resolve(line_id=line.pk, batch_id=batch.pk, by=finance)
    # then the fee is an expense, settlements due is cleared, and the line says so
    assert resolved.status == Bai2Transaction.Status.MATCHED
    assert resolved.processor_fee == Decimal("2.90")
    assert "processor fees" in resolved.note and resolved.resolved_by == finance
    assert gl("processor_fees") == Decimal("2.90")
    assert gl("cash_in_bank") == Decimal("97.10")
    assert gl("settlements_due") == Decimal("0.00")
    assert ledger_problems() == []
    call_command("check_ledger")


def test_a_gross_processors_short_payout_is_not_booked_as_fees(db, finance):
    batch = _closed_day(finance, "100.00")
    bai2_import(content=bai2_bytes([detail("165", "97.10")]), file_name="d.bai2", by=finance)
    line = Bai2Transaction.objects.get()
    with pytest.raises(ValidationError, match="resolve the difference with a note"):
        bank_line_resolve(line_id=line.pk, batch_id=batch.pk, by=finance)
    assert gl("processor_fees") == Decimal("0.00")


def test_a_net_shortfall_beyond_the_tolerance_is_refused(db, finance):
    set_policy("processor-net-settlement", "sandbox")
    batch = _closed_day(finance, "100.00")
    bai2_import(content=bai2_bytes([detail("165", "90.00")]), file_name="d.bai2", by=finance)
    line = Bai2Transaction.objects.get()
    with pytest.raises(ValidationError, match="resolve the difference with a note"):
        bank_line_resolve(line_id=line.pk, batch_id=batch.pk, by=finance)
    assert Bai2Transaction.objects.get().status == Bai2Transaction.Status.UNMATCHED
