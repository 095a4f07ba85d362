"""NACHA files: the public samples read and written back byte for byte, our own draft file's
controls computed, and each control broken refused with the line and the reason."""

import pytest

from district.errors import ServiceError
from payments.autopay.nacha import Problem
from payments.autopay.nacha_check import nacha_check
from payments.autopay.nacha_read import nacha_read
from payments.autopay.nacha_write import nacha_write
from tests.payments.nacha_samples import (
    DRAFT_DAY,
    draft_batch,
    draft_entry,
    draft_file,
    two_batch_file,
)
from tests.payments.shared_data import SAMPLES, needs_samples

NINES = "9" * 94


@needs_samples
@pytest.mark.parametrize("name", ["nacha_moov_examples_ppd-debit.ach", "nacha_moov_web-debit.ach"])
def test_public_samples_round_trip_byte_for_byte(name):
    # given
    data = (SAMPLES / name).read_bytes()
    # when
    written = nacha_write(nacha_read(data))
    # then
    assert nacha_check(data) == []
    assert written == data


@needs_samples
def test_web_sample_reads_its_batches_entries_and_totals():
    ach = nacha_read(SAMPLES / "nacha_moov_web-debit.ach")
    assert [(b.sec_code, b.service_class_code, len(b.entries)) for b in ach.batches] == [
        ("WEB", 220, 4),
        ("WEB", 220, 1),
        ("PPD", 225, 1),
    ]
    first = ach.batches[0].entries[0]
    assert (first.transaction_code, first.rdfi_routing, first.amount_cents) == (
        22,
        "081000210",
        3521,
    )
    assert first.individual_name == "John Doe"
    assert first.trace_number == "081000030000000"
    assert ach.line_ending == "\n" and ach.final_line_ending is False


def test_draft_file_controls_are_computed():
    # when
    lines = nacha_write(two_batch_file()).decode().split("\n")
    # then
    assert lines[-1] == ""  # our files end their last line
    lines = lines[:-1]
    assert len(lines) == 10 and all(len(line) == 94 for line in lines)  # one whole block
    assert lines[0].startswith("101 1219000358"[:4] + "121000358")
    assert lines[2][79:94] == "121000350000001"
    assert lines[3][79:94] == "121000350000002"
    # batch control: 2 entries, hash 23138010 + 08100021, debits $142.63, no credits
    assert lines[4][1:10] == "225000002"
    assert lines[4][10:20] == "0031238031"
    assert lines[4][20:32] == "000000014263"
    assert lines[4][32:44] == "000000000000"
    assert lines[4][87:94] == "0000001"
    # the WEB entry's payment type, addenda indicator and addenda numbering
    assert lines[6][76:79] == "S 1"
    assert lines[7][:3] == "705" and lines[7][83:94] == "00010000003"
    assert lines[8][1:10] == "225000002"  # one entry and its addenda
    # file control: 2 batches, 1 block, 4 entries and addenda, hash, totals
    assert lines[9][:55] == "9000002000001000000040054376041000000021763000000000000"
    assert nacha_check(nacha_write(two_batch_file())) == []


def test_written_file_reads_back_equal():
    data = nacha_write(two_batch_file())
    assert nacha_write(nacha_read(data)) == data


def _broken(line: int, start: int, text: str) -> bytes:
    """The draft file with `text` written over columns start.. of `line` (1-based)."""
    lines = nacha_write(two_batch_file()).decode().split("\n")
    record = lines[line - 1]
    lines[line - 1] = record[: start - 1] + text + record[start - 1 + len(text) :]
    return "\n".join(lines).encode()


@pytest.mark.parametrize(
    "line, start, text, problem",
    [
        (
            5,
            5,
            "000003",
            Problem(
                5,
                "the batch control (batch of line 2) says entry and addenda count “000003” "
                "(columns 5-10) but the records give “000002”",
            ),
        ),
        (
            5,
            11,
            "0031238032",
            Problem(
                5,
                "the batch control (batch of line 2) says entry hash “0031238032” "
                "(columns 11-20) but the records give “0031238031”",
            ),
        ),
        (
            5,
            21,
            "000000014264",
            Problem(
                5,
                "the batch control (batch of line 2) says total debit amount “000000014264” "
                "(columns 21-32) but the records give “000000014263”",
            ),
        ),
        (
            10,
            8,
            "000002",
            Problem(
                10,
                "the file control says block count “000002” (columns 8-13) but the records "
                "give “000001”",
            ),
        ),
        (
            10,
            14,
            "00000005",
            Problem(
                10,
                "the file control says entry and addenda count “00000005” (columns 14-21) but "
                "the records give “00000004”",
            ),
        ),
        (
            10,
            44,
            "000000000001",
            Problem(
                10,
                "the file control says total credit amount “000000000001” (columns 44-55) but "
                "the records give “000000000000”",
            ),
        ),
        (
            3,
            4,
            "231380105",
            Problem(
                3,
                "the receiving bank's the routing number 231380105 fails its check digit (the "
                "last digit should be 4): a digit was mistyped",
            ),
        ),
        (
            4,
            80,
            "121000350000001",
            Problem(4, "the trace number 121000350000001 repeats the entry of line 3"),
        ),
        (
            2,
            70,
            "261225",
            Problem(2, "the effective entry date 12/25/2026 is not a banking day (Christmas Day)"),
        ),
    ],
    ids=[
        "batch count",
        "batch hash",
        "batch debit total",
        "block count",
        "file count",
        "file credit total",
        "ABA check digit",
        "duplicate trace",
        "Fed holiday",
    ],
)
def test_each_broken_control_is_refused_naming_the_line(line, start, text, problem):
    # given
    data = _broken(line, start, text)
    # when
    problems = nacha_check(data)
    # then
    assert problem in problems
    with pytest.raises(ServiceError) as refusal:
        nacha_read(data)
    assert str(problem) in refusal.value.messages[0]
    assert refusal.value.messages[0].startswith("The file was not imported: line ")


