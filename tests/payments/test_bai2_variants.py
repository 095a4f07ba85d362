"""BAI2 files as other banks write them: the variants the specification allows (or banks are
known to send) are read; damaged or inconsistent files are refused with a Bai2Error naming what
is wrong, never a traceback.

Every file here is written in the test itself (no public sample is copied into the project).
"""

import contextlib
import random

import pytest
from django.core.exceptions import ValidationError

from district import roles
from payments.bank import bai2
from payments.bank.imports import bai2_import
from payments.models import Bai2File, Bai2Transaction

HEADER = "01,BANKID,DISTRICT,260301,0600,F7,,,2/"
GROUP = "02,DISTRICT,BANKID,1,260228,,USD,2/"


def one_account(*records: str, total: int, header: str = HEADER, group: str = GROUP) -> list[str]:
    """A one-group, one-account file around the given 03/16/88 records, trailers worked out."""
    count = len(records) + 1
    return [
        header,
        group,
        *records,
        f"49,{total},{count}/",
        f"98,{total},1,{count + 2}/",
        f"99,{total},1,{count + 4}/",
    ]


def refusal(content) -> str:
    with pytest.raises(bai2.Bai2Error) as caught:
        bai2.parse(content)
    return str(caught.value)


def details(parsed: bai2.Bai2File) -> list[tuple]:
    return [
        (d.type_code, d.amount, d.funds, d.bank_reference, d.customer_reference, d.text)
        for group in parsed.groups
        for account in group.accounts
        for d in account.details
    ]


# -- line breaks, padding, encodings ---------------------------------------------------------


@pytest.mark.parametrize("line_break", ["\n", "\r\n", "\r", "\n\n", "\r\n  \r\n"])
def test_any_line_break_and_blank_lines_between_records(line_break):
    lines = one_account("03,1234,USD,010,500,,/", "16,301,250,Z,B1,C1,DEPOSIT/", total=750)
    parsed = bai2.parse(line_break.join(lines) + line_break)
    assert parsed.control_total == 750
    assert parsed.record_count == 7  # blank lines are not records


def test_dos_end_of_file_mark_and_nul_padding_after_the_last_record_are_ignored():
    # Files passed through DOS/Windows transfers end with Ctrl-Z; block-padded files with NULs.
    lines = one_account("03,1234,USD,010,500,,/", total=500)
    assert bai2.parse("\r\n".join(lines) + "\r\n\x1a").control_total == 500
    assert bai2.parse("\n".join(lines) + "\n" + "\x00" * 40).control_total == 500
    padded = "\n".join(line + "\x00" * 5 for line in lines)
    assert bai2.parse(padded.encode()).control_total == 500


def test_byte_order_marks_and_utf16_files_are_read():
    text = "\n".join(one_account("03,1234,USD,010,500,,/", total=500))
    assert bai2.parse("\ufeff" + text).control_total == 500
    assert bai2.parse(("\ufeff" + text).encode()).control_total == 500
    assert bai2.parse(text.encode("utf-16")).control_total == 500  # "Save as Unicode"
    # a Windows-1252 character in the text (é, ’) is read, not taken for binary data
    cp1252 = "\n".join(one_account("03,1234,USD/", "16,301,5,Z,,,CAFÉ O’BRIEN/", total=5))
    assert details(bai2.parse(cp1252.encode("cp1252")))[0][5] == "CAFÉ O’BRIEN"


def test_spaces_before_a_record_code_and_around_fields_are_read():
    lines = one_account(
        "  03, 1234 , USD , 010 , 500 , , /",
        "\t16, 301 , 250 , Z , B1 , C1 ,DEPOSIT/",
        total=750,
    )
    parsed = bai2.parse("\n".join(lines))
    account = parsed.groups[0].accounts[0]
    assert (account.number, account.currency, account.summaries[0].amount) == ("1234", "USD", 500)
    assert details(parsed) == [("301", 250, {"type": "Z"}, "B1", "C1", "DEPOSIT")]


