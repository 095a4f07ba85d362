"""A BAI2 file as lines of text, read in pieces: the whole decoded text is never held.

Private to payments.bank (bai2_records reads records from these lines; imports hashes them).

- The bytes are read 64 KiB at a time, from bytes, a memoryview (a BinaryField's value) or a
  seekable binary file.
- A file starting with a UTF-16 byte order mark is UTF-16. Any other file is UTF-8 if all of it
  is, else Windows-1252 if all of it is, else Latin-1 (which reads any byte). The choice is made
  at the first byte that is not ASCII, by reading the rest of the file once without keeping it
  (the text before it reads the same in all three): an ASCII file is read once, lazily.
- Lines end at CRLF, LF or a lone CR (a CRLF split between two pieces is one break). A leading
  byte order mark is dropped, NUL padding and DOS end-of-file marks (Ctrl-Z) at the end of a
  line are dropped, and any other control character but tab, vertical tab and form feed makes
  the file binary: refused with the line it is on.
"""

import codecs
import re
from collections.abc import Iterator
from itertools import chain
from typing import BinaryIO

from payments.bank.bai2_records import Bai2Error

CHUNK = 1 << 16
# Line breaks: CRLF, LF or CR alone (not str.splitlines, which also breaks at \x85, \x1c...).
LINE_BREAK = re.compile(r"\r\n|\r|\n")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_PADDING = "\x00\x1a"
_UTF16_MARKS = (b"\xff\xfe", b"\xfe\xff")
# Tried in this order on files without a UTF-16 byte order mark; Latin-1 reads any byte.
_ENCODINGS = ("utf-8", "cp1252")

Source = bytes | bytearray | memoryview | str | BinaryIO


def _chunks(source: Source, start: int = 0) -> Iterator[bytes]:
    """The bytes from `start` on, CHUNK at a time (a file is sought before each read, so two
    readers of one file do not disturb each other)."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        view = memoryview(source)
        for offset in range(start, len(view), CHUNK):
            yield bytes(view[offset : offset + CHUNK])
        return
    offset = start
    while True:
        source.seek(offset)
        chunk = source.read(CHUNK)
        if not chunk:
            return
        offset += len(chunk)
        yield chunk


def raw_chunks(source: Source) -> Iterator[bytes]:
    """The file's bytes as they are, CHUNK at a time."""
    if isinstance(source, str):
        yield source.encode()
        return
    yield from _chunks(source)


def _reads_as(encoding: str, source: Source, start: int) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        for chunk in _chunks(source, start):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _encoding(source: Source, start: int) -> str:
    """The encoding of a file whose bytes before `start` are ASCII."""
    return next((name for name in _ENCODINGS if _reads_as(name, source, start)), "latin-1")


def _decoded(encoding: str, chunks: Iterator[bytes]) -> Iterator[str]:
    decoder = codecs.getincrementaldecoder(encoding)()
    for chunk in chunks:
        yield decoder.decode(chunk)
    yield decoder.decode(b"", final=True)


def _utf16(chunks: Iterator[bytes]) -> Iterator[str]:
    try:
        yield from _decoded("utf-16", chunks)
    except UnicodeDecodeError:
        raise Bai2Error("The file is not a BAI2 text file (broken UTF-16).") from None


def texts(source: Source) -> Iterator[str]:
    """The decoded text in pieces (a leading byte order mark still there)."""
    if isinstance(source, str):
        yield source
        return
    chunks = _chunks(source)
    first = next(chunks, b"")
    chunks = chain([first], chunks)
    if first.startswith(_UTF16_MARKS):
        yield from _utf16(chunks)
        return
    position = 0
    for chunk in chunks:
        if not chunk.isascii():
            encoding = _encoding(source, position)
            yield from _decoded(encoding, chain([chunk], chunks))
            return
        position += len(chunk)
        yield chunk.decode("ascii")


def _without_mark(pieces: Iterator[str]) -> Iterator[str]:
    for piece in pieces:
        piece = piece.lstrip("\ufeff")
        if piece:
            yield piece
            break
    yield from pieces


def segments(pieces: Iterator[str]) -> Iterator[str]:
    """The text between line breaks, as re.split(LINE_BREAK, whole text) would give it."""
    partial: list[str] = []
    held = ""  # a CR ending a piece: the next piece may start with its LF
    for piece in pieces:
        piece = held + piece
        held = ""
        if piece.endswith("\r"):
            piece, held = piece[:-1], "\r"
        parts = LINE_BREAK.split(piece)
        partial.append(parts[0])
        if len(parts) > 1:
            yield "".join(partial)
            yield from parts[1:-1]
            partial = [parts[-1]]
    yield "".join(partial)
    if held:
        yield ""


def lines(source: Source) -> Iterator[str]:
    """The file's lines, without their breaks and padding, checked for binary data."""
    for number, line in enumerate(segments(_without_mark(texts(source))), start=1):
        line = line.rstrip(_PADDING)
        control = _CONTROL.search(line)
        if control:
            raise Bai2Error(
                f"The file is not a BAI2 text file: it holds binary data (the character "
                f"\\x{ord(control.group()):02x} at line {number})."
            )
        yield line
