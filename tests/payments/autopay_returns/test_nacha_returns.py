"""Return (addenda 99) and NOC (COR, addenda 98) entries written, read back byte for byte, and
each broken control refused naming its line."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from payments.autopay.nacha import AchChangeAddenda, AchReturnAddenda
from payments.autopay.nacha_check import nacha_check
from payments.autopay.nacha_read import nacha_read
from payments.autopay.nacha_write import nacha_write
from tests.payments.autopay_returns.builders import changed, return_file, returned

ORIGINAL = "121000350000042"


def _file():
    """Lines: 1 header; 2 batch (PPD); 3 return; 4 its addenda 99; 5 batch control; 6 batch
    (COR); 7 NOC; 8 its addenda 98; 9 batch control; 10 file control."""
    return return_file(
        [returned(ORIGINAL, "R15", 4_213, date_of_death=datetime.date(2026, 11, 30))],
        [changed(ORIGINAL, "C03", "121000358   98765432101")],
    )


def test_returns_and_nocs_round_trip():
    data = nacha_write(_file())
    assert nacha_check(data) == []
    read = nacha_read(data)
    ret = read.batches[0].entries[0].addenda[0]
    assert isinstance(ret, AchReturnAddenda)
    assert (ret.return_reason_code, ret.original_trace_number, ret.date_of_death) == (
        "R15",
        ORIGINAL,
        datetime.date(2026, 11, 30),
    )
    noc = read.batches[1].entries[0].addenda[0]
    assert isinstance(noc, AchChangeAddenda) and noc.change_code == "C03"
    assert noc.corrected_data == "121000358   98765432101"
    assert read.batches[1].sec_code == "COR"
    assert nacha_write(read) == data


def _broken(line: int, start: int, text: str) -> bytes:
    records = nacha_write(_file()).decode().split("\n")
    record = records[line - 1]
    records[line - 1] = record[: start - 1] + text + record[start - 1 + len(text) :]
    return "\n".join(records).encode()


@pytest.mark.parametrize(
    ("line", "start", "text", "message"),
    [
        (
            5,
            5,
            "000003",
            "line 5: the batch control (batch of line 2) says entry and addenda count",
        ),
        (5, 11, "0000000001", "line 5: the batch control (batch of line 2) says entry hash"),
        (5, 21, "000000004214", "line 5: the batch control (batch of line 2) says total debit"),
        (10, 2, "000003", "line 10: the file control says batch count"),
        (10, 14, "00000009", "line 10: the file control says entry and addenda count"),
        (10, 22, "0000000001", "line 10: the file control says entry hash"),
        (4, 2, "05", "line 4: the addenda type “05” is not 99 (a return entry's)"),
        (8, 2, "99", "line 8: the addenda type “99” is not 98 (a notification of change's)"),
        (4, 4, "X01", "line 4: the return reason code “X01” (columns 4-6) is not Rnn"),
        (4, 80, "231380109999999", "line 4: the trace number “231380109999999” (columns 80-94)"),
        (7, 30, "0000000001", "line 7: a notification of change (COR) carries an amount"),
    ],
)
def test_each_broken_control_is_refused_naming_its_line(line, start, text, message):
    data = _broken(line, start, text)
    assert any(str(problem).startswith(message) for problem in nacha_check(data)), nacha_check(data)
    with pytest.raises(ValidationError, match=message.split(":")[0]):
        nacha_read(data)


def test_a_return_entry_without_its_addenda_is_refused():
    data = _broken(3, 79, "0")
    problems = [str(problem) for problem in nacha_check(data)]
    assert "line 3: the addenda indicator is 0 but this entry needs its addenda of type 99" in (
        problems
    )
