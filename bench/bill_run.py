"""Benchmark: a bill run (calculate + post) over the demo district, against a raw COPY.

A working copy of the seeded demo district (CREATE DATABASE ... TEMPLATE, so each run starts
clean: journals can never be deleted) gets the example rate schedule, one billing cycle per
demo cycle, and a scheduled period per cycle ending with the last month that has reads. Cycles
are billed until about --accounts accounts are covered, calculate and post run in-process
(Celery eager, chunks of 2,000), a supervisor posts past the open exceptions with a reason.
Then every row the runs wrote (bills, bill lines, journals, journal lines) is copied again
with COPY into bare tables of the same shape, in the same session: the ratio is the run's
time over that.

By default the month before is billed and posted first, untimed (--prior-months 1), so the
timed run is a routine month: every account has a bill before it, its history is read, and
the exceptions are the month's few (high use, estimated reads) rather than one "first bill"
for every account. --prior-months 0 times the district's first billing instead.

Budget: 100,000 accounts calculated and posted in 15 s on 2 cores (6,600 bills a second), and
within 5x of a raw COPY of the same rows. Query counts per chunk are fixed.

How the tasks run: with REDIS_URL set, as in production, a Celery worker of --workers
processes (default 2, one per core) runs the chunks: the run's chunk tasks are dispatched at
once and calculated side by side, then each run posts (one task, chunk after chunk). Without
REDIS_URL, or with --workers 0, everything runs eagerly in this one process (one core) and
the statements are counted.

    python bench/bill_run.py [--accounts 100000] [--workers 2]
    python bench/bill_run.py --accounts 1000000 --seeded 1000000 --years 1 \
        --seeded-database district_bench_1m_seeded --database district_bench_bill_run_1m

With --profile calc (or post), the calculation (or the posting) of every run runs under
cProfile (eager, in this process): the stats go to /tmp/bill_run_<phase>.pstats, the top 25
functions by cumulative and by own time are printed, and the slowest instance of each kind of
statement of that phase is written to /tmp/bill_run_<phase>.sql (EXPLAIN it on the working copy,
which stays until the next run of this bench drops it).
"""

import argparse
import cProfile
import datetime
import io
import os
import pickle
import pstats
import resource
import subprocess
import sys
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import setup_django  # noqa: E402

setup_django()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from bench.common import (  # noqa: E402
    SCRATCH,
    _admin_connection,
    _point_django_at,
    use_seeded_district,  # noqa: E402
)
from billing.bill_runs import services  # noqa: E402
from billing.models import BillException, BillingCycle, BillingPeriod, BillRun  # noqa: E402
from billing.rates.services import rate_version_load  # noqa: E402
from district import roles  # noqa: E402
from district.celery import app as celery_app  # noqa: E402
from district.ledger.models import Journal, JournalLine  # noqa: E402
from district.services import roles_sync, user_create_with_role  # noqa: E402

WORK = "district_bench_bill_run"
QUEUE = "bench-bill-run"  # a queue of its own: no other worker on the broker takes these tasks
BUDGET_SECONDS_PER_100K = 15
RATES = Path(__file__).resolve().parent.parent / "docs" / "examples" / "district-water.yaml"


def _working_copy(
    accounts: int, work: str = WORK, *, years: int = 3, seeded: str = SCRATCH
) -> None:
    """A fresh copy of the seeded district (seeding it first if needed)."""
    use_seeded_district(accounts=accounts, years=years, name=seeded)
    _point_django_at("postgres")
    admin = _admin_connection()
    try:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{work}" WITH (FORCE)')
            # The template must be idle: wait briefly for other benchmarks' sessions to leave.
            for attempt in range(30):
                try:
                    cursor.execute(f'CREATE DATABASE "{work}" TEMPLATE "{seeded}"')
                    break
                except Exception as error:  # noqa: BLE001 - "source database is being accessed"
                    if attempt == 29:
                        raise
                    print(f"   waiting for {seeded} to be idle ({error.__class__.__name__})")
                    time.sleep(2)
    finally:
        admin.close()
    _point_django_at(work)
    call_command("migrate", verbosity=0, interactive=False)


