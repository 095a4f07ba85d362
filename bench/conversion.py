"""Benchmark: a conversion of N accounts (generated files), validated then loaded.

Budget (DESIGN.md): validate + load of 100,000 accounts in 120 s on a 2-core machine. For
scale it also times a raw COPY of the same rows (every table the load wrote, copied out and
into bare temporary tables: no indexes, triggers or foreign keys).

    python bench/conversion.py [--accounts 100000] [--reads 6] [--keep DIR]

The files are generated into a temporary directory (or --keep DIR); the scratch database
"district_conversion_bench" is dropped, re-created and migrated (not timed) on the server of
DATABASE_URL, and left behind for inspection.
"""

import argparse
import io
import os
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "district.settings")
os.environ.setdefault("TESTING", "true")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from bench.seed import _recreate, _use  # noqa: E402
from conversion.load import TABLES, load_extract  # noqa: E402
from conversion.validate import validate_directory  # noqa: E402

SCRATCH = "district_conversion_bench"
BUDGET_SECONDS = 120
AS_OF = date(2026, 11, 30)
STREETS = ["Oak St", "Elm St", "Palm Ave", "Harbor Way", "Mesa Dr", "Ridge Rd", "Vista Ln"]
LAST = ["Lopez", "Nguyen", "Smith", "Garcia", "O'Brien", "Kim", "Patel", "Johnson", "Peña"]
FIRST = ["Maria", "James", "Ana", "Wei", "Sam", "Priya", "Luis", "Grace"]


def _money(cents: int) -> str:
    return str(Decimal(cents).scaleb(-2))


def generate(directory: Path, accounts: int, reads_per_meter: int, seed: int = 1) -> None:
    """Write a consistent conversion file set of `accounts` active accounts (and some final)."""
    rng = random.Random(seed)
    directory.mkdir(parents=True, exist_ok=True)
    files = {
        name: (directory / name).open("w", encoding="utf-8", newline="")
        for name in (
            "customers.csv",
            "premises.csv",
            "meters.csv",
            "installations.csv",
            "accounts.csv",
            "reads.csv",
            "balances.csv",
            "deposits.csv",
            "arrangements.csv",
            "flags.csv",
            "notes.csv",
            "mapping.csv",
            "control.csv",
        )
    }
    w = {name: handle.write for name, handle in files.items()}
    w["customers.csv"](
        "customer_id,kind,first_name,last_name,business_name,phone,email,"
        "mailing_line1,mailing_city,mailing_state,mailing_zip\n"
    )
    w["premises.csv"](
        "premise_id,house_number,street,city,zip_code,apn,tract,lot,map_book,"
        "map_page,route,read_sequence,premise_type,dwelling_units\n"
    )
    w["meters.csv"]("serial,size,make,unit,dials\n")
    w["installations.csv"](
        "serial,premise_id,installed_on,install_reading,removed_on,removal_reading\n"
    )
    w["accounts.csv"](
        "account_number,customer_id,premise_id,customer_class,billing_cycle,"
        "status,start_date,end_date,occupant\n"
    )
    w["reads.csv"]("serial,read_on,reading,source\n")
    w["balances.csv"]("account_number,current,days_30,days_60,days_90,days_120_plus,total\n")
    w["deposits.csv"]("account_number,amount,paid_on\n")
    w["arrangements.csv"]("account_number,arranged_on,installment,due_on,amount\n")
    w["flags.csv"]("customer_id,flag,reason\n")
    w["notes.csv"]("customer_id,account_number,noted_on,channel,note\n")
    w["mapping.csv"](
        "code_list,old_code,new_code\ncustomer_class,R1,residential\n"
        "meter_size,58,5/8\npremise_type,SFR,single_family\n"
        "account_status,A,active\naccount_status,F,final\noccupant,O,owner\n"
        "occupant,T,tenant\ncustomer_kind,P,person\nread_source,R,route\n"
    )
    counts = {"customers": 0, "premises": 0, "meters": 0, "accounts": 0, "reads": 0}
    totals = dict.fromkeys(("current", "days_30", "days_60", "days_90", "days_120_plus"), 0)
    deposits = 0
    read_days = [AS_OF - timedelta(days=30 * k) for k in range(reads_per_meter, 0, -1)]
    for n in range(1, accounts + 1):
        premise, customer, serial = f"P{n}", f"C{n}", f"M{n:07d}"
        last, first = rng.choice(LAST), rng.choice(FIRST)
        w["customers.csv"](
            f'{customer},P,{first},{last},,555{n % 10_000_000:07d},,"{n} {rng.choice(STREETS)}, '
            f'Apt {n % 9}",Mesa Verde,CA,93001\n'
        )
        w["premises.csv"](
            f"{premise},{n},{rng.choice(STREETS)},Mesa Verde,93001,{n // 1000:03d}-{n % 1000:03d}-01,"
            f"T{n // 500},{n % 500},{n // 10000},{n % 100},R{n % 40:02d},{n},SFR,1\n"
        )
        w["meters.csv"](f"{serial},58,Badger,hcf,6\n")
        w["installations.csv"](f"{serial},{premise},2015-01-01,0,,\n")
        counts["customers"] += 1
        counts["premises"] += 1
        counts["meters"] += 1
        reading = rng.randint(0, 5000)
        for day in read_days:
            reading += rng.randint(3, 25)
            w["reads.csv"](f"{serial},{day.isoformat()},{reading},R\n")
            counts["reads"] += 1
        number = f"{n:08d}"
        w["accounts.csv"](f"{number},{customer},{premise},R1,{n % 20 + 1},A,2015-01-01,,O\n")
        counts["accounts"] += 1
        if n % 10 == 0:  # an earlier, final account at the same premise with a debt
            old = f"9{n:07d}"
            w["accounts.csv"](
                f"{old},{customer},{premise},R1,{n % 20 + 1},F,2010-01-01,2014-12-31,T\n"
            )
            counts["accounts"] += 1
            cents = rng.randint(500, 9000)
            w["balances.csv"](f"{old},0,0,0,0,{_money(cents)},{_money(cents)}\n")
            totals["days_120_plus"] += cents
        if rng.random() < 0.6:
            buckets = [rng.randint(1000, 15000), 0, 0, 0, 0]
            if rng.random() < 0.2:
                buckets[1] = rng.randint(1000, 9000)
            if rng.random() < 0.05:
                buckets[2], buckets[3] = rng.randint(100, 9000), rng.randint(100, 9000)
            w["balances.csv"](
                f"{number},{','.join(_money(c) for c in buckets)},{_money(sum(buckets))}\n"
            )
            for bucket, cents in zip(totals, buckets, strict=True):
                totals[bucket] += cents
            if buckets[1] and n % 50 == 0:
                part = sum(buckets) // 3
                for k, cents in enumerate((part, part, sum(buckets) - 2 * part), start=1):
                    w["arrangements.csv"](
                        f"{number},2026-11-15,{k},{(AS_OF + timedelta(days=30 * k)).isoformat()},"
                        f"{_money(cents)}\n"
                    )
        if n % 5 == 0:
            deposits += 7500
            w["deposits.csv"](f"{number},75.00,2015-01-01\n")
        if n % 100 == 0:
            w["flags.csv"](f"{customer},cash_only,Returned checks\n")
        if n % 10 == 3:
            w["notes.csv"](f'{customer},{number},2026-10-01,phone,"Called about a high bill, ok"\n')
    control = {
        "as_of": AS_OF.isoformat(),
        "source_system": "CIS/400",
        **counts,
        **{f"balance_{k}": _money(v) for k, v in totals.items()},
        "balance_total": _money(sum(totals.values())),
        "deposits_total": _money(deposits),
    }
    w["control.csv"]("name,value\n" + "".join(f"{k},{v}\n" for k, v in control.items()))
    for handle in files.values():
        handle.close()


