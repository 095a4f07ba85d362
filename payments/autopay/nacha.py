"""NACHA (ACH) file records as dataclasses, and what the writer, reader and checker share.

A file is 94-character records: the file header (1), batches of a batch header (5), entry
details (6) each followed by its addenda (7), and a batch control (8), then the file control
(9), padded with records of nines to a multiple of ten (the blocking factor). Columns below are
1-based and inclusive, as the NACHA Operating Rules' record layouts number them.

Money is integer cents. The controls (counts, entry hashes, totals, block count, batch numbers,
trace numbers left blank) are computed by the writer, never taken from these dataclasses.
"""

import datetime
from dataclasses import dataclass, field

RECORD_LENGTH = 94
BLOCKING_FACTOR = 10
PADDING_RECORD = "9" * RECORD_LENGTH

SERVICE_CLASS_MIXED, SERVICE_CLASS_CREDITS, SERVICE_CLASS_DEBITS = 200, 220, 225
SERVICE_CLASSES = (SERVICE_CLASS_MIXED, SERVICE_CLASS_CREDITS, SERVICE_CLASS_DEBITS)
ENTRY_CLASSES = ("PPD", "WEB", "COR")
# COR: the class of a bank's notification of change (NOC), zero-dollar entries whose addenda
# (type 98) carry the corrected account data.
SEC_NOTIFICATION_OF_CHANGE = "COR"
# Transaction codes: 2x checking, 3x savings; x2 credit, x3 credit prenote, x7 debit, x8 debit
# prenote. A prenote carries no money: it tests the account before the first live entry.
DEBITS = (27, 37)
CREDITS = (22, 32)
PRENOTES = (23, 28, 33, 38)
# Returns and notifications of change the receiving bank sends back: x1 for an original credit
# (22, 23, 32, 33), x6 for an original debit (27, 28, 37, 38). A returned prenote and a NOC
# carry no money; a returned live entry carries its amount.
RETURNED_CREDITS = (21, 31)
RETURNED_DEBITS = (26, 36)
RETURN_CODES = (*RETURNED_CREDITS, *RETURNED_DEBITS)
TRANSACTION_CODES = (*CREDITS, *DEBITS, *PRENOTES, *RETURN_CODES)
CHECKING_CODES = (21, 22, 23, 26, 27, 28)  # a NOC's corrected transaction code names the type
SAVINGS_CODES = (31, 32, 33, 36, 37, 38)
# WEB entries name their payment type in the discretionary data (columns 77-78): R recurring,
# S single entry, ST standing authorization (NACHA Operating Rules, Appendix Three). The field
# is alphanumeric, so left-justified ("S "); the public moov-io sample right-justifies it (" S"),
# which banks accept, so either reads.
WEB_PAYMENT_TYPES = ("R", "S", "ST")
ADDENDA_TYPE = "05"  # the only addenda PPD and WEB entries carry (at most one)
RETURN_ADDENDA_TYPE = "99"  # a return entry's one addenda: reason code, original trace, ...
CHANGE_ADDENDA_TYPE = "98"  # a NOC entry's one addenda: change code and corrected data


def is_debit(transaction_code: int) -> bool:
    """Debit codes end in 5-9 (27 debit, 28 its prenote); credits end in 1-4."""
    return transaction_code % 10 >= 5


@dataclass(frozen=True)
class Problem:
    line_number: int  # 1-based; 0 for the file as a whole
    message: str

    def __str__(self) -> str:
        return f"line {self.line_number}: {self.message}" if self.line_number else self.message


@dataclass
class AchAddenda:
    payment_related_information: str = ""  # 80 characters
    type_code: str = ADDENDA_TYPE
    sequence_number: int = 0  # 0: the writer numbers the entry's addenda 1, 2, ...
    entry_detail_sequence: int = 0  # 0: the writer takes the entry's trace sequence


@dataclass
class AchReturnAddenda:
    """Addenda type 99 of a return entry (columns: 4-6 reason, 7-21 original trace, 22-27 date
    of death, 28-35 original RDFI, 36-79 addenda information, 80-94 the entry's trace)."""

    return_reason_code: str  # R01, R02, ...
    original_trace_number: str  # 15 digits: the trace of the entry we sent
    original_rdfi: str = ""  # 8 digits: the bank the original entry went to
    date_of_death: datetime.date | None = None  # R14/R15 only
    addenda_information: str = ""  # 44 characters
    type_code: str = RETURN_ADDENDA_TYPE


