"""Benchmark: the account page (the CSR's 360) with 3 years of monthly history.

Over the demo district (100,000 accounts, 3 years of monthly reads), a sample of active
accounts gets 3 years of monthly bills and payments in the ledger (the demo district carries
only opening balances); each page is rendered through Django's test client as a CSR I, warm.
Prints p50/p95/p99 server time and the number of queries a page takes (the panels loaded on
demand are requests of their own and are not in these figures).

Budget (DESIGN.md): p95 under 30 ms server time and at most 15 queries, at 100,000 and at
1,000,000 accounts (`--accounts 1000000 --years 1`).

    python bench/account_page.py [--accounts 100000] [--years 3] [--pages 100]
                                 [--database district_bench_<you>]
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import setup_django  # noqa: E402

setup_django()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from bench.common import (  # noqa: E402
    SCRATCH,
    describe,
    measure,
    percentiles,
    use_seeded_district,
)
from district import roles  # noqa: E402
from district.services import roles_sync, user_create_with_role  # noqa: E402

BUDGET_P95_MS = 30
BUDGET_QUERIES = 15
HISTORY_MONTHS = 36

_SAMPLE_SQL = """
    SELECT account.id FROM accounts_serviceaccount account
    WHERE account.status = 'active' AND EXISTS (
        SELECT 1 FROM field_ops_meterinstallation installation
        WHERE installation.premise_id = account.premise_id AND installation.removed_on IS NULL)
    ORDER BY md5(account.id::text) LIMIT %s
"""

# A bill on the 5th of each of the last 36 months and its payment ten days later (the latest
# bill left owing), written straight to the books for the sampled accounts, once.
_HISTORY_SQL = f"""
    WITH months AS (
        SELECT account_id, k,
               (date_trunc('month', current_date) - make_interval(months => k))::date + 4 AS day,
               (35 + (account_id * 7 + k * 13) %% 90)::numeric(12, 2) AS amount
        FROM unnest(%(ids)s::bigint[]) AS accounts(account_id),
             generate_series(0, {HISTORY_MONTHS - 1}) AS k
        WHERE NOT EXISTS (SELECT 1 FROM ledger_journal
                          WHERE idempotency_key = 'bench-bill-' || account_id || '-0')
    ),
    events AS (
        SELECT account_id, k, 'bill' AS kind, day, amount FROM months
        UNION ALL
        SELECT account_id, k, 'payment', day + 10, amount FROM months WHERE k > 0
    ),
    journals AS (
        INSERT INTO ledger_journal (kind, memo, effective_date, posted_at, idempotency_key,
                                    fingerprint, source_id)
        SELECT kind, CASE kind WHEN 'bill' THEN 'Water bill' ELSE 'Payment, thank you' END,
               day, now(), 'bench-' || kind || '-' || account_id || '-' || k, 'bench', ''
        FROM events
        RETURNING id, kind, effective_date, idempotency_key
    ),
    posted AS (
        SELECT journals.id, journals.kind, journals.effective_date, events.account_id,
               events.amount
        FROM journals JOIN events
          ON journals.idempotency_key = 'bench-' || events.kind || '-' || events.account_id
                                        || '-' || events.k
    ),
    lines AS (
        INSERT INTO ledger_journalline (journal_id, gl_account_id, amount, service_account_id,
                                        effective_date, memo)
        SELECT id, (SELECT id FROM ledger_glaccount WHERE purpose = 'ar_customers'),
               CASE kind WHEN 'bill' THEN amount ELSE -amount END, account_id, effective_date, ''
        FROM posted
        UNION ALL
        SELECT id, (SELECT id FROM ledger_glaccount WHERE purpose =
                        CASE kind WHEN 'bill' THEN 'water_sales_volumetric'
                                  ELSE 'cash_in_bank' END),
               CASE kind WHEN 'bill' THEN -amount ELSE amount END, NULL, effective_date, ''
        FROM posted
        RETURNING 1
    )
    INSERT INTO ledger_accountbalance (service_account_id, balance, updated_at)
    SELECT account_id, amount, now() FROM months WHERE k = 0
    ON CONFLICT (service_account_id)
        DO UPDATE SET balance = ledger_accountbalance.balance + EXCLUDED.balance,
                      updated_at = now()
"""


def _history_for(account_ids: list[int]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(_HISTORY_SQL, {"ids": account_ids})
        cursor.execute("ANALYZE ledger_journal")
        cursor.execute("ANALYZE ledger_journalline")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--pages", type=int, default=100, help="accounts whose page is timed")
    parser.add_argument(
        "--database", default=SCRATCH, help="scratch database (seeded once, then reused)"
    )
    options = parser.parse_args(argv or [])
    if not 1 <= options.accounts <= 1_000_000:
        parser.error("--accounts takes 1 to 1,000,000")
    use_seeded_district(accounts=options.accounts, years=options.years, name=options.database)

    with connection.cursor() as cursor:
        cursor.execute(_SAMPLE_SQL, [options.pages])
        account_ids = [row[0] for row in cursor.fetchall()]
    _history_for(account_ids)
    roles_sync()
    user = user_create_with_role(
        username="bench-csr1", password="bench-only-password-1", role=roles.CSR_I
    )
    client = Client()
    client.force_login(user)
    urls = [reverse("accounts:account_detail", args=[account_id]) for account_id in account_ids]

    statuses = {client.get(url).status_code for url in urls}  # warm every page once
    timings = [measure(lambda url=url: client.get(url), warmup=0) for url in urls]
    counts = set()
    for url in urls[:10]:
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        counts.add(len(captured))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT count(*) FROM field_ops_meterread read "
            "        JOIN field_ops_meterinstallation installation "
            "          ON installation.meter_id = read.meter_id "
            "        JOIN accounts_serviceaccount account "
            "          ON account.premise_id = installation.premise_id "
            "        WHERE account.id = ANY(%(ids)s)), "
            "       (SELECT count(*) FROM ledger_journalline "
            "        WHERE service_account_id = ANY(%(ids)s))",
            {"ids": account_ids},
        )
        reads, lines = cursor.fetchone()

    figures = percentiles(timings)
    print(
        f"   {len(urls)} account pages (HTTP {sorted(statuses)}), on average "
        f"{reads / len(urls):.0f} meter reads and {lines / len(urls):.0f} receivable lines each"
    )
    print(f"   server time: {describe(timings)}")
    print(f"   queries per page: {', '.join(str(count) for count in sorted(counts))}")
    verdict = (
        "within" if figures["p95"] < BUDGET_P95_MS and max(counts) <= BUDGET_QUERIES else "OVER"
    )
    print(f"   budget p95 < {BUDGET_P95_MS} ms, at most {BUDGET_QUERIES} queries: {verdict}")


if __name__ == "__main__":
    main(sys.argv[1:])
