"""BAI lockbox transmissions the tests write (80-character records, see lockbox_bai.py)."""

LOCKBOX = "0077010"
DEPOSIT = "261204"  # December 4, 2026


def record(text: str) -> str:
    assert len(text) <= 80, text
    return text.ljust(80)


def detail(batch, item, cents, check, invoice="", invoice_cents=None) -> str:
    amount = "" if invoice_cents is None else f"{invoice_cents:010d}"
    return record(
        f"6{batch}{item:03d}{cents:010d}121000358{'4455667788':<10}{check:<10}{invoice:<16}{amount}"
    )


def overflow(batch, item, sequence, last, *invoices) -> str:
    body = "".join(f"{number:<16}{cents:010d}" for number, cents in invoices)
    return record(f"4{batch}{item:03d}6{sequence:02d}{9 if last else 0}{body}")


def batch_block(batch, checks, *, count=None, total=None, lockbox=LOCKBOX) -> list[str]:
    """A lockbox header, each check's records, and the batch total; checks are lists of records
    whose first is the detail (6)."""
    lines = [record(f"5{batch}{lockbox}{DEPOSIT}{'SIERRAWD':<10}{'BANK':<10}")]
    for records in checks:
        lines += records
    found = [line for line in lines if line[0] == "6"]
    cents = sum(int(line[7:17]) for line in found)
    lines.append(
        record(
            f"7{batch}{len(found):03d}{lockbox}{DEPOSIT}"
            f"{len(found) if count is None else count:03d}"
            f"{cents if total is None else total:010d}"
        )
    )
    return lines


def transmission(*batches, lockbox_count=None, lockbox_total=None, records=None) -> bytes:
    lines = [
        record(f"101 121000358{'SIERRAWD':<10}{DEPOSIT}0600"),
        record(f"2{'SIERRAWD':<10}{'BANK':<10}"),
    ]
    for block in batches:
        lines += block
    found = [line for line in lines if line[0] == "6"]
    cents = sum(int(line[7:17]) for line in found)
    lines.append(
        record(
            f"8000000{LOCKBOX}{DEPOSIT}"
            f"{len(found) if lockbox_count is None else lockbox_count:04d}"
            f"{cents if lockbox_total is None else lockbox_total:010d}"
        )
    )
    lines.append(record(f"9{len(lines) + 1 if records is None else records:06d}"))
    return ("\r\n".join(lines) + "\r\n").encode()
