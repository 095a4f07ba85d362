"""Returned checks (NSF): reverse to cash in bank, NSF fee, contact, letter, cash-only flag; the
history source; the letter PDF; the pages."""

import datetime
import threading
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.deposits.rules import history_facts, months_before
from accounts.models import Contact, CustomerFlag, Language
from district import roles
from district.approvals.services import approval_approve
from district.ledger.models import Journal, JournalLine
from district.ledger.selectors import account_balance, ledger_problems
from district.ledger.services import Line, journal_post
from payments.counter.services import PaymentIn, TenderIn, payment_post, void_request
from payments.models import (
    BankDeposit,
    BankDepositItem,
    Letter,
    Payment,
    PaymentBatch,
    PaymentLine,
    ReturnedItem,
    Tender,
)
from payments.returns import letters
from payments.returns.history import returned_payments_since
from payments.returns.services import returned_item_record
from tests.factories import ServiceAccountFactory, post_bill

pytestmark = pytest.mark.django_db
# Called in each test: a value taken at import goes stale when a run passes local midnight.
TODAY = timezone.localdate


def check_payment(session, by, account, amount="50.00", *, check_number="1001", on=None):
    return payment_post(
        session_id=session.pk,
        by=by,
        payment=PaymentIn(
            allocations=[(account.pk, Decimal(amount))],
            tenders=[TenderIn(Tender.Kind.CHECK, Decimal(amount), check_number=check_number)],
        ),
        idempotency_key=uuid.uuid4().hex,
        effective_date=on,
    )


def deposit_session(session, by):
    """Put the session in a bank deposit (what the deposits area's service does)."""
    amount = sum(
        Tender.objects.filter(payment__session=session, payment__void__isnull=True).values_list(
            "amount", flat=True
        ),
        Decimal("0.00"),
    )
    journal = journal_post(
        kind=Journal.Kind.BANK_DEPOSIT,
        memo="Test deposit",
        lines=[Line("deposits_in_transit", amount), Line("undeposited_funds", -amount)],
        by=by,
        idempotency_key=f"test-deposit:{session.pk}",
    )
    deposit = BankDeposit.objects.create(
        prepared_by=by,
        check_total=amount,
        check_count=1,
        total=amount,
        journal=journal,
        idempotency_key=uuid.uuid4().hex,
    )
    BankDepositItem.objects.create(deposit=deposit, session=session, amount=amount)
    return deposit


def gl_total(purpose: str, journal_id: int) -> Decimal:
    return sum(
        JournalLine.objects.filter(journal_id=journal_id, gl_account__purpose=purpose).values_list(
            "amount", flat=True
        ),
        Decimal("0.00"),
    )


@pytest.fixture
def returned(open_session, cashier, owing_account, supervisor):
    """A $120.50 check of the owing account, deposited, then returned NSF yesterday."""
    payment = check_payment(open_session, cashier, owing_account, "120.50")
    deposit_session(open_session, cashier)
    item = returned_item_record(
        tender_id=payment.tenders.get().pk,
        reason=ReturnedItem.Reason.NSF,
        returned_on=TODAY(),
        by=supervisor,
        bank_reference="RT-77",
    )
    return item


def test_a_deposited_check_returned_nsf_is_reversed_charged_logged_and_queued(
    returned, owing_account, supervisor
):
    # then: the payment is undone and the $25.00 fee charged
    assert account_balance(owing_account.pk) == Decimal("145.50")
    assert gl_total("cash_in_bank", returned.journal_id) == Decimal("-120.50")
    assert gl_total("ar_customers", returned.journal_id) == Decimal("120.50")
    assert returned.journal.kind == Journal.Kind.PAYMENT
    assert returned.fee_journal.kind == Journal.Kind.FEE
    assert gl_total("fees_nsf", returned.fee_journal_id) == Decimal("-25.00")
    # a contact and a letter
    contact = Contact.objects.get(account=owing_account)
    assert contact.channel == Contact.Channel.MAIL
    assert contact.reason == Contact.Reason.RETURNED_PAYMENT
    assert contact.customer_id == owing_account.customer_id
    assert contact.logged_by == supervisor
    assert "1001" in contact.notes and "$120.50" in contact.notes
    letter = Letter.objects.get(returned_item=returned)
    assert letter.status == Letter.Status.QUEUED and letter.account_id == owing_account.pk
    # one return is not yet cash only (the policy says 2)
    assert not CustomerFlag.objects.filter(customer=owing_account.customer).exists()
    assert ledger_problems() == []


