"""Benchmark: the billing register and the aging trend over a district's bills, through the
test client as Finance (page, CSV and XLSX), warm.

A working copy of the seeded demo district (bench/common.py; the shared 100,000-account
`district_bench` at full size, a scratch database of its own at another size) is billed as
bench/bill_run.py bills it (eager, one process: the example rates, a period per demo cycle),
then analyzed, and each report is rendered twice (the second is timed).

Budget: each page under 2 s at 100,000 accounts; its queries do not grow with rows (tests pin
them).

    python bench/reports.py [--accounts 100000] [--database district_bench_reports]

`--database` names the working copy (several people benchmarking on one server each take
their own).
"""

import argparse
import datetime
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import setup_django  # noqa: E402

setup_django()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Min  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from bench.bill_run import RATES, Phase, QueryCounter, _periods, _runs_in_process  # noqa: E402
from bench.common import (  # noqa: E402
    SCRATCH,
    _admin_connection,
    _point_django_at,
    use_seeded_district,
)
from billing.models import Bill  # noqa: E402
from billing.rates.services import rate_version_load  # noqa: E402
from district import roles  # noqa: E402
from district.celery import app as celery_app  # noqa: E402
from district.ledger.models import ClosedPeriod, JournalLine  # noqa: E402
from district.services import roles_sync, user_create_with_role  # noqa: E402

WORK = "district_bench_reports"
BUDGET_SECONDS = 2.0


def _working_copy(accounts: int, work: str = WORK) -> None:
    """A fresh copy of the seeded district of that size (seeded first if needed), named `work`."""
    scratch = SCRATCH if accounts == 100_000 else f"{SCRATCH}_{accounts}"
    use_seeded_district(accounts=accounts, years=3, name=scratch)
    _point_django_at("postgres")
    admin = _admin_connection()
    try:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{work}" WITH (FORCE)')
            for attempt in range(30):
                try:
                    cursor.execute(f'CREATE DATABASE "{work}" TEMPLATE "{scratch}"')
                    break
                except Exception:  # noqa: BLE001 - "source database is being accessed"
                    if attempt == 29:
                        raise
                    time.sleep(2)
    finally:
        admin.close()
    _point_django_at(work)
    call_command("migrate", verbosity=0, interactive=False)


def _timed(client: Client, url: str, params: dict) -> tuple[float, int, int]:
    """Seconds of the second rendering, its statements, and the response's size in bytes."""
    client.get(url, params)
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.get(url, params)
        seconds = time.perf_counter() - started
    assert response.status_code == 200, (url, response.status_code)
    return seconds, len(queries), len(response.content)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--database", default=WORK, help="the working copy's name")
    args = parser.parse_args(argv if argv is not None else sys.argv[1:])
    _working_copy(args.accounts, args.database)
    celery_app.conf.task_always_eager = True
    roles_sync()
    supervisor = user_create_with_role(
        username="bench-supervisor", password="bench-password-1", role=roles.SUPERVISOR
    )
    rate_version_load(source=RATES.read_text(), by=supervisor)
    started = time.perf_counter()
    runs, _calculate, _post = _runs_in_process(
        _periods(args.accounts), supervisor, QueryCounter(), Phase(None)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    bills = Bill.objects.filter(status=Bill.Status.POSTED).count()
    print(f"   billed {bills:,} bills in {len(runs)} runs ({time.perf_counter() - started:.0f} s)")

    finance = user_create_with_role(
        username="bench-finance", password="bench-password-1", role=roles.FINANCE
    )
    client = Client()
    client.force_login(finance)
    month = runs[0].period.bill_date.strftime("%Y-%m")
    reports = [
        (f"billing register, month, by {group}", "registers:billing", {"month": month,
                                                                        "group_by": group})
        for group in ("class", "rate_line", "gl")
    ] + [
        ("billing register, one run, by GL", "registers:billing",
         {"run": runs[0].pk, "group_by": "gl"}),
        ("billing register CSV, month, by rate line", "registers:billing_csv",
         {"month": month, "group_by": "rate_line"}),
        ("billing register XLSX, month, by class", "registers:billing_xlsx", {"month": month}),
        ("aging trend, 12 month ends", "registers:aging-trend", {"months": 12}),
        ("aging trend, 24 month ends", "registers:aging-trend", {"months": 24}),
    ]  # fmt: skip
    for label, name, params in reports:
        _report(client, label, name, params)
    # Finance closes each month: the agings of closed month ends are computed once and kept.
    _close_months_before(runs[0].period.bill_date, finance)
    _report(client, "aging trend, months closed (cached)", "registers:aging-trend", {"months": 12})


def _report(client: Client, label: str, name: str, params: dict) -> None:
    seconds, queries, size = _timed(client, reverse(name), params)
    verdict = "within" if seconds <= BUDGET_SECONDS else "OVER"
    print(
        f"   {label}: {seconds:.2f} s, {queries} queries, {size:,} bytes "
        f"(budget {BUDGET_SECONDS:.0f} s: {verdict})"
    )


def _close_months_before(day: datetime.date, by) -> None:
    """Every month from the first journal line's to the one before `day`'s, closed."""
    first = JournalLine.objects.aggregate(first=Min("effective_date"))["first"]
    month = first.replace(day=1)
    while month < day.replace(day=1):
        ClosedPeriod.objects.get_or_create(
            month=month, reopened_at=None, defaults={"closed_by": by, "reason": "Benchmark"}
        )
        month = (month + datetime.timedelta(days=32)).replace(day=1)


if __name__ == "__main__":
    main()
