"""Every upload has a size limit shown next to it and a type read from the content, not the name."""

import importlib

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import get_resolver, reverse

from billing.corrections.forms import MAX_EVIDENCE_BYTES, LeakForm
from billing.models import ReadImport
from billing.rates.calculator_views import CalculatorForm, RateLoadForm
from billing.reads.forms import ReadImportForm
from district import roles
from district.uploads import document_upload, size_help, sniff_document, text_upload
from field_ops.work_order_forms import AttachmentForm
from payments.bank.forms import Bai2UploadForm
from payments.batches.forms import BatchImportForm

PROJECT_APPS = {"district", "accounts", "billing", "payments", "field_ops", "hydrants"}
PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 16
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16
HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"
EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"


def _upload(content: bytes, name: str, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def _all_forms():
    get_resolver().url_patterns  # importing the URLs imports every view and so every form
    for module in ("billing.reads.forms", "payments.bank.forms", "field_ops.work_order_forms"):
        importlib.import_module(module)
    seen, pending = set(), [forms.Form]
    while pending:
        form_class = pending.pop()
        for subclass in form_class.__subclasses__():
            if subclass not in seen:
                seen.add(subclass)
                pending.append(subclass)
    return [form for form in seen if form.__module__.split(".")[0] in PROJECT_APPS]


def test_every_file_field_shows_its_limit_and_is_checked_by_its_form():
    # given every form of the portal with a file field
    file_fields = [
        (form_class, name, field)
        for form_class in _all_forms()
        for name, field in form_class.base_fields.items()
        if isinstance(field, forms.FileField)
    ]

    # then each shows its limit next to the field and its form checks the file
    assert len(file_fields) >= 7
    for form_class, name, field in file_fields:
        where = f"{form_class.__module__}.{form_class.__name__}.{name}"
        assert "up to" in str(field.help_text), f"{where} does not show its size limit"
        assert hasattr(form_class, f"clean_{name}"), f"{where} is not checked by its form"


@pytest.mark.parametrize(
    ("content", "kind"),
    [(PDF, "application/pdf"), (JPEG, "image/jpeg"), (PNG, "image/png"), (HEIC, "image/heic")],
)
def test_documents_are_recognised_by_their_first_bytes(content, kind):
    # given / when / then
    assert sniff_document(content)[0] == kind
    assert document_upload(_upload(content, "anything.bin")) is not None


@pytest.mark.parametrize(
    "upload",
    [
        _upload(b"just text, named like a PDF", "receipt.pdf", "application/pdf"),
        _upload(EXECUTABLE, "photo.jpg", "image/jpeg"),
        _upload(b"<svg onload=alert(1)>", "photo.png", "image/png"),
    ],
    ids=["text named .pdf", "executable named .jpg", "svg named .png"],
)
def test_a_document_whose_content_is_not_a_photo_or_pdf_is_refused(upload):
    # given / when / then
    with pytest.raises(forms.ValidationError, match="its content was checked"):
        document_upload(upload)


def test_a_document_over_the_limit_or_empty_is_refused():
    # given / when / then
    with pytest.raises(forms.ValidationError, match="the limit is 1 KB"):
        document_upload(_upload(PDF + b"0" * 2048, "big.pdf"), max_bytes=1024)
    with pytest.raises(forms.ValidationError, match="empty"):
        document_upload(_upload(b"", "empty.pdf"))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"meter_serial,read_date\n\x00\x01\x02", "binary data"),
        (b"meter_serial,read_date\nM-1,2026-01-31\xff\xfe\n", "UTF-8"),
    ],
    ids=["nul bytes", "not utf-8"],
)
def test_a_data_file_that_is_not_utf8_text_is_refused(content, message):
    # given / when / then
    with pytest.raises(forms.ValidationError, match=message):
        text_upload(_upload(content, "reads.csv"), max_bytes=1024)


def test_a_utf8_data_file_passes_and_can_be_read_from_the_start():
    # given a UTF-8 file with accented names split across read chunks
    content = ("name\n" + "Peña, José\n" * 20_000).encode()
    upload = _upload(content, "names.csv", "text/csv")

    # when it is checked
    checked = text_upload(upload, max_bytes=len(content))

    # then it passes, read back from its first byte
    assert checked.read() == content


