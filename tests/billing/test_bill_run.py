"""Bill runs: chunked calculation, resumption, audit exceptions and actions, posting."""

import datetime
import gc
import re
from decimal import Decimal
from random import Random

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.correspondence.models import Letter, PrintBatch
from accounts.models import ServiceAccount
from billing.bill_runs import calculation, posting, services
from billing.bill_runs.services import chunks
from billing.bill_runs.tasks import bill_runs_high_use_letters
from billing.models import (
    Bill,
    BillException,
    BillingPeriod,
    BillLine,
    BillRun,
    RateScheduleVersion,
)
from district import bulk, roles
from district.ledger import bulk_posting
from district.ledger.models import AccountBalance, Journal, JournalLine
from district.ledger.purposes import Purpose
from district.ledger.selectors import account_balance, ledger_problems
from district.ledger.services import Line, journal_post
from field_ops.models import Premise, WorkOrder
from field_ops.work_orders.services import work_order_complete
from tests import factories
from tests.billing.factories import (
    account_with_meter,
    bill_run_calculated,
    bill_run_posted,
    make_bill,
    metered_account,
    month_end,
)

D = datetime.date
Kind = BillException.Kind


# -- calculation


def test_chunked_calculation_gives_one_bill_per_account(rates, period, biller):
    # given five accounts, calculated two at a time
    accounts = [metered_account(used=Decimal(n + 5)) for n in range(5)]
    # when
    run = bill_run_calculated(period, biller, chunk_size=2)
    # then
    assert run.status == BillRun.Status.AUDIT
    assert run.accounts_total == 5 and run.bills_calculated == 5
    assert sorted(Bill.objects.values_list("account_id", flat=True)) == sorted(
        a.pk for a in accounts
    )
    bill = Bill.objects.get(account=accounts[0])
    assert bill.consumption == Decimal("5.00")
    assert bill.rate_version == rates
    lines = list(BillLine.objects.filter(bill=bill))
    assert lines and sum(line.amount for line in lines) == bill.current_charges


def test_a_killed_run_calculated_again_twice_still_has_one_bill_per_account(rates, period, biller):
    # given a run whose first chunk ran before the worker died
    accounts = [metered_account() for _ in range(5)]
    run = services.bill_run_create(period=period, by=biller)
    BillRun.objects.filter(pk=run.pk).update(status=BillRun.Status.CALCULATING, accounts_total=5)
    services.bill_run_calculate_chunk(run_id=run.pk, account_ids=[a.pk for a in accounts[:2]])
    # a redelivered copy of the same chunk
    services.bill_run_calculate_chunk(run_id=run.pk, account_ids=[a.pk for a in accounts[:2]])
    assert Bill.objects.count() == 2
    # when calculate runs again, twice
    services.bill_run_calculate(run_id=run.pk, chunk_size=2)
    run = services.bill_run_calculate(run_id=run.pk, chunk_size=3)
    # then
    assert run.status == BillRun.Status.AUDIT
    assert Bill.objects.count() == 5
    assert Bill.objects.values("account_id").distinct().count() == 5
    assert run.bills_calculated == 5  # recomputed, not incremented
    assert BillLine.objects.values("bill_id").distinct().count() == 5


def test_a_chunks_bill_text_is_the_bill_row_printed():
    # given a run's period and a priced account, one with an estimated read and one without
    period = BillingPeriod(
        period_start=D(2026, 1, 1),
        period_end=D(2026, 1, 31),
        bill_date=D(2026, 2, 2),
        due_date=D(2026, 2, 23),
    )
    run = BillRun(pk=41, period=period)
    created_at = datetime.datetime(2026, 2, 1, 6, 30, tzinfo=datetime.UTC)
    for estimated in (False, True):
        inputs = calculation.AccountInputs(
            account_id=7,
            customer_class="residential",
            status="active",
            start_date=D(2024, 1, 1),
            premise_id=3,
            dwelling_units=1,
            previous_read=calculation.ReadPoint(read_id=None, read_on=D(2025, 12, 30), reading=0),
            current_read=calculation.ReadPoint(read_id=901, read_on=D(2026, 1, 30), reading=12),
        )
        priced = calculation.PricedBill(
            lines=[],
            total=Decimal("61.25"),
            consumption=Decimal("12.00"),
            estimated=estimated,
            version=RateScheduleVersion(pk=5),
        )
        run_columns = "\t".join(
            chunks._bill_line(chunks.bill_row(run, inputs, priced)).split("\t")[1:8]
        )
        # when the chunk prints it directly, with the run's columns printed once
        text = chunks._bill_text(inputs, priced, run_columns, created_at)
        # then it is the text of its bill row, column for column
        assert text == chunks._bill_line(
            chunks.bill_row(run, inputs, priced, created_at=created_at)
        )
        assert (
            run_columns == "41\tregular\tcalculated\t2026-01-01\t2026-01-31\t2026-02-02\t2026-02-23"
        )


