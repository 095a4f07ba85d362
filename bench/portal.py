"""Benchmark: the customer portal home (every account of a login: balance, due date, last
payment, notices, and the registered home panels) over the demo district.

Over the demo district (100,000 accounts), a sample of active accounts gets 3 years of monthly
bills and payments (the account page bench's ledger history, plus the Bill rows the portal
reads); customer logins holding two accounts each are linked to them. Each login's home is
rendered through Django's test client, warm. Prints p50/p95 server time and the queries a page
takes (the same for every login: the count does not grow with the accounts).

Budget (DESIGN.md): p95 under 50 ms server time, a fixed number of queries.

    python bench/portal.py [--accounts 100000] [--logins 50]
"""

import argparse
import datetime
import sys
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import setup_django  # noqa: E402

setup_django()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from bench.account_page import HISTORY_MONTHS, _history_for  # noqa: E402
from bench.common import describe, measure, percentiles, use_seeded_district  # noqa: E402
from billing.models import Bill  # noqa: E402
from district import roles  # noqa: E402
from district.ledger.models import Journal  # noqa: E402
from district.models import User  # noqa: E402
from district.services import roles_sync, user_create_with_role  # noqa: E402
from portal.models import AccountLink  # noqa: E402

BUDGET_P95_MS = 50
ACCOUNTS_PER_LOGIN = 2

_SAMPLE_SQL = """
    SELECT account.id FROM accounts_serviceaccount account
    WHERE account.status = 'active'
    ORDER BY md5('portal' || account.id::text) LIMIT %s
"""


def _bills_for(account_ids: list[int]) -> None:
    """A posted monthly bill for each of the last 36 months (once: the unique period)."""
    today = datetime.date.today().replace(day=1)
    # Each bill points at a bill journal of the ledger history (a posted bill has one).
    journals = dict(
        Journal.objects.filter(
            idempotency_key__in=[
                f"bench-bill-{account_id}-{k}"
                for account_id in account_ids
                for k in range(HISTORY_MONTHS)
            ]
        ).values_list("idempotency_key", "id")
    )
    bills = []
    for account_id in account_ids:
        for months_back in range(HISTORY_MONTHS):
            year, month = divmod(today.year * 12 + today.month - 1 - months_back - 1, 12)
            start = datetime.date(year, month + 1, 1)
            end = (start + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(1)
            bills.append(
                Bill(
                    account_id=account_id,
                    status=Bill.Status.POSTED,
                    number=f"BP{account_id}-{months_back}",
                    period_start=start,
                    period_end=end,
                    bill_date=end + datetime.timedelta(days=5),
                    due_date=end + datetime.timedelta(days=26),
                    consumption=Decimal(8 + (account_id + months_back) % 9),
                    current_charges=Decimal("60.00"),
                    amount_due=Decimal("60.00"),
                    journal_id=journals.get(f"bench-bill-{account_id}-{months_back}"),
                )
            )
    Bill.objects.bulk_create(bills, batch_size=2000, ignore_conflicts=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE billing_bill")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--logins", type=int, default=50, help="customer logins timed")
    options = parser.parse_args(argv or [])
    use_seeded_district(accounts=options.accounts, years=options.years)

    with connection.cursor() as cursor:
        cursor.execute(_SAMPLE_SQL, [options.logins * ACCOUNTS_PER_LOGIN])
        account_ids = [row[0] for row in cursor.fetchall()]
    _history_for(account_ids)
    _bills_for(account_ids)
    roles_sync()
    clients = []
    for number in range(options.logins):
        username = f"bench-portal-customer-{number}"
        user = User.objects.filter(username=username).first() or user_create_with_role(
            username=username, password="bench-only-password-1", role=roles.CUSTOMER
        )
        mine = account_ids[number * ACCOUNTS_PER_LOGIN : (number + 1) * ACCOUNTS_PER_LOGIN]
        for account_id in mine:
            AccountLink.objects.get_or_create(
                user=user, service_account_id=account_id, defaults={"method": "staff"}
            )
        client = Client()
        client.force_login(user)
        clients.append(client)
    url = reverse("portal:home")

    statuses = {client.get(url).status_code for client in clients}  # warm every login once
    timings = [measure(lambda client=client: client.get(url), warmup=0) for client in clients]
    counts = set()
    for client in clients[:10]:
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        counts.add(len(captured))

    figures = percentiles(timings)
    print(
        f"   {len(clients)} portal homes (HTTP {sorted(statuses)}), {ACCOUNTS_PER_LOGIN} accounts "
        f"each with {HISTORY_MONTHS} months of bills and payments"
    )
    print(f"   server time: {describe(timings)}")
    print(f"   queries per page: {', '.join(str(count) for count in sorted(counts))}")
    verdict = "within" if figures["p95"] < BUDGET_P95_MS else "OVER"
    print(f"   budget p95 < {BUDGET_P95_MS} ms: {verdict}")


if __name__ == "__main__":
    main(sys.argv[1:])
