"""Check a NACHA file against its own controls, naming the line and the reason for each fault.

Recomputes everything: record lengths and order, each batch's and the file's counts, entry
hashes and totals, the block count, trace numbers (unique, the ODFI's, ascending in a batch),
routing numbers' check digits, and that each batch settles on a Federal Reserve banking day.

The bank's return file is checked the same way: a return entry (transaction code 21, 26, 31,
36) carries one addenda of type 99, a notification of change (a COR batch of zero-dollar
return-code entries) one of type 98; both addenda repeat their entry's trace number.
"""

from dataclasses import dataclass, field

from payments.autopay.aba import aba_problem
from payments.autopay.fed_calendar import closed_because
from payments.autopay.nacha import (
    ADDENDA_TYPE,
    BLOCKING_FACTOR,
    CHANGE_ADDENDA_TYPE,
    CREDITS,
    DEBITS,
    ENTRY_CLASSES,
    PADDING_RECORD,
    PRENOTES,
    RECORD_LENGTH,
    RETURN_ADDENDA_TYPE,
    RETURN_CODES,
    RETURNED_CREDITS,
    RETURNED_DEBITS,
    SEC_NOTIFICATION_OF_CHANGE,
    SERVICE_CLASS_CREDITS,
    SERVICE_CLASS_DEBITS,
    SERVICE_CLASSES,
    TRANSACTION_CODES,
    WEB_PAYMENT_TYPES,
    Problem,
    cut,
    is_debit,
    split_records,
    yymmdd,
)

_HASH_MODULUS = 10**10
_MAX_ADDENDA = 1  # PPD and WEB entries carry at most one addenda record, returns and NOCs one
_ADDENDA_NAMES = {
    ADDENDA_TYPE: "05 (PPD and WEB)",
    RETURN_ADDENDA_TYPE: "99 (a return entry's)",
    CHANGE_ADDENDA_TYPE: "98 (a notification of change's)",
}


@dataclass
class _Batch:
    line: int
    service_class: str
    company_id: str
    sec_code: str
    odfi: str
    number: str
    count: int = 0
    entry_hash: int = 0
    debits: int = 0
    credits: int = 0
    last_trace: str = ""


@dataclass
class _State:
    problems: list[Problem] = field(default_factory=list)
    batch: _Batch | None = None
    # line, trace, addenda expected, seen, the addenda type the entry takes
    entry: tuple[int, str, int, int, str] | None = None
    traces: dict[str, int] = field(default_factory=dict)
    batches: int = 0
    count: int = 0
    entry_hash: int = 0
    debits: int = 0
    credits: int = 0
    last_batch_number: int = 0
    seen_header: bool = False
    seen_control: bool = False
    control_line: int = 0
    control: str = ""

    def problem(self, line: int, message: str) -> None:
        self.problems.append(Problem(line, message))


def nacha_check(data: bytes) -> list[Problem]:
    """Every fault of the file, in line order; [] for a good file."""
    records, _, _, problems = split_records(data)
    if problems:
        return problems
    state = _State()
    for number, record in enumerate(records, start=1):
        if state.seen_control:
            if record != PADDING_RECORD:
                state.problem(number, "only records of nines may follow the file control record")
            continue
        kind = record[:1]
        if len(record) != RECORD_LENGTH:
            state.problem(number, f"the record is {len(record)} characters long, not 94")
            record = record.ljust(RECORD_LENGTH)[:RECORD_LENGTH]
        if not state.seen_header and kind != "1":
            state.problem(number, "the file does not begin with a file header record (type 1)")
            state.seen_header = True
        handler = _HANDLERS.get(kind)
        if handler is None:
            state.problem(number, f"“{kind}” is not a NACHA record type (1, 5, 6, 7, 8 or 9)")
            continue
        handler(state, number, record)
    _end_of_file(state, records)
    return sorted(state.problems, key=lambda problem: problem.line_number)


