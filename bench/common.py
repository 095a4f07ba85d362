"""Shared benchmark helpers: a scratch database seeded once with the demo district, and timing.

    from bench.common import setup_django
    setup_django()
    from bench.common import describe, measure, use_seeded_district

`use_seeded_district(accounts=100_000, years=3)` creates the scratch database (default
"district_bench") on the server of DATABASE_URL (or the embedded one) if it is missing, points
Django at it, migrates it, and loads the demo district with accounts.demo.generate_district.
The database is kept between runs and reused while its size and seed match (a comment on the
database records them); another size drops and re-creates it. A lock on the server makes
concurrent benchmarks wait for one seeding instead of racing.
"""

import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "district.settings")
# Plain HTTP test client and unhashed static files (no collectstatic), DEBUG stays off so
# Django does not keep every query in memory: the same switches the test suite uses.
os.environ.setdefault("TESTING", "true")

import django  # noqa: E402

django.setup()

import psycopg2  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from accounts.demo import generate_district  # noqa: E402

SCRATCH = "district_bench"


def setup_django() -> None:
    """Django is set up when this module is imported; scripts call this before their imports."""
    django.setup()


def _admin_connection():
    """A connection to the server's maintenance database (to create and drop databases)."""
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


def _point_django_at(name: str) -> None:
    connection.close()
    connection.settings_dict["NAME"] = name


def use_seeded_district(
    *, accounts: int = 100_000, years: int = 3, seed: int = 1, name: str = SCRATCH
) -> None:
    """Point Django at a scratch database holding the demo district of that size (seeding it
    the first time; minutes at 100,000 accounts)."""
    marker = f"demo district accounts={accounts} years={years} seed={seed}"
    admin = _admin_connection()
    try:
        with admin.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(hashtext(%s))", [name])
            cursor.execute(
                "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
                [name],
            )
            row = cursor.fetchone()
            if row is not None and row[0] == marker:
                _point_django_at(name)
                call_command("migrate", verbosity=0, interactive=False)
                return
            print(f"   seeding {name}: {marker} (once; reused by later runs)")
            _point_django_at("postgres")  # nobody may sit in the database being re-created
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            cursor.execute(f'CREATE DATABASE "{name}"')
            _point_django_at(name)
            call_command("migrate", verbosity=0, interactive=False)
            started = time.perf_counter()
            generate_district(accounts=accounts, years=years, seed=seed)
            print(f"   seeded in {time.perf_counter() - started:.0f} s")
            with connection.cursor() as seeded:
                seeded.execute("VACUUM ANALYZE")
            cursor.execute(f"COMMENT ON DATABASE \"{name}\" IS '{marker}'")
    finally:
        with admin.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock_all()")
        admin.close()


def measure(action: Callable[[], object], *, warmup: int = 1) -> float:
    """Milliseconds one call takes, after `warmup` untimed calls."""
    for _ in range(warmup):
        action()
    started = time.perf_counter()
    action()
    return (time.perf_counter() - started) * 1000


def percentiles(samples: list[float]) -> dict[str, float]:
    """p50, p95 and p99 (nearest rank) and the mean of samples in milliseconds."""
    ordered = sorted(samples)

    def rank(percent: float) -> float:
        index = max(0, min(len(ordered) - 1, round(percent / 100 * len(ordered)) - 1))
        return ordered[index]

    return {
        "p50": rank(50),
        "p95": rank(95),
        "p99": rank(99),
        "mean": statistics.fmean(ordered),
    }


def describe(samples: list[float]) -> str:
    figures = percentiles(samples)
    return (
        f"p50 {figures['p50']:.1f} ms, p95 {figures['p95']:.1f} ms, "
        f"p99 {figures['p99']:.1f} ms (n={len(samples)})"
    )
