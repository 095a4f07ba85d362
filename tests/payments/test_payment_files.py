"""Processor and lockbox payment files: parsing, import as a posted batch (once per file, once per
item), exceptions kept and resolved, refusals that write nothing."""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Contact, CustomerFlag
from billing.models import Bill
from billing.penalties import services as penalties
from billing.rates.services import rate_version_load
from district import roles
from district.ledger.models import GLAccount, Journal, JournalLine
from district.ledger.selectors import account_balance, ledger_problems
from district.models import Policy
from payments.batches import files
from payments.batches.services import batch_item_resolve, payment_file_import
from payments.models import BatchItem, Payment, PaymentBatch, Tender
from tests.factories import ServiceAccountFactory, post_bill

pytestmark = pytest.mark.django_db
EXAMPLE_RATES = Path(__file__).resolve().parents[2] / "docs" / "examples" / "district-water.yaml"

HEADER = "transaction_id,settled_on,account_number,amount,payer_name,method,last4"


def processor_csv(*rows, trailer=None) -> bytes:
    lines = [HEADER, *rows]
    if trailer is not None:
        lines.append(trailer)
    return ("\r\n".join(lines) + "\r\n").encode()


@pytest.fixture
def head_cashier(make_user):
    return make_user(roles.CSR_III, username="head-cashier")


@pytest.fixture
def csr(make_user):
    return make_user(roles.CSR_I, username="csr")


def gl_total(purpose: str) -> Decimal:
    account = GLAccount.objects.get(purpose=purpose)
    return sum(
        (line.amount for line in JournalLine.objects.filter(gl_account=account)), Decimal("0.00")
    )


def nothing_written():
    assert not PaymentBatch.objects.exists()
    assert not BatchItem.objects.exists()
    assert not Payment.objects.exists()


# -- the processor CSV -------------------------------------------------------------------------


def test_processor_file_posts_matched_and_keeps_unknown_as_exception(head_cashier, csr):
    # given two customers owing money, and a file paying them and an unknown account
    first, second = ServiceAccountFactory(), ServiceAccountFactory()
    post_bill(first, "80.00")
    post_bill(second, "45.25")
    content = processor_csv(
        f"TX-1,2026-03-02,{first.formatted_number},80.00,Ann Lee,card,4242",
        f"TX-2,2026-03-02,{second.number},45.25,Bo Chu,ach,",
        "TX-3,2026-03-02,12345674,19.99,Cy Dee,ach,",
        trailer="TRAILER,3,145.24",
    )
    # when the head cashier imports it
    result = payment_file_import(
        content=content, file_name="settle-0302.csv", file_format="processor-csv", by=head_cashier
    )
    # then the batch is posted with two payments and one exception
    batch = result.batch
    assert (result.imported, result.matched, result.exceptions) == (3, 2, 1)
    assert batch.status == PaymentBatch.Status.POSTED and batch.kind == "processor"
    assert (batch.control_count, batch.control_total) == (3, Decimal("145.24"))
    assert account_balance(first.pk) == Decimal("0.00")
    assert account_balance(second.pk) == Decimal("0.00")
    tenders = {t.payment.idempotency_key: t for t in Tender.objects.select_related("payment")}
    card = tenders[f"batch:{batch.pk}:1"]
    assert card.kind == "card" and card.card_last4 == "4242" and card.approval_code == "TX-1"
    assert tenders[f"batch:{batch.pk}:2"].kind == "ach"
    exception = BatchItem.objects.get(status=BatchItem.Status.EXCEPTION)
    assert exception.exception_reason == "no account 1234567-4"
    assert exception.payment is None and exception.amount == Decimal("19.99")
    assert gl_total("settlements_due") == Decimal("145.24")
    assert gl_total("unapplied_payments") == Decimal("-19.99")
    assert ledger_problems() == []

    # when a CSR resolves the exception to the right account
    third = ServiceAccountFactory()
    post_bill(third, "19.99")
    resolved = batch_item_resolve(item_id=exception.pk, account_number=third.number, by=csr)
    # then the money moves from suspense to the account, with its payment
    assert resolved.status == BatchItem.Status.RESOLVED
    assert resolved.resolved_by == csr and resolved.resolve_journal_id
    assert resolved.payment.channel == "processor" and resolved.payment.batch_id == batch.pk
    assert resolved.payment.journal_id == resolved.resolve_journal_id
    assert resolved.payment.tenders.get().kind == "ach"
    assert account_balance(third.pk) == Decimal("0.00")
    assert gl_total("unapplied_payments") == Decimal("0.00")
    # and resolving again returns the first, posting nothing
    journals = Journal.objects.count()
    again = batch_item_resolve(item_id=exception.pk, account_number=third.number, by=csr)
    assert again.payment_id == resolved.payment_id and Journal.objects.count() == journals
    with pytest.raises(ValidationError, match="already resolved"):
        batch_item_resolve(
            item_id=exception.pk, account_number=ServiceAccountFactory().number, by=csr
        )
    assert ledger_problems() == []