def test_the_same_check_is_returned_only_once(returned, supervisor):
    # when / then: the service refuses and writes nothing
    journals = Journal.objects.count()
    with pytest.raises(ValidationError, match="already recorded as returned"):
        returned_item_record(
            tender_id=returned.tender_id,
            reason=ReturnedItem.Reason.NSF,
            returned_on=TODAY(),
            by=supervisor,
        )
    assert Journal.objects.count() == journals
    assert Letter.objects.count() == 1
    # and the database refuses a second row too
    with pytest.raises(IntegrityError), transaction.atomic():
        ReturnedItem.objects.create(
            tender_id=returned.tender_id,
            reason=ReturnedItem.Reason.NSF,
            returned_on=TODAY(),
            journal=returned.fee_journal,
            recorded_by=supervisor,
        )


def test_a_check_not_yet_deposited_is_refused(open_session, cashier, owing_account, supervisor):
    payment = check_payment(open_session, cashier, owing_account, "20.00")
    journals = Journal.objects.count()
    with pytest.raises(ValidationError, match="not been deposited yet"):
        returned_item_record(
            tender_id=payment.tenders.get().pk,
            reason=ReturnedItem.Reason.NSF,
            returned_on=TODAY(),
            by=supervisor,
        )
    assert Journal.objects.count() == journals
    assert not ReturnedItem.objects.exists() and not Contact.objects.exists()


def test_cash_and_voided_payments_cannot_be_returned(
    open_session, cashier, owing_account, supervisor
):
    cash = payment_post(
        session_id=open_session.pk,
        by=cashier,
        payment=PaymentIn(
            allocations=[(owing_account.pk, Decimal("10.00"))],
            tenders=[TenderIn(Tender.Kind.CASH, Decimal("10.00"))],
        ),
        idempotency_key="cash-1",
    )
    voided = check_payment(open_session, cashier, owing_account, "15.00", check_number="77")
    request = void_request(payment_id=voided.pk, by=cashier, reason="Wrong account")
    approval_approve(request_id=request.pk, by=supervisor)
    deposit_session(open_session, cashier)
    with pytest.raises(ValidationError, match="only a check, money order or ACH"):
        returned_item_record(
            tender_id=cash.tenders.get().pk, reason="nsf", returned_on=TODAY(), by=supervisor
        )
    with pytest.raises(ValidationError, match="voided"):
        returned_item_record(
            tender_id=voided.tenders.get().pk, reason="nsf", returned_on=TODAY(), by=supervisor
        )
    with pytest.raises(ValidationError):
        returned_item_record(
            tender_id=voided.tenders.get().pk, reason="bogus", returned_on=TODAY(), by=supervisor
        )
    assert not ReturnedItem.objects.exists()


def test_the_second_return_in_12_months_flags_the_customer_cash_only(
    open_session, cashier, supervisor
):
    # given: two accounts of one customer, each paid by a check that was deposited
    first = ServiceAccountFactory()
    second = ServiceAccountFactory(customer=first.customer)
    one = check_payment(open_session, cashier, first, "30.00", check_number="1")
    two = check_payment(open_session, cashier, second, "40.00", check_number="2")
    deposit_session(open_session, cashier)
    # when
    returned_item_record(
        tender_id=one.tenders.get().pk, reason="nsf", returned_on=TODAY(), by=supervisor
    )
    assert not CustomerFlag.objects.exists()
    returned_item_record(
        tender_id=two.tenders.get().pk, reason="stopped", returned_on=TODAY(), by=supervisor
    )
    # then
    flag = CustomerFlag.objects.get(customer=first.customer, cleared_at__isnull=True)
    assert flag.flag == CustomerFlag.Flag.CASH_ONLY
    assert flag.reason == "2 returned payments in 12 months"
    assert flag.set_by == supervisor
    assert ledger_problems() == []