def _add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def _periods(target: int) -> list[BillingPeriod]:
    """A scheduled period per demo cycle, cycles taken until about `target` accounts."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT max(read_on) FROM field_ops_meterread WHERE source = 'route'")
        (last_read,) = cursor.fetchone()
        cursor.execute(
            """
            SELECT account.billing_cycle, min(account.billing_frequency), count(*),
                   array_agg(DISTINCT premise.route)
            FROM accounts_serviceaccount account
            JOIN field_ops_premise premise ON premise.id = account.premise_id
            WHERE account.status IN ('active', 'pending_final')
            GROUP BY account.billing_cycle ORDER BY account.billing_cycle
            """
        )
        cycles = cursor.fetchall()
    month_start = last_read.replace(day=1)
    month_end = _add_months(month_start, 1) - datetime.timedelta(days=1)
    periods, covered = [], 0
    for code, frequency, count, routes in cycles:
        if covered >= target:
            break
        cycle = BillingCycle.objects.create(
            code=code, name=f"Demo cycle {code}", frequency=frequency, routes=sorted(routes)
        )
        start = month_start if frequency == "monthly" else _add_months(month_start, -1)
        periods.append(_scheduled_period(cycle, start, month_end))
        covered += count
    return periods


def _scheduled_period(cycle: BillingCycle, start: datetime.date, end: datetime.date):
    """A scheduled period of the cycle, read in its last five days, billed three days after."""
    return BillingPeriod.objects.create(
        cycle=cycle,
        period_start=start,
        period_end=end,
        read_window_start=end - datetime.timedelta(days=4),
        read_window_end=end,
        bill_date=end + datetime.timedelta(days=3),
        due_date=end + datetime.timedelta(days=24),
        status=BillingPeriod.Status.SCHEDULED,
    )


def _prior_periods(periods: list[BillingPeriod], months: int) -> list[list[BillingPeriod]]:
    """For each of the `months` billing periods before `periods` (oldest first), a scheduled
    period of each of their cycles: a bimonthly cycle's period before is two months earlier."""
    earlier = []
    for back in range(months, 0, -1):
        month = []
        for period in periods:
            step = 1 if period.cycle.frequency == "monthly" else 2
            start = _add_months(period.period_start, -step * back)
            end = _add_months(period.period_start, -step * (back - 1)) - datetime.timedelta(days=1)
            month.append(_scheduled_period(period.cycle, start, end))
        earlier.append(month)
    return earlier


class QueryCounter:
    """Counts statements and sums their time by their first words (printed with --verbose)."""

    def __init__(self):
        self.count = 0
        self.seconds: dict[str, float] = {}
        self.calls: dict[str, int] = {}
        self.slowest: dict[str, tuple[float, str, object]] = {}

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            seconds = time.perf_counter() - started
            key = " ".join(sql.split("; ")[-1].split()[:6])[:70]
            self.seconds[key] = self.seconds.get(key, 0.0) + seconds
            self.calls[key] = self.calls.get(key, 0) + 1
            if seconds > self.slowest.get(key, (0.0,))[0]:
                self.slowest[key] = (seconds, sql, params)

    def write_slowest(self, path: Path) -> None:
        """Each kind of statement's slowest instance, the costliest kinds first (and, pickled
        next to it, [(total seconds, calls, sql, params)] for bench/bill_run_explain.py)."""
        ranked = sorted(self.seconds.items(), key=lambda item: -item[1])
        with path.with_suffix(".pickle").open("wb") as out:
            pickle.dump(
                [(total, self.calls[key], *self.slowest[key][1:]) for key, total in ranked], out
            )
        with path.open("w") as out:
            for key, total in sorted(self.seconds.items(), key=lambda item: -item[1]):
                seconds, sql, params = self.slowest[key]
                out.write(f"-- {total:.2f} s in {self.calls[key]} calls; slowest {seconds:.3f} s\n")
                out.write(f"-- params: {params!r}\n"[:2000] + "\n" if params else "")
                out.write(f"{sql};\n\n")