def _file_header(state: _State, number: int, record: str) -> None:
    if state.seen_header:
        state.problem(number, "a second file header record")
        return
    state.seen_header = True
    if cut(record, 2, 3) != "01":
        state.problem(number, "the priority code (columns 2-3) is not 01")
    destination = cut(record, 4, 13)
    if destination[0] != " ":
        state.problem(number, "the immediate destination (columns 4-13) is not “ ” + nine digits")
    elif problem := aba_problem(destination[1:]):
        state.problem(number, f"the immediate destination: {problem}")
    if not cut(record, 14, 23).strip():
        state.problem(number, "the immediate origin (columns 14-23) is blank")
    if yymmdd(cut(record, 24, 29)) is None:
        state.problem(number, "the file creation date (columns 24-29) is not a date YYMMDD")
    time = cut(record, 30, 33)
    if time.strip() and not (time.isdigit() and time[:2] < "24" and time[2:] < "60"):
        state.problem(number, "the file creation time (columns 30-33) is not HHMM")
    modifier = cut(record, 34, 34)
    if not (modifier.isascii() and (modifier.isupper() or modifier.isdigit())):
        state.problem(number, "the file id modifier (column 34) is not A-Z or 0-9")
    if cut(record, 35, 40) != "094101":
        state.problem(
            number,
            "the record size, blocking factor and format code (columns 35-40) are not 094101",
        )


def _batch_header(state: _State, number: int, record: str) -> None:
    if state.batch is not None:
        state.problem(
            number, f"a batch header before the batch of line {state.batch.line} was closed"
        )
    state.entry = None
    service_class = cut(record, 2, 4)
    sec_code = cut(record, 51, 53)
    batch = _Batch(
        line=number,
        service_class=service_class,
        company_id=cut(record, 41, 50),
        sec_code=sec_code,
        odfi=cut(record, 80, 87),
        number=cut(record, 88, 94),
    )
    state.batch = batch
    if not service_class.isdigit() or int(service_class) not in SERVICE_CLASSES:
        state.problem(number, f"the service class code “{service_class}” is not 200, 220 or 225")
    if not cut(record, 5, 20).strip():
        state.problem(number, "the company name (columns 5-20) is blank")
    if not batch.company_id.strip():
        state.problem(number, "the company identification (columns 41-50) is blank")
    if sec_code not in ENTRY_CLASSES:
        state.problem(number, f"the standard entry class “{sec_code}” is not PPD, WEB or COR")
    if not cut(record, 54, 63).strip():
        state.problem(number, "the company entry description (columns 54-63) is blank")
    effective = yymmdd(cut(record, 70, 75))
    if effective is None:
        state.problem(number, "the effective entry date (columns 70-75) is not a date YYMMDD")
    elif reason := closed_because(effective):
        state.problem(
            number,
            f"the effective entry date {effective:%m/%d/%Y} is not a banking day ({reason})",
        )
    if cut(record, 79, 79) not in ("0", "1", "2"):
        state.problem(number, "the originator status code (column 79) is not 0, 1 or 2")
    if not batch.odfi.isdigit():
        state.problem(number, "the originating bank's routing number (columns 80-87) is not digits")
    if not batch.number.isdigit():
        state.problem(number, "the batch number (columns 88-94) is not digits")
    elif int(batch.number) <= state.last_batch_number:
        state.problem(number, f"the batch number {int(batch.number)} is not above the one before")
    else:
        state.last_batch_number = int(batch.number)