def test_check_digit_wrong_is_an_exception_reason(head_cashier):
    content = processor_csv("TX-9,2026-03-02,12345675,10.00,Al,ach,")
    result = payment_file_import(
        content=content, file_name="a.csv", file_format="processor-csv", by=head_cashier
    )
    item = result.batch.items.get()
    assert item.exception_reason == "check digit wrong in 1234567-5"
    assert ledger_problems() == []


def test_same_file_twice_is_refused_and_writes_nothing(head_cashier):
    account = ServiceAccountFactory()
    content = processor_csv(f"TX-1,2026-03-02,{account.number},10.00,Al,ach,")
    first = payment_file_import(
        content=content, file_name="a.csv", file_format="processor-csv", by=head_cashier
    )
    counts = (PaymentBatch.objects.count(), BatchItem.objects.count(), Journal.objects.count())
    with pytest.raises(ValidationError, match=f"already imported on .* as batch {first.batch.pk}"):
        payment_file_import(
            content=content, file_name="again.csv", file_format="processor-csv", by=head_cashier
        )
    assert (
        PaymentBatch.objects.count(),
        BatchItem.objects.count(),
        Journal.objects.count(),
    ) == counts
    assert account_balance(account.pk) == Decimal("-10.00")


def test_item_repeated_in_a_different_file_is_skipped(head_cashier):
    account = ServiceAccountFactory()
    payment_file_import(
        content=processor_csv(f"TX-1,2026-03-02,{account.number},10.00,Al,ach,"),
        file_name="a.csv",
        file_format="processor-csv",
        by=head_cashier,
    )
    result = payment_file_import(
        content=processor_csv(
            f"TX-1,2026-03-02,{account.number},10.00,Al,ach,",
            f"TX-2,2026-03-03,{account.number},5.00,Al,ach,",
        ),
        file_name="b.csv",
        file_format="processor-csv",
        by=head_cashier,
    )
    assert result.imported == 1 and len(result.skipped) == 1
    assert "line 2: processor:TX-1" in result.skipped[0]
    assert result.batch.control_count == 1 and result.batch.control_total == Decimal("5.00")
    assert account_balance(account.pk) == Decimal("-15.00")
    assert Payment.objects.count() == 2
    assert ledger_problems() == []


def test_trailer_that_disagrees_is_refused_precisely(head_cashier):
    account = ServiceAccountFactory()
    content = processor_csv(
        f"TX-1,2026-03-02,{account.number},10.00,Al,ach,",
        f"TX-2,2026-03-02,{account.number},5.00,Al,ach,",
        trailer="TRAILER,3,16.00",
    )
    with pytest.raises(ValidationError) as refused:
        payment_file_import(
            content=content, file_name="a.csv", file_format="processor-csv", by=head_cashier
        )
    message = refused.value.messages[0]
    assert "trailer (line 4) says 3 payments but the file holds 2" in message
    assert "says $16.00 but the payments add up to $15.00" in message
    nothing_written()