def test_a_lines_text_is_rendered_once_for_the_bills_that_share_it():
    # given two bills priced alike (one list of engine lines) and a third priced otherwise
    line = calculation.BillLine(
        code="service",
        category="service",
        description="Service charge",
        quantity=Decimal(1),
        unit="month",
        rate=Decimal("35.48"),
        amount=Decimal("35.48"),
    )
    shared = calculation.PricedBill(
        lines=[line], total=line.amount, consumption=Decimal(0), estimated=False, version=None
    )
    other = calculation.PricedBill(
        lines=[line, line],
        total=2 * line.amount,
        consumption=Decimal(0),
        estimated=False,
        version=None,
    )
    rendered: dict = {}
    # when their lines are printed
    first, second = chunks.line_rows(1, shared, rendered), chunks.line_rows(2, shared, rendered)
    third = chunks.line_rows(3, other, rendered)
    # then the shared text is rendered once and prefixed by each bill's id
    assert len(rendered) == 2
    assert first[0].split("\t", 1)[1] == second[0].split("\t", 1)[1]
    assert [row.split("\t", 1)[0] for row in (*first, *second, *third)] == ["1", "2", "3", "3"]
    # and a list that is not the one the text was kept for (an id reused) is rendered anew
    rendered[id(other.lines)] = ([], ["stale"])
    assert chunks.line_rows(4, other, rendered)[0].startswith("4\t1\tservice\t")


def test_price_account_is_pure_and_prices_the_use(rates, django_assert_num_queries):
    # given
    previous = calculation.ReadPoint(read_id=None, read_on=D(2025, 12, 30), reading=Decimal(100))
    current = calculation.ReadPoint(read_id=None, read_on=D(2026, 1, 29), reading=Decimal(112))

    class Account:
        customer_class = "residential"

    # when
    with django_assert_num_queries(0):
        priced = calculation.price_account(
            Account(),
            period_start=D(2026, 1, 1),
            period_end=D(2026, 1, 31),
            schedule_versions=[rates],
            previous_read=previous,
            current_read=current,
            dwelling_units=1,
            meter_size="5/8",
        )
    # then
    assert priced.consumption == Decimal("12.00")
    assert priced.total == sum(line.amount for line in priced.lines)
    assert priced.version == rates and not priced.estimated


def _counting_copies(monkeypatch) -> list:
    """Count the COPYs sent (Django's query log does not see them)."""
    copies = []
    real_copy = bulk.copy_rows

    def counted(*args, **kwargs):
        copies.append(1)
        return real_copy(*args, **kwargs)

    for module in (bulk, bulk_posting, chunks):
        monkeypatch.setattr(module, "copy_rows", counted)
    return copies


@pytest.mark.parametrize("size", [3, 7])
def test_the_query_count_of_a_chunk_does_not_grow_with_its_size(
    rates, period, biller, size, django_assert_num_queries, monkeypatch
):
    # given a run in calculation, and a chunk of `size` accounts
    accounts = [metered_account() for _ in range(size)]
    run = services.bill_run_create(period=period, by=biller)
    BillRun.objects.filter(pk=run.pk).update(status=BillRun.Status.CALCULATING)
    copies = _counting_copies(monkeypatch)
    # when / then: the same number of statements for 3 and 7 accounts (with the deposit
    # installments due, the class's typical bill for these first bills (read, and this first
    # time in the month worked out and stored), and resolving the accounts' exceptions that no
    # longer hold): 23 Django sees, and 3 COPYs (bills and exceptions staged, lines)
    with django_assert_num_queries(23):
        services.bill_run_calculate_chunk(run_id=run.pk, account_ids=[a.pk for a in accounts])
    assert len(copies) == 3
    assert Bill.objects.count() == size


