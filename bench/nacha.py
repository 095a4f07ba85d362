"""Benchmark: write an autopay draft file of 50,000 PPD debit entries and check it.

No database: the writer and the checker work on dataclasses and bytes. Times nacha_write (every
control computed, traces assigned) and nacha_check (every control recomputed from the bytes),
and asserts the checker finds nothing wrong.

Budget: write + check under 5 s on 2 cores.

    python bench/nacha.py [--entries 50000]
"""

import argparse
import datetime
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import setup_django  # noqa: E402

setup_django()

from payments.autopay.aba import aba_check_digit  # noqa: E402
from payments.autopay.fed_calendar import effective_entry_date  # noqa: E402
from payments.autopay.nacha import AchBatch, AchEntry, AchFile  # noqa: E402
from payments.autopay.nacha_check import nacha_check  # noqa: E402
from payments.autopay.nacha_write import nacha_write  # noqa: E402

BUDGET_SECONDS = 5.0
BATCH_SIZE = 5_000  # entries per batch, as a draft run would split by cycle


def draft_file(entries: int) -> AchFile:
    effective = effective_entry_date(datetime.date(2026, 12, 7))
    batches = []
    for start in range(0, entries, BATCH_SIZE):
        batch = AchBatch(
            service_class_code=225,
            company_name="SIERRA VISTA WD",
            company_id="1946000123",
            sec_code="PPD",
            entry_description="WATER BILL",
            effective_entry_date=effective,
            odfi_routing="12100035",
        )
        for n in range(start, min(start + BATCH_SIZE, entries)):
            eight = f"{(n * 7919) % 100_000_000:08d}"
            batch.entries.append(
                AchEntry(
                    transaction_code=27 if n % 5 else 37,
                    rdfi_routing=eight + str(aba_check_digit(eight)),
                    account_number=f"{n * 31:012d}",
                    amount_cents=1_000 + (n * 137) % 40_000,
                    individual_name=f"CUSTOMER {n}",
                    individual_id=f"{9_000_000 + n}",
                )
            )
        batches.append(batch)
    return AchFile(
        immediate_destination="121000358",
        immediate_origin="1946000123",
        creation_date=datetime.date(2026, 12, 4),
        creation_time="1530",
        immediate_destination_name="DISTRICT BANK",
        immediate_origin_name="SIERRA VISTA WATER DIST",
        batches=batches,
    )


def raw_baseline(data: bytes) -> float:
    """The floor on this machine, in this run: the same bytes written line by line from
    prepared records and read back line by line (no fields, no controls), in seconds."""
    lines = data.split(b"\n")
    started = time.perf_counter()
    written = b"\n".join(line for line in lines)
    read = sum(len(line) for line in written.split(b"\n"))
    assert read == len(data) - (len(lines) - 1)
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", type=int, default=50_000)
    args = parser.parse_args([] if argv is None else argv)
    ach = draft_file(args.entries)
    started = time.perf_counter()
    data = nacha_write(ach, check=False)  # the check is timed on its own below
    wrote = time.perf_counter() - started
    started = time.perf_counter()
    problems = nacha_check(data)
    checked = time.perf_counter() - started
    assert problems == [], problems[:5]
    total = wrote + checked
    baseline = raw_baseline(data)
    print(
        f"   {args.entries:,} PPD debit entries, {len(data) / 1e6:.1f} MB: write {wrote:.2f} s, "
        f"check {checked:.2f} s, total {total:.2f} s "
        f"({'within' if total < BUDGET_SECONDS else 'OVER'} the {BUDGET_SECONDS:.0f} s budget); "
        f"raw line copy {baseline * 1000:.1f} ms, ratio {total / baseline:.0f}x"
    )


if __name__ == "__main__":
    main(sys.argv[1:])
