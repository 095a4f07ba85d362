from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from district.ledger.models import AccountBalance, Journal, JournalLine
from district.ledger.selectors import ledger_problems
from district.ledger.services import journal_reverse
from tests.factories import new_key, post_bill, post_payment

JAN = date(2026, 1, 15)


@pytest.fixture
def books(make_service_account):
    first, second = make_service_account(), make_service_account()
    bill = post_bill(first.pk, "100.00", JAN)
    post_bill(second.pk, "45.00", JAN)
    post_payment(first.pk, "60.00", date(2026, 2, 1))
    journal_reverse(journal=bill, by=None, reason="Wrong read", idempotency_key=new_key())
    return first, second


def _check() -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("check_ledger", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _check_fails() -> str:
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError):
        call_command("check_ledger", stdout=out, stderr=err)
    return err.getvalue()


def _with_triggers_off(sql: str, parameters: list) -> None:
    """Corrupt a row the way only a superuser with triggers disabled could."""
    with connection.cursor() as cursor:
        # Run the balance checks queued so far now, so the test's teardown (which checks
        # deferred constraints) does not trip over the corruption made below.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        cursor.execute("SET session_replication_role = replica")
        try:
            cursor.execute(sql, parameters)
        finally:
            cursor.execute("SET session_replication_role = DEFAULT")


def test_check_ledger_passes_on_good_books(books):
    # when
    out, err = _check()
    # then
    assert out.strip() == "ledger OK: 4 journals, 8 lines"
    assert err == ""
    assert ledger_problems() == []


def test_check_ledger_passes_on_empty_books(db):
    # when
    out, _ = _check()
    # then
    assert out.strip() == "ledger OK: 0 journals, 0 lines"


def test_check_ledger_names_a_wrong_cached_balance(books):
    # given
    first, _ = books
    AccountBalance.objects.filter(service_account_id=first.pk).update(balance=Decimal("1.00"))
    # when
    err = _check_fails()
    # then
    assert f"account balance differs from its receivable lines: service accounts {first.pk}" in err


def test_check_ledger_names_a_missing_cached_balance(books):
    # given
    _, second = books
    AccountBalance.objects.filter(service_account_id=second.pk).delete()
    # when
    err = _check_fails()
    # then
    assert (
        f"account balance missing for an account with receivable lines: service accounts {second.pk}"
        in err
    )


def test_check_ledger_names_a_changed_line_amount(books):
    # given
    line = JournalLine.objects.filter(gl_account__purpose="cash_in_bank").first()
    _with_triggers_off("UPDATE ledger_journalline SET amount = amount + 1 WHERE id = %s", [line.pk])
    # when
    err = _check_fails()
    # then
    assert f"journal does not sum to zero: journals {line.journal_id}" in err
    assert "ledger does not sum to zero: lines total 1.00" in err


def test_check_ledger_names_a_journal_with_one_line(books):
    # given
    journal = Journal.objects.filter(kind=Journal.Kind.PAYMENT).get()
    line = journal.lines.filter(gl_account__purpose="cash_in_bank").get()
    _with_triggers_off("DELETE FROM ledger_journalline WHERE id = %s", [line.pk])
    # when
    problems = ledger_problems()
    # then
    assert f"journal has fewer than two lines: journals {journal.pk}" in problems


def test_check_ledger_names_a_line_dated_apart_from_its_journal(books):
    # given
    line = JournalLine.objects.order_by("id").first()
    _with_triggers_off(
        "UPDATE ledger_journalline SET effective_date = effective_date + 1 WHERE id = %s",
        [line.pk],
    )
    # when
    err = _check_fails()
    # then
    assert f"line effective date differs from its journal's: lines {line.pk}" in err


def test_check_ledger_lists_a_few_ids_and_counts_the_rest(make_service_account):
    # given
    accounts = [make_service_account() for _ in range(7)]
    for account in accounts:
        post_bill(account.pk, "10.00", JAN)
    AccountBalance.objects.update(balance=Decimal("0.01"))
    # when
    problems = ledger_problems()
    # then
    ids = ", ".join(str(account.pk) for account in sorted(accounts, key=lambda a: a.pk)[:5])
    assert problems == [
        f"account balance differs from its receivable lines: service accounts {ids} and 2 more"
    ]