def test_size_help_names_the_kinds_and_the_limit():
    # given / when / then
    assert size_help(10 * 1024 * 1024, "a photo or a PDF") == "A photo or a PDF, up to 10 MB."
    assert size_help(200 * 1024, "UTF-8 text") == "UTF-8 text, up to 200 KB."


def _leak_form(upload):
    return LeakForm(
        {"bills": [], "idempotency_key": "k"},
        {"evidence_file": upload},
        bills=[],
        work_orders=[],
    )


def test_the_leak_evidence_must_be_a_photo_or_pdf_by_content():
    # given a repair "receipt" that is a text file named .pdf, and a real PDF
    fake = _leak_form(_upload(b"not a receipt", "receipt.pdf", "application/pdf"))
    real = _leak_form(_upload(PDF, "receipt.pdf", "application/pdf"))

    # when the forms are checked
    fake.is_valid()
    real.is_valid()

    # then only the fake is refused, next to the field
    assert "its content was checked" in fake.errors["evidence_file"][0]
    assert "evidence_file" not in real.errors
    assert "up to 10 MB" in str(LeakForm.base_fields["evidence_file"].help_text)
    assert MAX_EVIDENCE_BYTES == 10 * 1024 * 1024


def test_a_technician_photo_must_be_a_photo_by_content():
    # given an executable named .jpg
    form = AttachmentForm({}, {"file": _upload(EXECUTABLE, "leak.jpg", "image/jpeg")})

    # when / then it is refused
    assert not form.is_valid()
    assert "its content was checked" in form.errors["file"][0]


@pytest.mark.parametrize(
    ("form_class", "data"),
    [
        (Bai2UploadForm, {}),
        (BatchImportForm, {"file_format": "processor"}),
        (RateLoadForm, {}),
        (ReadImportForm, {}),
    ],
    ids=["bai2", "payment file", "rate schedule", "read file"],
)
def test_data_uploads_must_be_text(db, form_class, data):
    # given a binary file where a text file belongs
    form = form_class(data, {"file": _upload(b"\x00\x01binary\x00", "data.txt", "text/plain")})

    # when / then it is refused next to the field
    assert not form.is_valid()
    assert "file" in form.errors


def test_the_calculator_refuses_a_binary_schedule_file(db):
    # given the calculator with a binary "schedule"
    form = CalculatorForm({}, {"rates_file": _upload(EXECUTABLE, "rates.yaml")})

    # when / then it is refused next to the field
    assert not form.is_valid()
    assert "rates_file" in form.errors


def test_a_binary_read_file_is_refused_and_nothing_is_loaded(client_for):
    # given a CSR II at the read import page
    client = client_for(roles.SUPERVISOR)
    upload = _upload(b"\x89PNG\r\n\x1a\n\x00\x00binary", "reads.csv", "text/csv")

    # when a binary file named .csv is loaded
    response = client.post(reverse("billing:read_import"), {"file": upload})

    # then the form says why and nothing is loaded
    assert response.status_code == 200
    assert "not a CSV read file" in response.content.decode()
    assert ReadImport.objects.count() == 0


def test_a_bai2_file_in_the_encodings_and_padding_banks_send_passes_the_form():
    # given BAI2 text in Windows-1252 with NUL padding and a DOS end-of-file mark, and a PNG
    text = "01,BANK,DISTRICT,260105,0600,1,,,2/\n88,Caf\u00e9 deposit/\n99,0,1,2/\n"
    padded = text.encode("cp1252") + b"\x00" * 40 + b"\x1a"
    utf16 = text.encode("utf-16")
    picture = PNG + b"\x00\x01\x02"

    # when each is checked by the upload form
    forms_ = [
        Bai2UploadForm({}, {"file": _upload(content, "prior-day.bai")})
        for content in (padded, utf16, picture)
    ]

    # then the bank's files pass and the picture is refused
    assert [form.is_valid() for form in forms_] == [True, True, False]
    assert "not a BAI2 text file" in forms_[2].errors["file"][0]
