"""Matching the bank's lines: deposits, processor and lockbox settlements, returned checks; the
exceptions queue, resolution by hand, and the reconciliation pages."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from district import roles
from district.ledger.models import JournalLine
from district.ledger.selectors import account_balance, ledger_problems
from payments.bank.imports import bai2_import
from payments.bank.reconcile import bai2_reconcile
from payments.bank.resolve import bank_line_resolve
from payments.counter.services import CloseCount, PaymentIn, TenderIn, drawer_close, payment_post
from payments.deposits.services import bank_deposit_prepare
from payments.models import Bai2Transaction, BankDeposit, PaymentBatch, ReturnedItem, Tender
from tests.factories import ServiceAccountFactory, post_bill
from tests.payments.samples_bank import bai2_bytes, detail, make_deposit, make_file_batch

pytestmark = pytest.mark.django_db

FLOAT = {"20": 5, "10": 5, "5": 8, "1": 10}


@pytest.fixture
def finance(make_user):
    return make_user(roles.FINANCE, username="finance")


def gl_total(purpose: str) -> Decimal:
    return sum(
        JournalLine.objects.filter(gl_account__purpose=purpose).values_list("amount", flat=True),
        Decimal("0.00"),
    )


def import_lines(lines, by, **options):
    return bai2_import(content=bai2_bytes(lines, **options), file_name="day.bai2", by=by)


# -- deposits --------------------------------------------------------------------------------


def test_credit_matches_the_counter_deposit_it_confirms(
    open_session, cashier, owing_account, finance
):
    # given a check taken at the counter, the drawer closed and the deposit prepared
    payment_post(
        session_id=open_session.pk,
        by=cashier,
        payment=PaymentIn(
            allocations=[(owing_account.pk, Decimal("120.50"))],
            tenders=[TenderIn(Tender.Kind.CHECK, Decimal("120.50"), check_number="1234")],
        ),
        idempotency_key="pay-1",
    )
    drawer_close(
        session_id=open_session.pk,
        by=cashier,
        count=CloseCount(cash=FLOAT, checks_total=Decimal("120.50"), check_items=1),
    )
    deposit = bank_deposit_prepare(
        session_ids=[open_session.pk],
        batch_ids=[],
        currency_count={},
        by=finance,
        idempotency_key="dep-1",
    )
    in_transit = gl_total("deposits_in_transit")
    # when the bank's file credits it
    result = import_lines(
        [detail("301", "120.50", bank_reference=f"DEP{deposit.pk}", text="DEPOSIT")], finance
    )
    # then
    reconcile = result.reconcile
    assert (reconcile.deposits, reconcile.unmatched) == (1, 0)
    line = Bai2Transaction.objects.get()
    deposit.refresh_from_db()
    assert line.status == Bai2Transaction.Status.MATCHED
    assert line.matched_deposit_id == deposit.pk
    assert deposit.status == BankDeposit.Status.MATCHED
    assert {(jl.gl_account.purpose, jl.amount) for jl in line.match_journal.lines.all()} == {
        ("cash_in_bank", Decimal("120.50")),
        ("deposits_in_transit", Decimal("-120.50")),
    }
    assert gl_total("deposits_in_transit") == in_transit - Decimal("120.50")
    assert ledger_problems() == []


def test_reference_naming_the_deposit_decides_between_equal_amounts(finance):
    first = make_deposit("500.00", by=finance)
    second = make_deposit("500.00", by=finance)
    import_lines([detail("301", "500.00", customer_reference=f"{second.pk}")], finance)
    line = Bai2Transaction.objects.get()
    assert line.matched_deposit_id == second.pk
    first.refresh_from_db()
    assert first.status == BankDeposit.Status.PREPARED


def test_equal_amounts_without_a_reference_stay_unmatched(finance):
    make_deposit("500.00", by=finance)
    make_deposit("500.00", by=finance)
    result = import_lines([detail("301", "500.00", bank_reference="ZZZ")], finance)
    assert (result.reconcile.deposits, result.reconcile.ambiguous) == (0, 1)
    assert Bai2Transaction.objects.get().status == Bai2Transaction.Status.UNMATCHED
    assert BankDeposit.objects.filter(status=BankDeposit.Status.PREPARED).count() == 2


def test_deposit_outside_the_window_is_not_matched(finance):
    today = timezone.localdate()
    make_deposit("80.00", business_date=today - datetime.timedelta(days=6), by=finance)
    later = make_deposit("90.00", business_date=today + datetime.timedelta(days=1), by=finance)
    result = import_lines([detail("301", "80.00"), detail("301", "90.00")], finance, as_of=today)
    assert result.reconcile.deposits == 0
    assert result.reconcile.unmatched == 2
    later.refresh_from_db()
    assert later.status == BankDeposit.Status.PREPARED


def test_reconciling_again_matches_nothing_twice(finance):
    make_deposit("75.00", by=finance)
    result = import_lines([detail("301", "75.00")], finance)
    again = bai2_reconcile(file_id=result.file.pk, by=finance)
    assert (result.reconcile.deposits, again.deposits) == (1, 0)
    make_deposit("75.00", by=finance)  # an equal deposit later: the matched line stays put
    assert bai2_reconcile(file_id=result.file.pk, by=finance).matched == 0
    assert ledger_problems() == []


# -- processor and lockbox settlements -------------------------------------------------------


def test_processor_settlement_matches_its_batch(finance):
    batch = make_file_batch(["40.00", "60.25"], by=finance)
    due = gl_total("settlements_due")
    result = import_lines([detail("165", "100.25", text="PROCESSOR SETTLEMENT")], finance)
    assert result.reconcile.batches == 1
    line = Bai2Transaction.objects.get()
    assert line.matched_batch_id == batch.pk
    assert gl_total("settlements_due") == due - Decimal("100.25")
    assert ledger_problems() == []


def test_lockbox_credit_clears_deposits_in_transit(finance):
    make_file_batch(["15.00"], kind=PaymentBatch.Kind.LOCKBOX, by=finance)
    in_transit = gl_total("deposits_in_transit")
    result = import_lines([detail("115", "15.00", text="LOCKBOX")], finance)
    assert result.reconcile.batches == 1
    assert gl_total("deposits_in_transit") == in_transit - Decimal("15.00")


# -- returned items --------------------------------------------------------------------------


def _deposited_check(session, cashier, account, finance, *, amount="75.00", number="4321"):
    payment_post(
        session_id=session.pk,
        by=cashier,
        payment=PaymentIn(
            allocations=[(account.pk, Decimal(amount))],
            tenders=[TenderIn(Tender.Kind.CHECK, Decimal(amount), check_number=number)],
        ),
        idempotency_key=f"pay-{number}",
    )
    drawer_close(
        session_id=session.pk,
        by=cashier,
        count=CloseCount(cash=FLOAT, checks_total=Decimal(amount), check_items=1),
    )
    return bank_deposit_prepare(
        session_ids=[session.pk], batch_ids=[], currency_count={}, by=finance, idempotency_key="d"
    )


def test_returned_check_becomes_a_returned_item(open_session, cashier, finance):
    # given a deposited check of $75.00 that paid the account in full
    account = ServiceAccountFactory()
    post_bill(account, "75.00")
    _deposited_check(open_session, cashier, account, finance)
    import_lines([detail("301", "75.00", text="DEPOSIT")], finance, file_id="F1")
    assert account_balance(account.pk) == Decimal("0.00")
    # when the bank returns it
    result = import_lines(
        [detail("555", "75.00", bank_reference="RT88", text="RETURNED CHECK 4321 NSF")],
        finance,
        file_id="F2",
    )
    # then
    assert result.reconcile.returns == 1, result.reconcile.problems
    line = Bai2Transaction.objects.get(type_code="555")
    item = ReturnedItem.objects.get()
    assert line.returned_item_id == item.pk
    assert item.tender.check_number == "4321"
    assert item.reason == ReturnedItem.Reason.NSF
    assert item.bank_reference == "RT88"
    assert account_balance(account.pk) > Decimal("75.00")  # the check and the NSF fee
    assert ledger_problems() == []
    # and running the matching again records nothing twice
    assert bai2_reconcile(file_id=result.file.pk, by=finance).returns == 0
    assert ReturnedItem.objects.count() == 1


def test_returned_cheque_text_on_another_debit_code_is_recognised(open_session, cashier, finance):
    account = ServiceAccountFactory()
    post_bill(account, "25.00")
    _deposited_check(open_session, cashier, account, finance, amount="25.00", number="77")
    result = import_lines([detail("409", "25.00", text="RETURNED CHEQUE")], finance)
    assert result.reconcile.returns == 1
    # a service charge under the same code is not a returned item
    other = import_lines([detail("409", "5.00", text="RTD CHQ SERVICE CHRG")], finance)
    assert (other.reconcile.returns, other.reconcile.unmatched) == (0, 1)


# -- exceptions queue and resolution by hand -------------------------------------------------


def test_hand_resolution_with_a_note(finance):
    import_lines([detail("698", "12.00", text="ANALYSIS FEE")], finance)
    line = Bai2Transaction.objects.get()
    with pytest.raises(ValidationError, match="Say how"):
        bank_line_resolve(line_id=line.pk, by=finance, note=" ")
    bank_line_resolve(line_id=line.pk, by=finance, note="Bank fee, booked by finance")
    line.refresh_from_db()
    assert (line.status, line.resolved_by, line.note) == (
        Bai2Transaction.Status.RESOLVED,
        finance,
        "Bank fee, booked by finance",
    )
    with pytest.raises(ValidationError, match="already resolved"):
        bank_line_resolve(line_id=line.pk, by=finance, note="again")


def test_hand_match_to_a_deposit_and_amount_difference_refused(finance):
    old = make_deposit("300.00", business_date=datetime.date(2020, 1, 2), by=finance)
    other = make_deposit("299.00", business_date=datetime.date(2020, 1, 2), by=finance)
    import_lines([detail("301", "300.00")], finance)
    line = Bai2Transaction.objects.get()
    assert line.status == Bai2Transaction.Status.UNMATCHED  # outside the window
    with pytest.raises(ValidationError, match="resolve the difference with a note"):
        bank_line_resolve(line_id=line.pk, by=finance, deposit_id=other.pk)
    bank_line_resolve(line_id=line.pk, by=finance, deposit_id=old.pk, note="Late credit")
    line.refresh_from_db()
    old.refresh_from_db()
    assert (line.status, line.matched_deposit_id, old.status) == ("matched", old.pk, "matched")
    assert ledger_problems() == []


def test_exceptions_page_lists_candidates_and_resolves(client_for, django_assert_max_num_queries):
    client = client_for(roles.FINANCE)
    deposit = make_deposit("300.00", business_date=datetime.date(2020, 1, 2), by=client.user)
    make_file_batch(["300.00"], business_date=datetime.date(2020, 1, 2), by=client.user)
    import_lines(
        [detail("301", "300.00"), detail("698", "9.00", text="FEE"), detail("301", "1.00")],
        client.user,
    )
    with django_assert_max_num_queries(12):
        page = client.get(reverse("payments:bank_exceptions"))
    assert page.status_code == 200
    html = page.content.decode()
    assert f"Deposit {deposit.pk} of 01/02/2020" in html
    assert "Payment processor file batch" in html
    credit = Bai2Transaction.objects.get(amount=Decimal("300.00"))
    url = reverse("payments:bank_line_resolve", kwargs={"line_id": credit.pk})
    # neither a match nor a note: the error shows next to the note
    refused = client.post(url, {f"line-{credit.pk}-match": "", f"line-{credit.pk}-note": ""})
    assert refused.status_code == 400
    assert "Choose a match or say how" in refused.content.decode()
    done = client.post(url, {f"line-{credit.pk}-match": f"deposit:{deposit.pk}"})
    assert done.status_code == 302
    credit.refresh_from_db()
    assert credit.matched_deposit_id == deposit.pk
    assert client.get(url).status_code == 405


# -- the pages -------------------------------------------------------------------------------


def test_upload_page_imports_matches_and_refuses(client_for, django_assert_max_num_queries):
    client = client_for(roles.FINANCE)
    deposit = make_deposit("64.00", by=client.user)
    content = bai2_bytes([detail("301", "64.00"), detail("698", "3.00", text="FEE")])
    url = reverse("payments:bank_reconciliation")
    # when
    response = client.post(url, {"file": SimpleUploadedFile("day.bai2", content)}, follow=True)
    # then the file page shows the result
    html = response.content.decode()
    assert response.redirect_chain[-1][0].startswith("/")
    assert "1 deposit(s) $64.00" in html
    assert f"Deposit {deposit.pk}" in html
    assert "Deposits in transit not yet credited" in html
    # the same file again imports nothing
    again = client.post(url, {"file": SimpleUploadedFile("day.bai2", content)}, follow=True)
    assert "already imported" in again.content.decode()
    assert Bai2Transaction.objects.count() == 2
    # a bad file is refused next to the file field, nothing written
    bad = content.replace(b"\n99,", b"\n99,1")
    refused = client.post(url, {"file": SimpleUploadedFile("bad.bai2", bad)})
    assert refused.status_code == 200
    assert "bad.bai2 was refused: Line" in refused.content.decode()
    assert Bai2Transaction.objects.count() == 2
    # the list (with the latest uploads and the processors' open and latest closed settlement
    # batches, a query each) and the file page in a fixed number of queries
    with django_assert_max_num_queries(13):
        assert client.get(url).status_code == 200
    file_id = Bai2Transaction.objects.first().report.file_id
    with django_assert_max_num_queries(14):
        page = client.get(reverse("payments:bank_file", kwargs={"file_id": file_id}))
    assert page.status_code == 200


def test_pages_are_for_finance(client_for):
    assert client_for(roles.CSR_III).get(reverse("payments:bank_reconciliation")).status_code == 403


def test_hand_match_to_a_processor_batch_and_debits_are_only_resolved(finance):
    batch = make_file_batch(["88.00"], business_date=datetime.date(2020, 1, 2), by=finance)
    deposit = make_deposit("7.00", by=finance)
    import_lines(
        [
            detail("165", "88.00", text="LATE SETTLEMENT"),
            detail("165", "88.00", text="SETTLEMENT AGAIN"),
            detail("475", "7.00", text="CHECK"),
        ],
        finance,
    )
    credit, other = Bai2Transaction.objects.filter(type_code="165").order_by("id")
    debit = Bai2Transaction.objects.get(type_code="475")
    bank_line_resolve(line_id=credit.pk, by=finance, batch_id=batch.pk)
    credit.refresh_from_db()
    assert (credit.status, credit.matched_batch_id, credit.resolved_by) == (
        "matched",
        batch.pk,
        finance,
    )
    with pytest.raises(ValidationError, match="not a posted processor or lockbox batch"):
        bank_line_resolve(line_id=other.pk, by=finance, batch_id=batch.pk)
    with pytest.raises(ValidationError, match="Only a bank credit"):
        bank_line_resolve(line_id=debit.pk, by=finance, deposit_id=deposit.pk)
    assert Bai2Transaction.objects.get(pk=debit.pk).status == "unmatched"
    assert ledger_problems() == []


def test_file_page_shows_differences(client_for):
    client = client_for(roles.FINANCE)
    stale = make_deposit("40.00", business_date=datetime.date(2020, 1, 2), by=client.user)
    named = make_deposit("100.00", by=client.user)
    result = import_lines([detail("301", "99.50", bank_reference=f"DEP {named.pk}")], client.user)
    page = client.get(reverse("payments:bank_file", kwargs={"file_id": result.file.pk}))
    html = page.content.decode()
    assert f"Deposit {stale.pk}</th><td>01/02/2020" in html
    assert f"Deposit {named.pk} of" in html
    assert "-$0.50" in html
