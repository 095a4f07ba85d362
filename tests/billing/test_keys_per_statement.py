"""The keys of bills, bill exceptions, journals and journal lines' accounts, checked once a
statement (district.keys, billing 0007, ledger 0007, accounts 0013): what their foreign keys
refused is still refused, raw SQL included, and a parent they name stays."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError, IntegrityError, connection

from billing.models import Bill, BillException, BillRun, RateSchedule, RateScheduleVersion
from district.ledger.models import Journal
from field_ops.models import MeterRead
from tests.billing.factories import account_with_meter, january_period, make_bill
from tests.factories import ServiceAccountFactory, UserFactory, post_bill
from tests.keys import execute, write_while_a_delete_is_open

JAN_START, JAN_END = datetime.date(2026, 1, 1), datetime.date(2026, 1, 31)
MISSING = 987_654_321
BILL_PARENTS = {
    "account_id": "accounts_serviceaccount",
    "run_id": "billing_billrun",
    "rate_version_id": "billing_ratescheduleversion",
    "previous_read_id": "field_ops_meterread",
    "current_read_id": "field_ops_meterread",
}
BILL_COLUMN_OF = {
    "billing_billrun": "run_id",
    "billing_ratescheduleversion": "rate_version_id",
    "accounts_serviceaccount": "account_id",
}
EXCEPTION_PARENTS = {
    "run_id": "billing_billrun",
    "account_id": "accounts_serviceaccount",
    "bill_id": "billing_bill",
}
BILL_COLUMNS = (
    "account_id, run_id, kind, status, period_start, period_end, bill_date, due_date, "
    "rate_version_id, previous_read_id, current_read_id, consumption, estimated, "
    "current_charges, previous_balance, amount_due, cancel_reason, pdf, created_at"
)


def _version() -> RateScheduleVersion:
    schedule = RateSchedule.objects.create(code="water-keys", name="Water service")
    return RateScheduleVersion.objects.create(
        schedule=schedule,
        version=1,
        effective_from=datetime.date(2025, 1, 1),
        source="",
        parsed={},
        sha256="k" * 64,
    )


def _world():
    """A calculated bill of a run, with its reads and rate version, and an exception of it."""
    account, meter = account_with_meter()
    run = BillRun.objects.create(period=january_period(), status=BillRun.Status.AUDIT)
    version = _version()
    previous = MeterRead.objects.create(
        meter=meter, read_on=datetime.date(2025, 12, 31), reading=Decimal("100"), source="route"
    )
    bill = make_bill(
        account,
        period_start=JAN_START,
        period_end=JAN_END,
        consumption=Decimal("8"),
        status=Bill.Status.CALCULATED,
        rate_version=version,
        meter=meter,
        reading=Decimal("108"),
        previous_read=previous,
    )
    Bill.objects.filter(pk=bill.pk).update(run=run)
    exception = BillException.objects.create(
        run=run, account=account, bill=bill, kind=BillException.Kind.HIGH_USE, detail="High"
    )
    bill.refresh_from_db()
    return bill, exception


def _copy_of_bill_naming(bill: Bill, column: str, value: int) -> tuple[str, list]:
    """An INSERT of a copy of the bill (a month earlier, so it is its own live bill) whose
    `column` names `value`."""
    values = BILL_COLUMNS.replace(column, "%s").replace("period_start,", "period_start - 31,", 1)
    return (
        f"INSERT INTO billing_bill ({BILL_COLUMNS}) SELECT {values} FROM billing_bill "
        "WHERE id = %s",
        [value, bill.pk],
    )


@pytest.mark.parametrize("column", BILL_PARENTS)
def test_a_bill_naming_a_missing_parent_is_refused_and_nothing_is_written(db, column):
    bill, _exception = _world()
    with pytest.raises(
        IntegrityError, match=f"{column} {MISSING} is not in {BILL_PARENTS[column]}"
    ):
        execute(*_copy_of_bill_naming(bill, column, MISSING))
    assert Bill.objects.count() == 1
    # naming one that exists is written, as before
    execute(*_copy_of_bill_naming(bill, column, getattr(bill, column)))
    assert Bill.objects.count() == 2


@pytest.mark.parametrize("column", BILL_PARENTS)
def test_a_bill_moved_to_a_missing_parent_is_refused(db, column):
    bill, _exception = _world()
    before = getattr(bill, column)
    with pytest.raises(
        IntegrityError, match=f"update of billing_bill: {column} {MISSING} is not in"
    ):
        execute(f"UPDATE billing_bill SET {column} = %s WHERE id = %s", [MISSING, bill.pk])
    bill.refresh_from_db()
    assert getattr(bill, column) == before


def test_updates_that_keep_the_keys_or_move_them_to_existing_parents_pass(db):
    bill, _exception = _world()
    other_read = MeterRead.objects.create(
        meter=bill.current_read.meter, read_on=JAN_END, reading=Decimal("109"), source="route"
    )
    # what posting and recalculating do: a status, and a read replaced by another
    Bill.objects.filter(pk=bill.pk).update(status=Bill.Status.HELD)
    Bill.objects.filter(pk=bill.pk).update(current_read=other_read, rate_version=None)
    bill.refresh_from_db()
    assert (bill.status, bill.current_read_id, bill.rate_version_id) == (
        Bill.Status.HELD,
        other_read.pk,
        None,
    )


@pytest.mark.parametrize("column", EXCEPTION_PARENTS)
def test_an_exception_naming_a_missing_parent_is_refused(db, column):
    _bill, exception = _world()
    columns = "run_id, account_id, bill_id, kind, blocking, detail, status, note"
    values = columns.replace(column, "%s").replace("kind,", "'low_use',", 1)
    with pytest.raises(
        IntegrityError, match=f"{column} {MISSING} is not in {EXCEPTION_PARENTS[column]}"
    ):
        execute(
            f"INSERT INTO billing_billexception ({columns}) SELECT {values} "
            "FROM billing_billexception WHERE id = %s",
            [MISSING, exception.pk],
        )
    assert BillException.objects.count() == 1
    with pytest.raises(IntegrityError, match=f"{column} {MISSING} is not in"):
        execute(
            f"UPDATE billing_billexception SET {column} = %s WHERE id = %s",
            [MISSING, exception.pk],
        )


@pytest.mark.parametrize(
    "table, named_by",
    [
        ("billing_billrun", "billing_bill"),
        ("billing_ratescheduleversion", "billing_bill"),
        ("accounts_serviceaccount", "billing_bill"),
    ],
)
def test_a_parent_a_bill_names_is_neither_deleted_nor_renumbered(db, table, named_by):
    bill, exception = _world()
    parent_id = getattr(bill, BILL_COLUMN_OF[table])
    # the exception goes first, so the bill is what still names the parent
    BillException.objects.filter(pk=exception.pk).delete()
    with pytest.raises(IntegrityError, match=f"is still named by {named_by}"):
        execute(f"DELETE FROM {table} WHERE id = %s", [parent_id])
    with pytest.raises(DatabaseError, match="Cannot update"):
        execute(f"UPDATE {table} SET id = %s WHERE id = %s", [MISSING, parent_id])
    # the parent is still there under its id, and the bill still names it
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table} WHERE id = %s", [parent_id])
        assert cursor.fetchone() == (1,)
    assert Bill.objects.filter(pk=bill.pk, **{BILL_COLUMN_OF[table]: parent_id}).exists()


@pytest.mark.parametrize("column", ["run_id", "account_id", "bill_id"])
def test_a_parent_an_exception_names_is_not_deleted(db, column):
    bill, exception = _world()
    table = EXCEPTION_PARENTS[column]
    # only the exception names it: the bill loses its lines, or moves to no run or to
    # another account
    if column == "bill_id":
        bill.lines.all().delete()
        parent_id = bill.pk
    else:
        Bill.objects.filter(pk=bill.pk).update(
            **({"run": None} if column == "run_id" else {"account": ServiceAccountFactory()})
        )
        parent_id = getattr(exception, column)
    with pytest.raises(IntegrityError, match="is still named by billing_billexception"):
        execute(f"DELETE FROM {table} WHERE id = %s", [parent_id])
    assert BillException.objects.filter(pk=exception.pk, **{column: parent_id}).exists()


def test_the_orm_deletes_a_run_with_its_exceptions_and_a_bill_with_its_lines_as_before(db):
    bill, exception = _world()
    run, lines = bill.run, bill.lines.count()
    Bill.objects.filter(pk=bill.pk).update(run=None)
    # CASCADE: the exceptions go first, then the run
    run.delete()
    assert not BillException.objects.filter(pk=exception.pk).exists()
    assert lines and Bill.objects.get(pk=bill.pk).delete()[0] == lines + 1


@pytest.mark.django_db(transaction=True)
def test_journal_lines_naming_a_missing_account_are_refused():
    account = ServiceAccountFactory()
    post_bill(account.pk, "12.00", JAN_END)
    journal = Journal.objects.get()
    with pytest.raises(
        IntegrityError, match=f"service_account_id {MISSING} is not in accounts_serviceaccount"
    ):
        execute(
            "INSERT INTO ledger_journalline (journal_id, gl_account_id, amount, effective_date,"
            " memo, service_account_id) SELECT journal_id, gl_account_id, amount,"
            " effective_date, memo, %s FROM ledger_journalline WHERE journal_id = %s",
            [MISSING, journal.pk],
        )
    assert journal.lines.count() == 2


def test_an_account_a_journal_line_names_is_neither_deleted_nor_renumbered(db):
    account = ServiceAccountFactory()
    post_bill(account.pk, "12.00", JAN_END)
    with pytest.raises(IntegrityError, match="is still named by ledger_journalline"):
        execute("DELETE FROM accounts_serviceaccount WHERE id = %s", [account.pk])
    with pytest.raises(DatabaseError, match="Cannot update"):
        execute("UPDATE accounts_serviceaccount SET id = %s WHERE id = %s", [MISSING, account.pk])


@pytest.mark.parametrize("column", ["posted_by_id", "source_type_id"])
def test_a_journal_naming_a_missing_user_or_content_type_is_refused(db, column):
    parent = {"posted_by_id": "district_user", "source_type_id": "django_content_type"}[column]
    with pytest.raises(IntegrityError, match=f"{column} {MISSING} is not in {parent}"):
        execute(
            f"INSERT INTO ledger_journal (kind, memo, effective_date, posted_at,"
            f" idempotency_key, fingerprint, source_id, {column})"
            " VALUES ('adjustment', 'raw', %s, now(), 'raw-missing', '', '', %s)",
            [JAN_END, MISSING],
        )
    assert not Journal.objects.exists()


def test_a_user_or_content_type_a_journal_names_is_neither_deleted_nor_renumbered(db):
    clerk = UserFactory()
    bills = ContentType.objects.get_for_model(Bill)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO ledger_journal (kind, memo, effective_date, posted_at, idempotency_key,"
            " fingerprint, source_id, posted_by_id, source_type_id)"
            " VALUES ('adjustment', 'raw', %s, now(), 'raw-named', '', '1', %s, %s)",
            [JAN_END, clerk.pk, bills.pk],
        )
    for table, parent_id in (("district_user", clerk.pk), ("django_content_type", bills.pk)):
        with pytest.raises(IntegrityError, match="is still named by ledger_journal"):
            execute(f"DELETE FROM {table} WHERE id = %s", [parent_id])
        with pytest.raises(IntegrityError, match="journals name them"):
            execute(f"UPDATE {table} SET id = %s WHERE id = %s", [MISSING, parent_id])
    # a user no journal names is deleted as before
    other = UserFactory()
    execute("DELETE FROM district_user WHERE id = %s", [other.pk])


@pytest.mark.django_db(transaction=True)
def test_a_bill_for_an_account_deleted_meanwhile_waits_for_the_delete_and_is_refused():
    # given an account whose delete another session has made and not yet committed
    bill, _exception = _world()
    account = ServiceAccountFactory()
    # when a bill is written for it: it waits for the delete's transaction
    outcome = write_while_a_delete_is_open(
        ("DELETE FROM accounts_serviceaccount WHERE id = %s", [account.pk]),
        _copy_of_bill_naming(bill, "account_id", account.pk),
    )
    # then, the delete committed, it is refused: no bill names an account that is gone
    assert len(outcome) == 1 and f"account_id {account.pk} is not in" in outcome[0]
    assert not Bill.objects.filter(account_id=account.pk).exists()