def test_broken_hash_is_the_only_problem_found():
    problems = nacha_check(_broken(5, 11, "0031238032"))
    assert [problem.line_number for problem in problems] == [5]


def test_short_record_is_refused_naming_its_line():
    lines = nacha_write(two_batch_file()).decode().split("\n")
    lines[2] = lines[2][:90]
    problems = nacha_check("\n".join(lines).encode())
    assert problems[0] == Problem(3, "the record is 90 characters long, not 94")


def test_missing_padding_is_refused():
    data = nacha_write(draft_file([draft_batch([draft_entry(100)])]))
    lines = data.decode().split("\n")
    assert lines[5:10] == [NINES] * 5
    problems = nacha_check("\n".join(lines[:7]).encode())
    assert problems == [
        Problem(
            7,
            "the file holds 7 records, not a multiple of 10 (pad the last block with "
            "records of nines)",
        )
    ]


def test_records_out_of_order_are_refused():
    lines = nacha_write(two_batch_file()).decode().split("\n")
    lines[2], lines[4] = lines[4], lines[2]  # the batch control before its entries
    problems = nacha_check("\n".join(lines).encode())
    assert Problem(4, "an entry detail record outside a batch") in problems


def test_credit_in_a_debits_only_batch_is_refused():
    ach = draft_file([draft_batch([draft_entry(500, transaction_code=22)])])
    data = nacha_write(ach, check=False)
    assert nacha_check(data) == [
        Problem(3, "a credit (transaction code 22) in a debits-only batch (225)")
    ]


def test_prenote_carries_no_money_and_web_needs_its_payment_type():
    entries = [draft_entry(0, transaction_code=28), draft_entry(100, transaction_code=28)]
    data = nacha_write(draft_file([draft_batch(entries, sec_code="WEB")]), check=False)
    assert nacha_check(data) == [
        Problem(
            3,
            "a WEB entry's payment type code (columns 77-78) is not R (recurring), "
            "S (single entry) or ST (standing authorization)",
        ),
        Problem(4, "a prenote (transaction code 28) carries an amount"),
        Problem(
            4,
            "a WEB entry's payment type code (columns 77-78) is not R (recurring), "
            "S (single entry) or ST (standing authorization)",
        ),
    ]


def test_value_too_long_for_its_field_is_not_written():
    entry = draft_entry(100, account_number="1" * 18)
    with pytest.raises(ServiceError, match="the account number “1{18}” is longer than 17"):
        nacha_write(draft_file([draft_batch([entry])]))


def test_accents_are_dropped_from_names():
    data = nacha_write(draft_file([draft_batch([draft_entry(100, name="Peña Núñez")])]))
    assert data.decode().split("\n")[2][54:76] == "Pena Nunez".ljust(22)


def test_a_file_without_line_breaks_reads():
    data = nacha_write(two_batch_file()).decode().replace("\n", "").encode()
    ach = nacha_read(data)
    assert ach.line_ending == "" and nacha_write(ach) == data


def test_writer_refuses_a_file_the_checker_would_refuse():
    # given: a mistyped routing number and a batch dated Thanksgiving
    entry = draft_entry(100, routing="231380105")
    ach = draft_file(
        [draft_batch([entry], effective_entry_date=DRAFT_DAY.replace(day=26, month=11))]
    )
    # when
    with pytest.raises(ServiceError) as refusal:
        nacha_write(ach)
    # then
    assert refusal.value.messages == [
        "The ACH file was not written: line 2: the effective entry date 11/26/2026 is not a "
        "banking day (Thanksgiving Day); line 3: the receiving bank's the routing number "
        "231380105 fails its check digit (the last digit should be 4): a digit was mistyped."
    ]