def test_a_return_13_months_earlier_does_not_count(open_session, cashier, supervisor):
    account = ServiceAccountFactory()
    long_ago = months_before(TODAY(), 14)
    old = check_payment(open_session, cashier, account, "30.00", check_number="1", on=long_ago)
    recent = check_payment(open_session, cashier, account, "40.00", check_number="2")
    deposit_session(open_session, cashier)
    returned_item_record(
        tender_id=old.tenders.get().pk,
        reason="nsf",
        returned_on=months_before(TODAY(), 13),
        by=supervisor,
    )
    returned_item_record(
        tender_id=recent.tenders.get().pk, reason="nsf", returned_on=TODAY(), by=supervisor
    )
    assert not CustomerFlag.objects.filter(customer=account.customer).exists()


def test_an_other_reason_charges_no_fee(open_session, cashier, owing_account, supervisor):
    payment = check_payment(open_session, cashier, owing_account, "20.00")
    deposit_session(open_session, cashier)
    item = returned_item_record(
        tender_id=payment.tenders.get().pk, reason="other", returned_on=TODAY(), by=supervisor
    )
    assert item.fee_journal is None
    assert account_balance(owing_account.pk) == Decimal("120.50")


def test_a_lockbox_payment_is_returned_over_its_lines_in_order(supervisor, cashier):
    # given: one lockbox check of $100 paying $60 and $40 on two accounts
    first, second = ServiceAccountFactory(), ServiceAccountFactory()
    post_bill(first, "60.00")
    post_bill(second, "40.00")
    journal = journal_post(
        kind=Journal.Kind.PAYMENT,
        memo="Lockbox file (in transit until the bank's file credits it)",
        lines=[
            Line("deposits_in_transit", Decimal("100.00")),
            Line("ar_customers", Decimal("-60.00"), first.pk),
            Line("ar_customers", Decimal("-40.00"), second.pk),
        ],
        by=cashier,
        idempotency_key="lockbox-1",
    )
    batch = PaymentBatch.objects.create(
        kind=PaymentBatch.Kind.LOCKBOX,
        status=PaymentBatch.Status.POSTED,
        control_count=1,
        control_total=Decimal("100.00"),
        created_by=cashier,
        posted_by=cashier,
        posted_at=timezone.now(),
        journal=journal,
    )
    payment = Payment.objects.create(
        channel=Payment.Channel.LOCKBOX,
        batch=batch,
        taken_by=cashier,
        total=Decimal("100.00"),
        idempotency_key="lockbox-item-1",
        journal=journal,
    )
    PaymentLine.objects.create(payment=payment, account=first, amount=Decimal("60.00"))
    PaymentLine.objects.create(payment=payment, account=second, amount=Decimal("40.00"))
    tender = Tender.objects.create(
        payment=payment, kind=Tender.Kind.CHECK, amount=Decimal("100.00"), check_number="9"
    )
    # when
    item = returned_item_record(
        tender_id=tender.pk, reason="nsf", returned_on=TODAY(), by=supervisor
    )
    # then: each account owes its part again, the fee on the first
    assert account_balance(first.pk) == Decimal("85.00")
    assert account_balance(second.pk) == Decimal("40.00")
    assert item.letter.account_id == first.pk
    assert ledger_problems() == []


