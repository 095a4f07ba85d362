"""Write a NACHA file from its dataclasses, every control computed here."""

import unicodedata

from district.errors import ServiceError
from payments.autopay.nacha import (
    BLOCKING_FACTOR,
    PADDING_RECORD,
    AchBatch,
    AchChangeAddenda,
    AchEntry,
    AchFile,
    AchReturnAddenda,
    is_debit,
)
from payments.autopay.nacha_check import nacha_check

_HASH_MODULUS = 10**10  # the entry hash keeps its rightmost ten digits
_MAX_LISTED = 10


def refuse(errors: list[str], what: str) -> None:
    if errors:
        more = len(errors) - _MAX_LISTED
        listed = "; ".join(errors[:_MAX_LISTED]) + (f"; and {more} more" if more > 0 else "")
        raise ServiceError(f"{what}: {listed}.", code="nacha")


class _Fields:
    """Formats fields, collecting every value that does not fit instead of stopping at one."""

    def __init__(self):
        self.errors: list[str] = []

    def text(self, value: str, width: int, what: str, *, right: bool = False) -> str:
        if not value.isascii():
            # Accents dropped (Peña -> Pena): NACHA records are ASCII.
            decomposed = unicodedata.normalize("NFKD", value)
            value = "".join(ch for ch in decomposed if ch.isascii())
        if len(value) > width:
            self.errors.append(f"{what} “{value}” is longer than {width} characters")
            value = value[:width]
        return value.rjust(width) if right else value.ljust(width)

    def number(self, value: int, width: int, what: str) -> str:
        text = str(value)
        if value < 0 or len(text) > width:
            self.errors.append(f"{what} {value} does not fit {width} digits")
            return "0" * width
        return text.zfill(width)