@pytest.mark.parametrize(
    "rows, expected",
    [
        (["TX-1,2026-02-30,12345674,10.00,Al,ach,"], "line 2: settled_on “2026-02-30”"),
        (["TX-1,2026-03-02,12345674,10.5.0,Al,ach,"], "line 2: the amount “10.5.0”"),
        (["TX-1,2026-03-02,12345674,-3.00,Al,ach,"], "line 2: the amount “-3.00”"),
        (["TX-1,2026-03-02,12345674,3.00,Al,cash,"], "line 2: the method “cash”"),
        (["TX-1,2026-03-02,12345674,3.00,Al,card,"], "line 2: a card payment needs"),
        (["TX-1,2026-03-02,12345674,3.00,Al"], "line 2: 5 columns"),
        (
            ["TX-1,2026-03-02,12345674,3.00,Al,ach,", "TX-1,2026-03-02,12345674,3.00,Al,ach,"],
            "line 3 repeats the payment of line 2",
        ),
    ],
)
def test_bad_rows_are_refused_with_line_numbers(head_cashier, rows, expected):
    with pytest.raises(ValidationError, match=expected):
        payment_file_import(
            content=processor_csv(*rows),
            file_name="bad.csv",
            file_format="processor-csv",
            by=head_cashier,
        )
    nothing_written()


def test_unknown_and_missing_columns_are_refused():
    content = (
        b"transaction_id,settled_on,account,amount,payer_name,method\r\nTX,2026-01-01,1,1,a,ach\r\n"
    )
    with pytest.raises(
        ValidationError, match="missing column account_number.*unknown column account"
    ):
        files.parse_processor_csv(content)


def test_failed_import_leaves_no_half_batch(head_cashier, monkeypatch):
    account = ServiceAccountFactory()
    content = processor_csv(f"TX-1,2026-03-02,{account.number},10.00,Al,ach,")

    def boom(*args, **kwargs):
        raise RuntimeError("connection lost")

    monkeypatch.setattr(BatchItem.objects, "bulk_create", boom)
    with pytest.raises(RuntimeError):
        payment_file_import(
            content=content, file_name="a.csv", file_format="processor-csv", by=head_cashier
        )
    nothing_written()
    assert not Journal.objects.filter(kind="payment").exists()
    assert account_balance(account.pk) == Decimal("0.00")


# -- the lockbox transmission ------------------------------------------------------------------


def _detail(lockbox, batch, sequence, detail_type, rest=""):
    return f"3{lockbox:<15}{batch:<5}{sequence:05d}{0:04d}{detail_type}{rest}"


def lockbox_file(payments, *, lockbox="LB7701", date="03022026", total=None, count=None) -> bytes:
    """payments: (check number, amount text, account number, name)."""
    amount_cents = sum(int(Decimal(p[1]) * 100) for p in payments)
    header_total = amount_cents if total is None else int(Decimal(total) * 100)
    lines = [
        f"1{'DISTRICT':<20}{1:05d}{header_total:016d}{date}093000",
        f"2{'DISTRICT':<20}{'TRANS0001':<20}400080{80:04d}1",
        _detail(lockbox, "", 0, "00", f"{1:06d}{header_total:016d}{count or len(payments):06d}"),
        _detail(lockbox, "001", 0, "01"),
    ]
    for sequence, (check, amount, account, name) in enumerate(payments, start=1):
        lines.append(
            _detail(lockbox, "001", sequence, "02", f"{check:<15}{amount:>14}{date}CHKUSD")
        )
        lines.append(_detail(lockbox, "001", sequence, "03", f"{'WATER':<5}{account:<13}{'':<30}"))
        lines.append(_detail(lockbox, "001", sequence, "05", f"{name:<39}"))
    return ("\r\n".join(lines) + "\r\n").encode()


