"""Read a NACHA file into its dataclasses, after the checker found nothing wrong with it.

A file whose records disagree with its controls is refused whole (a ServiceError naming each
line and reason), never read in part. What the file carries beyond the controls (line endings,
padding, blank fields) is kept, so writing what was read gives the same bytes.
"""

import os
from pathlib import Path

from payments.autopay.nacha import (
    CHANGE_ADDENDA_TYPE,
    RETURN_ADDENDA_TYPE,
    AchAddenda,
    AchBatch,
    AchChangeAddenda,
    AchEntry,
    AchFile,
    AchReturnAddenda,
    cut,
    split_records,
    yymmdd,
)
from payments.autopay.nacha_check import nacha_check
from payments.batches.file_common import refuse


def nacha_read(source: bytes | str | os.PathLike) -> AchFile:
    """The file (its bytes, or a path to it) as an AchFile; ServiceError for a bad file."""
    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    refuse([str(problem) for problem in nacha_check(data)])
    records, line_ending, final_line_ending, _ = split_records(data)
    header = records[0]
    file = AchFile(
        priority_code=cut(header, 2, 3),
        immediate_destination=cut(header, 4, 13).lstrip(" "),
        immediate_origin=cut(header, 14, 23).lstrip(" "),
        creation_date=yymmdd(cut(header, 24, 29)),
        creation_time=cut(header, 30, 33).rstrip(" "),
        file_id_modifier=cut(header, 34, 34),
        immediate_destination_name=cut(header, 41, 63).rstrip(" "),
        immediate_origin_name=cut(header, 64, 86).rstrip(" "),
        reference_code=cut(header, 87, 94).rstrip(" "),
        line_ending=line_ending,
        final_line_ending=final_line_ending,
    )
    batch = entry = None
    for record in records[1:]:
        kind = record[0]
        if kind == "5":
            batch = _batch(record)
            file.batches.append(batch)
        elif kind == "6":
            entry = _entry(record)
            batch.entries.append(entry)
        elif kind == "7":
            entry.addenda.append(_addenda(record))
        elif kind == "9":
            break
    return file


def _addenda(record: str) -> AchAddenda | AchReturnAddenda | AchChangeAddenda:
    type_code = cut(record, 2, 3)
    if type_code == RETURN_ADDENDA_TYPE:
        return AchReturnAddenda(
            return_reason_code=cut(record, 4, 6),
            original_trace_number=cut(record, 7, 21),
            date_of_death=yymmdd(cut(record, 22, 27)),
            original_rdfi=cut(record, 28, 35).rstrip(" "),
            addenda_information=cut(record, 36, 79).rstrip(" "),
        )
    if type_code == CHANGE_ADDENDA_TYPE:
        return AchChangeAddenda(
            change_code=cut(record, 4, 6),
            original_trace_number=cut(record, 7, 21),
            original_rdfi=cut(record, 28, 35).rstrip(" "),
            corrected_data=cut(record, 36, 64).rstrip(" "),
        )
    return AchAddenda(
        type_code=type_code,
        payment_related_information=cut(record, 4, 83).rstrip(" "),
        sequence_number=int(cut(record, 84, 87)),
        entry_detail_sequence=int(cut(record, 88, 94)),
    )


def _batch(record: str) -> AchBatch:
    return AchBatch(
        service_class_code=int(cut(record, 2, 4)),
        company_name=cut(record, 5, 20).rstrip(" "),
        company_discretionary_data=cut(record, 21, 40).rstrip(" "),
        company_id=cut(record, 41, 50).rstrip(" "),
        sec_code=cut(record, 51, 53),
        entry_description=cut(record, 54, 63).rstrip(" "),
        descriptive_date=cut(record, 64, 69).rstrip(" "),
        effective_entry_date=yymmdd(cut(record, 70, 75)),
        settlement_date=cut(record, 76, 78).rstrip(" "),
        originator_status_code=cut(record, 79, 79),
        odfi_routing=cut(record, 80, 87),
        batch_number=int(cut(record, 88, 94)),
    )


def _entry(record: str) -> AchEntry:
    return AchEntry(
        transaction_code=int(cut(record, 2, 3)),
        rdfi_routing=cut(record, 4, 12),
        account_number=cut(record, 13, 29).rstrip(" "),
        amount_cents=int(cut(record, 30, 39)),
        individual_id=cut(record, 40, 54).rstrip(" "),
        individual_name=cut(record, 55, 76).rstrip(" "),
        discretionary_data=cut(record, 77, 78).rstrip(" "),
        trace_number=cut(record, 80, 94),
    )
