"""Benchmark: import and reconcile a BAI2 prior-day file of 10,000 detail lines (budget 5 s).

Builds, in the scratch test database (test_<DATABASE name>, kept between runs) inside a
transaction rolled back at the end: prepared bank deposits and posted processor batches made
in bulk, a drawer of checks deposited (for the returned items), and a BAI2 file written with
the project's writer (80-character records, 88 continuations) whose lines are a mix of deposit
credits, processor settlements, returned checks and lines matching nothing. Then times the
parse alone and the whole import + reconcile (bai2_import: parse, store, match, post).

With --megabytes N the file is made about N MB long (more lines of the filler kinds), and with
--memory the import runs a second time, traced: the peak of what Python allocates during the
import (tracemalloc) and the growth of the process's peak resident memory (VmHWM, reset before
the import), each with its ratio to the file's size. The traced run is not timed.

    python bench/bai2_reconcile.py [--lines 10000] [--deposits 500] [--settlements 200]
                                   [--returns 20] [--megabytes N] [--memory]
"""

import argparse
import datetime
import gc
import sys
import time
import tracemalloc
import uuid
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import setup_django  # noqa: E402

setup_django()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from district import roles  # noqa: E402
from district.ledger.models import Journal  # noqa: E402
from district.ledger.services import Line, journal_post  # noqa: E402
from district.services import roles_sync, user_create_with_role  # noqa: E402
from payments.bank import bai2  # noqa: E402
from payments.bank.imports import bai2_import  # noqa: E402
from payments.counter.services import (  # noqa: E402
    CloseCount,
    PaymentIn,
    TenderIn,
    drawer_close,
    drawer_open,
    payment_post,
)
from payments.deposits.services import bank_deposit_prepare  # noqa: E402
from payments.models import BankDeposit, Drawer, PaymentBatch, Tender  # noqa: E402
from tests.factories import ServiceAccountFactory  # noqa: E402

BUDGET_SECONDS = 5.0
BUDGET_LINES = 10_000
# The import's peak memory, as a multiple of the file's size.
BUDGET_MEMORY_RATIO = 5.0
BUDGET_MEMORY_MIN_BYTES = 5 * 2**20


class _Rollback(Exception):
    pass


def _cents(amount: Decimal) -> int:
    return int(amount * 100)


def _deposits(count: int, *, by, today) -> list[Decimal]:
    """Prepared deposits, each with its own in-transit journal (the bench does not go through
    the drawers for these: only their amounts and dates matter to the matching)."""
    amounts = [Decimal("1000.00") + Decimal(index) / 100 for index in range(count)]
    rows = []
    for index, amount in enumerate(amounts):
        journal = journal_post(
            kind=Journal.Kind.DEPOSIT,
            memo=f"Bench deposit {index}",
            lines=[Line("deposits_in_transit", amount), Line("undeposited_funds", -amount)],
            by=by,
            idempotency_key=f"bench-deposit:{uuid.uuid4().hex}",
        )
        rows.append(
            BankDeposit(
                business_date=today - datetime.timedelta(days=index % 3),
                prepared_by=by,
                total=amount,
                cash_total=amount,
                journal=journal,
                idempotency_key=uuid.uuid4().hex,
            )
        )
    BankDeposit.objects.bulk_create(rows)
    return amounts


def _settlements(count: int, *, by, today) -> list[Decimal]:
    amounts = [Decimal("5000.00") + Decimal(index) / 100 for index in range(count)]
    rows = []
    for index, amount in enumerate(amounts):
        journal = journal_post(
            kind=Journal.Kind.PAYMENT,
            memo=f"Bench processor batch {index}",
            lines=[Line("settlements_due", amount), Line("unapplied_payments", -amount)],
            by=by,
            idempotency_key=f"bench-batch:{uuid.uuid4().hex}",
        )
        rows.append(
            PaymentBatch(
                kind=PaymentBatch.Kind.PROCESSOR,
                status=PaymentBatch.Status.POSTED,
                business_date=today - datetime.timedelta(days=1),
                control_count=1,
                control_total=amount,
                created_by=by,
                posted_by=by,
                posted_at=timezone.now(),
                journal=journal,
            )
        )
    PaymentBatch.objects.bulk_create(rows)
    return amounts


