from datetime import date
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from district import roles
from district.ledger.models import AccountBalance, GLAccount, Journal, JournalLine
from district.ledger.selectors import account_balance
from district.ledger.services import Line, journal_fingerprint, journal_post, journal_reverse
from tests.factories import new_key, post_bill, post_payment

JAN = date(2026, 1, 15)


def _nothing_written():
    assert Journal.objects.count() == 0
    assert JournalLine.objects.count() == 0
    assert AccountBalance.objects.count() == 0


def test_post_writes_journal_lines_and_balance(service_account, make_user):
    # given
    clerk = make_user(roles.CSR_II)
    # when
    journal = journal_post(
        kind=Journal.Kind.BILL,
        memo="January bill",
        lines=[
            Line("ar_customers", Decimal("80.25"), service_account_id=service_account.pk),
            Line("water_sales_fixed", Decimal("-30.00")),
            Line("water_sales_volumetric", Decimal("-50.25"), memo="12 HCF"),
        ],
        by=clerk,
        idempotency_key="bill-1",
        effective_date=JAN,
        source=service_account,
    )
    # then
    stored = Journal.objects.get()
    assert stored.pk == journal.pk
    assert stored.kind == "bill"
    assert stored.effective_date == JAN
    assert stored.posted_by == clerk
    assert len(stored.fingerprint) == 64
    assert stored.source_type == ContentType.objects.get_for_model(service_account)
    assert stored.source_id == str(service_account.pk)
    lines = list(stored.lines.order_by("id"))
    assert [line.amount for line in lines] == [
        Decimal("80.25"),
        Decimal("-30.00"),
        Decimal("-50.25"),
    ]
    assert {line.effective_date for line in lines} == {JAN}
    assert lines[2].memo == "12 HCF"
    assert account_balance(service_account.pk) == Decimal("80.25")


def test_post_defaults_effective_date_to_today(service_account):
    # when
    journal = journal_post(
        kind=Journal.Kind.FEE,
        memo="Turn-on fee",
        lines=[
            Line("ar_customers", Decimal("25"), service_account_id=service_account.pk),
            Line("fees_turn_on", Decimal("-25")),
        ],
        by=None,
        idempotency_key="fee-1",
    )
    # then
    assert Journal.objects.get(pk=journal.pk).effective_date == timezone.localdate()


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ([Line("ar_customers", Decimal("10.00"))], "at least two lines"),
        (
            [Line("ar_customers", Decimal("10.00")), Line("water_sales_fixed", Decimal("-9.99"))],
            "differ by $0.01",
        ),
        (
            [
                Line("ar_customers", Decimal("10.001")),
                Line("water_sales_fixed", Decimal("-10.001")),
            ],
            "two decimals",
        ),
        (
            [
                Line("ar_customers", Decimal("0.00")),
                Line("water_sales_fixed", Decimal("1.00")),
                Line("cash_in_bank", Decimal("-1.00")),
            ],
            "may not be zero",
        ),
        (
            [Line("ar_customers", Decimal("10.00")), Line("no_such_account", Decimal("-10.00"))],
            "no_such_account",
        ),
        (
            [Line("ar_customers", Decimal("NaN")), Line("cash_in_bank", Decimal("-10.00"))],
            "not a number",
        ),
    ],
    ids=["one-line", "unbalanced", "fractions-of-cents", "zero", "unknown-gl", "nan"],
)
def test_post_refuses_bad_lines_and_writes_nothing(db, lines, message):
    # when
    with pytest.raises(ValidationError) as refused:
        journal_post(
            kind=Journal.Kind.ADJUSTMENT, memo="x", lines=lines, by=None, idempotency_key="k"
        )
    # then
    assert message in str(refused.value)
    _nothing_written()


def test_post_refuses_a_closed_gl_account(db):
    # given
    GLAccount.objects.filter(purpose="surcharges").update(is_active=False)
    # when
    with pytest.raises(ValidationError, match="closed to posting"):
        journal_post(
            kind=Journal.Kind.ADJUSTMENT,
            memo="x",
            lines=[Line("cash_in_bank", Decimal("1.00")), Line("surcharges", Decimal("-1.00"))],
            by=None,
            idempotency_key="k",
        )
    # then
    _nothing_written()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"kind": "gift"}, "not a kind of journal"),
        ({"kind": Journal.Kind.REVERSAL}, "journal_reverse"),
        ({"idempotency_key": " "}, "request key is required"),
        ({"memo": ""}, "memo is required"),
    ],
    ids=["unknown-kind", "reversal-kind", "blank-key", "blank-memo"],
)
def test_post_refuses_bad_journal_fields(db, changes, message):
    # given
    arguments = {
        "kind": Journal.Kind.ADJUSTMENT,
        "memo": "Adjustment",
        "lines": [Line("cash_in_bank", Decimal("1.00")), Line("surcharges", Decimal("-1.00"))],
        "by": None,
        "idempotency_key": "k",
    } | changes
    # when
    with pytest.raises(ValidationError, match=message):
        journal_post(**arguments)
    # then
    _nothing_written()


