"""Benchmark: the counter search over the demo district (100,000 to 1,000,000 accounts).

A realistic mix of what is typed at the counter (partial names in either order, the first
three letters of a name as live results fire while typing, "123 main"
addresses, account numbers with and without dash or check digit, phones in several formats,
emails, meter serials, APNs with and without dashes), each searched warm; prints p50/p95/p99
of search_accounts overall and per kind, the same for a bare indexed lookup (an account by
number) measured in the same run, the ratio of each kind to it, and which indexes PostgreSQL
used for each kind (EXPLAIN of every query the search ran: the exact identifiers' query, and the
broader one when they found nothing).

Budget (DESIGN.md): p95 under 10 ms, within 15x a bare indexed look-up, on a 2-core machine.

    python bench/search.py [--accounts 100000] [--years 1] [--samples 60] [--database NAME]
"""

import argparse
import random
import re
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import setup_django  # noqa: E402

setup_django()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accounts.models import ServiceAccount  # noqa: E402
from accounts.search import search_accounts  # noqa: E402
from bench.common import describe, measure, percentiles, use_seeded_district  # noqa: E402

BUDGET_P95_MS = 10
BUDGET_RATIO = 15

_SAMPLE_SQL = """
    SELECT account.number, customer.first_name, customer.last_name, customer.business_name,
           customer.phone, customer.email, premise.house_number, premise.street, premise.apn,
           (SELECT meter.serial FROM field_ops_meterinstallation installation
              JOIN field_ops_meter meter ON meter.id = installation.meter_id
             WHERE installation.premise_id = premise.id AND installation.removed_on IS NULL
             LIMIT 1)
    FROM accounts_serviceaccount account
    JOIN accounts_customer customer ON customer.id = account.customer_id
    JOIN field_ops_premise premise ON premise.id = account.premise_id
    WHERE account.id IN (SELECT id FROM accounts_serviceaccount ORDER BY md5(id::text || %s)
                         LIMIT %s)
"""


def _phone_formats(phone: str, pick: random.Random) -> str:
    area, exchange, line = phone[:3], phone[3:6], phone[6:]
    return pick.choice(
        [
            phone,
            f"({area}) {exchange}-{line}",
            f"{area}.{exchange}.{line}",
            f"+1 {area} {exchange} {line}",
            f"{area}-{exchange}-{line}",
        ]
    )


def typed_queries(samples: int, seed: int = 7) -> list[tuple[str, str]]:
    """(kind, text) pairs as a CSR would type them, built from real rows."""
    pick = random.Random(seed)
    with connection.cursor() as cursor:
        cursor.execute(_SAMPLE_SQL, [str(seed), samples])
        rows = cursor.fetchall()
    queries = []
    for number, first, last, business, phone, email, house, street, apn, serial in rows:
        if business:
            queries.append(("name", " ".join(word[:4] for word in business.split()[:2]).lower()))
        elif first and last:
            partial = [word[: pick.randint(min(3, len(word)), len(word))] for word in (last, first)]
            pick.shuffle(partial)
            queries.append(("name", " ".join(partial).lower()))
            if pick.random() < 0.3:  # the whole name as a CSR reads it off a bill
                queries.append(("name", f"{last}, {first}"))
        if last and pick.random() < 0.3:  # live results while the first letters go in
            queries.append(("3 letters", last[:3].lower()))
        street_word = street.split()[0]
        cut = pick.randint(min(3, len(street_word)), len(street_word))
        queries.append(("address", f"{house} {street_word[:cut]}"))
        queries.append(
            (
                "account number",
                pick.choice([number, f"{number[:-1]}-{number[-1]}", number[:-1]]),
            )
        )
        if phone:
            queries.append(("phone", _phone_formats(phone, pick)))
        if email:
            queries.append(("email", email.upper() if pick.random() < 0.3 else email))
        if serial:
            queries.append(("meter serial", serial.lower() if pick.random() < 0.5 else serial))
        if apn:
            queries.append(("APN", apn if pick.random() < 0.5 else apn.replace("-", "")))
    pick.shuffle(queries)
    return queries