def _deposited_checks(count: int, *, by) -> list[tuple[Decimal, str]]:
    """Checks taken at a drawer that was closed and deposited: the bank may return them."""
    cashier = user_create_with_role(
        username=f"bench-cashier-{uuid.uuid4().hex[:6]}", password="x-bench-x", role=roles.CSR_I
    )
    session = drawer_open(
        drawer=Drawer.objects.create(name=f"Bench {uuid.uuid4().hex[:6]}"),
        cashier=cashier,
        opening_count={},
    )
    checks = []
    for index in range(count):
        amount = Decimal("20.00") + Decimal(index) / 100
        number = str(7000 + index)
        payment_post(
            session_id=session.pk,
            by=cashier,
            payment=PaymentIn(
                allocations=[(ServiceAccountFactory().pk, amount)],
                tenders=[TenderIn(Tender.Kind.CHECK, amount, check_number=number)],
            ),
            idempotency_key=uuid.uuid4().hex,
        )
        checks.append((amount, number))
    total = sum((amount for amount, _ in checks), Decimal("0.00"))
    drawer_close(
        session_id=session.pk,
        by=cashier,
        count=CloseCount(cash={}, checks_total=total, check_items=count),
    )
    bank_deposit_prepare(
        session_ids=[session.pk],
        batch_ids=[],
        currency_count={},
        by=by,
        idempotency_key=uuid.uuid4().hex,
    )
    return checks


def _file(lines: int, deposits, settlements, checks, *, today) -> bytes:
    details = []
    for index, amount in enumerate(deposits):
        details.append(
            bai2.Detail("301", _cents(amount), {"type": "0"}, f"B{index}", "", "COUNTER DEPOSIT")
        )
    for index, amount in enumerate(settlements):
        details.append(
            bai2.Detail(
                "165", _cents(amount), {"type": "1"}, f"S{index}", "", "CARD PROCESSOR SETTLEMENT"
            )
        )
    for amount, number in checks:
        details.append(
            bai2.Detail(
                "555",
                _cents(amount),
                {"type": "Z"},
                f"R{number}",
                "",
                f"RETURNED CHECK {number} NSF",
            )
        )
    index = 0
    while len(details) < lines:
        index += 1
        if index % 2:
            details.append(
                bai2.Detail(
                    "475", 1000 + index, {"type": "Z"}, f"C{index}", str(index),
                    "CHECK PAID VENDOR PAYMENT WITH A LONG DESCRIPTION FOR CONTINUATION RECORDS",
                )
            )  # fmt: skip
        else:
            details.append(
                bai2.Detail(
                    "301", 90_000_000 + index,
                    {"type": "V", "value_date": today.isoformat(), "value_time": ""},
                    f"U{index}", "", "UNEXPECTED CREDIT",
                )
            )  # fmt: skip
    structure = bai2.Bai2File(
        sender="121140399",
        receiver="DISTRICT",
        created_on=today,
        created_time="0600",
        file_id=uuid.uuid4().hex[:10],
        groups=[
            bai2.Group(
                receiver="DISTRICT",
                originator="121140399",
                as_of_date=today,
                currency="USD",
                accounts=[
                    bai2.Account(
                        number="4455667788",
                        currency="USD",
                        summaries=[bai2.Summary("010", 123456789, None, {"type": "Z"})],
                        details=details,
                    )
                ],
            )
        ],
    )
    return bai2.write(structure, record_length=80).encode()


def _peak_rss_reset() -> int | None:
    """Reset the process's peak resident memory (Linux: VmHWM) and return the resident memory
    now, in bytes (None where /proc does not allow it)."""
    try:
        with open("/proc/self/clear_refs", "w") as clear:
            clear.write("5")
        return _proc_status("VmRSS")
    except OSError:
        return None


def _proc_status(name: str) -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(name + ":"):
                return int(line.split()[1]) * 1024
    raise OSError(name)