class Phase:
    """Runs the profiled phase (calc or post) under cProfile and its own statement counter;
    the other phase runs as usual."""

    def __init__(self, profiled: str | None):
        self.profiled = profiled
        self.profile = cProfile.Profile()
        self.counter = QueryCounter()

    def run(self, phase: str, action):
        if phase != self.profiled:
            return action()
        with connection.execute_wrapper(self.counter):
            self.profile.enable()
            try:
                return action()
            finally:
                self.profile.disable()

    def report(self) -> None:
        if not self.profiled:
            return
        stats_path = Path(f"/tmp/bill_run_{self.profiled}.pstats")
        self.profile.dump_stats(stats_path)
        self.counter.write_slowest(Path(f"/tmp/bill_run_{self.profiled}.sql"))
        stats = pstats.Stats(self.profile).strip_dirs()
        for order in ("cumulative", "tottime"):
            print(f"   --- {self.profiled}: top 25 by {order} ---")
            stats.sort_stats(order).print_stats(25)
        print(f"   --- {self.profiled}: statements ({self.counter.count:,}) by total time ---")
        for key, seconds in sorted(self.counter.seconds.items(), key=lambda item: -item[1])[:15]:
            print(f"     {seconds:6.2f} s  {self.counter.calls[key]:6,}x  {key}")
        print(f"   stats: {stats_path}; statements: /tmp/bill_run_{self.profiled}.sql")


def _start_worker(processes: int) -> subprocess.Popen:
    """A Celery worker on this benchmark's database and queue, answering pings before we go on."""
    settings_dict = connection.settings_dict
    user = settings_dict.get("USER") or ""
    password = f":{settings_dict['PASSWORD']}" if settings_dict.get("PASSWORD") else ""
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    env = dict(
        os.environ,
        DATABASE_URL=f"postgres://{user}{password}@{host}:{port}/{settings_dict['NAME']}",
        CELERY_BROKER_URL=celery_app.conf.broker_url,
    )
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "district", "worker", "-Q", QUEUE,
         "-c", str(processes), "-P", "prefork", "-n", f"bench-{os.getpid()}@%h",
         "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "warning"],
        env=env,
        cwd=Path(__file__).resolve().parent.parent,
        stdout=subprocess.DEVNULL,  # the banner; warnings and errors still reach stderr
    )  # fmt: skip
    for _ in range(120):
        if worker.poll() is not None:
            raise SystemExit(f"the Celery worker exited ({worker.returncode})")
        if celery_app.control.ping(destination=[f"bench-{os.getpid()}@{os.uname().nodename}"],
                                   timeout=0.5):  # fmt: skip
            return worker
    worker.terminate()
    raise SystemExit("the Celery worker did not answer within a minute")