def test_lockbox_file_posts_checks_to_deposits_in_transit(head_cashier):
    account = ServiceAccountFactory()
    post_bill(account, "70.00")
    content = lockbox_file(
        [("1001", "70.00", account.number, "Dana Ortiz"), ("1002", "12.34", "99999999", "X")]
    )
    result = payment_file_import(
        content=content, file_name="lbx.txt", file_format="lockbox-fixed", by=head_cashier
    )
    assert (result.matched, result.exceptions) == (1, 1)
    batch = result.batch
    assert batch.kind == "lockbox" and batch.control_total == Decimal("82.34")
    item = batch.items.get(position=1)
    assert item.external_id == "lockbox:LB7701:2026-03-02:001:1"
    assert item.check_number == "1001" and item.payer_name == "Dana Ortiz"
    tender = item.payment.tenders.get()
    assert tender.kind == "check" and tender.check_number == "1001"
    assert item.payment.channel == "lockbox"
    assert account_balance(account.pk) == Decimal("0.00")
    assert gl_total("deposits_in_transit") == Decimal("82.34")
    assert batch.items.get(position=2).exception_reason == "check digit wrong in 9999999-9"
    assert ledger_problems() == []


def test_lockbox_file_whose_lockbox_record_disagrees_is_refused(head_cashier):
    account = ServiceAccountFactory()
    content = lockbox_file([("1001", "70.00", account.number, "Dana")], count=2)
    with pytest.raises(
        ValidationError, match="lockbox record of lockbox LB7701 .* says 2 payments"
    ):
        payment_file_import(
            content=content, file_name="lbx.txt", file_format="lockbox-fixed", by=head_cashier
        )
    nothing_written()


def test_lockbox_header_total_must_match(head_cashier):
    account = ServiceAccountFactory()
    content = lockbox_file([("1001", "70.00", account.number, "Dana")], total="71.00")
    with pytest.raises(ValidationError, match=r"header record \(line 1\) says \$71.00"):
        files.parse_lockbox_fixed(content)


def test_lockbox_amounts_in_cents_or_with_a_point():
    assert files._lockbox_amount("00000000012550") == Decimal("125.50")
    assert files._lockbox_amount("        125.50") == Decimal("125.50")
    assert files._lockbox_amount("00000000000000") is None


# -- pages -------------------------------------------------------------------------------------


def test_import_page_and_exceptions_page(client_for, django_assert_max_num_queries):
    client = client_for(roles.CSR_III)
    upload = SimpleUploadedFile(
        "s.csv", processor_csv("TX-5,2026-03-02,12345674,9.00,Al,ach,"), "text/csv"
    )
    response = client.post(
        reverse("payments:batch_import"), {"file": upload, "file_format": "processor-csv"}
    )
    assert response.status_code == 302
    item = BatchItem.objects.get()
    with django_assert_max_num_queries(12):
        page = client.get(reverse("payments:batch_exceptions"))
    assert "no account 1234567-4" in page.content.decode()
    resolve = reverse("payments:batch_item_resolve", kwargs={"item_id": item.pk})
    response = client.post(resolve, {"account_number": "12345675"})
    assert response.status_code == 400 and "check digit" in response.content.decode()
    account = ServiceAccountFactory()
    response = client.post(resolve, {"account_number": account.formatted_number})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == BatchItem.Status.RESOLVED and item.account == account


def test_import_page_shows_refusal_next_to_the_form(client_for):
    client = client_for(roles.SUPERVISOR)
    upload = SimpleUploadedFile("s.csv", b"nonsense,header\r\n1,2\r\n", "text/csv")
    response = client.post(
        reverse("payments:batch_import"), {"file": upload, "file_format": "processor-csv"}
    )
    assert response.status_code == 200
    assert "missing columns" in response.content.decode()
    nothing_written()


def test_lockbox_payment_without_customer_record_is_refused():
    content = lockbox_file([("1001", "70.00", "90000019", "Dana")]).decode()
    without_customer = "\r\n".join(
        line for line in content.splitlines() if line[30:32] != "03"
    ).encode()
    with pytest.raises(ValidationError, match="payment 1 of batch 001 has no customer record"):
        files.parse_lockbox_fixed(without_customer)


def test_lockbox_unknown_record_type_is_refused_with_its_line():
    content = lockbox_file([("1001", "70.00", "90000019", "Dana")]) + b"7 something\r\n"
    with pytest.raises(ValidationError, match="line 8: “7” is not a record type"):
        files.parse_lockbox_fixed(content)


def test_unknown_layout_is_refused(head_cashier):
    with pytest.raises(ValidationError, match="not a payment file layout"):
        payment_file_import(content=b"x", file_name="x", file_format="nacha", by=head_cashier)
    nothing_written()


