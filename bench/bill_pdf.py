"""Benchmark: bill PDFs per second per core (one process renders one PDF at a time).

Builds N accounts, each with a year of posted monthly bills, reads and a payment, in a scratch
test database (test_<DATABASE name>, kept between runs), inside a transaction that is rolled
back at the end. Then renders each account's latest bill: the HTML (bill, ledger, 13-month
chart: the selectors) and the PDF (WeasyPrint, PDF/UA-1), timed separately. Nothing is stored.

DESIGN.md: WeasyPrint takes about a tenth of a second a page; a bill run never renders PDFs
(it writes the mail house's print file), so this is the cost of the first open of each bill.

    python bench/bill_pdf.py [--bills 50]
"""

import argparse
import datetime
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import setup_django  # noqa: E402

setup_django()

import weasyprint  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from billing.documents.pdf import bill_pdf_html  # noqa: E402
from billing.documents.selectors import bill_for_document  # noqa: E402
from district.pdf import PDF_VARIANT  # noqa: E402
from tests.billing.factories import account_with_meter, make_bill, monthly_history  # noqa: E402
from tests.factories import post_payment  # noqa: E402


class _Rollback(Exception):
    pass


def _build(count: int) -> list[int]:
    bill_ids = []
    for index in range(count):
        account, meter = account_with_meter()
        months = [(2025, month, str(6 + (month + index) % 7)) for month in range(1, 13)]
        history = monthly_history(account, meter, months=months)
        post_payment(account, "30.00", datetime.date(2026, 1, 10))
        bill = make_bill(
            account,
            period_start=datetime.date(2026, 1, 1),
            period_end=datetime.date(2026, 1, 31),
            consumption=Decimal("14"),
            meter=meter,
            reading=history[-1].current_read.reading + 14,
            previous_read=history[-1].current_read,
        )
        bill_ids.append(bill.pk)
    return bill_ids


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bills", type=int, default=50)
    options = parser.parse_args()

    setup_test_environment()
    connection.creation.create_test_db(verbosity=0, keepdb=True)
    try:
        with transaction.atomic():
            started = time.perf_counter()
            bill_ids = _build(options.bills)
            print(f"built {len(bill_ids)} accounts with 13 bills each in "
                  f"{time.perf_counter() - started:.1f} s")  # fmt: skip
            # One warm-up render (fonts, template loading) outside the timing.
            warm = bill_pdf_html(bill_for_document(bill_ids[0]))
            weasyprint.HTML(string=warm).write_pdf(pdf_variant=PDF_VARIANT)

            html_seconds = pdf_seconds = 0.0
            sizes = 0
            for bill_id in bill_ids:
                started = time.perf_counter()
                html = bill_pdf_html(bill_for_document(bill_id))
                rendered = time.perf_counter()
                content = weasyprint.HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(
                    pdf_variant=PDF_VARIANT
                )
                finished = time.perf_counter()
                assert content.startswith(b"%PDF")
                html_seconds += rendered - started
                pdf_seconds += finished - rendered
                sizes += len(content)
            total = html_seconds + pdf_seconds
            count = len(bill_ids)
            print(f"bills rendered: {count} (WeasyPrint {weasyprint.__version__}, {PDF_VARIANT})")
            print(f"HTML (selectors + template): {html_seconds / count * 1000:.1f} ms a bill")
            print(f"PDF (WeasyPrint):            {pdf_seconds / count * 1000:.1f} ms a bill")
            print(f"average PDF size:            {sizes / count / 1024:.1f} KiB")
            print(f"PDFs per second per core:    {count / total:.2f}")
            raise _Rollback
    except _Rollback:
        pass


if __name__ == "__main__":
    main()