def _workers_peak_kib(worker: subprocess.Popen) -> int | None:
    """The largest peak resident memory (VmHWM, KiB) of the worker's processes, read from /proc
    while they still run; None where /proc does not tell."""
    peaks = []
    for process in [psutil.Process(worker.pid), *psutil.Process(worker.pid).children(True)]:
        try:
            status = Path(f"/proc/{process.pid}/status").read_text()
        except OSError:
            continue
        peaks += [int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM")]
    return max(peaks, default=None)


def _peak_memory(workers_peak_kib: int | None) -> str:
    """The largest resident memory of what ran the tasks (Linux reports it in KiB): the worker's
    processes, read before they exited, or this process (its seeding too, if it seeded)."""
    if workers_peak_kib is not None:
        return f"peak memory of a worker process: {workers_peak_kib / 2**20:.2f} GiB (budget 1 GiB)"
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return (
        f"peak memory of this process: {peak / 2**20:.2f} GiB (budget 1 GiB; includes the "
        "seeding when this run seeded the district)"
    )


def _wait_for(run_ids: list[int], leaving: str) -> None:
    """Until every run has left the status `leaving` (a failed run stops the benchmark)."""
    while True:
        statuses = dict(BillRun.objects.filter(pk__in=run_ids).values_list("pk", "status"))
        failed = [pk for pk, status in statuses.items() if status == BillRun.Status.FAILED]
        if failed:
            raise SystemExit(
                f"bill run {failed[0]} failed: {BillRun.objects.get(pk=failed[0]).error}"
            )
        if all(status != leaving for status in statuses.values()):
            return
        time.sleep(0.05)


def _runs_with_workers(periods, supervisor) -> tuple[list[BillRun], float, float]:
    """Calculate every run's chunks side by side on the worker, then post the runs side by
    side (one posting task per run)."""
    started = time.perf_counter()
    run_ids = []
    for period in periods:
        run = services.bill_run_create(period=period, by=supervisor)
        run_ids.append(services.bill_run_calculate(run_id=run.pk).pk)
    _wait_for(run_ids, leaving=BillRun.Status.CALCULATING)
    calculate_seconds = time.perf_counter() - started
    started = time.perf_counter()
    # Every run's posting dispatched at once, as when a supervisor releases the month's runs
    # together: runs bill disjoint accounts, and each chunk locks its balances in ascending id
    # order, so the workers post side by side without waiting on each other.
    for run_id in run_ids:
        services.bill_run_post(
            run_id=run_id, by=supervisor, override_reason="Benchmark: post past exceptions"
        )
    _wait_for(run_ids, leaving=BillRun.Status.POSTING)
    post_seconds = time.perf_counter() - started
    return list(BillRun.objects.filter(pk__in=run_ids)), calculate_seconds, post_seconds


def _runs_in_process(
    periods, supervisor, counter, phase: Phase
) -> tuple[list[BillRun], float, float]:
    """Every task eagerly in this process, one run after another, its statements counted."""
    runs, calculate_seconds, post_seconds = [], 0.0, 0.0

    def calculate(period):
        run = services.bill_run_create(period=period, by=supervisor)
        return services.bill_run_calculate(run_id=run.pk)

    def post(run):
        services.bill_run_post(
            run_id=run.pk, by=supervisor, override_reason="Benchmark: post past exceptions"
        )
        return services.bill_run_post_bills(run_id=run.pk, by=supervisor)

    with connection.execute_wrapper(counter):
        for period in periods:
            started = time.perf_counter()
            run = phase.run("calc", lambda: calculate(period))  # noqa: B023 - called at once
            calculate_seconds += time.perf_counter() - started
            started = time.perf_counter()
            run = phase.run("post", lambda: post(run))  # noqa: B023 - called at once
            post_seconds += time.perf_counter() - started
            runs.append(run)
    return runs, calculate_seconds, post_seconds


def _copy_baseline(run_ids: list[int]) -> tuple[float, int]:
    """Seconds to COPY the rows the runs wrote into bare tables of the same shape, and rows."""
    ids = ",".join(str(run_id) for run_id in run_ids)
    journal, line = Journal._meta.db_table, JournalLine._meta.db_table
    selections = {
        "billing_bill": f"SELECT * FROM billing_bill WHERE run_id IN ({ids})",
        "billing_billline": "SELECT line.* FROM billing_billline line JOIN billing_bill bill "
        f"ON bill.id = line.bill_id WHERE bill.run_id IN ({ids})",
    }
    # The journals of these runs' bills (not of the prior months' runs).
    journals = f"SELECT journal_id FROM billing_bill WHERE run_id IN ({ids})"
    selections[journal] = f"SELECT * FROM {journal} WHERE id IN ({journals})"
    selections[line] = f"SELECT * FROM {line} WHERE journal_id IN ({journals})"
    dumps, rows = {}, 0
    with connection.cursor() as cursor:
        raw = cursor.cursor
        for table, select in selections.items():
            buffer = io.StringIO()
            raw.copy_expert(f"COPY ({select}) TO STDOUT", buffer)
            dumps[table] = buffer.getvalue()
            rows += dumps[table].count("\n")
            cursor.execute(f"CREATE TEMP TABLE copy_{table} (LIKE {table} INCLUDING DEFAULTS)")
        started = time.perf_counter()
        for table, text in dumps.items():
            raw.copy_expert(f"COPY copy_{table} FROM STDIN", io.StringIO(text))
        seconds = time.perf_counter() - started
    return seconds, rows


def _exceptions_found(runs: list[BillRun]) -> int:
    return BillException.objects.filter(run__in=runs).count()


def _checkpoints() -> tuple[int, int]:
    """(timed, requested) checkpoints the server has made since its statistics were reset (a
    run that fills max_wal_size requests them). PostgreSQL 17 moved the counts from
    pg_stat_bgwriter to pg_stat_checkpointer."""
    with connection.cursor() as cursor:
        if connection.pg_version >= 170000:
            cursor.execute("SELECT num_timed, num_requested FROM pg_stat_checkpointer")
        else:
            cursor.execute("SELECT checkpoints_timed, checkpoints_req FROM pg_stat_bgwriter")
        return tuple(cursor.fetchone())


def _server_cpu_seconds() -> float | None:
    """CPU seconds of this connection's PostgreSQL backend so far, when the server runs on this
    machine (read from /proc); None otherwise. With the eager run's own CPU, the work the run
    asked for, whatever else the machine was doing."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _wal_position() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        return cursor.fetchone()[0]


def _wal_bytes_since(position: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), %s::pg_lsn)", [position])
        return int(cursor.fetchone()[0])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--verbose", action="store_true", help="print the slowest statements")
    parser.add_argument(
        "--seeded",
        type=int,
        default=100_000,
        help="accounts in the shared seeded district (bench/common.py; reused, not re-seeded)",
    )
    parser.add_argument(
        "--years", type=int, default=3, help="years of reads in the seeded district (default 3)"
    )
    parser.add_argument(
        "--seeded-database",
        default=SCRATCH,
        help="the seeded district's database (another name keeps the 100,000 one beside it)",
    )
    parser.add_argument(
        "--profile",
        choices=("calc", "post"),
        help="run that phase under cProfile (eager) and print where its time goes",
    )
    parser.add_argument(
        "--prior-months",
        type=int,
        default=1,
        help="billing periods billed and posted before the timed one, untimed (default 1: a "
        "routine month, whose accounts have a bill before; 0: the district's first billing, "
        "every account held as a first bill)",
    )
    parser.add_argument(
        "--database",
        default=WORK,
        help="name of the working copy (another name lets two runs share the server)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=2 if os.environ.get("REDIS_URL") else 0,
        help="Celery worker processes (needs REDIS_URL); 0 runs every task in this process",
    )
    args = parser.parse_args(argv if argv is not None else sys.argv[1:])
    if args.profile:
        args.workers = 0
    if args.workers and not celery_app.conf.broker_url:
        raise SystemExit("--workers needs a broker: set REDIS_URL (or use --workers 0)")
    _working_copy(
        max(args.seeded, args.accounts),
        args.database,
        years=args.years,
        seeded=args.seeded_database,
    )
    celery_app.conf.task_always_eager = not args.workers
    celery_app.conf.task_default_queue = QUEUE
    roles_sync()
    supervisor = user_create_with_role(
        username="bench-supervisor", password="bench-password-1", role=roles.SUPERVISOR
    )
    rate_version_load(source=RATES.read_text(), by=supervisor)
    periods = _periods(args.accounts)
    earlier = _prior_periods(periods, args.prior_months)

    worker = _start_worker(args.workers) if args.workers else None
    try:
        for month, prior in enumerate(earlier, start=1):
            started = time.perf_counter()
            if worker:
                _runs_with_workers(prior, supervisor)
            else:
                _runs_in_process(prior, supervisor, QueryCounter(), Phase(None))
            print(
                f"   prior month {month} of {len(earlier)} ({prior[0].period_end:%Y-%m}) billed "
                f"and posted in {time.perf_counter() - started:.1f} s (not timed)"
            )
        counter = QueryCounter()
        checkpoints_before = _checkpoints()
        wal_before = _wal_position()
        cpu_before = time.process_time()
        server_cpu_before = _server_cpu_seconds()
        if worker:
            runs, calculate_seconds, post_seconds = _runs_with_workers(periods, supervisor)
        else:
            phase = Phase(args.profile)
            runs, calculate_seconds, post_seconds = _runs_in_process(
                periods, supervisor, counter, phase
            )
    finally:
        workers_peak_kib = None
        if worker:
            # Read before the worker goes: once reaped, its processes' peaks are folded into
            # this process's children's, with those of the seed's read makers if it seeded.
            workers_peak_kib = _workers_peak_kib(worker)
            worker.terminate()
            worker.wait(timeout=60)
    accounts = sum(run.accounts_total for run in runs)
    bills = sum(run.bills_calculated for run in runs)
    chunks = sum(-(-run.accounts_total // services.CHUNK_SIZE) for run in runs)
    total = calculate_seconds + post_seconds
    timed, requested = (
        after - before for after, before in zip(_checkpoints(), checkpoints_before, strict=True)
    )
    cpu_seconds = time.process_time() - cpu_before
    server_cpu = _server_cpu_seconds()
    server_cpu_seconds = (
        None if server_cpu is None or server_cpu_before is None else server_cpu - server_cpu_before
    )
    wal_bytes = _wal_bytes_since(wal_before)

    copy_cpu_before = (time.process_time(), _server_cpu_seconds())
    copy_seconds, copy_rows = _copy_baseline([run.pk for run in runs])
    copy_server_cpu = _server_cpu_seconds()
    copy_cpu = None
    if copy_server_cpu is not None and copy_cpu_before[1] is not None:
        copy_cpu = time.process_time() - copy_cpu_before[0] + copy_server_cpu - copy_cpu_before[1]
    budget = BUDGET_SECONDS_PER_100K * accounts / 100_000
    history = (
        f"after {args.prior_months} prior month(s) billed"
        if args.prior_months
        else "the district's first billing"
    )
    print(
        f"   {len(runs)} runs, {accounts:,} accounts, {bills:,} bills calculated and posted "
        f"({history}; {_exceptions_found(runs):,} exceptions found)"
    )
    print(
        f"   calculate {calculate_seconds:.1f} s, post {post_seconds:.1f} s, total {total:.1f} s "
        f"({accounts / total:,.0f} accounts/s); budget {budget:.0f} s "
        f"({'within' if total <= budget else 'OVER'})"
    )
    print(
        f"   raw COPY of the same {copy_rows:,} rows (bills, lines, journals, journal lines): "
        f"{copy_seconds:.2f} s; ratio {total / copy_seconds:.1f}x (goal 5x)"
    )
    print(
        f"   checkpoints during the run: {timed + requested} ({requested} requested by WAL "
        f"volume, {timed} timed), WAL written {wal_bytes / 2**20:,.0f} MiB (the server's whole "
        "count: other work adds to both; see docs/operations.md for max_wal_size)"
    )
    if not args.workers:
        server = (
            f", its PostgreSQL backend {server_cpu_seconds:.1f} s"
            if server_cpu_seconds is not None
            else ""
        )
        print(
            f"   CPU: this process {cpu_seconds:.1f} s{server} for the {total:.1f} s "
            "(steadier than the seconds on a shared machine; the rest is waiting: for the "
            "disk, or for a core)"
        )
        if server_cpu_seconds is not None and copy_cpu:
            print(
                f"   CPU of the run over the CPU of the raw COPY (dump and load, both sides, "
                f"{copy_cpu:.2f} s): {(cpu_seconds + server_cpu_seconds) / copy_cpu:.1f}x"
            )
    how = f"{args.workers} worker processes" if args.workers else "in this process (eager)"
    print(f"   tasks ran {how}")
    print(f"   {_peak_memory(workers_peak_kib)}")
    if args.workers:
        return  # the statements ran in the worker: count them with --workers 0
    print(
        f"   queries: {counter.count:,} for {chunks} calculation chunks and their posting "
        f"({counter.count / max(chunks, 1):.1f} per chunk of {services.CHUNK_SIZE:,})"
    )
    if args.verbose:
        for key, seconds in sorted(counter.seconds.items(), key=lambda item: -item[1])[:12]:
            print(f"     {seconds:6.2f} s  {key}")
    phase.report()


if __name__ == "__main__":
    main()