def test_fixed_length_records_blocked_several_to_a_line_are_cut_at_the_record_length():
    # 01 says: physical records of 40 characters, blocked 3 to a block; each line is a block.
    lines = one_account(
        "03,1234,USD,010,500,,/",
        "16,301,250,Z,B1,,DEPOSIT/",
        total=750,
        header="01,BANK,DIST,260301,0600,F7,40,3,2/",
    )
    records = [line.ljust(40) for line in lines]
    blocks = ["".join(records[start : start + 3]) for start in range(0, len(records), 3)]
    parsed = bai2.parse("\r\n".join(blocks))
    assert (parsed.control_total, parsed.record_count) == (750, 7)
    assert details(parsed) == [("301", 250, {"type": "Z"}, "B1", "", "DEPOSIT")]


# -- fields as banks write them --------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "read"),
    [("1459", "1459"), ("14:59:35", "1459"), ("145935", "1459"), ("14:59", "1459"), ("", "")],
)
def test_file_creation_and_as_of_times_in_clock_format_are_read_as_hhmm(written, read):
    # NatWest writes HH:MM:SS in its intraday files; some banks write HHMMSS.
    lines = one_account(
        "03,1234,GBP,010,500,,/",
        total=500,
        header=f"01,NWBKGB2L,9876543,100215,{written},2215,,,2/",
        group=f"02,9876543,NWBKGB2L,1,091216,{written},,/",
    )
    parsed = bai2.parse("\n".join(lines))
    assert parsed.created_time == read
    assert parsed.groups[0].as_of_time == read


def test_a_time_that_is_not_one_is_still_refused():
    lines = one_account("03,1234,USD/", total=0, header=HEADER.replace("0600", "6AM"))
    assert refusal("\n".join(lines)) == "Line 1: the file creation time “6AM” is not a time (HHMM)."


def test_lowercase_funds_types_and_currencies_are_read():
    lines = one_account(
        "03,1234,cad,010,500,,z,015,600,,v,260227,/",
        "16,301,100,s,50,25,25,B1,,LOCKBOX/",
        "16,195,200,d,2,0,150,1,50,B2,,WIRE/",
        total=1400,
        group="02,DISTRICT,BANKID,1,260228,,usd,2/",
    )
    parsed = bai2.parse("\n".join(lines))
    account = parsed.groups[0].accounts[0]
    assert (parsed.groups[0].currency, account.currency) == ("USD", "CAD")
    assert [s.funds["type"] for s in account.summaries] == ["Z", "V"]
    assert [d[2] for d in details(parsed)] == [
        {"type": "S", "immediate": 50, "one_day": 25, "two_or_more_days": 25},
        {"type": "D", "distribution": [[0, 150], [1, 50]]},
    ]


