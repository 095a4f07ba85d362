"""Benchmark: generate the demo district (100,000 accounts x 2 years) into a scratch database.

Budget (DESIGN.md): 120 s on a 2-core machine. For scale it also times a raw COPY of the same
meter reads into a bare temporary table (no indexes, triggers or foreign keys).

    python bench/seed.py [--accounts 100000] [--years 2] [--seed 1]

The scratch database "district_seed_bench" is dropped and re-created on the server of
DATABASE_URL (or the embedded one) and left behind for inspection.
"""

import argparse
import io
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "district.settings")

import django  # noqa: E402

django.setup()

import psycopg2  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from accounts.demo import generate_district  # noqa: E402

SCRATCH = "district_seed_bench"
BUDGET_SECONDS = 120
READ_COLUMNS = "meter_id, read_on, reading, source, flags, note, entered_at"


def _recreate(name: str) -> None:
    """Drop and create the scratch database through the server's maintenance database."""
    settings_dict = connection.settings_dict
    admin = psycopg2.connect(
        dbname="postgres",
        user=settings_dict.get("USER") or None,
        password=settings_dict.get("PASSWORD") or None,
        host=settings_dict.get("HOST") or None,
        port=settings_dict.get("PORT") or None,
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()


def _use(name: str) -> str:
    """Point Django's default connection at database `name`; returns the previous name."""
    connection.close()
    previous = connection.settings_dict["NAME"]
    connection.settings_dict["NAME"] = name
    return previous


def _raw_copy_of_reads() -> float:
    """Seconds to COPY the generated reads into a bare temporary table (rolled back after)."""
    with transaction.atomic(), connection.cursor() as cursor:
        rows = io.StringIO()
        cursor.copy_expert(f"COPY field_ops_meterread ({READ_COLUMNS}) TO STDOUT", rows)
        rows.seek(0)
        cursor.execute(
            f"CREATE TEMP TABLE raw_reads AS SELECT {READ_COLUMNS} FROM field_ops_meterread "
            "WITH NO DATA"
        )
        started = time.perf_counter()
        cursor.copy_expert(f"COPY raw_reads ({READ_COLUMNS}) FROM STDIN", rows)
        seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    return seconds


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--years", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    options = parser.parse_args(argv or [])

    _recreate(SCRATCH)
    previous = _use(SCRATCH)
    try:
        call_command("migrate", verbosity=0, interactive=False)
        summary = generate_district(
            accounts=options.accounts, years=options.years, seed=options.seed
        )
        for line in summary.report():
            print(line)
        verdict = "within" if summary.seconds <= BUDGET_SECONDS else "OVER"
        print(f"  budget {BUDGET_SECONDS} s at 100,000 accounts x 2 years: {verdict}")
        reads, seconds = summary.rows["meter_reads"], _raw_copy_of_reads()
        generator_reads_rate = summary.rows["meter_reads"] / summary.seconds
        print(
            f"  raw COPY of the {reads:,} reads into a bare table: {seconds:.1f} s "
            f"({reads / seconds:,.0f} rows/s); the generator, all tables included, "
            f"is {summary.seconds / seconds:.1f}x that "
            f"({generator_reads_rate:,.0f} reads/s end to end)"
        )
    finally:
        _use(previous)


if __name__ == "__main__":
    main(sys.argv[1:])