def _measure_memory(content: bytes, *, by) -> None:
    """Import the file once more, traced, inside a savepoint rolled back afterwards."""
    gc.collect()
    size = len(content)
    rss_before = _peak_rss_reset()
    tracemalloc.start()
    try:
        with transaction.atomic():
            bai2_import(content=content, file_name="bench-memory.bai2", by=by)
            raise _Rollback
    except _Rollback:
        pass
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    ratio = peak / size
    print(f"import peak (tracemalloc):    {peak / 2**20:,.1f} MiB = {ratio:.1f}x the file")
    if rss_before is not None:
        grown = _proc_status("VmHWM") - rss_before
        print(f"peak resident memory growth:  {grown / 2**20:,.1f} MiB = {grown / size:.1f}x")
    if size < BUDGET_MEMORY_MIN_BYTES:
        # A page of lines and the matching state take a few MiB whatever the file: under a
        # few MB that fixed share, not the file, decides the ratio.
        print(
            f"memory budget ({BUDGET_MEMORY_RATIO:.0f}x) is judged on files of "
            f"{BUDGET_MEMORY_MIN_BYTES // 2**20} MiB or more: run --megabytes 20 --memory"
        )
        return
    print(
        f"memory within budget ({BUDGET_MEMORY_RATIO:.0f}x)"
        if ratio <= BUDGET_MEMORY_RATIO
        else f"MEMORY OVER BUDGET ({BUDGET_MEMORY_RATIO:.0f}x)"
    )


def _sized_file(options, deposits, settlements, checks, *, today) -> bytes:
    content = _file(options.lines, deposits, settlements, checks, today=today)
    if options.megabytes and len(content) < options.megabytes * 2**20:
        lines = int(options.lines * options.megabytes * 2**20 / len(content))
        content = _file(lines, deposits, settlements, checks, today=today)
    return content


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=BUDGET_LINES)
    parser.add_argument("--deposits", type=int, default=500)
    parser.add_argument("--settlements", type=int, default=200)
    parser.add_argument("--returns", type=int, default=20)
    parser.add_argument("--megabytes", type=float, default=0)
    parser.add_argument("--memory", action="store_true")
    options = parser.parse_args(sys.argv[2:] if sys.argv[1:2] == ["bai2_reconcile"] else None)

    setup_test_environment()
    connection.creation.create_test_db(verbosity=0, keepdb=True)
    try:
        with transaction.atomic():
            roles_sync()
            finance = user_create_with_role(
                username=f"bench-finance-{uuid.uuid4().hex[:6]}",
                password="x-bench-x",
                role=roles.FINANCE,
            )
            today = timezone.localdate()
            started = time.perf_counter()
            deposits = _deposits(options.deposits, by=finance, today=today)
            settlements = _settlements(options.settlements, by=finance, today=today)
            checks = _deposited_checks(options.returns, by=finance)
            content = _sized_file(options, deposits, settlements, checks, today=today)
            print(
                f"built {len(deposits)} deposits, {len(settlements)} processor batches, "
                f"{len(checks)} deposited checks and a {len(content) / 2**20:.1f} MiB file "
                f"in {time.perf_counter() - started:.1f} s"
            )
            started = time.perf_counter()
            parsed = bai2.parse(content)
            parse_seconds = time.perf_counter() - started
            count = sum(len(a.details) for g in parsed.groups for a in g.accounts)
            records = parsed.record_count
            del parsed
            if options.memory:
                _measure_memory(content, by=finance)

            started = time.perf_counter()
            result = bai2_import(content=content, file_name="bench.bai2", by=finance)
            seconds = time.perf_counter() - started
            reconcile = result.reconcile
            # The budget is 5 s per 10,000 detail lines: a larger file gets its share.
            budget = BUDGET_SECONDS * max(count, BUDGET_LINES) / BUDGET_LINES
            print(f"detail lines:                 {count:,} ({records:,} records)")
            print(f"parse alone:                  {parse_seconds:.2f} s")
            print(f"import + reconcile:           {seconds:.2f} s (budget {budget:.0f} s)")
            print(f"lines per second:             {count / seconds:,.0f}")
            print(f"reconciliation:               {reconcile.summary()}")
            if reconcile.problems:
                print(f"problems:                     {reconcile.problems[:3]}")
            print(
                "within budget" if seconds <= budget else "OVER BUDGET",
            )
            raise _Rollback
    except _Rollback:
        pass


if __name__ == "__main__":
    main()