def indexes_used(text: str) -> tuple[list[set[str]], set[str]]:
    """(indexes of each query the search ran, tables read sequentially) from EXPLAIN."""
    with CaptureQueriesContext(connection) as captured:
        search_accounts(text)
    per_query, sequential = [], set()
    for query in captured.captured_queries:
        # A closest-spelling query sets its similarity first ("SET LOCAL ...; WITH ..."): the
        # setting stays in front of the EXPLAIN, in the same query string.
        setting, _, statement = query["sql"].rpartition("; WITH hits AS")
        statement = ("WITH hits AS" + statement) if setting else statement
        with connection.cursor() as cursor:
            cursor.execute(f"{setting}; EXPLAIN {statement}" if setting else f"EXPLAIN {statement}")
            plan = "\n".join(row[0] for row in cursor.fetchall())
        indexes = set(re.findall(r"Index (?:Only )?Scan (?:Backward )?using (\w+)", plan))
        indexes |= set(re.findall(r"Bitmap Index Scan on (\w+)", plan))
        per_query.append(indexes)
        sequential |= set(re.findall(r"Seq Scan on (\w+)", plan))
    return per_query, sequential


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=100_000, help="up to 1,000,000")
    parser.add_argument("--years", type=int, default=1, help="history (the search reads none)")
    parser.add_argument("--samples", type=int, default=60, help="accounts to build queries from")
    parser.add_argument("--database", default="district_bench", help="the scratch database")
    options = parser.parse_args(argv or [])
    use_seeded_district(accounts=options.accounts, years=options.years, name=options.database)

    total = ServiceAccount.objects.count()
    queries = typed_queries(options.samples)
    for _kind, text in queries:  # warm the caches once over the whole mix
        search_accounts(text)
    timings: dict[str, list[float]] = defaultdict(list)
    found = 0
    for kind, text in queries:
        timings[kind].append(measure(lambda text=text: search_accounts(text), warmup=0))
        found += bool(search_accounts(text))
    numbers = [text.replace("-", "") for kind, text in queries if kind == "account number"]
    bare = [
        measure(lambda number=number: ServiceAccount.objects.filter(number=number).first())
        for number in numbers * 3
    ]

    everything = [ms for samples in timings.values() for ms in samples]
    overall = percentiles(everything)
    bare_figures = percentiles(bare)
    print(f"   {total:,} service accounts, {len(everything)} searches ({found} found something)")
    print(f"   search_accounts: {describe(everything)}")
    for kind in sorted(timings):
        per_query, sequential = indexes_used(next(text for k, text in queries if k == kind))
        scans = f"; seq scans: {', '.join(sorted(sequential))}" if sequential else ""
        ratio = percentiles(timings[kind])["p95"] / bare_figures["p95"]
        print(f"     {kind:<15} {describe(timings[kind])}; p95 {ratio:.1f}x the bare look-up")
        for number, indexes in enumerate(per_query, 1):
            print(f"     {'':<15} query {number} indexes: {', '.join(sorted(indexes)) or 'none'}")
        if scans:
            print(f"     {'':<15} {scans[2:]}")
    print(f"   bare indexed lookup (account by number): {describe(bare)}")
    ratio = overall["p95"] / bare_figures["p95"]
    print(
        f"   ratio search/bare lookup: p50 {overall['p50'] / bare_figures['p50']:.1f}x, "
        f"p95 {ratio:.1f}x"
    )
    verdict = "within" if overall["p95"] < BUDGET_P95_MS and ratio <= BUDGET_RATIO else "OVER"
    print(f"   budget p95 < {BUDGET_P95_MS} ms and <= {BUDGET_RATIO}x the bare look-up: {verdict}")


if __name__ == "__main__":
    main(sys.argv[1:])