def test_the_variants_the_specification_allows_in_one_file():
    """Several groups (status 1 and 3, as-of time 2400 and 9999, date modifiers), accounts with
    and without currency, 03 records with many summary codes, item counts and funds types split
    over 88s, signed and empty amounts, bank-defined 9xx codes, trailers with no slash."""
    lines = [
        "01,BANKID,DISTRICT,260301,0600,F7,80,1,2/",
        "02,DISTRICT,BANKID,1,260228,2400,USD,2/",
        "03,1111,,010,+4350000,,,015,-1500,,,040,,,,045,2830000,,/",
        "88,072,0,,,074,0,,,100,1020000,12,0,400,500000,3,1,190/",
        "88,25000,2,V,260227,0930,901,7,1,Z/",
        "16,115,450000,S,100000,200000,150000,,,/",
        "16,475,-2500,2,BREF,CREF,CHECK 1001, PAID/",
        "16,951,,Z,,,BANK DEFINED CREDIT/",
        "16,969,12,0,,,BANK DEFINED DEBIT",
        "49,9171019,8",
        "03,2222,CAD/",
        "49,,2/",
        "98,9171019,2,12/",
        "02,DISTRICT,BANKID,3,260228,9999,,4/",
        "03,3333,USD,010,0,,/",
        "16,301,100,Z,,,CORRECTED DEPOSIT/",
        "49,100,3/",
        "98,100,1,5/",
        "99,9171119,2,19",
    ]
    parsed = bai2.parse("\n".join(lines))
    first, second = parsed.groups
    assert (first.status, first.as_of_time, first.as_of_date_modifier) == ("1", "2400", "2")
    assert (second.status, second.as_of_time, second.as_of_date_modifier) == ("3", "9999", "4")
    big, empty = first.accounts
    assert [(s.type_code, s.amount, s.item_count) for s in big.summaries] == [
        ("010", 4350000, None),
        ("015", -1500, None),
        ("040", None, None),
        ("045", 2830000, None),
        ("072", 0, None),
        ("074", 0, None),
        ("100", 1020000, 12),
        ("400", 500000, 3),
        ("190", 25000, 2),
        ("901", 7, 1),
    ]
    assert [s.funds["type"] for s in big.summaries][6:] == ["0", "1", "V", "Z"]
    assert big.summaries[8].funds == {"type": "V", "value_date": "2026-02-27", "value_time": "0930"}
    assert (big.currency, empty.currency, second.accounts[0].currency) == ("USD", "CAD", "USD")
    assert details(parsed)[1:] == [
        ("475", -2500, {"type": "2"}, "BREF", "CREF", "CHECK 1001, PAID"),
        ("951", None, {"type": "Z"}, "", "", "BANK DEFINED CREDIT"),
        ("969", 12, {"type": "0"}, "", "", "BANK DEFINED DEBIT"),
        ("301", 100, {"type": "Z"}, "", "", "CORRECTED DEPOSIT"),
    ]
    assert [bai2.direction(d[0]) for d in details(parsed)] == [
        "credit",
        "debit",
        "credit",
        "debit",
        "credit",
    ]
    assert (parsed.control_total, parsed.group_count, parsed.record_count) == (9171119, 2, 19)


def test_88_continues_any_record_and_is_counted():
    lines = [
        "01,BANKID,DISTRICT,260301/",
        "88,0600,F7,,,2/",
        "02,DISTRICT,BANKID,1/",
        "88,260228,,USD,2/",
        "03,1234,USD/",
        "88,010,500,,/",
        "49,500/",
        "88,4/",
        "98,500,1/",
        "88,8/",
        "99,500/",
        "88,1,12/",
    ]
    parsed = bai2.parse("\n".join(lines))
    assert (parsed.created_time, parsed.file_id, parsed.version) == ("0600", "F7", "2")
    assert parsed.groups[0].currency == "USD"
    assert parsed.groups[0].accounts[0].summaries[0].amount == 500
    assert parsed.record_count == 12


def test_account_control_total_of_the_16_amounts_alone_is_accepted():
    # SVB states the 49 without the 03 summary amounts (venturehacks/bai2 documents it): the
    # detail amounts still add up exactly, so the file is consistent.
    records = (
        "03,1234,USD,010,100000,,,015,120000,,/",
        "88,100,25001,1,,400,0,0,/",
        "16,174,25001,Z,,50848,/",
        "88,ACH CREDIT",
    )
    parsed = bai2.parse("\n".join(one_account(*records, total=25001)))
    account = parsed.groups[0].accounts[0]
    assert (account.control_total, account.control_total_excludes_summaries) == (25001, True)
    assert parsed.control_total == 25001
    # the specification's sum (summaries + details) is read as such
    spec = bai2.parse("\n".join(one_account(*records, total=270002)))
    assert spec.groups[0].accounts[0].control_total_excludes_summaries is False
    # and a 49 that is neither sum is refused, naming the specification's sum
    assert refusal("\n".join(one_account(*records, total=25002))) == (
        "Line 7: account 1234 control total (49): the file states 250.02 but its records add "
        "up to 2,700.02."
    )


# -- 16 records and their text ---------------------------------------------------------------


def test_detail_text_over_88s_that_each_end_with_a_slash_is_one_text():
    # Some banks end every text line with a slash; the lines join with a space, as without it.
    lines = one_account(
        "03,1234,USD/",
        "16,195,10000,Z,FW123,INV 77,INCOMING WIRE/",
        "88,ORIGINATOR ACME WATER CO/",
        "88,OBI INVOICE 77/",
        total=10000,
    )
    assert details(bai2.parse("\n".join(lines))) == [
        (
            "195",
            10000,
            {"type": "Z"},
            "FW123",
            "INV 77",
            "INCOMING WIRE ORIGINATOR ACME WATER CO OBI INVOICE 77",
        )
    ]


