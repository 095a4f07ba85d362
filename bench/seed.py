"""Benchmark: generate the demo district (100,000 accounts x 2 years) into a scratch database.

Budgets (DESIGN.md, 2 cores): 100,000 accounts x 2 years in 30 s; 1,000,000 x 1 year in 120 s.
In the same run it times a raw COPY of the same rows (every table the load wrote, history
events included, taken back out with COPY TO) into bare temporary tables (no indexes, triggers
or foreign keys), and prints the load's ratio to it, in wall time and in CPU (this process and
its PostgreSQL backend, read from /proc when the server is local: on a shared machine the CPU
ratio is the steadier figure).

    python bench/seed.py [--accounts 100000] [--years 2] [--seed 1] [--database NAME]
        [--profile FILE]

The scratch database (default "district_seed_bench") is dropped and re-created on the server of
DATABASE_URL (or the embedded one), copied from a migrated template ("<name>_template", kept
while the migrations on disk stay the same), and left behind for inspection. --profile writes cProfile's
figures of the load (not of the migrations) to FILE.
"""

import argparse
import cProfile
import hashlib
import io
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "district.settings")
# DEBUG off (Django keeps no query log) without a production SECRET_KEY: the test suite's
# switch, as bench/common.py sets it for the other benches.
os.environ.setdefault("TESTING", "true")

import django  # noqa: E402

django.setup()

import psycopg2  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.migrations.loader import MigrationLoader  # noqa: E402

from accounts.demo import generate_district  # noqa: E402
from accounts.demo.load import TABLES  # noqa: E402

SCRATCH = "district_seed_bench"
# (accounts, years) -> seconds, DESIGN.md's budgets on 2 cores
BUDGETS = {(100_000, 2): 30, (1_000_000, 1): 120}


def _admin():
    settings_dict = connection.settings_dict
    admin = psycopg2.connect(
        dbname="postgres",
        user=settings_dict.get("USER") or None,
        password=settings_dict.get("PASSWORD") or None,
        host=settings_dict.get("HOST") or None,
        port=settings_dict.get("PORT") or None,
    )
    admin.autocommit = True
    return admin


def _migrations_marker() -> str:
    """Names every migration on disk: a migrated template is reused while this is unchanged."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    names = sorted(f"{app}.{name}" for app, name in loader.disk_migrations)
    return "seed bench template " + hashlib.sha256("\n".join(names).encode()).hexdigest()


def _recreate_migrated(name: str) -> None:
    """Drop `name` and create it migrated: copied from a migrated template database
    ("<name>_template", migrated once and kept while the migrations on disk are the same)."""
    template, marker = f"{name}_template", _migrations_marker()
    admin = _admin()
    with admin.cursor() as cursor:
        cursor.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            [template],
        )
        row = cursor.fetchone()
        if row is None or row[0] != marker:
            cursor.execute(f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)')
            cursor.execute(f'CREATE DATABASE "{template}"')
            previous = _use(template)
            call_command("migrate", verbosity=0, interactive=False)
            _use(previous)
            cursor.execute(f"COMMENT ON DATABASE \"{template}\" IS '{marker}'")
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    admin.close()


def _use(name: str) -> str:
    """Point Django's default connection at database `name`; returns the previous name."""
    connection.close()
    previous = connection.settings_dict["NAME"]
    connection.settings_dict["NAME"] = name
    return previous


def _server_cpu_seconds() -> float | None:
    """CPU seconds of this connection's PostgreSQL backend so far, when the server runs on this
    machine (read from /proc); None otherwise."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _cpu() -> tuple[float, float | None]:
    return time.process_time(), _server_cpu_seconds()


def _cpu_since(before: tuple[float, float | None]) -> float | None:
    after = _cpu()
    if before[1] is None or after[1] is None:
        return None
    return after[0] - before[0] + after[1] - before[1]


def _loaded_tables() -> list[str]:
    """Every table the load wrote rows to: the demo's tables and their history event tables."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_class WHERE relkind = 'r' AND relname = ANY(%s) "
            "OR relname = ANY(SELECT relname || 'event' FROM pg_class WHERE relname = ANY(%s))",
            [list(TABLES.values()), list(TABLES.values())],
        )
        names = [name for (name,) in cursor.fetchall()]
        nonempty = []
        for name in sorted(names):
            cursor.execute(f'SELECT EXISTS (SELECT 1 FROM "{name}")')
            if cursor.fetchone()[0]:
                nonempty.append(name)
    return nonempty


def _raw_copy(tables: list[str]) -> tuple[int, float, float | None]:
    """Rows, seconds and CPU seconds to COPY the same rows into bare temporary tables (their
    text taken out with COPY TO first, untimed; rolled back after)."""
    rows_total, seconds, cpu = 0, 0.0, 0.0
    with transaction.atomic(), connection.cursor() as cursor:
        for table in tables:
            text = io.StringIO()
            cursor.copy_expert(f'COPY "{table}" TO STDOUT', text)
            rows_total += text.getvalue().count("\n")
            text.seek(0)
            cursor.execute(f'CREATE TEMP TABLE "raw_{table}" (LIKE "{table}")')
            started, cpu_before = time.perf_counter(), _cpu()
            cursor.copy_expert(f'COPY "raw_{table}" FROM STDIN', text)
            seconds += time.perf_counter() - started
            spent = _cpu_since(cpu_before)
            cpu = None if spent is None or cpu is None else cpu + spent
        transaction.set_rollback(True)
    return rows_total, seconds, cpu


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--years", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database", default=SCRATCH)
    parser.add_argument("--profile", default=None, help="write cProfile figures to this file")
    options = parser.parse_args(argv or [])

    _recreate_migrated(options.database)
    previous = _use(options.database)
    try:
        profiler = cProfile.Profile() if options.profile else None
        cpu_before = _cpu()
        if profiler:
            profiler.enable()
        summary = generate_district(
            accounts=options.accounts, years=options.years, seed=options.seed
        )
        if profiler:
            profiler.disable()
            profiler.dump_stats(options.profile)
        load_cpu = _cpu_since(cpu_before)
        for line in summary.report():
            print(line)
        budget = BUDGETS.get((options.accounts, options.years))
        if budget:
            verdict = "within" if summary.seconds <= budget else "OVER"
            print(f"  budget {budget} s at {options.accounts:,} x {options.years}: {verdict}")
        rows, copy_seconds, copy_cpu = _raw_copy(_loaded_tables())
        print(
            f"  raw COPY of the same {rows:,} rows into bare tables: {copy_seconds:.1f} s "
            f"({rows / copy_seconds:,.0f} rows/s); the load is "
            f"{summary.seconds / copy_seconds:.1f}x that"
        )
        if load_cpu is not None and copy_cpu:
            print(
                f"  CPU (this process + its PostgreSQL backend): load {load_cpu:.1f} s, "
                f"raw COPY {copy_cpu:.1f} s, {load_cpu / copy_cpu:.1f}x"
            )
        print(f"  load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    finally:
        _use(previous)


if __name__ == "__main__":
    main(sys.argv[1:])