@dataclass
class AchChangeAddenda:
    """Addenda type 98 of a NOC entry (columns: 4-6 change code, 7-21 original trace, 22-27
    reserved, 28-35 original RDFI, 36-64 corrected data, 65-79 reserved, 80-94 the entry's
    trace)."""

    change_code: str  # C01, C02, ...
    original_trace_number: str
    original_rdfi: str = ""
    corrected_data: str = ""  # 29 characters, laid out per change code (see payments.autopay.noc)
    type_code: str = CHANGE_ADDENDA_TYPE


@dataclass
class AchEntry:
    transaction_code: int
    rdfi_routing: str  # the receiving bank's nine-digit routing number, check digit included
    account_number: str  # the receiver's account at that bank (up to 17 characters)
    amount_cents: int
    individual_name: str  # up to 22 characters
    individual_id: str = ""  # up to 15 characters: the district's account number
    discretionary_data: str = ""  # 2 characters; for WEB the payment type code ("R ", "S ")
    trace_number: str = ""  # 15 digits; "": the writer assigns the ODFI + a 7-digit sequence
    addenda: list[AchAddenda | AchReturnAddenda | AchChangeAddenda] = field(default_factory=list)


@dataclass
class AchBatch:
    service_class_code: int  # 200 mixed, 220 credits only, 225 debits only
    company_name: str  # 16 characters
    company_id: str  # 10 characters, as the ODFI assigned it
    sec_code: str  # PPD or WEB
    entry_description: str  # 10 characters, shown on the customer's statement
    effective_entry_date: datetime.date
    odfi_routing: str  # the first eight digits of the originating bank's routing number
    entries: list[AchEntry] = field(default_factory=list)
    company_discretionary_data: str = ""  # 20 characters
    descriptive_date: str = ""  # 6 characters, free text ("Mar 5 ")
    settlement_date: str = ""  # 3 digits (Julian day) the ACH operator fills in; blank sent
    originator_status_code: str = "1"
    batch_number: int = 0  # 0: the writer numbers the batches 1, 2, ... in file order


@dataclass
class AchFile:
    immediate_destination: str  # the receiving point's routing number (right-justified)
    immediate_origin: str  # 10 characters (right-justified)
    creation_date: datetime.date
    batches: list[AchBatch] = field(default_factory=list)
    creation_time: str = ""  # HHMM
    file_id_modifier: str = "A"
    immediate_destination_name: str = ""  # 23 characters
    immediate_origin_name: str = ""  # 23 characters
    reference_code: str = ""  # 8 characters
    priority_code: str = "01"
    line_ending: str = "\n"  # between records ("" for a file of unbroken 94-character records)
    final_line_ending: bool = True  # a line ending after the last record


def cut(record: str, start: int, end: int) -> str:
    """Columns start..end (1-based, inclusive) of a record."""
    return record[start - 1 : end]


def yymmdd(text: str) -> datetime.date | None:
    if len(text) != 6 or not text.isdigit():
        return None
    try:
        return datetime.date(2000 + int(text[:2]), int(text[2:4]), int(text[4:]))
    except ValueError:
        return None


def split_records(data: bytes) -> tuple[list[str], str, bool, list[Problem]]:
    """(the records, the line ending between them, whether the last one ends a line, problems
    of the file as a whole). A file without line breaks is cut into 94-character records."""
    try:
        text = data.decode("ascii")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        return [], "\n", True, [Problem(line, "a character that is not ASCII (NACHA files are)")]
    if not text:
        return [], "\n", True, [Problem(0, "the file is empty")]
    if "\n" not in text and "\r" not in text and len(text) % RECORD_LENGTH == 0:
        records = [text[i : i + RECORD_LENGTH] for i in range(0, len(text), RECORD_LENGTH)]
        return records, "", False, []
    ending = "\r\n" if "\r\n" in text else "\n"
    final = text.endswith(ending)
    records = (text[: -len(ending)] if final else text).split(ending)
    return records, ending, final, []
