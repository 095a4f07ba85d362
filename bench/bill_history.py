"""Benchmark: what a bill run's calculation reads of the accounts' history, as the history grows.

A working copy of the seeded demo district gets months of posted regular bills for every active
account, written by SQL (`--months 0 12 36`: the bills are added up to each depth in turn).
They are timing data, not books: amounts from the account's id, numbered H<month>-<account>,
naming one existing journal and one read of the account's meter. At each depth, for chunks of
2,000 accounts, it times what the calculation reads of the history:

- an account's last bills (`calculation._bill_history`) and the read its last bill ended at
  (`calculation._billed_to`), each account's bills read newest first and no further than
  needed, against the forms used before, which read every bill each account ever had (a
  window numbering them all; DISTINCT ON sorting them all);
- the customer classes' typical bills (`calculation.class_typical_bills`): worked out once a
  month and stored, then read, against the median sorted over a year of bills, which the
  calculation ran once a run and worker process before.

    python bench/bill_history.py [--accounts 100000] [--months 0 12 36] [--database NAME]

Figures are the median of the chunks (milliseconds), and per depth the bills the district holds.
"""

import argparse
import datetime
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import setup_django  # noqa: E402

setup_django()

from django.db import connection  # noqa: E402

from bench.bill_run import _add_months, _working_copy  # noqa: E402
from billing.bill_runs import calculation  # noqa: E402
from billing.models import BillingPeriod, TypicalBills  # noqa: E402

WORK = "district_bench_bill_history"
CHUNK = 2_000
CHUNKS = 10

# The forms the calculation used before (kept here as the in-run baseline).
WHOLE_HISTORY = """
    SELECT account_id, avg(consumption / (period_end - period_start + 1)) FILTER (WHERE recent),
           avg(current_charges) FILTER (WHERE recent), count(*)
    FROM (
        SELECT account_id, consumption, current_charges, period_start, period_end,
               row_number() OVER (PARTITION BY account_id ORDER BY period_end DESC) <= 6 AS recent
        FROM billing_bill
        WHERE account_id = ANY(%s) AND status = 'posted' AND period_start < %s
    ) AS history
    GROUP BY account_id
"""
WHOLE_LAST_BILL = """
    SELECT DISTINCT ON (bill.account_id) bill.account_id, read.meter_id, read.id, read.read_on,
           read.reading
    FROM billing_bill bill JOIN field_ops_meterread read ON read.id = bill.current_read_id
    WHERE bill.account_id IN (SELECT unnest(%s::bigint[])) AND bill.status = 'posted'
      AND bill.period_start < %s AND bill.current_read_id IS NOT NULL
    ORDER BY bill.account_id, bill.period_end DESC, bill.id DESC
"""
SORTED_MEDIAN = """
    SELECT account.customer_class,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY bill.current_charges)
    FROM billing_bill bill JOIN accounts_serviceaccount account ON account.id = bill.account_id
    WHERE bill.status = 'posted' AND bill.kind = 'regular'
      AND bill.period_end >= %s AND bill.period_start < %s
    GROUP BY account.customer_class
"""


def _add_history(first: datetime.date, months: int) -> None:
    """Posted regular bills for every active account, for `months` months from `first`."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id) FROM ledger_journal")
        (journal_id,) = cursor.fetchone()
        for month in range(months):
            start = _add_months(first, month)
            end = _add_months(start, 1) - datetime.timedelta(days=1)
            cursor.execute(
                """
                INSERT INTO billing_bill (number, journal_id, account_id, kind, status,
                    period_start, period_end, bill_date, due_date, current_read_id, consumption,
                    estimated, current_charges, previous_balance, amount_due, cancel_reason, pdf,
                    created_at)
                SELECT 'H' || to_char(%s::date, 'YYMM') || '-' || account.id, %s, account.id,
                       'regular', 'posted', %s, %s, %s, %s, reads.id, 4 + account.id %% 17, false,
                       30 + account.id %% 97 + %s, 0, 0, '', '', now()
                FROM accounts_serviceaccount account
                JOIN LATERAL (
                    SELECT read.id FROM field_ops_meterinstallation installation
                    JOIN field_ops_meterread read ON read.meter_id = installation.meter_id
                    WHERE installation.premise_id = account.premise_id
                    ORDER BY read.id DESC LIMIT 1
                ) AS reads ON true
                WHERE account.status = 'active'
                """,
                [
                    start,
                    journal_id,
                    start,
                    end,
                    end + datetime.timedelta(days=3),
                    end + datetime.timedelta(days=24),
                    month % 5,
                ],
            )
        cursor.execute("ANALYZE billing_bill")


def _timed(action) -> float:
    started = time.perf_counter()
    action()
    return (time.perf_counter() - started) * 1000


def _median_ms(chunks, action) -> float:
    return statistics.median(_timed(lambda ids=ids: action(ids)) for ids in chunks)


def _sql(statement: str, *params):
    def run():
        with connection.cursor() as cursor:
            cursor.execute(statement, list(params))
            cursor.fetchall()

    return run


def _measure(period: BillingPeriod, chunks: list[list[int]]) -> dict[str, float]:
    start = period.period_start
    as_of = start.replace(day=1)
    since = as_of - datetime.timedelta(days=calculation.CLASS_TYPICAL_DAYS)
    TypicalBills.objects.filter(as_of=as_of).delete()
    return {
        "last bills": _median_ms(chunks, lambda ids: calculation._bill_history(ids, period)),
        "last bills, whole history": _median_ms(
            chunks, lambda ids: _sql(WHOLE_HISTORY, ids, start)()
        ),
        "last bill's read": _median_ms(chunks, lambda ids: calculation._billed_to(ids, period)),
        "last bill's read, whole history": _median_ms(
            chunks, lambda ids: _sql(WHOLE_LAST_BILL, ids, start)()
        ),
        "typical bills worked out (once a month)": _timed(
            lambda: calculation.class_typical_bills(period)
        ),
        "typical bills read (the month's other chunks)": _timed(
            lambda: calculation.class_typical_bills(period)
        ),
        "median sorted over the year (once a run and worker, before)": _timed(
            _sql(SORTED_MEDIAN, since, as_of)
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--months", type=int, nargs="+", default=[0, 12, 36])
    parser.add_argument("--database", default=WORK)
    options = parser.parse_args()
    _working_copy(options.accounts, options.database)
    with connection.cursor() as cursor:
        cursor.execute("SELECT max(read_on) FROM field_ops_meterread WHERE source = 'route'")
        (last_read,) = cursor.fetchone()
        cursor.execute("SELECT id FROM accounts_serviceaccount WHERE status = 'active' ORDER BY id")
        active = [row[0] for row in cursor.fetchall()]
    start = last_read.replace(day=1)
    period = BillingPeriod(period_start=start, period_end=_add_months(start, 1))
    step = max(len(active) // CHUNKS, CHUNK)
    chunks = [active[i : i + CHUNK] for i in range(0, len(active), step)][:CHUNKS]
    print(f"   {len(active):,} active accounts; chunks of {CHUNK:,}; period from {start}")
    added = 0
    for months in sorted(set(options.months)):
        if months > added:
            began = time.perf_counter()
            _add_history(_add_months(start, -months), months - added)
            print(
                f"   {months - added} months of bills added in {time.perf_counter() - began:.1f} s"
            )
            added = months
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM billing_bill")
            (bills,) = cursor.fetchone()
        print(f"   {months} months of history ({bills:,} bills):")
        for name, milliseconds in _measure(period, chunks).items():
            print(f"      {name}: {milliseconds:,.1f} ms")


if __name__ == "__main__":
    main()
