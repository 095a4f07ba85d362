"""Benchmark: post a 2,000-item mail batch (one journal, 2,000 payments with lines and tenders).

Builds N accounts owing money, in a scratch test database (test_<DATABASE name>, kept between
runs), inside a transaction that is rolled back at the end. Opens a mail batch and enters its N
items through the entry service one by one, as a CSR would (half by scan line, half by account
number and amount; every other item a check), timed and reported separately. Then times
batch_post, and its query count, against the budget.

Budget (DESIGN.md): a 2,000-item mail batch posts within 5 s on 2 cores.

    python bench/mail_batch.py [--items 2000]
"""

import argparse
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import setup_django  # noqa: E402

setup_django()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

from billing.documents.scan_line import scan_line  # noqa: E402
from district import roles  # noqa: E402
from district.ledger.selectors import ledger_problems  # noqa: E402
from district.services import roles_sync, user_create_with_role  # noqa: E402
from payments.batches.services import batch_create, batch_item_add, batch_post  # noqa: E402
from tests.factories import ServiceAccountFactory, post_bill  # noqa: E402

BUDGET_SECONDS = 5.0


class _Rollback(Exception):
    pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=2000)
    options = parser.parse_args(sys.argv[1:] if __name__ == "__main__" else [])
    count = options.items

    setup_test_environment()
    connection.creation.create_test_db(verbosity=0, keepdb=True)
    try:
        with transaction.atomic():
            roles_sync()
            clerk = user_create_with_role(
                username="bench-mail-clerk", password="x-bench-x", role=roles.CSR_I
            )
            lead = user_create_with_role(
                username="bench-mail-lead", password="x-bench-x", role=roles.CSR_III
            )
            started = time.perf_counter()
            accounts = [ServiceAccountFactory() for _ in range(count)]
            for account in accounts:
                post_bill(account, "42.17")
            print(f"built {count} accounts owing $42.17 in {time.perf_counter() - started:.1f} s")

            amounts = [
                Decimal("42.17") if index % 3 else Decimal("20.00") for index in range(count)
            ]
            batch = batch_create(
                kind="mail", control_count=count, control_total=sum(amounts), by=clerk
            )
            started = time.perf_counter()
            for index, (account, amount) in enumerate(zip(accounts, amounts, strict=True)):
                if index % 2:
                    typed, typed_amount = scan_line(account.number, Decimal("42.17")), ""
                    if amount != Decimal("42.17"):
                        typed_amount = str(amount)
                else:
                    typed, typed_amount = account.formatted_number, str(amount)
                batch_item_add(
                    batch_id=batch.pk,
                    entered_as=typed,
                    amount=typed_amount,
                    check_number=str(10000 + index) if index % 2 else "",
                    by=clerk,
                )
            entry = time.perf_counter() - started
            print(
                f"entry through batch_item_add: {entry:.1f} s "
                f"({entry / count * 1000:.1f} ms an item)"
            )

            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                posted = batch_post(batch_id=batch.pk, by=lead)
                seconds = time.perf_counter() - started
            assert posted.status == "posted"
            assert posted.payments.count() == count
            assert ledger_problems() == []
            verdict = "within" if seconds <= BUDGET_SECONDS else "OVER"
            print(f"batch_post of {count} items: {seconds:.2f} s, {len(queries)} queries")
            print(f"items per second:            {count / seconds:,.0f}")
            print(
                f"budget:                      {BUDGET_SECONDS:.1f} s for 2,000 ({verdict} budget)"
            )
            raise _Rollback
    except _Rollback:
        pass


if __name__ == "__main__":
    main()
