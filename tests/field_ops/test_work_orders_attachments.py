"""Attachments: JPEG, PNG, HEIC and PDF recognised by their first bytes, up to 10 MB."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from field_ops.models import WorkOrder, WorkOrderAttachment
from field_ops.work_orders import MAX_ATTACHMENT_BYTES, work_order_attach

pytestmark = pytest.mark.django_db

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + b"0" * 64
HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("IMG_0001.JPG", JPEG, "image/jpeg"),
        ("screen.png", PNG, "image/png"),
        ("IMG_0002.HEIC", HEIC, "image/heic"),
        ("permit.pdf", PDF, "application/pdf"),
        ("no-extension", PNG, "image/png"),  # the bytes decide, not the name
        ("looks-like.pdf", JPEG, "image/jpeg"),
    ],
)
def test_photos_and_pdfs_are_kept_with_the_type_their_bytes_show(
    world, name, content, content_type
):
    # given
    work_order = world.order()

    # when
    attachment = work_order_attach(
        work_order=work_order,
        uploaded_file=SimpleUploadedFile(name, content, content_type="application/octet-stream"),
        by=world.technician,
        description="  Meter   face ",
    )

    # then
    assert attachment.content_type == content_type
    assert attachment.original_name == name
    assert attachment.size_bytes == len(content)
    assert attachment.description == "Meter face"
    assert attachment.uploaded_by == world.technician
    with attachment.file.open("rb") as stored:
        assert stored.read() == content


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("photo.jpg", b"MZ\x90\x00 an executable", "JPEG, PNG or HEIC"),
        ("notes.pdf", b"just some text", "JPEG, PNG or HEIC"),
        ("empty.png", b"", "empty"),
        (
            "huge.jpg",
            JPEG + b"\x00" * (MAX_ATTACHMENT_BYTES - len(JPEG) + 1),
            "the limit is 10.0 MB",
        ),
    ],
)
def test_other_files_empty_files_and_big_files_are_refused(world, name, content, message):
    # given
    work_order = world.order()

    # when
    with pytest.raises(ValidationError) as refused:
        work_order_attach(
            work_order=work_order,
            uploaded_file=SimpleUploadedFile(name, content, content_type="image/jpeg"),
            by=world.technician,
        )

    # then
    assert message in refused.value.message_dict["file"][0]
    assert not WorkOrderAttachment.objects.exists()


def test_a_file_of_exactly_ten_megabytes_is_accepted(world):
    # given
    work_order = world.order()
    content = JPEG + b"\x00" * (MAX_ATTACHMENT_BYTES - len(JPEG))

    # when
    attachment = work_order_attach(
        work_order=work_order,
        uploaded_file=SimpleUploadedFile("big.jpg", content),
        by=world.technician,
    )

    # then
    assert attachment.size_bytes == MAX_ATTACHMENT_BYTES


def test_another_technician_cannot_attach_to_my_order(world):
    # given
    work_order = world.order()

    # when
    with pytest.raises(PermissionDenied):
        work_order_attach(
            work_order=work_order,
            uploaded_file=SimpleUploadedFile("a.png", PNG),
            by=world.other_technician,
        )

    # then
    assert not WorkOrderAttachment.objects.exists()


def test_a_completed_order_still_takes_photos_but_a_cancelled_one_does_not(world):
    # given
    completed = world.order(status=WorkOrder.Status.COMPLETED)
    cancelled = world.order(status=WorkOrder.Status.CANCELLED)

    # when
    work_order_attach(
        work_order=completed, uploaded_file=SimpleUploadedFile("a.png", PNG), by=world.technician
    )
    with pytest.raises(ValidationError):
        work_order_attach(
            work_order=cancelled,
            uploaded_file=SimpleUploadedFile("b.png", PNG),
            by=world.dispatcher,
        )

    # then
    assert list(WorkOrderAttachment.objects.values_list("work_order", flat=True)) == [completed.pk]