# -- checks from cash-only customers -------------------------------------------------------------


def _cash_only(account):
    CustomerFlag.objects.create(customer=account.customer, flag=CustomerFlag.Flag.CASH_ONLY)
    return account


def test_lockbox_check_from_a_cash_only_customer_posts_and_is_logged(head_cashier):
    # given: a cash-only customer whose check the bank's lockbox took anyway, and another payer
    flagged = _cash_only(ServiceAccountFactory())
    other = ServiceAccountFactory()
    content = lockbox_file(
        [("2001", "40.00", flagged.number, "Flagged"), ("2002", "15.00", other.number, "Other")]
    )
    # when
    result = payment_file_import(
        content=content, file_name="lbx.txt", file_format="lockbox-fixed", by=head_cashier
    )
    # then: the money is posted (the bank has it) and only the flagged account gets a contact
    assert result.matched == 2
    assert account_balance(flagged.pk) == Decimal("-40.00")
    assert result.cash_only == [f"line 5: check 2001 on {flagged.formatted_number}"]
    contact = Contact.objects.get()
    assert (contact.account, contact.customer) == (flagged, flagged.customer)
    assert contact.channel == Contact.Channel.MAIL and contact.logged_by == head_cashier
    assert (
        f"Check 2001 for $40.00 came in batch {result.batch.pk} (lbx.txt, line 5)" in contact.notes
    )
    assert ledger_problems() == []


def test_processor_ach_from_a_cash_only_customer_is_logged_but_a_card_is_not(head_cashier):
    flagged = _cash_only(ServiceAccountFactory())
    content = processor_csv(
        f"TX-71,2026-03-02,{flagged.number},25.00,Flagged,ach,",
        f"TX-72,2026-03-02,{flagged.number},10.00,Flagged,card,4242",
    )
    result = payment_file_import(
        content=content, file_name="p.csv", file_format="processor-csv", by=head_cashier
    )
    assert result.cash_only == [f"line 2: an ACH payment on {flagged.formatted_number}"]
    assert Contact.objects.get().channel == Contact.Channel.PORTAL


def test_import_page_warns_of_cash_only_payments(client_for):
    flagged = _cash_only(ServiceAccountFactory())
    upload = SimpleUploadedFile(
        "s.csv", processor_csv(f"TX-81,2026-03-02,{flagged.number},9.00,Al,ach,"), "text/csv"
    )
    response = client_for(roles.CSR_III).post(
        reverse("payments:batch_import"),
        {"file": upload, "file_format": "processor-csv"},
        follow=True,
    )
    page = response.content.decode()
    assert "1 payment(s) came by check or ACH from cash-only customers" in page
    assert f"line 2: an ACH payment on {flagged.formatted_number}" in page


# -- a payment made by the cut-off that arrives after the late penalty ---------------------------


@pytest.fixture
def penalized_bill(db):
    """A $100.00 bill due 02/24/2026 (5 days' grace: cut-off 03/01), penalized $10.00 on 03/02."""
    for key, value_type, value in (
        (penalties.GRACE_POLICY, "days", "5"),
        (penalties.MINIMUM_POLICY, "money", "5.00"),
    ):
        Policy.objects.update_or_create(
            key=key,
            defaults={"label": key, "category": "collections", "value_type": value_type,
                      "value": value},
        )  # fmt: skip
    version, _ = rate_version_load(source=EXAMPLE_RATES.read_text(), by=None)
    account = ServiceAccountFactory()
    journal = post_bill(account, "100.00")
    bill = Bill.objects.create(
        account=account, status=Bill.Status.POSTED, number="B2601-1-000001",
        period_start=datetime.date(2026, 1, 1), period_end=datetime.date(2026, 1, 31),
        bill_date=datetime.date(2026, 2, 3), due_date=datetime.date(2026, 2, 24),
        rate_version=version, current_charges=Decimal("100.00"),
        previous_balance=Decimal("0.00"), amount_due=Decimal("100.00"), journal_id=journal.pk,
    )  # fmt: skip
    (penalty,) = penalties.late_penalties_assess(today=datetime.date(2026, 3, 2))
    assert penalty.amount == Decimal("10.00")  # 10% of the current charges
    return bill