def test_post_refuses_float_amounts(db):
    # when
    with pytest.raises(TypeError, match="float"):
        journal_post(
            kind=Journal.Kind.ADJUSTMENT,
            memo="x",
            lines=[Line("cash_in_bank", 0.1), Line("surcharges", -0.1)],
            by=None,
            idempotency_key="k",
        )
    # then
    _nothing_written()


def test_repeated_key_returns_first_journal_and_counts_once(service_account):
    # given
    first = post_bill(service_account.pk, "40.00", JAN, key="bill-jan")
    # when
    again = post_bill(service_account.pk, "40.00", JAN, key="bill-jan")
    # then
    assert again.pk == first.pk
    assert Journal.objects.count() == 1
    assert JournalLine.objects.count() == 2
    assert account_balance(service_account.pk) == Decimal("40.00")


def test_repeated_key_with_lines_in_another_order_is_the_same_request(service_account):
    # given
    lines = [
        Line("ar_customers", Decimal("5.00"), service_account_id=service_account.pk),
        Line("fees_late", Decimal("-5.00")),
    ]
    first = journal_post(kind="fee", memo="Late fee", lines=lines, by=None, idempotency_key="f")
    # when
    again = journal_post(
        kind="fee", memo="Late fee", lines=lines[::-1], by=None, idempotency_key="f"
    )
    # then
    assert again.pk == first.pk
    assert JournalLine.objects.count() == 2


def test_repeated_key_with_different_amounts_is_refused(service_account):
    # given
    first = post_bill(service_account.pk, "40.00", JAN, key="bill-jan")
    # when
    with pytest.raises(ValidationError, match="already posted with different amounts"):
        post_bill(service_account.pk, "41.00", JAN, key="bill-jan")
    # then
    assert list(Journal.objects.values_list("pk", flat=True)) == [first.pk]
    assert JournalLine.objects.count() == 2
    assert account_balance(service_account.pk) == Decimal("40.00")


def test_repeated_key_with_another_date_is_refused(service_account):
    # given
    post_bill(service_account.pk, "40.00", JAN, key="bill-jan")
    # when / then
    with pytest.raises(ValidationError, match="already posted"):
        post_bill(service_account.pk, "40.00", date(2026, 1, 16), key="bill-jan")
    assert Journal.objects.count() == 1


def test_refused_post_inside_outer_transaction_leaves_it_usable(service_account):
    # given
    with transaction.atomic():
        post_bill(service_account.pk, "10.00", JAN)
        # when
        with pytest.raises(ValidationError):
            post_bill(service_account.pk, "10.001", JAN)
        # then: the outer transaction goes on
        post_payment(service_account.pk, "10.00", JAN)
    assert account_balance(service_account.pk) == Decimal("0.00")


def test_cached_balance_equals_sum_of_receivable_lines(make_service_account):
    # given
    first, second = make_service_account(), make_service_account()
    # when
    post_bill(first.pk, "100.00", JAN)
    post_bill(second.pk, "55.10", JAN)
    post_payment(first.pk, "60.00", date(2026, 2, 1))
    journal_post(
        kind=Journal.Kind.TRANSFER,
        memo="Transfer balance",
        lines=[
            Line("ar_customers", Decimal("-40.00"), service_account_id=first.pk),
            Line("ar_customers", Decimal("40.00"), service_account_id=second.pk),
        ],
        by=None,
        idempotency_key=new_key(),
    )
    # then
    for account in (first, second):
        lines_total = sum(
            JournalLine.objects.filter(
                service_account_id=account.pk, gl_account__purpose="ar_customers"
            ).values_list("amount", flat=True)
        )
        assert account_balance(account.pk) == lines_total
    assert account_balance(first.pk) == Decimal("0.00")
    assert account_balance(second.pk) == Decimal("95.10")


def test_lines_tagged_on_other_gl_accounts_do_not_move_the_balance(service_account):
    # when
    journal_post(
        kind=Journal.Kind.DEPOSIT,
        memo="Deposit",
        lines=[
            Line("cash_in_bank", Decimal("150.00")),
            Line("customer_deposits", Decimal("-150.00"), service_account_id=service_account.pk),
        ],
        by=None,
        idempotency_key=new_key(),
    )
    # then
    assert account_balance(service_account.pk) == Decimal("0.00")
    assert not AccountBalance.objects.exists()


