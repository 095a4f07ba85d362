"""Mail batches: entry by scan line or account number, corrections, posting against control
figures (atomic, once, a fixed number of queries), and the pages."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import CustomerFlag
from billing.documents.scan_line import scan_line
from district import roles
from district.ledger.models import Journal, JournalLine
from district.ledger.selectors import account_balance, ledger_problems
from payments.batches import services
from payments.batches.services import batch_create, batch_item_add, batch_post
from payments.models import BatchItem, Payment, PaymentBatch, PaymentLine, Tender
from tests.factories import ServiceAccountFactory, post_bill

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk(make_user):
    return make_user(roles.CSR_I, username="clerk", first_name="Mia", last_name="Mailroom")


def mail_batch(by, count, total):
    return batch_create(kind="mail", control_count=count, control_total=Decimal(total), by=by)


# -- entry -------------------------------------------------------------------------------------


def test_entry_by_scan_line_takes_the_amount_due(clerk, owing_account):
    # given a stub for $120.50
    batch = mail_batch(clerk, 1, "120.50")
    line = scan_line(owing_account.number, Decimal("120.50"))
    # when the CSR scans it without typing an amount
    item = batch_item_add(
        batch_id=batch.pk, entered_as=line, amount="", by=clerk, check_number="1001"
    )
    # then the stub's account and amount are used
    assert item.account_id == owing_account.pk
    assert item.amount == Decimal("120.50")
    assert item.position == 1
    assert item.entered_as == line


def test_entry_by_scan_line_with_a_typed_amount_uses_the_typed_amount(clerk, owing_account):
    batch = mail_batch(clerk, 1, "50.00")
    line = scan_line(owing_account.number, Decimal("120.50"))
    item = batch_item_add(batch_id=batch.pk, entered_as=line, amount="50", by=clerk)
    assert item.amount == Decimal("50.00")


def test_entry_by_account_number_with_dash(clerk, owing_account):
    batch = mail_batch(clerk, 1, "20.00")
    typed = owing_account.formatted_number
    item = batch_item_add(batch_id=batch.pk, entered_as=typed, amount="20", by=clerk)
    assert item.account_id == owing_account.pk


def test_mistyped_check_digit_is_refused(clerk, owing_account):
    batch = mail_batch(clerk, 1, "20.00")
    wrong = owing_account.number[:-1] + str((int(owing_account.number[-1]) + 1) % 10)
    with pytest.raises(ValidationError, match="check digit"):
        batch_item_add(batch_id=batch.pk, entered_as=wrong, amount="20", by=clerk)
    assert not BatchItem.objects.exists()


def test_misread_scan_line_is_refused(clerk, owing_account):
    batch = mail_batch(clerk, 1, "20.00")
    line = scan_line(owing_account.number, Decimal("120.50"))
    misread = line[:-1] + str((int(line[-1]) + 1) % 10)
    with pytest.raises(ValidationError, match="check digit"):
        batch_item_add(batch_id=batch.pk, entered_as=misread, amount="", by=clerk)


def test_account_number_needs_an_amount(clerk, owing_account):
    batch = mail_batch(clerk, 1, "20.00")
    with pytest.raises(ValidationError) as refused:
        batch_item_add(batch_id=batch.pk, entered_as=owing_account.number, amount="", by=clerk)
    assert "amount" in refused.value.error_dict


def test_unknown_account_is_refused(clerk):
    batch = mail_batch(clerk, 1, "20.00")
    with pytest.raises(ValidationError, match="no account 1234567-4"):
        batch_item_add(batch_id=batch.pk, entered_as="12345674", amount="20", by=clerk)


def test_check_from_cash_only_customer_is_refused(clerk, owing_account):
    CustomerFlag.objects.create(
        customer=owing_account.customer, flag=CustomerFlag.Flag.CASH_ONLY, reason="2 NSF"
    )
    batch = mail_batch(clerk, 1, "20.00")
    with pytest.raises(ValidationError, match="cash only.*[Rr]eturn"):
        batch_item_add(
            batch_id=batch.pk,
            entered_as=owing_account.number,
            amount="20",
            check_number="555",
            by=clerk,
        )
    assert not BatchItem.objects.exists()
    # a money order (no check number) is taken
    item = batch_item_add(batch_id=batch.pk, entered_as=owing_account.number, amount="20", by=clerk)
    assert item.check_number == ""


def test_corrections_before_posting_keep_positions_unique(clerk, owing_account):
    other = ServiceAccountFactory()
    batch = mail_batch(clerk, 2, "30.00")
    first = batch_item_add(
        batch_id=batch.pk, entered_as=owing_account.number, amount="10", by=clerk
    )
    second = batch_item_add(batch_id=batch.pk, entered_as=other.number, amount="99", by=clerk)
    # when the CSR corrects the second and deletes the first, then adds another
    services.batch_item_update(
        item_id=second.pk, entered_as=other.number, amount="20", check_number="77", by=clerk
    )
    services.batch_item_delete(item_id=first.pk, by=clerk)
    third = batch_item_add(
        batch_id=batch.pk, entered_as=owing_account.number, amount="10", by=clerk
    )
    # then
    second.refresh_from_db()
    assert second.amount == Decimal("20.00") and second.check_number == "77"
    assert third.position == 3
    assert list(batch.items.values_list("position", flat=True)) == [2, 3]
    batch_post(batch_id=batch.pk, by=clerk)
    with pytest.raises(ValidationError, match="already posted"):
        services.batch_item_delete(item_id=third.pk, by=clerk)


# -- posting -----------------------------------------------------------------------------------


def test_post_refused_when_count_and_total_differ(clerk, owing_account):
    batch = mail_batch(clerk, 3, "100.00")
    batch_item_add(batch_id=batch.pk, entered_as=owing_account.number, amount="40", by=clerk)
    batch_item_add(batch_id=batch.pk, entered_as=owing_account.number, amount="35", by=clerk)
    with pytest.raises(ValidationError) as refused:
        batch_post(batch_id=batch.pk, by=clerk)
    message = refused.value.messages[0]
    assert "2 items entered against a control count of 3" in message
    assert "$75.00 entered against a control total of $100.00" in message
    assert "-$25.00" in message
    batch.refresh_from_db()
    assert batch.status == PaymentBatch.Status.OPEN
    assert not Payment.objects.exists()
    assert account_balance(owing_account.pk) == Decimal("120.50")


def test_post_refused_when_only_total_differs(clerk, owing_account):
    batch = mail_batch(clerk, 1, "100.00")
    batch_item_add(batch_id=batch.pk, entered_as=owing_account.number, amount="100.01", by=clerk)
    with pytest.raises(ValidationError, match=r"difference \+0\).*\$0\.01"):
        batch_post(batch_id=batch.pk, by=clerk)


def test_post_writes_payments_one_journal_and_moves_balances(clerk, make_user, owing_account):
    other = ServiceAccountFactory()
    post_bill(other, "60.00")
    poster = make_user(roles.CSR_III, username="lead")
    batch = mail_batch(clerk, 3, "150.50")
    batch_item_add(
        batch_id=batch.pk,
        entered_as=scan_line(owing_account.number, Decimal("120.50")),
        amount="",
        check_number="1001",
        payer_name="J. Smith",
        by=clerk,
    )
    batch_item_add(batch_id=batch.pk, entered_as=other.number, amount="20", by=clerk)
    batch_item_add(batch_id=batch.pk, entered_as=other.number, amount="10", by=clerk)

    posted = batch_post(batch_id=batch.pk, by=poster)

    assert posted.status == PaymentBatch.Status.POSTED
    assert posted.posted_by == poster and posted.created_by == clerk
    assert account_balance(owing_account.pk) == Decimal("0.00")
    assert account_balance(other.pk) == Decimal("30.00")
    payments = list(Payment.objects.filter(batch=batch).order_by("idempotency_key"))
    assert [p.idempotency_key for p in payments] == [
        f"batch:{batch.pk}:1",
        f"batch:{batch.pk}:2",
        f"batch:{batch.pk}:3",
    ]
    assert {p.journal_id for p in payments} == {posted.journal_id}
    assert all(p.channel == Payment.Channel.MAIL and p.taken_by == clerk for p in payments)
    assert sorted(Tender.objects.filter(payment__batch=batch).values_list("kind", flat=True)) == [
        "check",
        "money_order",
        "money_order",
    ]
    assert PaymentLine.objects.filter(payment__batch=batch).count() == 3
    assert not BatchItem.objects.filter(batch=batch, payment__isnull=True).exists()
    assert set(BatchItem.objects.filter(batch=batch).values_list("status", flat=True)) == {"posted"}
    lines = JournalLine.objects.filter(journal_id=posted.journal_id)
    assert sum(line.amount for line in lines) == 0
    debit = lines.get(amount__gt=0)
    assert debit.gl_account.purpose == "undeposited_funds" and debit.amount == Decimal("150.50")
    assert ledger_problems() == []


def test_second_post_is_refused(clerk, owing_account):
    batch = mail_batch(clerk, 1, "20.00")
    batch_item_add(batch_id=batch.pk, entered_as=owing_account.number, amount="20", by=clerk)
    batch_post(batch_id=batch.pk, by=clerk)
    with pytest.raises(ValidationError, match="already posted"):
        batch_post(batch_id=batch.pk, by=clerk)
    assert Payment.objects.count() == 1
    assert account_balance(owing_account.pk) == Decimal("100.50")


def test_post_is_atomic_when_it_fails_midway(clerk, owing_account, monkeypatch):
    # given a balanced batch
    batch = mail_batch(clerk, 2, "30.00")
    batch_item_add(batch_id=batch.pk, entered_as=owing_account.number, amount="10", by=clerk)
    batch_item_add(batch_id=batch.pk, entered_as=owing_account.number, amount="20", by=clerk)
    journals_before = Journal.objects.count()

    # when writing the tenders fails after the journal, payments and lines were written
    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Tender.objects, "bulk_create", boom)
    with pytest.raises(RuntimeError):
        batch_post(batch_id=batch.pk, by=clerk)

    # then nothing was written
    batch.refresh_from_db()
    assert batch.status == PaymentBatch.Status.OPEN and batch.journal_id is None
    assert Journal.objects.count() == journals_before
    assert not Payment.objects.exists() and not PaymentLine.objects.exists()
    assert set(batch.items.values_list("status", flat=True)) == {"entered"}
    assert account_balance(owing_account.pk) == Decimal("120.50")
    assert ledger_problems() == []
    # and the batch posts once the fault is gone
    monkeypatch.undo()
    batch_post(batch_id=batch.pk, by=clerk)
    assert account_balance(owing_account.pk) == Decimal("90.50")


def test_post_refused_when_customer_became_cash_only(clerk, owing_account):
    batch = mail_batch(clerk, 1, "20.00")
    batch_item_add(
        batch_id=batch.pk, entered_as=owing_account.number, amount="20", check_number="9", by=clerk
    )
    CustomerFlag.objects.create(
        customer=owing_account.customer, flag=CustomerFlag.Flag.CASH_ONLY, reason="NSF"
    )
    with pytest.raises(ValidationError, match="cash-only"):
        batch_post(batch_id=batch.pk, by=clerk)
    assert not Payment.objects.exists()


def _post_queries(clerk, count: int) -> int:
    accounts = [ServiceAccountFactory() for _ in range(5)]
    batch = mail_batch(clerk, count, f"{count * 7}.00")
    for index in range(count):
        batch_item_add(
            batch_id=batch.pk,
            entered_as=accounts[index % 5].number,
            amount="7",
            check_number=str(1000 + index) if index % 2 else "",
            by=clerk,
        )
    with CaptureQueriesContext(connection) as queries:
        batch_post(batch_id=batch.pk, by=clerk)
    return len(queries)


def test_post_query_count_does_not_grow_with_items(clerk):
    small = _post_queries(clerk, 10)
    large = _post_queries(clerk, 50)
    assert small == large
    assert small <= 20


def test_file_batches_and_other_kinds_are_not_opened_by_hand(clerk):
    with pytest.raises(ValidationError, match="importing"):
        batch_create(kind="lockbox", control_count=1, control_total="1.00", by=clerk)
    with pytest.raises(ValidationError, match="at least one"):
        batch_create(kind="mail", control_count=0, control_total="1.00", by=clerk)


# -- pages -------------------------------------------------------------------------------------


def test_fast_entry_page_adds_and_comes_back_focused(client_for, owing_account):
    client = client_for(roles.CSR_I)
    response = client.post(
        reverse("payments:batch_new"), {"control_count": "1", "control_total": "20"}
    )
    batch = PaymentBatch.objects.get()
    assert response.status_code == 302
    detail = reverse("payments:batch_detail", kwargs={"batch_id": batch.pk})
    response = client.post(detail, {"entered_as": owing_account.number, "amount": "20"})
    assert response.status_code == 302 and response.url == detail
    page = client.get(detail)
    html = page.content.decode()
    assert 'name="entered_as"' in html and "autofocus" in html
    assert "Balanced" in html and "Post batch" in html
    response = client.post(reverse("payments:batch_post", kwargs={"batch_id": batch.pk}))
    batch.refresh_from_db()
    assert batch.status == PaymentBatch.Status.POSTED


def test_entry_error_shows_next_to_the_field(client_for):
    client = client_for(roles.CSR_I)
    batch = mail_batch(client.user, 1, "20.00")
    detail = reverse("payments:batch_detail", kwargs={"batch_id": batch.pk})
    response = client.post(detail, {"entered_as": "12345675", "amount": "20"})
    assert response.status_code == 400
    assert "check digit does not match" in response.content.decode()
    assert not BatchItem.objects.exists()


def test_batch_list_shows_who_entered_and_posted(
    client_for, clerk, owing_account, django_assert_max_num_queries
):
    for _ in range(3):
        batch = mail_batch(clerk, 1, "5.00")
        batch_item_add(batch_id=batch.pk, entered_as=owing_account.number, amount="5", by=clerk)
    client = client_for(roles.CSR_III)
    batch_post(batch_id=batch.pk, by=client.user)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("payments:batch_list"))
    html = response.content.decode()
    assert "Mia Mailroom" in html
    assert client.user.username in html or client.user.get_full_name() in html


def test_detail_page_query_count_is_fixed(client_for, clerk, django_assert_max_num_queries):
    batch = mail_batch(clerk, 30, "30.00")
    for _ in range(30):
        batch_item_add(
            batch_id=batch.pk, entered_as=ServiceAccountFactory().number, amount="1", by=clerk
        )
    client = client_for(roles.CSR_I)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("payments:batch_detail", kwargs={"batch_id": batch.pk}))
    assert response.status_code == 200


def test_item_edit_and_delete_pages(client_for, clerk, owing_account):
    client = client_for(roles.CSR_II)
    batch = mail_batch(clerk, 1, "20.00")
    item = batch_item_add(batch_id=batch.pk, entered_as=owing_account.number, amount="2", by=clerk)
    edit = reverse("payments:batch_item_edit", kwargs={"item_id": item.pk})
    assert client.get(edit).status_code == 200
    response = client.post(edit, {"entered_as": owing_account.number, "amount": "20"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.amount == Decimal("20.00")
    client.post(reverse("payments:batch_item_delete", kwargs={"item_id": item.pk}))
    assert not BatchItem.objects.exists()
