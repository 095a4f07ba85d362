"""The classic BAI lockbox layout: a good transmission read exactly, overflow records' invoices
attached to their check, and every disagreement with the totals refused whole by line."""

import datetime
from decimal import Decimal

import pytest

from district.errors import ServiceError
from payments.batches import files
from payments.batches.file_common import ParsedItem
from payments.batches.lockbox_bai import read_lockbox_bai
from tests.payments.lockbox_bai_samples import batch_block, detail, overflow, transmission

DEPOSITED = datetime.date(2026, 12, 4)


def good_file() -> bytes:
    return transmission(
        batch_block(
            "001",
            [
                [detail("001", 1, 4_213, "1001", "9000-0019", 4_213)],
                [
                    detail("001", 2, 15_000, "2002", "9000-0027", 10_000),
                    overflow("001", 2, 1, True, ("9000-0027", 5_000)),
                ],
            ],
        ),
        batch_block("002", [[detail("002", 1, 7_500, "3003", "9000-0035")]]),
    )


def test_good_transmission_parses_into_the_import_services_items():
    # when
    parsed = files.parse_payment_file(good_file(), "lockbox-bai")
    # then
    assert (parsed.file_format, parsed.control_count, parsed.control_total) == (
        "lockbox-bai",
        3,
        Decimal("267.13"),
    )
    assert parsed.has_trailer and parsed.notes == []
    assert parsed.items == [
        ParsedItem(
            line_number=4,
            external_id="lockbox:0077010:2026-12-04:001:1",
            account_text="9000-0019",
            amount=Decimal("42.13"),
            method="check",
            check_number="1001",
            paid_on=DEPOSITED,
        ),
        ParsedItem(
            line_number=5,
            external_id="lockbox:0077010:2026-12-04:001:2",
            account_text="9000-0027",
            amount=Decimal("150.00"),
            method="check",
            check_number="2002",
            paid_on=DEPOSITED,
        ),
        ParsedItem(
            line_number=9,
            external_id="lockbox:0077010:2026-12-04:002:1",
            account_text="9000-0035",
            amount=Decimal("75.00"),
            method="check",
            check_number="3003",
            paid_on=DEPOSITED,
        ),
    ]
    assert files.FORMAT_KIND["lockbox-bai"] == "lockbox"


def test_overflow_records_attach_their_invoices_to_the_check_before_them():
    # given: one check paying two of a landlord's accounts, the second on two overflow records
    content = transmission(
        batch_block(
            "001",
            [
                [
                    detail("001", 1, 30_000, "5005", "9000-0019", 10_000),
                    overflow("001", 1, 1, False, ("9000-0027", 10_000), ("9000-0035", 5_000)),
                    overflow("001", 1, 2, True, ("9000-0043", 5_000)),
                ],
                [detail("001", 2, 2_500, "5006", "9000-0050")],
            ],
        )
    )
    # when
    details = read_lockbox_bai(content)
    parsed = files.parse_payment_file(content, "lockbox-bai")
    # then
    assert [(d.item, d.check_number, d.invoices) for d in details] == [
        (
            "1",
            "5005",
            [
                ("9000-0019", Decimal("100.00")),
                ("9000-0027", Decimal("100.00")),
                ("9000-0035", Decimal("50.00")),
                ("9000-0043", Decimal("50.00")),
            ],
        ),
        ("2", "5006", [("9000-0050", None)]),
    ]
    # several accounts on one check are left for a CSR: no account number matches the text
    assert parsed.items[0].account_text == "9000-0019, 9000-0027, 9000-0035, 9000-0043"
    assert parsed.notes == [
        "line 4: check 5005 names 4 accounts (9000-0019, 9000-0027, 9000-0035, 9000-0043): "
        "left for a CSR"
    ]


def _refusal(content: bytes) -> str:
    with pytest.raises(ServiceError) as refusal:
        files.parse_payment_file(content, "lockbox-bai")
    return refusal.value.messages[0]


def test_batch_total_that_disagrees_is_refused_naming_the_line():
    content = transmission(
        batch_block("001", [[detail("001", 1, 4_213, "1001", "9000-0019")]], total=4_200)
    )
    assert _refusal(content) == (
        "The file was not imported: the batch total of batch 001 (line 5) says $42.00 but the "
        "payments add up to $42.13 (a difference of $0.13)."
    )


def test_batch_count_lockbox_total_and_record_count_that_disagree_are_refused():
    content = transmission(
        batch_block("001", [[detail("001", 1, 4_213, "1001", "9000-0019")]], count=2),
        lockbox_count=3,
        lockbox_total=9_999,
        records=9,
    )
    assert _refusal(content) == (
        "The file was not imported: the batch total of batch 001 (line 5) says 2 payments but "
        "the file holds 1; the lockbox total of lockbox 0077010 (line 6) says 3 payments but "
        "the file holds 1; the lockbox total of lockbox 0077010 (line 6) says $99.99 but the "
        "payments add up to $42.13 (a difference of -$57.86); line 7: the trailer says 9 "
        "records but the transmission holds 7."
    )


def test_bad_amount_is_refused_and_its_overflow_has_no_check():
    content = transmission(
        batch_block(
            "001",
            [
                [
                    detail("001", 1, 4_213, "1001", "9000-0019"),
                    overflow("001", 1, 2, True, ("9000-0027", 100)),
                ],
            ],
        )
    ).replace(b"6001001000000421", b"6001001000000X21")
    message = _refusal(content)
    assert "line 4: the check amount (columns 8-17) is not an amount" in message
    assert (
        "line 5: an overflow record (type 4) for batch 001 item 001, which is not the " in message
    )


def test_missing_batch_total_is_refused():
    block = batch_block("001", [[detail("001", 1, 4_213, "1001", "9000-0019")]])[:-1]
    message = _refusal(transmission(block))
    assert "line 5: batch 001 (line 3) has no batch total (type 7)" in message


def test_repeated_item_is_refused():
    content = transmission(
        batch_block(
            "001",
            [
                [detail("001", 1, 4_213, "1001", "9000-0019")],
                [detail("001", 1, 4_213, "1001", "9000-0019")],
            ],
        )
    )
    assert _refusal(content) == (
        "The file was not imported: line 5 repeats the payment of line 4 "
        "(lockbox:0077010:2026-12-04:001:1)."
    )


def test_overflow_records_out_of_sequence_are_refused():
    content = transmission(
        batch_block(
            "001",
            [
                [
                    detail("001", 1, 4_213, "1001", "9000-0019"),
                    overflow("001", 1, 2, False, ("9000-0027", 100)),
                    overflow("001", 1, 3, True, ("9000-0035", 100)),
                    overflow("001", 1, 4, False, ("9000-0043", 100)),
                ],
            ],
        )
    )
    assert _refusal(content) == (
        "The file was not imported: line 5: the overflow sequence “02” (columns 9-10) should "
        "be 01; line 7: an overflow record after the one marked last (9)."
    )
