"""Checks every uploaded file passes in its form: a size limit, and a type read from the content.

A file's name and the browser's content type are whatever the sender says, so neither is
trusted: documents (evidence, photos) must start with the magic bytes of a JPEG, PNG, HEIC or
PDF, and data files (read files, rate schedules, BAI2, processor and lockbox files) must be
text (UTF-8 unless the format allows more) without control characters. Each form shows its
limit next to the field with `size_help()`.
"""

import codecs

from django import forms
from django.http import FileResponse, Http404

# Text files hold none of the control characters a typed value may not hold either.
from district.input_guard import CONTROL_CHARACTERS

MEGABYTE = 1024 * 1024
# ISO base media brands of HEIC/HEIF photos (iPhones and recent Android phones).
HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}
DOCUMENT_KINDS = "a photo (JPEG, PNG or HEIC) or a PDF"
_CHUNK_BYTES = 64 * 1024


def size_text(size: int) -> str:
    """A limit as people say it: "10 MB", "200 KB"."""
    if size >= MEGABYTE:
        return f"{size / MEGABYTE:.3g} MB"
    return f"{size / 1024:.0f} KB"


def size_help(max_bytes: int, kinds: str) -> str:
    """Help text for a file field: what it takes and its limit."""
    return f"{kinds[0].upper()}{kinds[1:]}, up to {size_text(max_bytes)}."


def sniff_document(head: bytes) -> tuple[str, str] | None:
    """(content type, extension) of a JPEG, PNG, HEIC or PDF from its first bytes, else None."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg", "jpg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png", "png"
    if head.startswith(b"%PDF-"):
        return "application/pdf", "pdf"
    if len(head) >= 12 and head[4:8] == b"ftyp" and head[8:12] in HEIF_BRANDS:
        return "image/heic", "heic"
    return None


def _check_size(upload, max_bytes: int) -> None:
    size = upload.size or 0
    if size == 0:
        raise forms.ValidationError("That file is empty. Choose it again.")
    if size > max_bytes:
        raise forms.ValidationError(
            f"That file is {size / MEGABYTE:.1f} MB; the limit is {size_text(max_bytes)}."
        )


def document_upload(upload, *, max_bytes: int = 10 * MEGABYTE):
    """The upload, if it is a JPEG, PNG, HEIC or PDF (by content) within the limit."""
    if not upload:
        return upload
    _check_size(upload, max_bytes)
    upload.seek(0)
    head = upload.read(32) or b""
    upload.seek(0)
    if sniff_document(head) is None:
        raise forms.ValidationError(
            f"That file is not {DOCUMENT_KINDS} (its content was checked, not its name)."
        )
    return upload


def _text_problem(upload, encoding: str, allowed_controls: str) -> str | None:
    """None when the whole file decodes in `encoding` without stray control characters."""
    decoder = codecs.getincrementaldecoder(encoding)()
    upload.seek(0)
    for chunk in upload.chunks(_CHUNK_BYTES):
        text = decoder.decode(chunk)  # raises UnicodeDecodeError on bytes of another encoding
        if set(CONTROL_CHARACTERS.findall(text)) - set(allowed_controls):
            return "binary"
    decoder.decode(b"", final=True)
    return None


def text_upload(
    upload,
    *,
    max_bytes: int,
    kinds: str = "a text file",
    encodings: tuple[str, ...] = ("utf-8",),
    allowed_controls: str = "",
):
    """The upload, if it is text (read in chunks) in one of `encodings`, within the limit.

    Text holds no control characters but tab and line breaks, except `allowed_controls` for
    formats whose senders add them (NUL padding and a DOS end-of-file mark in BAI2 files).
    """
    if not upload:
        return upload
    _check_size(upload, max_bytes)
    try:
        for encoding in encodings:
            try:
                problem = _text_problem(upload, encoding, allowed_controls)
            except UnicodeDecodeError:
                continue
            if problem:
                raise forms.ValidationError(
                    f"That file is not {kinds}: it holds binary data (control characters)."
                )
            return upload
    finally:
        upload.seek(0)
    named = " or ".join(encoding.upper() for encoding in encodings)
    raise forms.ValidationError(
        f"That file is not {kinds} in {named}: save it as {encodings[0].upper()} text and load "
        "it again."
    )


def stored_document_response(stored, *, filename_stem: str) -> FileResponse:
    """Serve a document kept through this module (its content was checked at upload) with the
    type its first bytes show: photos in the browser, anything else as a download. Never cached
    (evidence and signed forms carry a customer's private facts); 404 when the file is gone."""
    try:
        handle = stored.open("rb")
    except FileNotFoundError:
        raise Http404("The file is missing from storage.") from None
    head = handle.read(32)
    handle.seek(0)
    content_type, extension = sniff_document(head) or ("application/octet-stream", "bin")
    response = FileResponse(
        handle,
        as_attachment=not content_type.startswith("image/"),
        filename=f"{filename_stem}.{extension}",
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
