"""The database itself keeps the books: append-only journals and lines, balanced at commit."""

import threading
from datetime import date
from decimal import Decimal

import pytest
from django.db import DatabaseError, IntegrityError, connection, connections, transaction

from district.ledger.models import AccountBalance, GLAccount, Journal, JournalLine
from district.ledger.selectors import account_balance, ledger_problems
from district.ledger.services import Line, journal_post
from tests.factories import ServiceAccountFactory, post_bill

JAN = date(2026, 1, 15)


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE ledger_journal SET memo = 'changed' WHERE id = %(journal)s",
        "DELETE FROM ledger_journal WHERE id = %(journal)s",
        "UPDATE ledger_journalline SET amount = amount * 2 WHERE journal_id = %(journal)s",
        "DELETE FROM ledger_journalline WHERE journal_id = %(journal)s",
    ],
    ids=["update-journal", "delete-journal", "update-line", "delete-line"],
)
def test_raw_sql_cannot_change_or_delete_posted_entries(service_account, statement):
    # given
    bill = post_bill(service_account.pk, "12.34", JAN)
    # when
    with (
        pytest.raises(DatabaseError, match="Cannot update or delete"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement, {"journal": bill.pk})
    # then
    stored = Journal.objects.get(pk=bill.pk)
    assert stored.memo == bill.memo
    assert sorted(stored.lines.values_list("amount", flat=True)) == [
        Decimal("-12.34"),
        Decimal("12.34"),
    ]


@pytest.mark.django_db(transaction=True)
def test_unbalanced_journal_written_by_raw_sql_is_refused():
    # given
    cash = GLAccount.objects.get(purpose="cash_in_bank")
    sales = GLAccount.objects.get(purpose="surcharges")
    # when
    # the statement that writes the lines checks that each of their journals balances
    with (
        pytest.raises(IntegrityError, match="does not balance"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "INSERT INTO ledger_journal (kind, memo, effective_date, posted_at,"
            " idempotency_key, fingerprint, source_id)"
            " VALUES ('adjustment', 'raw', %s, now(), 'raw-1', '', '') RETURNING id",
            [JAN],
        )
        (journal_id,) = cursor.fetchone()
        cursor.execute(
            "INSERT INTO ledger_journalline (journal_id, gl_account_id, amount,"
            " effective_date, memo) VALUES (%s, %s, 10.00, %s, ''), (%s, %s, -9.00, %s, '')",
            [journal_id, cash.pk, JAN, journal_id, sales.pk, JAN],
        )
    # then
    assert Journal.objects.count() == 0
    assert JournalLine.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_journal_split_over_two_statements_is_refused_at_the_first():
    # given a journal whose balancing line would come in a second statement
    cash = GLAccount.objects.get(purpose="cash_in_bank")
    sales = GLAccount.objects.get(purpose="surcharges")
    # when
    with (
        pytest.raises(IntegrityError, match="does not balance"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "INSERT INTO ledger_journal (kind, memo, effective_date, posted_at,"
            " idempotency_key, fingerprint, source_id)"
            " VALUES ('adjustment', 'raw', %s, now(), 'raw-2', '', '') RETURNING id",
            [JAN],
        )
        (journal_id,) = cursor.fetchone()
        for gl_account, amount in ((cash, "10.00"), (sales, "-10.00")):
            cursor.execute(
                "INSERT INTO ledger_journalline (journal_id, gl_account_id, amount,"
                " effective_date, memo) VALUES (%s, %s, %s, %s, '')",
                [journal_id, gl_account.pk, amount, JAN],
            )
    # then
    assert Journal.objects.count() == 0
    assert JournalLine.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_line_for_a_missing_service_account_is_refused_at_commit():
    # when
    with pytest.raises(IntegrityError, match="service_account"):
        journal_post(
            kind=Journal.Kind.FEE,
            memo="Fee",
            lines=[
                Line("ar_customers", Decimal("5.00"), service_account_id=987654321),
                Line("fees_late", Decimal("-5.00")),
            ],
            by=None,
            idempotency_key="ghost",
        )
    # then
    assert Journal.objects.count() == 0
    assert AccountBalance.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_same_key_posted_by_ten_threads_at_once_posts_one_journal():
    # given
    account = ServiceAccountFactory()
    threads_count = 10
    start = threading.Barrier(threads_count)
    results, errors = [], []

    def post():
        try:
            start.wait()
            journal = post_bill(account.pk, "99.99", JAN, key="same-bill")
            results.append(journal.pk)
        except Exception as error:  # collected and asserted below
            errors.append(error)
        finally:
            connections.close_all()  # this thread's own connection

    threads = [threading.Thread(target=post) for _ in range(threads_count)]
    # when
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then
    assert errors == []
    assert len(results) == threads_count
    assert len(set(results)) == 1
    assert Journal.objects.count() == 1
    assert JournalLine.objects.count() == 2
    assert account_balance(account.pk) == Decimal("99.99")
    assert ledger_problems() == []


@pytest.mark.django_db(transaction=True)
def test_concurrent_postings_to_the_same_accounts_count_every_line():
    # given
    first, second = ServiceAccountFactory(), ServiceAccountFactory()
    threads_count = 6
    start = threading.Barrier(threads_count)
    errors = []

    def transfer(number):
        # Half the threads list the accounts one way round, half the other: the service
        # still locks the balance rows in id order, so none deadlocks.
        accounts = (first.pk, second.pk) if number % 2 else (second.pk, first.pk)
        try:
            start.wait()
            journal_post(
                kind=Journal.Kind.BILL,
                memo="Shared bill",
                lines=[
                    Line("ar_customers", Decimal("1.00"), service_account_id=accounts[0]),
                    Line("ar_customers", Decimal("2.00"), service_account_id=accounts[1]),
                    Line("water_sales_fixed", Decimal("-3.00")),
                ],
                by=None,
                idempotency_key=f"shared-{number}",
            )
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=transfer, args=(n,)) for n in range(threads_count)]
    # when
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then
    assert errors == []
    assert account_balance(first.pk) + account_balance(second.pk) == Decimal("18.00")
    assert ledger_problems() == []
