"""A BAI2 file is read, checked and stored a piece at a time: memory stays a small multiple of
the file, whatever its size, and a file refused at its end still writes nothing."""

import hashlib
import io
import re
import tracemalloc

import pytest
from django.core.exceptions import ValidationError

from district import roles
from payments.bank import bai2, bai2_text
from payments.bank.import_store import PAGE
from payments.bank.imports import bai2_import, content_fingerprint
from payments.models import Bai2AccountReport, Bai2File, Bai2Transaction
from tests.payments.samples_bank import bai2_file, detail

LONG_TEXT = " ".join(["VENDOR PAYMENT WITH A DESCRIPTION LONG ENOUGH FOR CONTINUATIONS"] * 3)


def _big_file(lines: int, *, text: str = LONG_TEXT) -> bytes:
    """A file of `lines` 16 records, written in 80-character records (16 + 88s)."""
    details = [
        detail("475", f"{10 + index % 90}.{index % 100:02d}", bank_reference=f"C{index}", text=text)
        for index in range(lines)
    ]
    return bai2.write(bai2_file(details), record_length=80).encode()


class _ReadCounting(io.BytesIO):
    """A file that remembers how far it was read."""

    furthest = 0

    def read(self, size=-1):
        data = super().read(size)
        self.furthest = max(self.furthest, self.tell())
        return data


# -- reading --------------------------------------------------------------------------------


def test_the_reader_gives_the_first_records_before_reading_the_end():
    content = _big_file(3000)
    assert len(content) > 8 * bai2_text.CHUNK
    source = _ReadCounting(content)
    records = bai2.read(source)
    # when
    code, header = next(records)
    first_lines = [next(records) for _ in range(3)]
    # then: the 01, 02, 03 and the first 16 came from the first piece of the file
    assert (code, header.sender) == ("01", "121140399")
    assert [code for code, _piece in first_lines] == ["02", "03", "16"]
    assert source.furthest <= bai2_text.CHUNK
    # and the rest reads to the 99
    assert [code for code, _piece in records][-3:] == ["49", "98", "99"]
    assert source.furthest == len(content)


def test_the_parse_of_a_file_object_is_the_parse_of_its_bytes():
    content = _big_file(200)
    assert bai2.parse(io.BytesIO(content)) == bai2.parse(content)


def _whole_text_lines(content: bytes) -> list[str]:
    """The lines as the file was read before it was read in pieces: all of it decoded at once."""
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = content.decode("utf-16")
    else:
        try:
            text = content.decode("utf-8")
        except UnicodeDecodeError:
            try:
                text = content.decode("cp1252")
            except UnicodeDecodeError:
                text = content.decode("latin-1")
    text = re.sub(r"[\x00\x1a]+(?=\r|\n|$)", "", text.lstrip("\ufeff"))
    return re.split(r"\r\n|\r|\n", text)


@pytest.mark.parametrize(
    "content",
    [
        # a CRLF, a UTF-8 character and a NUL padding cut by the end of the first piece
        b"A" * (bai2_text.CHUNK - 1) + b"\r\nB\r\n",
        b"A" * (bai2_text.CHUNK - 1) + "é".encode() + b"\nB",
        b"A" * (bai2_text.CHUNK - 2) + b"\x00\x00\x00\x1a\nB\x00",
        # a Windows-1252 character after the first piece, and after a UTF-8-looking one
        b"A\n" * bai2_text.CHUNK + b"caf\xe9 \x92\r",
        b"\xc3\xa9\n" + b"A" * bai2_text.CHUNK + b"\xe9\n",
        # bytes that Windows-1252 leaves undefined: Latin-1
        b"\x93A\x94\n" * 40_000 + b"\x81",
        # a byte order mark, UTF-8 and UTF-16
        "\ufeffA\r\nÉ\r".encode(),
        ("\ufeffA\nB" * 30_000).encode("utf-16"),
    ],
    ids=["crlf", "utf8", "padding", "cp1252", "utf8-then-cp1252", "latin1", "bom", "utf16"],
)
def test_lines_read_in_pieces_are_the_lines_of_the_whole_text(content):
    assert list(bai2_text.lines(content)) == _whole_text_lines(content)


def test_binary_data_is_refused_with_its_line():
    content = b"01,A/\n" * 20_000 + b"02,\x05/\n"
    with pytest.raises(bai2.Bai2Error, match=r"the character \\x05 at line 20001"):
        list(bai2_text.lines(content))


@pytest.mark.parametrize(
    "content",
    [
        b"01,A/  \r\n02,B/\x0c\n\n88,C\x85D/\r\n\r\n\x1a",
        "\ufeff01,é/\n\n\n02,Z\u2028/\n  \n".encode(),
        b"\n\n01,A/\r\r02,B/",
        b"01,\x01/\n",
    ],
    ids=["crlf-padding-formfeed", "bom-separators", "leading-blanks", "binary"],
)
def test_the_fingerprint_is_the_one_of_the_whole_normalised_text(content):
    # The definition fingerprints were stored with: the whole text, split by str.splitlines.
    try:
        text = "\n".join(_whole_text_lines(content))
        if re.search(r"[\x00-\x08\x0e-\x1f\x7f]", text):
            raise ValueError
        lines = [line.rstrip() for line in text.splitlines()]
        while lines and not lines[-1]:
            lines.pop()
        expected = hashlib.sha256("\n".join(lines).encode()).hexdigest()
    except ValueError:
        expected = hashlib.sha256(content).hexdigest()
    assert content_fingerprint(content) == expected


# -- importing ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_importing_a_file_peaks_under_five_times_its_size(make_user):
    finance = make_user(roles.FINANCE)
    content = _big_file(5000)
    assert len(content) > 1_000_000
    # (a small file first: what the first import loads once is not the file's memory)
    bai2_import(content=_big_file(2, text="FIRST"), file_name="small.bai2", by=finance)
    # when
    tracemalloc.start()
    try:
        result = bai2_import(content=content, file_name="big.bai2", by=finance)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # then
    assert result.lines_imported == 5000
    assert peak < 5 * len(content), f"peak {peak:,} bytes for a file of {len(content):,}"


@pytest.mark.django_db
def test_a_file_refused_at_its_end_writes_nothing_of_its_pages(make_user):
    finance = make_user(roles.FINANCE)
    content = _big_file(PAGE + 100, text="CHECK PAID")
    stated = re.search(rb"\n99,(\d+),", content).group(1)
    bad = content.replace(b"\n99," + stated, b"\n99," + str(int(stated) + 1).encode())
    # when
    with pytest.raises(ValidationError) as caught:
        bai2_import(content=bad, file_name="bad.bai2", by=finance)
    # then: the precise reason, and nothing of the lines already written in pages
    total, more = bai2.dollars(int(stated)), bai2.dollars(int(stated) + 1)
    last = bad.count(b"\n")
    assert caught.value.messages == [
        f"bad.bai2 was refused: Line {last}: file control total (99): the file "
        f"states {more} but its records add up to {total}."
    ]
    assert (Bai2File.objects.count(), Bai2AccountReport.objects.count()) == (0, 0)
    assert Bai2Transaction.objects.count() == 0