@pytest.mark.parametrize(
    ("paid_on", "withdrawn"), [("2026-02-28", True), ("2026-03-01", True), ("2026-03-02", False)]
)
def test_processor_payment_made_by_the_cut_off_withdraws_the_late_penalty(
    head_cashier, penalized_bill, paid_on, withdrawn
):
    # given: the customer paid online on paid_on; the processor settled on 03/03
    account = penalized_bill.account
    content = (
        "transaction_id,settled_on,paid_on,account_number,amount,payer_name,method,last4\r\n"
        f"TX-91,2026-03-03,{paid_on},{account.number},100.00,Pat,card,4242\r\n"
    ).encode()
    # when
    result = payment_file_import(
        content=content, file_name="p.csv", file_format="processor-csv", by=head_cashier
    )
    # then
    if withdrawn:
        (withdrawal,) = result.withdrawn
        assert withdrawal.bill_number == "B2601-1-000001"
        assert account_balance(account.pk) == Decimal("0.00")
        contact = Contact.objects.get(account=account)
        assert contact.reason == Contact.Reason.BILLING
        assert f"paid on {datetime.date.fromisoformat(paid_on):%m/%d/%Y}" in contact.notes
    else:
        assert result.withdrawn == []
        assert account_balance(account.pk) == Decimal("10.00")
    assert ledger_problems() == []


def test_lockbox_check_dated_by_the_cut_off_withdraws_the_late_penalty(
    head_cashier, penalized_bill
):
    account = penalized_bill.account
    content = lockbox_file([("3001", "100.00", account.number, "Pat")], date="02282026")
    result = payment_file_import(
        content=content, file_name="lbx.txt", file_format="lockbox-fixed", by=head_cashier
    )
    assert [w.amount for w in result.withdrawn] == [Decimal("10.00")]
    assert account_balance(account.pk) == Decimal("0.00")


def test_processor_paid_on_after_settlement_is_refused():
    content = (
        b"transaction_id,settled_on,paid_on,account_number,amount,payer_name,method,last4\r\n"
        b"TX-92,2026-03-03,2026-03-04,12345674,5.00,Pat,ach,\r\n"
    )
    with pytest.raises(ValidationError) as caught:
        files.parse_payment_file(content, "processor-csv")
    assert "line 2: paid_on 2026-03-04 is after settled_on 2026-03-03" in caught.value.messages[0]


def test_import_queries_do_not_grow_with_the_payments(head_cashier, django_assert_num_queries):

    # given: files of 3 and of 30 payments to accounts without penalties or flags
    def file_of(count: int, prefix: str) -> bytes:
        rows = [
            f"{prefix}-{n},2026-03-02,{ServiceAccountFactory().number},5.00,Pat,ach,"
            for n in range(count)
        ]
        return processor_csv(*rows)

    small, large = file_of(3, "S"), file_of(30, "L")
    with CaptureQueriesContext(connection) as small_run:
        payment_file_import(
            content=small, file_name="s.csv", file_format="processor-csv", by=head_cashier
        )
    # then: the larger file takes the same number of statements
    with django_assert_num_queries(len(small_run.captured_queries)):
        payment_file_import(
            content=large, file_name="l.csv", file_format="processor-csv", by=head_cashier
        )


def test_import_page_lists_the_withdrawn_penalties(client_for, penalized_bill):
    account = penalized_bill.account
    upload = SimpleUploadedFile(
        "p.csv",
        processor_csv(f"TX-95,2026-02-28,{account.number},100.00,Pat,card,4242"),
        "text/csv",
    )
    response = client_for(roles.CSR_III).post(
        reverse("payments:batch_import"),
        {"file": upload, "file_format": "processor-csv"},
        follow=True,
    )
    assert (
        "1 late penalty withdrawn: the file shows the bills were paid by their cut-off: "
        "$10.00 on bill B2601-1-000001 (cut-off 03/01/2026)"
    ) in response.content.decode()