# -- audit


def _kinds(account):
    return set(BillException.objects.filter(account=account).values_list("kind", flat=True))


def test_the_audit_finds_each_kind(rates, period, biller):
    # given accounts that should each raise one kind of exception
    zero = metered_account(used=Decimal(0))
    missing = metered_account(current_read=False)
    big = metered_account(used=Decimal(900))
    pending = metered_account(status="pending_final")
    credit = metered_account()
    journal_post(
        kind="payment",
        memo="Overpayment",
        lines=[
            Line(Purpose.CASH_IN_BANK, Decimal("50.00")),
            Line(Purpose.AR_CUSTOMERS, Decimal("-50.00"), credit.pk),
        ],
        by=None,
        idempotency_key="overpay",
    )
    other_cycle = metered_account(billing_cycle="M9")
    # a history of posted bills makes high/low/over-typical meaningful
    usual = metered_account(used=Decimal(100))
    low = metered_account(used=Decimal(1))
    for account in (usual, low):
        Bill.objects.create(
            account=account,
            status=Bill.Status.POSTED,
            number=f"OLD-{account.pk}",
            journal_id=1,
            period_start=D(2025, 12, 1),
            period_end=D(2025, 12, 30),
            bill_date=D(2026, 1, 3),
            due_date=D(2026, 1, 24),
            consumption=Decimal(10),
            current_charges=Decimal("60.00"),
        )
    estimated_account = metered_account(current_read=False)
    meter = estimated_account.premise.installations.get().meter
    factories.MeterReadFactory(
        meter=meter, read_on=D(2026, 1, 29), reading=Decimal(110), source="estimate"
    )
    # when
    run = bill_run_calculated(period, biller)
    # then
    assert Kind.ZERO_USE in _kinds(zero)
    assert Kind.MISSING_READ in _kinds(missing)
    assert not Bill.objects.filter(account=missing).exists()
    assert Kind.AMOUNT_OVER in _kinds(big)
    assert Kind.FIRST_BILL in _kinds(big)
    assert Kind.FINAL_BILL in _kinds(pending)
    assert Kind.CREDIT_BALANCE in _kinds(credit)
    assert Kind.NEVER_BILLED in _kinds(other_cycle)
    assert {Kind.HIGH_USE, Kind.OVER_TYPICAL} <= _kinds(usual)
    assert Kind.LOW_USE in _kinds(low) and Kind.FIRST_BILL not in _kinds(low)
    assert Kind.ESTIMATED in _kinds(estimated_account)
    assert Bill.objects.get(account=estimated_account).estimated
    assert run.exceptions_open == BillException.objects.filter(status="open").count()
    assert BillException.objects.get(account=missing, kind=Kind.MISSING_READ).blocking
    assert not BillException.objects.get(account=zero, kind=Kind.ZERO_USE).blocking


def test_the_never_billed_accounts_are_found_without_not_in(rates, period, biller):
    # given an account of the run's cycle and one of another cycle on its route
    metered_account()
    other_cycle = metered_account(billing_cycle="M9")

    # when the run is calculated, its statements captured
    with CaptureQueriesContext(connection) as queries:
        bill_run_calculated(period, biller)

    # then the other cycle's account is listed as never billed, and no statement asks for
    # NOT IN (subquery): PostgreSQL cannot make that an anti-join, and once the subquery
    # outgrows work_mem it rescans it for every account (9 minutes at 1,000,000 accounts)
    assert Kind.NEVER_BILLED in _kinds(other_cycle)
    not_in = re.compile(r"NOT \([^()]*\bIN \(SELECT")
    assert [query["sql"] for query in queries if not_in.search(query["sql"])] == []