def nacha_write(file: AchFile, *, check: bool = True) -> bytes:
    """The file's bytes: records of 94 characters, controls computed, padded to whole blocks.

    Raises ServiceError listing every value that does not fit its field and, with `check`
    (the default), every fault the checker finds in what was written (a mistyped routing
    number, an effective date the Fed is closed, ...): no file leaves here that a bank would
    refuse for what we can check."""
    fields = _Fields()
    records = [_file_header(file, fields)]
    traces = _TraceNumbers(file)
    totals = [0, 0, 0, 0, 0]  # batches, entries + addenda, hash, debits, credits
    for position, batch in enumerate(file.batches, start=1):
        count, entry_hash, debits, credits = _write_batch(
            records, batch, batch.batch_number or position, traces, fields
        )
        totals = [
            totals[0] + 1,
            totals[1] + count,
            (totals[2] + entry_hash) % _HASH_MODULUS,
            totals[3] + debits,
            totals[4] + credits,
        ]
    blocks = -(-(len(records) + 1) // BLOCKING_FACTOR)
    n = fields.number
    records.append(
        "9"
        + n(totals[0], 6, "the batch count")
        + n(blocks, 6, "the block count")
        + n(totals[1], 8, "the entry and addenda count")
        + n(totals[2], 10, "the entry hash")
        + n(totals[3], 12, "the file's debit total")
        + n(totals[4], 12, "the file's credit total")
        + " " * 39
    )
    records += [PADDING_RECORD] * (blocks * BLOCKING_FACTOR - len(records))
    refuse(fields.errors, "The ACH file was not written")
    ending = file.line_ending
    data = (ending.join(records) + (ending if file.final_line_ending else "")).encode("ascii")
    if check:
        refuse([str(problem) for problem in nacha_check(data)], "The ACH file was not written")
    return data


def _file_header(file: AchFile, fields: _Fields) -> str:
    t = fields.text
    return (
        "1"
        + t(file.priority_code, 2, "the priority code", right=True)
        + t(file.immediate_destination, 10, "the immediate destination", right=True)
        + t(file.immediate_origin, 10, "the immediate origin", right=True)
        + file.creation_date.strftime("%y%m%d")
        + t(file.creation_time, 4, "the creation time")
        + t(file.file_id_modifier, 1, "the file id modifier")
        + "094"
        + "10"
        + "1"
        + t(file.immediate_destination_name, 23, "the destination name")
        + t(file.immediate_origin_name, 23, "the origin name")
        + t(file.reference_code, 8, "the reference code")
    )


class _TraceNumbers:
    """Trace numbers for entries left without one: the batch's ODFI and a sequence that skips
    the numbers the file already gives, so every trace in the file is unique."""

    def __init__(self, file: AchFile):
        self.used = {
            entry.trace_number
            for batch in file.batches
            for entry in batch.entries
            if entry.trace_number
        }
        self.sequence = 0

    def next(self, odfi: str) -> str:
        while True:
            self.sequence += 1
            trace = f"{odfi}{self.sequence:07d}"
            if trace not in self.used:
                self.used.add(trace)
                return trace


def _write_batch(
    records, batch: AchBatch, number: int, traces, fields
) -> tuple[int, int, int, int]:
    t, n = fields.text, fields.number
    company_id = t(batch.company_id, 10, "the company id")
    odfi = t(batch.odfi_routing, 8, "the ODFI routing number")
    batch_number = n(number, 7, "the batch number")
    service_class = n(batch.service_class_code, 3, "the service class code")
    records.append(
        "5"
        + service_class
        + t(batch.company_name, 16, "the company name")
        + t(batch.company_discretionary_data, 20, "the company discretionary data")
        + company_id
        + t(batch.sec_code, 3, "the standard entry class")
        + t(batch.entry_description, 10, "the entry description")
        + t(batch.descriptive_date, 6, "the descriptive date")
        + batch.effective_entry_date.strftime("%y%m%d")
        + t(batch.settlement_date, 3, "the settlement date")
        + t(batch.originator_status_code, 1, "the originator status code")
        + odfi
        + batch_number
    )
    count = entry_hash = debits = credits = 0
    for entry in batch.entries:
        trace = entry.trace_number or traces.next(batch.odfi_routing)
        records.append(_entry_record(entry, trace, fields))
        count += 1 + len(entry.addenda)
        entry_hash += int(entry.rdfi_routing[:8]) if entry.rdfi_routing[:8].isdigit() else 0
        if is_debit(entry.transaction_code):
            debits += entry.amount_cents
        else:
            credits += entry.amount_cents
        for position, addenda in enumerate(entry.addenda, start=1):
            records.append(_addenda_record(addenda, position, trace, fields))
    entry_hash %= _HASH_MODULUS
    records.append(
        "8"
        + service_class
        + n(count, 6, "the batch's entry and addenda count")
        + n(entry_hash, 10, "the batch's entry hash")
        + n(debits, 12, "the batch's debit total")
        + n(credits, 12, "the batch's credit total")
        + company_id
        + " " * 19  # message authentication code
        + " " * 6  # reserved
        + odfi
        + batch_number
    )
    return count, entry_hash, debits, credits


def _entry_record(entry: AchEntry, trace: str, fields: _Fields) -> str:
    t, n = fields.text, fields.number
    return (
        "6"
        + n(entry.transaction_code, 2, "the transaction code")
        + t(entry.rdfi_routing, 9, "the receiving bank's routing number")
        + t(entry.account_number, 17, "the account number")
        + n(entry.amount_cents, 10, "the amount in cents")
        + t(entry.individual_id, 15, "the individual id")
        + t(entry.individual_name, 22, "the individual name")
        + t(entry.discretionary_data, 2, "the discretionary data")
        + ("1" if entry.addenda else "0")
        + t(trace, 15, "the trace number")
    )


def _addenda_record(addenda, position: int, trace: str, fields: _Fields) -> str:
    t, n = fields.text, fields.number
    if isinstance(addenda, AchReturnAddenda):
        death = addenda.date_of_death.strftime("%y%m%d") if addenda.date_of_death else ""
        return (
            "7"
            + t(addenda.type_code, 2, "the addenda type code")
            + t(addenda.return_reason_code, 3, "the return reason code")
            + t(addenda.original_trace_number, 15, "the original trace number")
            + t(death, 6, "the date of death")
            + t(addenda.original_rdfi, 8, "the original receiving bank")
            + t(addenda.addenda_information, 44, "the addenda information")
            + t(trace, 15, "the trace number")
        )
    if isinstance(addenda, AchChangeAddenda):
        return (
            "7"
            + t(addenda.type_code, 2, "the addenda type code")
            + t(addenda.change_code, 3, "the change code")
            + t(addenda.original_trace_number, 15, "the original trace number")
            + " " * 6
            + t(addenda.original_rdfi, 8, "the original receiving bank")
            + t(addenda.corrected_data, 29, "the corrected data")
            + " " * 15
            + t(trace, 15, "the trace number")
        )
    return (
        "7"
        + t(addenda.type_code, 2, "the addenda type code")
        + t(addenda.payment_related_information, 80, "the payment related information")
        + n(addenda.sequence_number or position, 4, "the addenda sequence number")
        + n(addenda.entry_detail_sequence or int(trace[-7:]), 7, "the entry sequence")
    )
