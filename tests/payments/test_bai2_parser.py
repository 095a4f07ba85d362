"""The BAI2 parser and writer: records, continuations, funds types, counts and control totals.

Pure functions: no database."""

import datetime

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from payments.bank import bai2
from tests.payments.samples_bank import bai2_file, detail
from tests.payments.shared_data import SAMPLES, needs_samples

HEADER = "01,SENDER,RECEIVER,260301,0600,F1,,,2/"
GROUP = "02,RECEIVER,SENDER,1,260228,,USD,2/"


def wrap(*account_records: str, account_total: int, records: int | None = None) -> str:
    """A one-account file around the given 03/16/88 records, with correct trailers."""
    count = records if records is not None else len(account_records) + 1
    group_records = count + 2
    return "\n".join(
        [
            HEADER,
            GROUP,
            *account_records,
            f"49,{account_total},{count}/",
            f"98,{account_total},1,{group_records}/",
            f"99,{account_total},1,{group_records + 2}/",
        ]
    )


# -- records and continuations ---------------------------------------------------------------


def test_continuation_splits_a_field_of_an_03_record():
    # given the amount 12345 of the 015 summary split between the 03 and its 88
    text = wrap("03,999,USD,010,500,,,015,123", "88,45,2,Z/", account_total=12845)
    # when
    account = bai2.parse(text).groups[0].accounts[0]
    # then the field was joined before splitting
    assert [(s.type_code, s.amount, s.item_count) for s in account.summaries] == [
        ("010", 500, None),
        ("015", 12345, 2),
    ]


def test_continuation_after_a_slash_starts_a_new_field():
    text = wrap("03,999,USD,010,500,,,/", "88,015,700,,/", account_total=1200)
    account = bai2.parse(text).groups[0].accounts[0]
    assert [(s.type_code, s.amount) for s in account.summaries] == [("010", 500), ("015", 700)]


def test_detail_text_runs_on_across_88_records_and_keeps_commas_and_slashes():
    text = wrap(
        "03,999,USD/",
        "16,301,2500,Z,BANKREF,CUSTREF,DEPOSIT 12, BRANCH 4/5",
        "88,COUNTER CHECKS/",
        account_total=2500,
    )
    line = bai2.parse(text).groups[0].accounts[0].details[0]
    assert line.bank_reference == "BANKREF"
    assert line.customer_reference == "CUSTREF"
    assert line.text == "DEPOSIT 12, BRANCH 4/5 COUNTER CHECKS"


def test_detail_text_only_in_the_continuation_record():
    # As the SVB sample writes it: "16,142,490196,,172629,/" then "88,SOME PAYMENT ACH OFFSET".
    text = wrap("03,999,USD/", "16,142,490196,,172629,/", "88,SOME TEXT", account_total=490196)
    line = bai2.parse(text).groups[0].accounts[0].details[0]
    assert (line.bank_reference, line.customer_reference, line.text) == ("172629", "", "SOME TEXT")


def test_funds_types_s_v_and_d():
    text = wrap(
        "03,999,USD,100,6000,3,S,1000,2000,3000,400,500,,V,260227,1230/",
        "16,195,7000,D,2,0,5000,1,2000,REF1,,WIRE/",
        "16,301,100,1,REF2,,/",
        account_total=6000 + 500 + 7000 + 100,
    )
    account = bai2.parse(text).groups[0].accounts[0]
    assert account.summaries[0].funds == {
        "type": "S",
        "immediate": 1000,
        "one_day": 2000,
        "two_or_more_days": 3000,
    }
    assert account.summaries[1].funds == {
        "type": "V",
        "value_date": "2026-02-27",
        "value_time": "1230",
    }
    wire, other = account.details
    assert wire.funds == {"type": "D", "distribution": [[0, 5000], [1, 2000]]}
    assert (wire.bank_reference, wire.text) == ("REF1", "WIRE")
    assert other.funds == {"type": "1"}


def test_signed_and_blank_amounts():
    text = wrap("03,999,USD,010,-2500,,,015,,,,040,+1000,,/", account_total=-1500)
    summaries = bai2.parse(text).groups[0].accounts[0].summaries
    assert [s.amount for s in summaries] == [-2500, None, 1000]


def test_padded_fixed_length_records_are_read():
    lines = wrap("03,999,USD,010,500,,/", account_total=500).split("\n")
    padded = "\n".join(line.ljust(80) for line in lines)
    assert bai2.parse(padded).control_total == 500
    unblocked = "".join(line.replace(",,,2/", ",80,,2/").ljust(80) for line in lines)
    assert bai2.parse(unblocked).groups[0].accounts[0].summaries[0].amount == 500