def _never_billed_plan(run, expected=None) -> str:
    """EXPLAIN of the run's never-billed check (after running it: its answer must be
    `expected`, when given)."""
    with CaptureQueriesContext(connection) as queries:
        found = services.runs._never_billed(run)
    assert expected is None or found == expected
    (statement,) = [query["sql"] for query in queries if "accounts_serviceaccount" in query["sql"]]
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {statement}")
        return "\n".join(line for (line,) in cursor.fetchall())


def test_the_never_billed_check_reads_the_cycles_accounts_through_their_indexes(
    rates, period, biller
):
    # given a district of 4,000 other accounts on other routes and cycles, with statistics
    customer = factories.CustomerFactory()
    premises = Premise.objects.bulk_create(factories.PremiseFactory.build_batch(4000, route="R77"))
    ServiceAccount.objects.bulk_create(
        factories.ServiceAccountFactory.build(
            premise=premise, customer=customer, billing_cycle="M7"
        )
        for premise in premises
    )
    metered_account()
    run = bill_run_calculated(period, biller)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE accounts_serviceaccount")
        cursor.execute("ANALYZE field_ops_premise")
    # when the planner chooses how to find the run's cycle's accounts with no bill
    plan = _never_billed_plan(run)
    # then the accounts come off their cycle's and their premises' indexes, OR-ed as bitmaps,
    # not from a read of every account and premise of the district
    assert "Seq Scan on accounts_serviceaccount" not in plan
    assert "Seq Scan on field_ops_premise" not in plan
    assert "BitmapOr" in plan