def test_reverse_negates_every_line_and_restores_the_balance(service_account, make_user):
    # given
    supervisor = make_user(roles.SUPERVISOR)
    bill = post_bill(service_account.pk, "70.00", JAN)
    # when
    reversal = journal_reverse(
        journal=bill,
        by=supervisor,
        reason="Misread meter",
        idempotency_key="rev-1",
        effective_date=date(2026, 1, 20),
    )
    # then
    stored = Journal.objects.get(pk=reversal.pk)
    assert stored.kind == Journal.Kind.REVERSAL
    assert stored.reverses_id == bill.pk
    assert stored.memo == f"Reversal of J{bill.pk}: Misread meter"
    assert stored.posted_by == supervisor
    original = {(line.gl_account_id, line.amount) for line in bill.lines.all()}
    negated = {(line.gl_account_id, -line.amount) for line in stored.lines.all()}
    assert original == negated
    assert {line.effective_date for line in stored.lines.all()} == {date(2026, 1, 20)}
    assert account_balance(service_account.pk) == Decimal("0.00")


def test_reverse_is_idempotent_by_key(service_account):
    # given
    bill = post_bill(service_account.pk, "70.00", JAN)
    first = journal_reverse(journal=bill, by=None, reason="Wrong", idempotency_key="rev")
    # when
    again = journal_reverse(journal=bill, by=None, reason="Wrong", idempotency_key="rev")
    # then
    assert again.pk == first.pk
    assert Journal.objects.count() == 2
    assert account_balance(service_account.pk) == Decimal("0.00")


def test_second_reversal_is_refused(service_account):
    # given
    bill = post_bill(service_account.pk, "70.00", JAN)
    first = journal_reverse(journal=bill, by=None, reason="Wrong", idempotency_key="rev-a")
    # when
    with pytest.raises(ValidationError, match="already reversed"):
        journal_reverse(journal=bill, by=None, reason="Wrong again", idempotency_key="rev-b")
    # then
    assert list(Journal.objects.filter(reverses=bill).values_list("pk", flat=True)) == [first.pk]
    assert Journal.objects.count() == 2
    assert account_balance(service_account.pk) == Decimal("0.00")


def test_database_refuses_a_second_reversal_link(service_account):
    # given
    bill = post_bill(service_account.pk, "70.00", JAN)
    first = journal_reverse(journal=bill, by=None, reason="Wrong", idempotency_key="rev-a")
    # when: a second reversal row written around the service
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO ledger_journal (kind, memo, effective_date, posted_at, idempotency_key,"
            " fingerprint, source_id, reverses_id) VALUES"
            " ('reversal', 'again', %s, now(), 'raw-rev', '', '', %s)",
            [JAN, bill.pk],
        )
    # then
    assert list(Journal.objects.filter(reverses=bill).values_list("pk", flat=True)) == [first.pk]


def test_reversal_cannot_be_reversed(service_account):
    # given
    bill = post_bill(service_account.pk, "70.00", JAN)
    reversal = journal_reverse(journal=bill, by=None, reason="Wrong", idempotency_key="rev")
    # when
    with pytest.raises(ValidationError, match="itself a reversal"):
        journal_reverse(journal=reversal, by=None, reason="Oops", idempotency_key="rev-rev")
    # then
    assert Journal.objects.count() == 2
    assert account_balance(service_account.pk) == Decimal("0.00")


def test_reverse_needs_a_reason(service_account):
    # given
    bill = post_bill(service_account.pk, "70.00", JAN)
    # when
    with pytest.raises(ValidationError, match="reason"):
        journal_reverse(journal=bill, by=None, reason="  ", idempotency_key="rev")
    # then
    assert Journal.objects.count() == 1
    assert account_balance(service_account.pk) == Decimal("70.00")


def test_journal_written_in_bulk_with_its_fingerprint_is_recognised_on_retry(service_account):
    # given: a loader writes a journal directly, fingerprinted like the service does
    receivable = GLAccount.objects.get(purpose="ar_customers").pk
    opening = GLAccount.objects.get(purpose="opening_balances").pk
    lines = [(receivable, Decimal("42.00"), service_account.pk), (opening, Decimal("-42.00"), None)]
    digest = journal_fingerprint(kind="opening_balance", effective_date=JAN, lines=lines)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO ledger_journal (kind, memo, effective_date, posted_at, idempotency_key,"
            " fingerprint, source_id) VALUES ('opening_balance', 'Opening', %s, now(), 'open-1',"
            " %s, '') RETURNING id",
            [JAN, digest],
        )
        (journal_id,) = cursor.fetchone()
    # when
    retried = journal_post(
        kind=Journal.Kind.OPENING_BALANCE,
        memo="Opening",
        lines=[
            Line("opening_balances", Decimal("-42.00")),
            Line("ar_customers", Decimal("42"), service_account_id=service_account.pk),
        ],
        by=None,
        idempotency_key="open-1",
        effective_date=JAN,
    )
    # then
    assert retried.pk == journal_id
    assert JournalLine.objects.count() == 0  # nothing new written (the loader writes its lines)