def test_detail_text_starting_in_an_88_after_a_16_ending_with_a_slash():
    lines = one_account(
        "03,1234,GBP/",
        "16,191,1,V,150715,,REF1,REF2/",
        "88,FR:FP SIP INCOMING",
        "88,ENDT:20150715",
        total=1,
    )
    assert details(bai2.parse("\n".join(lines))) == [
        (
            "191",
            1,
            {"type": "V", "value_date": "2015-07-15", "value_time": ""},
            "REF1",
            "REF2",
            "FR:FP SIP INCOMING ENDT:20150715",
        )
    ]


def test_detail_text_field_left_empty_before_the_slash_is_filled_by_the_88():
    # SVB: "16,174,25001,Z,,50848,/" then "88,TEXT,/": the text is the 88's, no leading comma.
    lines = one_account("03,1234,/", "16,174,25001,Z,,50848,/", "88,ACH CREDIT,/", total=25001)
    assert details(bai2.parse("\n".join(lines))) == [
        ("174", 25001, {"type": "Z"}, "", "50848", "ACH CREDIT,")
    ]


def test_detail_field_cut_before_the_text_continues_in_the_88():
    # Without a slash the field in progress goes on in the 88, as in any record; the space
    # between text lines is only put in once the text has started.
    lines = one_account("03,1234,USD/", "16,301,12", "88,50,Z,BREF,CREF,DEPOSIT 9/", total=1250)
    assert details(bai2.parse("\n".join(lines))) == [
        ("301", 1250, {"type": "Z"}, "BREF", "CREF", "DEPOSIT 9")
    ]


def test_detail_text_runs_to_the_end_with_commas_slashes_and_no_slash_at_the_end():
    lines = one_account(
        "03,1234,USD/",
        "16,447,60000,,GS1,AB/GS/0001,ACH Credit, SEC: CCD, Ref: 1/2",
        "88,EREF: 1111",
        total=60000,
    )
    assert details(bai2.parse("\n".join(lines))) == [
        (
            "447",
            60000,
            {"type": "Z"},
            "GS1",
            "AB/GS/0001",
            "ACH Credit, SEC: CCD, Ref: 1/2 EREF: 1111",
        )
    ]


# -- refusals: precise messages, never a traceback -------------------------------------------


def _junk(seed: int, size: int = 400) -> bytes:
    generator = random.Random(seed)
    return bytes(generator.randrange(256) for _ in range(size))