def _entry(state: _State, number: int, record: str) -> None:
    batch = state.batch
    _addenda_complete(state)
    if batch is None:
        state.problem(number, "an entry detail record outside a batch")
        return
    code_text, routing, amount_text = cut(record, 2, 3), cut(record, 4, 12), cut(record, 30, 39)
    code = int(code_text) if code_text.isdigit() else 0
    is_change = batch.sec_code == SEC_NOTIFICATION_OF_CHANGE
    if code not in TRANSACTION_CODES:
        state.problem(
            number,
            f"the transaction code “{code_text}” is not one of 21, 22, 23, 26, 27, 28, 31, 32, "
            "33, 36, 37, 38",
        )
    elif is_change and code not in RETURN_CODES:
        state.problem(
            number,
            f"a notification of change (COR) with transaction code {code}, not 21, 26, 31 or 36",
        )
    elif batch.service_class == str(SERVICE_CLASS_DEBITS) and code not in (
        *DEBITS,
        28,
        38,
        *RETURNED_DEBITS,
    ):
        state.problem(number, f"a credit (transaction code {code}) in a debits-only batch (225)")
    elif batch.service_class == str(SERVICE_CLASS_CREDITS) and code not in (
        *CREDITS,
        23,
        33,
        *RETURNED_CREDITS,
    ):
        state.problem(number, f"a debit (transaction code {code}) in a credits-only batch (220)")
    if problem := aba_problem(routing):
        state.problem(number, f"the receiving bank's {problem}")
    if not cut(record, 13, 29).strip():
        state.problem(number, "the account number (columns 13-29) is blank")
    amount = int(amount_text) if amount_text.isdigit() else 0
    if not amount_text.isdigit():
        state.problem(number, f"the amount (columns 30-39) “{amount_text}” is not digits")
    elif code in PRENOTES and amount:
        state.problem(number, f"a prenote (transaction code {code}) carries an amount")
    elif is_change and amount:
        state.problem(number, "a notification of change (COR) carries an amount")
    elif code in RETURN_CODES:
        pass  # a returned live entry carries its amount, a returned prenote none
    elif code in TRANSACTION_CODES and code not in PRENOTES and not amount:
        state.problem(
            number, "a live entry of $0.00 (a prenote has transaction code 23, 28, 33 or 38)"
        )
    if not cut(record, 55, 76).strip():
        state.problem(number, "the receiver's name (columns 55-76) is blank")
    if batch.sec_code == "WEB" and cut(record, 77, 78).strip() not in WEB_PAYMENT_TYPES:
        state.problem(
            number,
            "a WEB entry's payment type code (columns 77-78) is not R (recurring), "
            "S (single entry) or ST (standing authorization)",
        )
    indicator = cut(record, 79, 79)
    if indicator not in ("0", "1"):
        state.problem(number, "the addenda record indicator (column 79) is not 0 or 1")
    addenda_type = ADDENDA_TYPE
    if is_change:
        addenda_type = CHANGE_ADDENDA_TYPE
    elif code in RETURN_CODES:
        addenda_type = RETURN_ADDENDA_TYPE
    if addenda_type != ADDENDA_TYPE and indicator == "0":
        state.problem(
            number,
            f"the addenda indicator is 0 but this entry needs its addenda of type {addenda_type}",
        )
    trace = cut(record, 80, 94)
    _trace(state, number, trace)
    state.entry = (number, trace, 1 if indicator == "1" else 0, 0, addenda_type)
    batch.count += 1
    batch.entry_hash += int(routing[:8]) if routing[:8].isdigit() else 0
    if code and is_debit(code):
        batch.debits += amount
    else:
        batch.credits += amount


def _trace(state: _State, number: int, trace: str) -> None:
    batch = state.batch
    if not trace.isdigit():
        state.problem(number, f"the trace number “{trace}” is not 15 digits")
        return
    if trace[:8] != batch.odfi:
        state.problem(
            number, f"the trace number {trace} does not begin with the batch's ODFI {batch.odfi}"
        )
    if trace in state.traces:
        state.problem(
            number, f"the trace number {trace} repeats the entry of line {state.traces[trace]}"
        )
    else:
        state.traces[trace] = number
    if batch.last_trace and trace <= batch.last_trace:
        state.problem(number, f"the trace number {trace} is not above the one before in the batch")
    batch.last_trace = max(trace, batch.last_trace)


def _addenda(state: _State, number: int, record: str) -> None:
    if state.entry is None:
        state.problem(number, "an addenda record that follows no entry detail record")
        return
    entry_line, trace, expected, seen, addenda_type = state.entry
    seen += 1
    state.entry = (entry_line, trace, expected, seen, addenda_type)
    state.batch.count += 1
    if expected == 0:
        state.problem(
            number,
            f"an addenda record for the entry of line {entry_line}, whose addenda indicator is 0",
        )
    elif seen > _MAX_ADDENDA:
        state.problem(number, f"a second addenda record for the entry of line {entry_line}")
    if cut(record, 2, 3) != addenda_type:
        state.problem(
            number,
            f"the addenda type “{cut(record, 2, 3)}” is not {_ADDENDA_NAMES[addenda_type]}",
        )
    if addenda_type != ADDENDA_TYPE:
        _return_addenda(state, number, record, trace, addenda_type)
        return
    sequence = cut(record, 84, 87)
    if sequence != f"{seen:04d}":
        state.problem(number, f"the addenda sequence number “{sequence}” should be {seen:04d}")
    if cut(record, 88, 94) != trace[-7:]:
        state.problem(
            number,
            f"the entry detail sequence number “{cut(record, 88, 94)}” is not the last seven "
            f"digits of its entry's trace number {trace}",
        )