def test_a_mail_payment_is_returnable_once_its_batch_is_deposited(supervisor, cashier):
    # given: a posted mail batch of one $50 check, not yet taken to the bank
    account = ServiceAccountFactory()
    amount = Decimal("50.00")
    journal = journal_post(
        kind=Journal.Kind.PAYMENT,
        memo="Mail batch",
        lines=[Line("undeposited_funds", amount), Line("ar_customers", -amount, account.pk)],
        by=cashier,
        idempotency_key="mail-1",
    )
    batch = PaymentBatch.objects.create(
        kind=PaymentBatch.Kind.MAIL,
        status=PaymentBatch.Status.POSTED,
        control_count=1,
        control_total=amount,
        created_by=cashier,
        posted_by=cashier,
        posted_at=timezone.now(),
        journal=journal,
    )
    payment = Payment.objects.create(
        channel=Payment.Channel.MAIL,
        batch=batch,
        taken_by=cashier,
        total=amount,
        idempotency_key="mail-item-1",
        journal=journal,
    )
    PaymentLine.objects.create(payment=payment, account=account, amount=amount)
    tender = Tender.objects.create(
        payment=payment, kind=Tender.Kind.CHECK, amount=amount, check_number="31"
    )
    with pytest.raises(ValidationError, match="not been deposited yet"):
        returned_item_record(tender_id=tender.pk, reason="nsf", returned_on=TODAY(), by=supervisor)
    # when: the batch goes to the bank
    deposit_journal = journal_post(
        kind=Journal.Kind.BANK_DEPOSIT,
        memo="Deposit of the mail batch",
        lines=[Line("deposits_in_transit", amount), Line("undeposited_funds", -amount)],
        by=cashier,
        idempotency_key="mail-deposit-1",
    )
    deposit = BankDeposit.objects.create(
        prepared_by=cashier,
        check_total=amount,
        check_count=1,
        total=amount,
        journal=deposit_journal,
        idempotency_key="mail-deposit-1",
    )
    BankDepositItem.objects.create(deposit=deposit, batch=batch, amount=amount)
    item = returned_item_record(
        tender_id=tender.pk, reason="closed", returned_on=TODAY(), by=supervisor
    )
    # then
    assert item.fee_journal is not None
    assert account_balance(account.pk) == Decimal("25.00")  # paid back, plus the fee
    assert ledger_problems() == []


def test_the_history_source_counts_returns_since_the_date(returned, owing_account):
    customer = owing_account.customer
    assert returned_payments_since(customer, TODAY()).returned_payments == 1
    tomorrow = TODAY() + datetime.timedelta(days=1)
    assert returned_payments_since(customer, tomorrow).returned_payments == 0
    # registered with the deposit rules, so deposit quotes see it
    assert history_facts(customer, TODAY()).returned_payments == 1


def test_the_letter_pdf_renders_with_the_facts(returned, owing_account):
    letter = returned.letter
    html = letters.returned_payment_html(letter)
    assert "Check number 1001" in html
    assert "$120.50" in html and "$25.00" in html and "$145.50" in html
    assert "Insufficient funds" in html
    assert "Cash only" not in html
    assert letters.returned_payment_pdf(letter).startswith(b"%PDF")


def test_the_letter_is_in_spanish_and_tells_a_cash_only_customer(returned, owing_account):
    customer = owing_account.customer
    customer.language = Language.SPANISH
    customer.save()
    CustomerFlag.objects.create(customer=customer, flag="cash_only", reason="2 NSF")
    html = letters.returned_payment_html(Letter.objects.select_related().get(pk=returned.letter.pk))
    assert 'lang="es"' in html and "fondos insuficientes" in html
    assert "Solo efectivo" in html
    customer.language = Language.KOREAN  # no Korean notice: English
    customer.save()
    html = letters.returned_payment_html(Letter.objects.get(pk=returned.letter.pk))
    assert 'lang="en"' in html and "Cash only from now on" in html


# -- pages -------------------------------------------------------------------------------------


def test_a_head_cashier_finds_the_check_and_records_the_return(
    client_for, open_session, cashier, owing_account
):
    payment = check_payment(open_session, cashier, owing_account, "50.00", check_number="4321")
    deposit_session(open_session, cashier)
    client = client_for(roles.CSR_III)
    url = reverse("payments:returned_new") + "?check_number=4321&amount=50"
    found = client.get(url)
    assert found.status_code == 200
    assert payment.receipt_number in found.content.decode()
    response = client.post(
        url,
        {
            "tender": payment.tenders.get().pk,
            "reason": "nsf",
            "returned_on": TODAY().isoformat(),
            "bank_reference": "X1",
        },
    )
    item = ReturnedItem.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("payments:returned_detail", args=[item.pk])
    detail = client.get(response["Location"])
    assert "4321" in detail.content.decode()
    assert ledger_problems() == []


def test_an_undeposited_check_shows_the_refusal_on_the_page(
    client_for, open_session, cashier, owing_account
):
    payment = check_payment(open_session, cashier, owing_account, "50.00", check_number="55")
    client = client_for(roles.CSR_III)
    response = client.post(
        reverse("payments:returned_new") + f"?receipt={payment.receipt_number}",
        {"tender": payment.tenders.get().pk, "reason": "nsf", "returned_on": TODAY().isoformat()},
    )
    assert response.status_code == 200
    assert "not been deposited yet" in response.content.decode()
    assert not ReturnedItem.objects.exists()