GOOD = "\n".join(one_account("03,1234,USD,010,500,,/", "16,301,250,Z,B1,,DEPOSIT/", total=750))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty."),
        ("  \r\n\n", "The file is empty."),
        (HEADER, "The file ends early: the 99 file trailer is missing."),
        (GOOD[:62], "Line 2: the as-of date “26” is not a date (YYMMDD)."),
        (
            GOOD.rsplit("\n", 2)[0],
            "The file ends early: the 98 group trailer of the group at line 2",
        ),
        (_junk(1), "The file is not a BAI2 text file: it holds binary data"),
        (b"01," + _junk(2), "The file is not a BAI2 text file: it holds binary data"),
        (b"PK\x03\x04" + bytes(60), "The file is not a BAI2 text file: it holds binary data"),
        ("%PDF-1.4\n1 0 obj", "Line 1: “%PDF-1.4” is not a BAI2 record"),
        ("88,TEXT/\n" + GOOD, "Line 1: an 88 continuation comes before any record."),
        (GOOD + "\n" + GOOD, "Line 8: a 01 file header comes after the 99 file trailer."),
        (
            GOOD.replace("16,301", "16:301"),
            "Line 4: “16:301,250,Z,B1,,DEP”: the record code 16 is followed by “:” where a "
            "comma belongs.",
        ),
        (
            GOOD.replace("16,301,250,Z,B1,,DEPOSIT/", "16,301,250,Z,B1,,DEPOSIT\nFROM COUNTER/"),
            "Line 5: “FROM COUNTER/” is not a BAI2 record: a record starts with one of the codes "
            "01, 02, 03, 16, 49, 88, 98, 99 and a comma (a record that goes on to another line "
            "continues in an 88 record).",
        ),
        (
            GOOD.replace("16,301,250", "16,,301,250"),
            "Line 4: the 16 transaction detail has no type code (its first field is empty).",
        ),
        (
            GOOD.replace("010,500", "010," + "9" * 5000),
            "Line 3: the 010 amount “99999999999999999999…” is too large to be an amount (more "
            "than 17 digits).",
        ),
        (
            GOOD.replace("49,750,3/", "49,750," + "9" * 5000 + "/"),
            "Line 5: the number of records “99999999999999999999…” is too large.",
        ),
        (
            GOOD.replace("250,Z,B1", "250,D,999999999,B1"),
            "Line 4: the funds type D announces 999999999 distributions (pairs of days and "
            "amount) but the record has only 3 fields after it.",
        ),
        (GOOD.replace("49,750,3/", "49,750,³/"), "Line 5: the number of records “³” is not a"),
        (GOOD.replace("250,Z", "2.50,Z"), "Line 4: the 301 amount “2.50” is not an amount"),
        (GOOD.replace("260228", "20260228"), "Line 2: the as-of date “20260228” is not a date"),
        (GOOD.replace("49,750,3/", "49,750/"), "Line 5: the 49 account trailer gives no number"),
        (GOOD.replace("98,750,1,5/", "98,750/"), "Line 6: the 98 group trailer gives no number"),
        (GOOD.replace("99,750,1,7/", "99,750,1/"), "Line 7: the 99 file trailer gives no number"),
        (
            GOOD.replace(",,,2/", ",,,4/", 1),
            "Line 1: the file says it is version “4”; BAI version 2 and BTRS version 3 are read.",
        ),
        (
            GOOD.replace(",,,2/", ",,,/", 1),
            "Line 1: the 01 file header gives no version number (field 9); BAI version 2 and "
            "BTRS version 3 are read.",
        ),
    ],
)
def test_damaged_files_are_refused_with_a_precise_message(content, message):
    assert refusal(content).startswith(message)


def test_mutilated_files_raise_bai2error_only():
    generator = random.Random(2026)
    noise = ",/\n\r 0123456789+-ZVSDvd:\x1a\x00\xb3\xff"
    for _ in range(3000):
        text = list(GOOD)
        for _ in range(generator.randint(1, 6)):
            position = generator.randrange(len(text) + 1)
            if generator.random() < 0.5:
                del text[position : position + generator.randint(1, 4)]
            else:
                text[position:position] = generator.choices(noise, k=generator.randint(1, 3))
        with contextlib.suppress(bai2.Bai2Error):
            bai2.parse("".join(text).encode("latin-1"))


@pytest.mark.django_db
def test_import_refuses_damaged_files_with_a_validation_error_and_stores_nothing(make_user):
    finance = make_user(roles.FINANCE, username="finance")
    for name, content in [
        ("junk.bai2", _junk(3)),
        ("only-header.bai2", HEADER.encode()),
        ("huge.bai2", GOOD.replace("010,500", "010," + "9" * 5000).encode()),
    ]:
        with pytest.raises(ValidationError) as caught:
            bai2_import(content=content, file_name=name, by=finance)
        assert caught.value.messages[0].startswith(f"{name} was refused: ")
    assert (Bai2File.objects.count(), Bai2Transaction.objects.count()) == (0, 0)


@pytest.mark.django_db
def test_import_of_a_clock_time_file_with_a_dos_end_mark_keeps_hhmm(make_user):
    finance = make_user(roles.FINANCE, username="finance")
    lines = one_account(
        "03,1234,USD,010,500,,/",
        "16,301,250,Z,B1,,DEPOSIT/",
        total=750,
        header="01,BANKID,DISTRICT,260301,06:00:35,F7,,,2/",
    )
    result = bai2_import(
        content=("\r\n".join(lines) + "\r\n\x1a").encode(), file_name="day.bai2", by=finance
    )
    assert result.created and result.lines_imported == 1
    assert Bai2File.objects.get().created_time == "0600"
