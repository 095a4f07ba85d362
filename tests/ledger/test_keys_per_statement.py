"""The keys of journal lines and bill lines, checked once a statement (district.keys): what a
foreign key refused is still refused, raw SQL included, and a parent named by a line stays."""

import datetime
from decimal import Decimal

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction

from billing.models import Bill, BillLine
from district.ledger.models import GLAccount, Journal, JournalLine
from tests.billing.factories import make_bill
from tests.factories import ServiceAccountFactory, post_bill
from tests.keys import execute, write_while_a_delete_is_open

JAN = datetime.date(2026, 1, 15)
MISSING = 987_654_321


def _calculated_bill() -> Bill:
    return make_bill(
        ServiceAccountFactory(),
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 1, 31),
        consumption=Decimal("8"),
        status=Bill.Status.CALCULATED,
    )


def _line_sql(bill_id: int, position: int) -> tuple[str, list]:
    return (
        "INSERT INTO billing_billline (bill_id, position, code, category, description, amount,"
        " unit, version_label, proration_note) VALUES (%s, %s, 'x', 'service', 'x', 1.00,"
        " '', '', '')",
        [bill_id, position],
    )


def _journal(key: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO ledger_journal (kind, memo, effective_date, posted_at,"
            " idempotency_key, fingerprint, source_id)"
            " VALUES ('adjustment', 'raw', %s, now(), %s, '', '') RETURNING id",
            [JAN, key],
        )
        return cursor.fetchone()[0]


LINES = (
    "INSERT INTO ledger_journalline (journal_id, gl_account_id, amount, effective_date, memo)"
    " VALUES (%s, %s, 10.00, %s, ''), (%s, %s, -10.00, %s, '')"
)


@pytest.mark.django_db(transaction=True)
def test_journal_lines_naming_a_missing_journal_are_refused_and_nothing_is_written():
    cash, sales = (
        GLAccount.objects.get(purpose="cash_in_bank"),
        GLAccount.objects.get(purpose="surcharges"),
    )
    with pytest.raises(IntegrityError, match=f"journal_id {MISSING} is not in ledger_journal"):
        execute(LINES, [MISSING, cash.pk, JAN, MISSING, sales.pk, JAN])
    assert not JournalLine.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_journal_lines_naming_a_missing_gl_account_are_refused():
    sales = GLAccount.objects.get(purpose="surcharges")
    with (
        pytest.raises(IntegrityError, match=f"gl_account_id {MISSING} is not in ledger_glaccount"),
        transaction.atomic(),
    ):
        journal_id = _journal("raw-missing-gl")
        with connection.cursor() as cursor:
            cursor.execute(LINES, [journal_id, MISSING, JAN, journal_id, sales.pk, JAN])
    assert not Journal.objects.exists()


def test_a_gl_account_that_lines_name_is_neither_deleted_nor_renumbered(service_account):
    post_bill(service_account.pk, "12.34", JAN)
    sales = GLAccount.objects.get(purpose="water_sales_volumetric")
    with pytest.raises(IntegrityError, match="is still named by ledger_journalline"):
        execute("DELETE FROM ledger_glaccount WHERE id = %s", [sales.pk])
    with pytest.raises(DatabaseError, match="Cannot update"):
        execute("UPDATE ledger_glaccount SET id = %s WHERE id = %s", [MISSING, sales.pk])
    assert GLAccount.objects.filter(pk=sales.pk).exists()
    # one that no line names is deleted as before
    unused = GLAccount.objects.create(code="9999", name="Unused", kind="expense")
    execute("DELETE FROM ledger_glaccount WHERE id = %s", [unused.pk])
    assert not GLAccount.objects.filter(pk=unused.pk).exists()


def test_a_bill_line_naming_a_missing_bill_is_refused(db):
    with pytest.raises(IntegrityError, match=f"bill_id {MISSING} is not in billing_bill"):
        execute(*_line_sql(MISSING, 1))
    assert not BillLine.objects.filter(bill_id=MISSING).exists()


def test_a_bill_with_lines_is_not_deleted_from_under_them_and_a_line_stays_on_its_bill(db):
    bill, other = _calculated_bill(), _calculated_bill()
    lines = list(bill.lines.values_list("pk", flat=True))
    with pytest.raises(IntegrityError, match="is still named by billing_billline"):
        execute("DELETE FROM billing_bill WHERE id = %s", [bill.pk])
    with pytest.raises(DatabaseError, match="Cannot update"):
        execute("UPDATE billing_billline SET bill_id = %s WHERE bill_id = %s", [other.pk, bill.pk])
    with pytest.raises(DatabaseError, match="Cannot update"):
        execute("UPDATE billing_bill SET id = %s WHERE id = %s", [MISSING, bill.pk])
    # the bill and every line of it are as they were
    assert lines and list(
        BillLine.objects.filter(bill_id=bill.pk).values_list("pk", flat=True)
    ) == (lines)
    # the ORM deletes the lines first (CASCADE), then the bill: allowed, as before
    assert Bill.objects.filter(pk=bill.pk).delete()[0] == len(lines) + 1


@pytest.mark.django_db(transaction=True)
def test_lines_for_a_bill_deleted_meanwhile_wait_for_the_delete_and_are_refused():
    # given a bill whose delete another session has made and not yet committed
    bill = _calculated_bill()
    bill.lines.all().delete()
    # when lines are written for it: they wait for the delete's transaction
    outcome = write_while_a_delete_is_open(
        ("DELETE FROM billing_bill WHERE id = %s", [bill.pk]), _line_sql(bill.pk, 1)
    )
    # then, the delete committed, they are refused: no line names a bill that is gone
    assert len(outcome) == 1 and f"bill_id {bill.pk} is not in billing_bill" in outcome[0]
    assert not BillLine.objects.filter(bill_id=bill.pk).exists()
