"""A tiny XLSX reader for the tests (XlsxWriter writes only): the first sheet's cells as Python
values, with each cell's number format, read from the zip's XML."""

import io
import re
import zipfile
from xml.etree import ElementTree

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


def _shared_strings(book: zipfile.ZipFile) -> list[str]:
    if "xl/sharedStrings.xml" not in book.namelist():
        return []
    root = ElementTree.fromstring(book.read("xl/sharedStrings.xml"))
    return ["".join(t.text or "" for t in si.iter(f"{{{NS['m']}}}t")) for si in root]


def _number_formats(book: zipfile.ZipFile) -> list[str]:
    """The number format code of each cell style (index = the cell's s attribute)."""
    root = ElementTree.fromstring(book.read("xl/styles.xml"))
    codes = {int(f.get("numFmtId")): f.get("formatCode") for f in root.iter(f"{{{NS['m']}}}numFmt")}
    xfs = root.find("m:cellXfs", NS)
    return [codes.get(int(xf.get("numFmtId", 0)), "General") for xf in xfs]


def read_sheet(content: bytes) -> dict:
    """{"rows": [[value, ...], ...], "formats": [[format, ...]], "frozen": "A2" or None}."""
    book = zipfile.ZipFile(io.BytesIO(content))
    strings, formats = _shared_strings(book), _number_formats(book)
    root = ElementTree.fromstring(book.read("xl/worksheets/sheet1.xml"))
    rows, row_formats = [], []
    for row in root.iter(f"{{{NS['m']}}}row"):
        values, codes = [], []
        for cell in row.findall("m:c", NS):
            column = re.match(r"[A-Z]+", cell.get("r")).group()
            index = sum((ord(c) - 64) * 26**i for i, c in enumerate(reversed(column))) - 1
            while len(values) < index:
                values.append(None)
                codes.append(None)
            raw = cell.find("m:v", NS)
            if raw is None:
                value = None
            elif cell.get("t") == "s":
                value = strings[int(raw.text)]
            else:
                value = float(raw.text)
            values.append(value)
            codes.append(formats[int(cell.get("s", 0))])
        rows.append(values)
        row_formats.append(codes)
    pane = root.find(".//m:pane", NS)
    return {
        "rows": rows,
        "formats": row_formats,
        "frozen": pane.get("topLeftCell") if pane is not None else None,
    }