def test_direction_by_type_code_range():
    assert [bai2.direction(code) for code in ("010", "142", "399", "409", "555", "699")] == [
        "other",
        "credit",
        "credit",
        "debit",
        "debit",
        "debit",
    ]
    assert [bai2.direction(code) for code in ("720", "890", "940", "970")] == [
        "other",
        "other",
        "credit",
        "debit",
    ]


# -- refusals --------------------------------------------------------------------------------


def refusal(text: str) -> str:
    with pytest.raises(bai2.Bai2Error) as caught:
        bai2.parse(text)
    return str(caught.value)


def test_wrong_account_control_total_is_refused_with_line_and_figures():
    text = wrap("03,999,USD,010,500,,/", "16,301,250,Z,,,/", account_total=751)
    text = text.replace("98,751", "98,750").replace("99,751", "99,750")
    assert refusal(text) == (
        "Line 5: account 999 control total (49): the file states 7.51 but its records add up "
        "to 7.50."
    )


def test_wrong_group_and_file_totals_are_refused():
    good = wrap("03,999,USD,010,500,,/", account_total=500)
    assert refusal(good.replace("98,500", "98,501")) == (
        "Line 5: group control total (98): the file states 5.01 but its records add up to 5.00."
    )
    assert refusal(good.replace("99,500", "99,499")) == (
        "Line 6: file control total (99): the file states 4.99 but its records add up to 5.00."
    )


def test_wrong_record_counts_are_refused():
    good = wrap("03,999,USD,010,500,,,/", "88,015,0,,/", account_total=500)
    assert "number of records (49): the file states 2 but its records add up to 3" in refusal(
        good.replace("49,500,3/", "49,500,2/")
    )
    assert "group number of records (98): the file states 4" in refusal(
        good.replace("98,500,1,5/", "98,500,1,4/")
    )
    assert "file number of records (99): the file states 8 but its records add up to 7" in (
        refusal(good.replace("99,500,1,7", "99,500,1,8"))
    )
    assert "number of groups (99)" in refusal(good.replace("99,500,1,7", "99,500,2,7"))
    assert "number of accounts (98)" in refusal(good.replace("98,500,1,5", "98,500,2,5"))


def test_missing_trailers_and_misplaced_records_are_refused():
    good = wrap("03,999,USD,010,500,,/", account_total=500)
    assert refusal(good.rsplit("\n", 1)[0]) == (
        "The file ends early: the 99 file trailer is missing."
    )
    without_49 = "\n".join(line for line in good.split("\n") if not line.startswith("49"))
    assert refusal(without_49) == (
        "Line 4: the 49 account trailer of account 999 (line 3) is missing before the 98 group "
        "trailer."
    )
    early_detail = good.replace("03,999,USD,010,500,,/", "16,301,500,Z,,,/\n03,999,USD/")
    assert refusal(early_detail) == (
        "Line 3: a 16 transaction detail comes before any 03 account identifier."
    )
    assert "not an amount" in refusal(good.replace("010,500", "010,5.00"))
    assert "is not a BAI2 record" in refusal(good.replace("03,999", "07,999"))
    assert "BAI version 2 and BTRS version 3 are read" in refusal(good.replace(",2/", ",4/", 1))
    assert bai2.parse(good.replace(",2/", ",3/", 1)).version == "3"  # BTRS: the same records


# -- the writer ------------------------------------------------------------------------------


def _same(parsed: bai2.Bai2File, written: bai2.Bai2File) -> None:
    assert parsed.control_total == sum(
        (s.amount or 0) for g in written.groups for a in g.accounts for s in a.summaries
    ) + sum((d.amount or 0) for g in written.groups for a in g.accounts for d in a.details)
    for group, original in zip(parsed.groups, written.groups, strict=True):
        assert group.as_of_date == original.as_of_date
        for account, source in zip(group.accounts, original.accounts, strict=True):
            assert account.number == source.number
            assert account.summaries == source.summaries
            assert [
                (d.type_code, d.amount, d.funds, d.bank_reference, d.customer_reference, d.text)
                for d in account.details
            ] == [
                (d.type_code, d.amount, d.funds, d.bank_reference, d.customer_reference, d.text)
                for d in source.details
            ]


def test_writer_continues_long_records_in_88s_and_pads_them():
    long_text = "PAYMENT FROM A CUSTOMER WITH A VERY LONG NAME, ACCOUNT 12345, REF 9/9"
    structure = bai2_file(
        [detail("301", "10.00", bank_reference="B1", text=long_text)],
        as_of=datetime.date(2026, 2, 27),
    )
    text = bai2.write(structure, record_length=40, pad=True)
    records = text.splitlines()
    assert all(len(record) == 40 for record in records)
    assert sum(record.startswith("88,") for record in records) >= 2
    _same(bai2.parse(text), structure)