def _return_addenda(state: _State, number: int, record: str, trace: str, addenda_type) -> None:
    """A return's (99) or a NOC's (98) addenda: its code, the original trace, its own trace."""
    code = cut(record, 4, 6)
    letter, what = (
        ("R", "return reason") if addenda_type == RETURN_ADDENDA_TYPE else ("C", "change")
    )
    if not (code[:1] == letter and code[1:].isdigit()):
        state.problem(number, f"the {what} code “{code}” (columns 4-6) is not {letter}nn")
    original = cut(record, 7, 21)
    if not original.isdigit():
        state.problem(
            number, f"the original trace number “{original}” (columns 7-21) is not digits"
        )
    if addenda_type == RETURN_ADDENDA_TYPE:
        death = cut(record, 22, 27)
        if death.strip() and yymmdd(death) is None:
            state.problem(number, "the date of death (columns 22-27) is not a date YYMMDD")
    if cut(record, 80, 94) != trace:
        state.problem(
            number,
            f"the trace number “{cut(record, 80, 94)}” (columns 80-94) is not its entry's {trace}",
        )


def _addenda_complete(state: _State) -> None:
    if state.entry is not None:
        entry_line, _, expected, seen, _ = state.entry
        if expected and not seen:
            state.problem(entry_line, "the addenda indicator is 1 but no addenda record follows")
    state.entry = None


def _batch_control(state: _State, number: int, record: str) -> None:
    batch = state.batch
    _addenda_complete(state)
    if batch is None:
        state.problem(number, "a batch control record without its batch header")
        return
    state.batch = None
    where = f"the batch control (batch of line {batch.line})"
    if batch.count == 0:
        state.problem(number, f"the batch of line {batch.line} holds no entries")
    batch.entry_hash %= _HASH_MODULUS
    for start, end, field_name, found, said_as in (
        (2, 4, "service class code", batch.service_class, None),
        (5, 10, "entry and addenda count", batch.count, 6),
        (11, 20, "entry hash", batch.entry_hash, 10),
        (21, 32, "total debit amount", batch.debits, 12),
        (33, 44, "total credit amount", batch.credits, 12),
        (45, 54, "company identification", batch.company_id, None),
        (80, 87, "originating bank", batch.odfi, None),
        (88, 94, "batch number", batch.number, None),
    ):
        _compare(state, number, record, start, end, where, field_name, found, said_as)
    state.batches += 1
    state.count += batch.count
    state.entry_hash = (state.entry_hash + batch.entry_hash) % _HASH_MODULUS
    state.debits += batch.debits
    state.credits += batch.credits


def _compare(state, number, record, start, end, where, field_name, found, width) -> None:
    said = cut(record, start, end)
    expected = str(found) if width is None else f"{found:0{width}d}"
    if said != expected:
        state.problem(
            number,
            f"{where} says {field_name} “{said}” (columns {start}-{end}) but the records give "
            f"“{expected}”",
        )


def _file_control(state: _State, number: int, record: str) -> None:
    if state.batch is not None:
        state.problem(number, f"the batch of line {state.batch.line} has no batch control record")
        state.batch = None
    state.seen_control = True
    state.control_line = number
    state.control = record


def _end_of_file(state: _State, records: list[str]) -> None:
    if not records:
        return
    if not state.seen_control:
        if state.batch is not None:
            state.problem(len(records), f"the batch of line {state.batch.line} is not closed")
        state.problem(len(records), "the file has no file control record (type 9)")
        return
    number, record = state.control_line, state.control
    blocks = -(-len(records) // BLOCKING_FACTOR)
    where = "the file control"
    for start, end, field_name, found, width in (
        (2, 7, "batch count", state.batches, 6),
        (8, 13, "block count", blocks, 6),
        (14, 21, "entry and addenda count", state.count, 8),
        (22, 31, "entry hash", state.entry_hash, 10),
        (32, 43, "total debit amount", state.debits, 12),
        (44, 55, "total credit amount", state.credits, 12),
    ):
        _compare(state, number, record, start, end, where, field_name, found, width)
    if len(records) % BLOCKING_FACTOR:
        state.problem(
            len(records),
            f"the file holds {len(records)} records, not a multiple of {BLOCKING_FACTOR} "
            "(pad the last block with records of nines)",
        )


_HANDLERS = {
    "1": _file_header,
    "5": _batch_header,
    "6": _entry,
    "7": _addenda,
    "8": _batch_control,
    "9": _file_control,
}