def raw_copy_seconds() -> tuple[float, int]:
    """Seconds to COPY every row the load wrote into bare temporary tables (rolled back)."""
    seconds, rows = 0.0, 0
    with transaction.atomic(), connection.cursor() as cursor:
        for table in TABLES:
            data = io.StringIO()
            cursor.copy_expert(f"COPY {table} TO STDOUT", data)
            data.seek(0)
            rows += data.getvalue().count("\n")
            cursor.execute(f"CREATE TEMP TABLE raw_{table} AS SELECT * FROM {table} WITH NO DATA")
            started = time.perf_counter()
            cursor.copy_expert(f"COPY raw_{table} FROM STDIN", data)
            seconds += time.perf_counter() - started
        transaction.set_rollback(True)
    return seconds, rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--reads", type=int, default=6, help="reads per meter")
    parser.add_argument("--keep", type=Path, help="generate the files here and keep them")
    options = parser.parse_args(argv or [])

    with tempfile.TemporaryDirectory() as scratch:
        directory = options.keep or Path(scratch) / "files"
        started = time.perf_counter()
        generate(directory, options.accounts, options.reads)
        megabytes = sum(p.stat().st_size for p in directory.iterdir()) / 1e6
        print(f"generated {megabytes:.1f} MB of files in {time.perf_counter() - started:.1f} s")
        _recreate(SCRATCH)
        previous = _use(SCRATCH)
        try:
            call_command("migrate", verbosity=0, interactive=False)
            started = time.perf_counter()
            extract = validate_directory(directory)
            validate_seconds = time.perf_counter() - started
            rows = sum(extract.row_counts().values())
            print(
                f"validate: {validate_seconds:.1f} s, {rows:,} rows, "
                f"{len(extract.issues.errors)} errors, {len(extract.issues.warnings)} warnings"
            )
            started = time.perf_counter()
            result = load_extract(extract)
            load_seconds = time.perf_counter() - started
            print(f"load: {load_seconds:.1f} s")
            for phase, seconds in result.phases.items():
                print(f"  {phase}: {seconds:.1f} s")
            total = validate_seconds + load_seconds
            verdict = "within" if total <= BUDGET_SECONDS else "OVER"
            print(f"validate + load: {total:.1f} s; budget {BUDGET_SECONDS} s: {verdict}")
            copy_seconds, copy_rows = raw_copy_seconds()
            print(
                f"raw COPY of the same {copy_rows:,} rows into bare tables: {copy_seconds:.1f} s; "
                f"the load is {load_seconds / copy_seconds:.1f}x that, validate + load "
                f"{total / copy_seconds:.1f}x"
            )
        finally:
            _use(previous)


if __name__ == "__main__":
    main(sys.argv[1:])