def test_the_never_billed_check_probes_each_accounts_bill_when_statistics_predate_the_period(
    rates, period, biller
):
    # given a run's cycle of 3,000 accounts, each with a bill of the month before, the bills
    # analyzed then; and the period's bills written since (as when a calculation ends)
    metered_account()
    run = bill_run_calculated(period, biller)
    customer = factories.CustomerFactory()
    premises = Premise.objects.bulk_create(factories.PremiseFactory.build_batch(3000, route="R78"))
    accounts = ServiceAccount.objects.bulk_create(
        factories.ServiceAccountFactory.build(
            premise=premise, customer=customer, billing_cycle=period.cycle.code
        )
        for premise in premises
    )

    def bills(start, **fields):
        end = (start + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
        Bill.objects.bulk_create(
            Bill(
                account=account,
                period_start=start,
                period_end=end,
                bill_date=end,
                due_date=end,
                consumption=Decimal(10),
                current_charges=Decimal("60.00"),
                **fields,
            )
            for account in accounts
        )

    bills(D(2025, 12, 1), status=Bill.Status.CALCULATED)
    with connection.cursor() as cursor:
        for table in ("billing_bill", "accounts_serviceaccount", "field_ops_premise"):
            cursor.execute(f"ANALYZE {table}")
    bills(period.period_start, status=Bill.Status.CALCULATED)

    # when the planner chooses how to find the cycle's accounts with no bill for the period
    plan = _never_billed_plan(run, expected=[])

    # then each account's bill is looked up by its own index entry, not the period's bills
    # scanned once and compared with every account (the planner, expecting no bills for the
    # period, chose that: 6.8 s a run at 100,000 accounts)
    assert "Materialize" not in plan
    assert "Seq Scan on billing_bill" not in plan
    assert re.search(r"Index Cond: \(\(account_id = accounts_serviceaccount\.id\)", plan), plan


def test_a_reading_below_the_last_is_an_exception(rates, period, biller):
    # given a register that went from 999,990 to 5 (a six-dial rollover, or a misread)
    premise = factories.PremiseFactory(route="R01")
    installation = factories.MeterInstallationFactory(premise=premise)
    factories.MeterReadFactory(meter=installation.meter, read_on=D(2025, 12, 30), reading=999990)
    factories.MeterReadFactory(meter=installation.meter, read_on=D(2026, 1, 29), reading=5)
    account = factories.ServiceAccountFactory(premise=premise)
    # when
    bill_run_calculated(period, biller)
    # then
    assert Kind.BELOW_LAST in _kinds(account)
    assert Bill.objects.get(account=account).consumption == Decimal("15.00")


# -- actions


def test_accept_and_hold(rates, period, biller):
    # given
    big, other = metered_account(used=Decimal(900)), metered_account(used=Decimal(800))
    run = bill_run_calculated(period, biller)
    first = BillException.objects.get(account=big, kind=Kind.AMOUNT_OVER)
    second = BillException.objects.get(account=other, kind=Kind.AMOUNT_OVER)
    # when
    services.bill_exception_accept(exception_id=first.pk, by=biller, note="Pool fill")
    services.bill_exception_hold(exception_id=second.pk, by=biller)
    # then
    first.refresh_from_db()
    assert first.status == "accepted" and first.resolved_by == biller and first.note == "Pool fill"
    assert Bill.objects.get(account=other).status == Bill.Status.HELD
    run.refresh_from_db()
    assert run.exceptions_open == BillException.objects.filter(run=run, status="open").count()


def test_a_csr_one_cannot_clear_exceptions(rates, period, biller, make_user):
    big = metered_account(used=Decimal(900))
    bill_run_calculated(period, biller)
    exception = BillException.objects.get(account=big, kind=Kind.AMOUNT_OVER)
    with pytest.raises(ValidationError):
        services.bill_exception_accept(exception_id=exception.pk, by=make_user(roles.CSR_I))
    exception.refresh_from_db()
    assert exception.status == "open" and exception.resolved_by is None


def test_correcting_the_read_recalculates_the_bill(rates, period, biller):
    # given a misread: 900 HCF instead of 9
    big = metered_account(used=Decimal(900))
    bill_run_calculated(period, biller)
    exception = BillException.objects.get(account=big, kind=Kind.AMOUNT_OVER)
    before = Bill.objects.get(account=big)
    # when
    services.bill_exception_correct_read(
        exception_id=exception.pk, by=biller, reading="109", reason="Misread digit"
    )
    # then
    bill = Bill.objects.get(account=big)
    assert bill.pk == before.pk and bill.consumption == Decimal("9.00")
    assert bill.current_charges < before.current_charges
    assert bill.current_read_id != before.current_read_id
    assert sum(line.amount for line in bill.lines.all()) == bill.current_charges
    exception.refresh_from_db()
    assert exception.status == "resolved"
    assert not BillException.objects.filter(
        account=big, kind=Kind.AMOUNT_OVER, status="open"
    ).exists()


def test_a_re_read_order_replaces_the_read_and_recalculates_the_held_bill(
    rates, period, biller, make_user
):
    # given a high bill sent for a re-read
    big = metered_account(used=Decimal(900))
    bill_run_calculated(period, biller)
    exception = BillException.objects.get(account=big, kind=Kind.AMOUNT_OVER)
    services.bill_exception_request_order(
        exception_id=exception.pk, by=biller, order_type="re_read"
    )
    exception.refresh_from_db()
    order = exception.work_order
    assert order.order_type == WorkOrder.Type.RE_READ and order.origin == "bill_audit"
    assert Bill.objects.get(account=big).status == Bill.Status.HELD
    # when the technician completes it: the register confirms the high use
    technician = make_user(roles.SUPERVISOR)  # leads the field crew: may complete any order
    WorkOrder.objects.filter(pk=order.pk).update(status="dispatched", assigned_to=technician)
    order.refresh_from_db()
    work_order_complete(work_order=order, by=technician, data={"reading": "1001"})
    # then
    bill = Bill.objects.get(account=big)
    assert bill.status == Bill.Status.CALCULATED
    assert bill.consumption == Decimal("901.00")
    order.refresh_from_db()
    assert bill.current_read_id == order.completion["meter_read_id"]
    exception.refresh_from_db()
    assert exception.status == "resolved"


# -- posting


def test_posting_is_refused_while_blocking_exceptions_are_open(rates, period, biller):
    # given
    metered_account(used=Decimal(900))
    run = bill_run_calculated(period, biller)
    # when / then
    with pytest.raises(ValidationError, match="blocking"):
        services.bill_run_post(run_id=run.pk, by=biller)
    with pytest.raises(ValidationError, match="supervisor"):
        services.bill_run_post(run_id=run.pk, by=biller, override_reason="Need it out")
    run.refresh_from_db()
    assert run.status == BillRun.Status.AUDIT and not run.override_reason
    assert not Journal.objects.exists()
    assert not Bill.objects.filter(status="posted").exists()


def test_a_supervisor_posts_with_an_override_and_the_books_balance(
    rates, period, biller, supervisor
):
    # given a run with a blocking exception, a held bill and two ordinary bills
    big = metered_account(used=Decimal(900))
    held = metered_account(used=Decimal(800))
    plain = [metered_account(), metered_account(used=Decimal(20))]
    run = bill_run_calculated(period, biller)
    services.bill_exception_hold(
        exception_id=BillException.objects.get(account=held, kind=Kind.AMOUNT_OVER).pk, by=biller
    )
    # when
    run = bill_run_posted(run, supervisor, override_reason="Reviewed by phone with the customer")
    # then
    assert run.status == BillRun.Status.POSTED
    assert run.override_by == supervisor
    posted = Bill.objects.filter(status="posted").order_by("pk")
    assert {bill.account_id for bill in posted} == {big.pk, *(a.pk for a in plain)}
    assert Bill.objects.get(account=held).status == Bill.Status.HELD
    assert len({bill.number for bill in posted}) == 3
    assert all(bill.number.startswith("B2601-") for bill in posted)
    for bill in posted:
        journal = Journal.objects.get(pk=bill.journal_id)
        assert journal.kind == "bill" and journal.idempotency_key == f"bill:{bill.pk}"
        lines = JournalLine.objects.filter(journal=journal)
        assert sum(line.amount for line in lines) == 0
        assert account_balance(bill.account_id) == bill.current_charges == bill.amount_due
    assert ledger_problems() == []
    rates.refresh_from_db()
    assert rates.locked
    period.refresh_from_db()
    assert period.status == BillingPeriod.Status.BILLED


def test_posting_twice_posts_once(rates, period, biller, supervisor):
    # given a clean run, posted
    accounts = [metered_account() for _ in range(3)]
    run = bill_run_calculated(period, biller)
    for exception in BillException.objects.filter(run=run, blocking=True):
        services.bill_exception_accept(exception_id=exception.pk, by=biller)
    run = bill_run_posted(run, biller)
    journals, balances = (
        Journal.objects.count(),
        dict(AccountBalance.objects.values_list("service_account_id", "balance")),
    )
    numbers = list(Bill.objects.order_by("pk").values_list("number", flat=True))
    # when posted again (service and task)
    again = services.bill_run_post(run_id=run.pk, by=biller)
    services.bill_run_post_bills(run_id=run.pk, by=biller)
    # then nothing new
    assert again.status == BillRun.Status.POSTED
    assert Journal.objects.count() == journals == len(accounts)
    assert dict(AccountBalance.objects.values_list("service_account_id", "balance")) == balances
    assert list(Bill.objects.order_by("pk").values_list("number", flat=True)) == numbers
    assert ledger_problems() == []


def test_previous_balance_and_amount_due(rates, period, biller):
    # given an account owing 40.00 from before
    account = metered_account()
    journal_post(
        kind="opening_balance",
        memo="Conversion",
        lines=[
            Line(Purpose.AR_CUSTOMERS, Decimal("40.00"), account.pk),
            Line(Purpose.OPENING_BALANCES, Decimal("-40.00")),
        ],
        by=None,
        idempotency_key="open-1",
    )
    run = bill_run_calculated(period, biller)
    for exception in BillException.objects.filter(run=run, blocking=True):
        services.bill_exception_accept(exception_id=exception.pk, by=biller)
    # when
    bill_run_posted(run, biller)
    # then
    bill = Bill.objects.get(account=account)
    assert bill.previous_balance == Decimal("40.00")
    assert bill.amount_due == Decimal("40.00") + bill.current_charges


@pytest.mark.parametrize("size", [5, 50])
def test_the_statements_of_a_posting_chunk_do_not_grow_with_its_size(
    rates, period, biller, size, monkeypatch
):
    # given a calculated run of `size` bills, some accounts owing from before
    accounts = [metered_account() for _ in range(size)]
    for account in accounts[::2]:
        factories.post_bill(account, Decimal("12.50"))
    run = bill_run_calculated(period, biller, chunk_size=size)
    ContentType.objects.get_for_model(Bill)  # cached per process, as after a run's first chunk
    copies = _counting_copies(monkeypatch)
    # when one chunk posts them all
    with CaptureQueriesContext(connection) as queries:
        posted = posting.post_chunk(run=run, by=biller, chunk_size=size)
    # then the same statements for 5 and 50 bills: the test's savepoint and its release, and
    # the chunk's (the COPYs counted too: Django's query log does not see them: journals,
    # balance moves and the bills' figures staged, the journal lines); every bill posted
    # with its journal
    assert len(queries) + len(copies) == 20
    assert posted == size == Bill.objects.filter(run=run, status="posted").count()
    assert Journal.objects.filter(kind="bill", idempotency_key__startswith="bill:").count() == (
        size
    )
    assert ledger_problems() == []


def test_a_chunk_is_calculated_and_posted_with_the_cycle_collector_paused(
    rates, period, biller, monkeypatch
):
    # given the collector on, and the pricing and the journal writing watched
    metered_account()
    seen = []
    price, post_many = chunks._price_chunk, posting.journals_post_many

    def pricing(*args, **kwargs):
        seen.append(("calculate", gc.isenabled()))
        return price(*args, **kwargs)

    def journals(*args, **kwargs):
        seen.append(("post", gc.isenabled()))
        return post_many(*args, **kwargs)

    monkeypatch.setattr(chunks, "_price_chunk", pricing)
    monkeypatch.setattr(posting, "journals_post_many", journals)
    gc.enable()
    # when a run is calculated and posted
    run = bill_run_calculated(period, biller)
    bill_run_posted(run, biller)
    # then both ran with it off (a chunk's objects go by reference counting), and it is on after
    assert seen == [("calculate", False), ("post", False)]
    assert gc.isenabled()


# -- bills chain from the read the last bill ended at


def _row(read_id, day, reading):
    return (read_id, 1, day, Decimal(reading), "route", [])


def test_a_re_read_in_the_window_is_measured_from_the_last_bills_read(period):
    # given: the last bill ended at read 1 (1100); this period has a first read (1150) and a
    # re-read the next day (1131) that replaces it as the current read
    last_bill_read = calculation.ReadPoint(read_id=1, read_on=period.period_start, reading=1100)
    rows = [
        _row(1, period.period_start, "1100"),
        _row(2, period.period_end, "1150"),
        _row(3, period.period_end + datetime.timedelta(days=1), "1131"),
    ]
    # when
    current, previous = calculation._bounding_reads(
        rows, period, period.period_start, Decimal(0), billed_to=(1, last_bill_read)
    )
    # then: 31 units, not 1150 -> 1131
    assert (previous.reading, current.reading) == (Decimal(1100), Decimal("1131"))


def test_without_a_previous_bill_the_read_before_the_current_one_starts_the_bill(period):
    rows = [_row(1, period.period_start, "100"), _row(2, period.period_end, "110")]
    current, previous = calculation._bounding_reads(rows, period, period.period_start, Decimal(0))
    assert (previous.reading, current.reading) == (Decimal(100), Decimal(110))


def test_an_accounts_history_is_its_last_six_bills_before_the_period(period):
    # given eight monthly bills before the period (May to December 2025), the older two heavy,
    # and one for the period itself; the last before it ended at a read of the meter
    account, meter = account_with_meter()
    for month in range(5, 13):
        make_bill(
            account,
            period_start=D(2025, month, 1),
            period_end=month_end(2025, month),
            consumption=Decimal(90 if month < 7 else 10),
            meter=meter,
            reading=Decimal(month * 10),
        )
    make_bill(account, period_start=D(2026, 1, 1), period_end=D(2026, 1, 31), consumption=50)
    first, _ = account_with_meter()
    # when the chunk's history is read
    history = calculation._bill_history([account.pk, first.pk], period)
    billed_to = calculation._billed_to([account.pk, first.pk], period)
    # then it is the last six bills before the period (ten HCF each), counted up to six
    daily, amount, recent = history[account.pk]
    assert recent == calculation.TYPICAL_BILLS == 6
    december = Bill.objects.get(account=account, period_start=D(2025, 12, 1))
    assert amount == december.current_charges  # the six are alike
    six_months = 4 * (Decimal(10) / 31) + 2 * (Decimal(10) / 30)  # July to December
    assert daily == (six_months / 6).quantize(Decimal("0.0001"))
    # and the last one's read starts the next bill; an account never billed has neither
    assert billed_to[account.pk][1].read_id == december.current_read_id
    assert first.pk not in history and first.pk not in billed_to


def _bounding_reads_by_definition(rows, period, installed_on, install_reading, billed_to=None):
    """What _bounding_reads answers, said as plainly as possible (every row tested)."""
    if billed_to is not None:
        _meter_id, last = billed_to
        later = [row for row in rows if row[2] > last.read_on and row[0] != last.read_id]
        return (calculation._read_point(later[-1]), last) if later else (None, None)
    current_rows = [row for row in rows if row[2] > period.period_start and row[2] >= installed_on]
    if not current_rows:
        return None, None
    current = calculation._read_point(current_rows[-1])
    before = [row for row in rows if row[2] < current.read_on and row[2] >= installed_on]
    if before:
        return current, calculation._read_point(before[-1])
    if installed_on < current.read_on:
        previous = calculation.ReadPoint(
            read_id=None, read_on=installed_on, reading=install_reading
        )
        return current, previous
    return current, None


def test_the_bounding_reads_are_those_of_their_definition_for_any_reads(period):
    """The loader reads only the newest rows of a meter (its reads come in date order); over
    many random histories (re-reads on one day, a meter set mid-period, a last bill's read) it
    answers what testing every row answers."""
    random = Random(20261207)
    start = period.period_start - datetime.timedelta(days=100)
    for _case in range(2_000):
        days = sorted(random.randrange(0, 160) for _ in range(random.randrange(0, 6)))
        rows = [
            _row(n, start + datetime.timedelta(days=day), 100 + n) for n, day in enumerate(days, 1)
        ]
        installed_on = start + datetime.timedelta(days=random.randrange(0, 160))
        billed_to = None
        if rows and random.random() < 0.5:
            read_id, _meter, read_on, reading, _source, _flags = random.choice(rows)
            billed_to = (
                1,
                calculation.ReadPoint(read_id=read_id, read_on=read_on, reading=reading),
            )
        arguments = (rows, period, installed_on, Decimal(7))
        assert calculation._bounding_reads(
            *arguments, billed_to=billed_to
        ) == _bounding_reads_by_definition(*arguments, billed_to=billed_to), (rows, installed_on)


def test_a_posted_run_writes_to_the_customers_whose_use_was_high(rates, period, biller, supervisor):
    # given an account that used 100 where its last year's bills used 10
    usual = metered_account(used=Decimal(100))
    Bill.objects.create(
        account=usual,
        status=Bill.Status.POSTED,
        number=f"OLD-{usual.pk}",
        journal_id=1,
        period_start=D(2025, 12, 1),
        period_end=D(2025, 12, 30),
        bill_date=D(2026, 1, 3),
        due_date=D(2026, 1, 24),
        consumption=Decimal(10),
        current_charges=Decimal("60.00"),
    )
    metered_account(used=Decimal(10))  # a usual bill: no letter
    run = bill_run_calculated(period, biller)
    assert Kind.HIGH_USE in _kinds(usual)
    bill_run_posted(run, supervisor, override_reason="Reviewed the high bills")
    # when the night's job writes the letters of the runs posted lately
    (batch_id,) = bill_runs_high_use_letters.delay().get()
    # then one print batch holds the high-use letter, with the use and the typical use
    (batch,) = PrintBatch.objects.filter(key="high-use")
    assert batch.pk == batch_id and batch.created_by == supervisor
    (letter,) = Letter.objects.filter(account=usual)
    assert batch.idempotency_key == f"bill-run-{run.pk}-high-use"
    assert "shows 100 hundred cubic feet of water, well above the 10 your home" in letter.html
    # and the job run again writes nothing twice
    assert bill_runs_high_use_letters.delay().get() == []
    assert PrintBatch.objects.filter(key="high-use").count() == 1
