"""Parsers of payment files: the processor's CSV and the bank's lockbox transmission.

Each parser turns the file's bytes into a ParsedFile (its items, each with an external id that
identifies it across files, and the file's own control figures) or refuses the whole file with
a ServiceError naming the lines at fault. Nothing here touches the database. The layouts
are documented, with examples, in docs/payment-files.md; the parsers are in processor_csv.py
and lockbox_fixed.py (lockbox_bai.py: the classic BAI lockbox layout, documented in its
module), what they share in file_common.py.
"""

from district.errors import ServiceError
from payments.batches.file_common import ParsedFile, ParsedItem
from payments.batches.lockbox_bai import LOCKBOX_BAI, parse_lockbox_bai
from payments.batches.lockbox_fixed import LOCKBOX_FIXED, _lockbox_amount, parse_lockbox_fixed
from payments.batches.processor_csv import PROCESSOR_CSV, parse_processor_csv

__all__ = [
    "FORMATS",
    "FORMAT_KIND",
    "LOCKBOX_BAI",
    "LOCKBOX_FIXED",
    "PROCESSOR_CSV",
    "ParsedFile",
    "ParsedItem",
    "_lockbox_amount",
    "parse_lockbox_bai",
    "parse_lockbox_fixed",
    "parse_payment_file",
    "parse_processor_csv",
]

FORMATS = {
    PROCESSOR_CSV: "Payment processor settlement (CSV)",
    LOCKBOX_FIXED: "Bank lockbox transmission (fixed width)",
    LOCKBOX_BAI: "Bank lockbox transmission (BAI lockbox layout)",
}
# The batch kind each format makes.
FORMAT_KIND = {PROCESSOR_CSV: "processor", LOCKBOX_FIXED: "lockbox", LOCKBOX_BAI: "lockbox"}

PARSERS = {
    PROCESSOR_CSV: parse_processor_csv,
    LOCKBOX_FIXED: parse_lockbox_fixed,
    LOCKBOX_BAI: parse_lockbox_bai,
}


def parse_payment_file(content: bytes, file_format: str) -> ParsedFile:
    parser = PARSERS.get(file_format)
    if parser is None:
        raise ServiceError(
            f"“{file_format}” is not a payment file layout we read ({', '.join(FORMATS)}).",
            code="format",
        )
    return parser(content)