_word = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.#&,/", min_size=1, max_size=12)
_text = st.lists(_word, max_size=8).map(" ".join).filter(lambda t: not t.endswith("/"))
_ref = st.text(alphabet="ABCDEFGHIJ0123456789", max_size=12)
_funds = st.one_of(
    st.sampled_from([{"type": "Z"}, {"type": "0"}, {"type": "1"}, {"type": "2"}]),
    st.builds(
        lambda d, t: {"type": "V", "value_date": d.isoformat(), "value_time": t},
        st.dates(datetime.date(2000, 1, 1), datetime.date(2079, 12, 31)),
        st.sampled_from(["", "0930", "2400"]),
    ),
    st.builds(
        lambda a, b, c: {"type": "S", "immediate": a, "one_day": b, "two_or_more_days": c},
        st.integers(0, 10**9),
        st.integers(0, 10**9),
        st.integers(0, 10**9),
    ),
    st.lists(st.tuples(st.integers(0, 9), st.integers(0, 10**8)), max_size=3).map(
        lambda pairs: {"type": "D", "distribution": [list(pair) for pair in pairs]}
    ),
)
_detail = st.builds(
    bai2.Detail,
    type_code=st.sampled_from(["142", "301", "409", "475", "555", "698", "720"]),
    amount=st.integers(0, 10**10),
    funds=_funds,
    bank_reference=_ref,
    customer_reference=_ref,
    text=_text,
)
_summary = st.builds(
    bai2.Summary,
    type_code=st.sampled_from(["010", "015", "040", "100", "400"]),
    amount=st.one_of(st.none(), st.integers(-(10**10), 10**10)),
    item_count=st.one_of(st.none(), st.integers(0, 999)),
    funds=_funds,
)


@hypothesis_settings(max_examples=60, deadline=None)
@given(
    details=st.lists(_detail, max_size=6),
    summaries=st.lists(_summary, max_size=5),
    record_length=st.sampled_from([None, 80, 50]),
)
def test_write_then_parse_gives_the_same_data_and_totals(details, summaries, record_length):
    structure = bai2_file(details, summaries=summaries, as_of=datetime.date(2026, 2, 27))
    text = bai2.write(structure, record_length=record_length, pad=record_length == 80)
    parsed = bai2.parse(text)
    _same(parsed, structure)
    account = parsed.groups[0].accounts[0]
    assert account.control_total == sum(s.amount or 0 for s in summaries) + sum(
        d.amount for d in details
    )
    assert parsed.record_count == len(text.splitlines())


# -- the public samples ----------------------------------------------------------------------


@needs_samples
def test_svb_sample_totals_worked_by_hand():
    parsed = bai2.parse((SAMPLES / "bai2_mojbai2_svb_us_example.bai2").read_bytes())
    first, second = (group.accounts[0] for group in parsed.groups)
    # 49 = 03 summaries (34726979 + 35217175 + 32742537 + 35217175 + 0 + 0 + 490196 + 0)
    #      + the 16 (490196)
    assert first.control_total == 138884258
    assert [s.type_code for s in first.summaries] == [
        "010", "015", "040", "045", "072", "074", "100", "400"
    ]  # fmt: skip
    assert second.control_total == 143145938
    assert parsed.control_total == 282030196
    assert (parsed.group_count, parsed.record_count) == (2, 20)
    assert first.details[0].text == "SOME PAYMENT ACH OFFSET"
    assert first.details[0].bank_reference == "172629"


@needs_samples
def test_cad_sample_totals_worked_by_hand():
    parsed = bai2.parse((SAMPLES / "bai2_moov_sample1_cad_returned_cheques.bai2").read_bytes())
    first, second = parsed.groups[0].accounts
    assert first.currency == "CAD"
    # 49 = 208500 + 208500 (the 100 and 400 summaries) + 417000 of 16 amounts
    assert (first.control_total, first.record_count) == (834000, 14)
    assert (second.control_total, second.record_count) == (446000, 9)
    assert parsed.control_total == 1280000
    assert parsed.record_count == 27
    assert first.summaries[2].funds == {
        "type": "V",
        "value_date": "2006-03-16",
        "value_time": "",
    }
    assert first.details[0].text == "RETURNED CHEQUE"
    assert sum(d.amount for d in first.details) == 417000