def test_the_list_and_the_letter_queue_read_in_fixed_queries(
    client_for, open_session, cashier, supervisor, django_assert_max_num_queries
):
    for number in range(3):
        account = ServiceAccountFactory()
        check_payment(open_session, cashier, account, "10.00", check_number=str(number))
    deposit_session(open_session, cashier)
    for tender in Tender.objects.all():
        returned_item_record(tender_id=tender.pk, reason="nsf", returned_on=TODAY(), by=supervisor)
    client = client_for(roles.CSR_III)
    client.get(reverse("payments:letter_queue"))  # warm the session and the menu
    with django_assert_max_num_queries(12):
        listed = client.get(reverse("payments:returned_list"))
    with django_assert_max_num_queries(10):
        queue = client.get(reverse("payments:letter_queue"))
    assert listed.content.decode().count("Insufficient funds") == 3
    assert queue.content.decode().count("Mark printed") == 3


def test_letters_are_printed_one_by_one_or_all_at_once(client_for, returned, open_session):
    client = client_for(roles.CSR_I)
    letter = returned.letter
    pdf = client.get(reverse("payments:letter_pdf", args=[letter.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    client.post(reverse("payments:letter_mark_printed", args=[letter.pk]))
    letter.refresh_from_db()
    assert letter.status == Letter.Status.PRINTED and letter.printed_at is not None
    Letter.objects.filter(pk=letter.pk).update(status=Letter.Status.QUEUED, printed_at=None)
    batch = client.post(reverse("payments:letter_batch_pdf"))
    assert batch.status_code == 200 and batch.content.startswith(b"%PDF")
    letter.refresh_from_db()
    assert letter.status == Letter.Status.PRINTED
    empty = client.post(reverse("payments:letter_batch_pdf"))
    assert empty.status_code == 302


# -- concurrency -------------------------------------------------------------------------------


def _run_together(work_items) -> list:
    """Run each callable in its own thread, released at once; returns results or exceptions."""
    barrier = threading.Barrier(len(work_items))
    results: list = [None] * len(work_items)

    def run(position):
        try:
            barrier.wait()
            results[position] = work_items[position]()
        except Exception as error:  # noqa: BLE001 - reported to the test
            results[position] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(work_items))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def _record(tender_id, by):
    return lambda: (
        returned_item_record(tender_id=tender_id, reason="nsf", returned_on=TODAY(), by=by).pk
    )


@pytest.mark.django_db(transaction=True)
def test_the_same_check_recorded_twice_at_once_is_returned_once(open_session, cashier, supervisor):
    account = ServiceAccountFactory()
    payment = check_payment(open_session, cashier, account, "30.00")
    deposit_session(open_session, cashier)
    tender_id = payment.tenders.get().pk
    results = _run_together([_record(tender_id, supervisor), _record(tender_id, supervisor)])
    assert sum(isinstance(result, int) for result in results) == 1, results
    assert sum(isinstance(result, ValidationError) for result in results) == 1, results
    assert ReturnedItem.objects.count() == 1 and Letter.objects.count() == 1
    assert account_balance(account.pk) == Decimal("25.00")  # paid back, plus the fee
    assert ledger_problems() == []


@pytest.mark.django_db(transaction=True)
def test_two_returns_of_one_customer_at_once_still_flag_cash_only(
    open_session, cashier, supervisor
):
    first = ServiceAccountFactory()
    second = ServiceAccountFactory(customer=first.customer)
    one = check_payment(open_session, cashier, first, "30.00", check_number="1")
    two = check_payment(open_session, cashier, second, "40.00", check_number="2")
    deposit_session(open_session, cashier)
    results = _run_together(
        [_record(one.tenders.get().pk, supervisor), _record(two.tenders.get().pk, supervisor)]
    )
    assert all(isinstance(result, int) for result in results), results
    assert CustomerFlag.objects.filter(
        customer=first.customer, flag=CustomerFlag.Flag.CASH_ONLY, cleared_at__isnull=True
    ).exists()
