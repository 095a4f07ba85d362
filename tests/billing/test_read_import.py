"""Read files: a good file loads whole; any bad row refuses the file, every bad row reported by
line and reason, nothing written; the same file twice is refused with its first date."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from billing.models import ReadImport
from billing.reads.imports import ReadImportRejected, read_import_summary, reads_import
from district import roles
from field_ops.models import Meter, MeterRead
from tests.billing.factories import build_route
from tests.factories import MeterFactory

D = datetime.date
HEADER = "meter_serial,read_date,reading,source,note\n"


@pytest.fixture
def world(make_user):
    # Three meters at 1,170 on 05/28/2025, 10 a month; June's read window 06/24 to 07/02.
    return build_route(make_user)


def _csv(*lines: str, header: str = HEADER) -> bytes:
    return (header + "".join(f"{line}\n" for line in lines)).encode()


def _load(world, content: bytes, name="route-r10.csv"):
    return reads_import(file_name=name, content=content, by=world.reader)


def test_a_good_file_loads_every_read_with_its_source_and_note(world):
    # given
    first, second, third = world.meters
    content = _csv(
        f"{first.serial},2025-06-28,1181,handheld,",
        f"{second.serial.lower()},2025-06-28,1180.5,ami,dog in yard",
        f"{third.serial},2025-06-29,1215,handheld,",
    )

    # when
    loaded = _load(world, content)

    # then
    assert (loaded.file_name, loaded.row_count, loaded.imported_by) == (
        "route-r10.csv",
        3,
        world.reader,
    )
    reads = {read.meter_id: read for read in MeterRead.objects.filter(pk__in=loaded.read_ids)}
    assert (reads[first.pk].source, reads[first.pk].reading) == ("route", Decimal("1181.00"))
    assert (reads[second.pk].source, reads[second.pk].note) == ("ami", "dog in yard")
    assert reads[third.pk].flags == [MeterRead.Flag.HIGH]  # flagged, not refused
    summary = read_import_summary(loaded)
    assert summary.flag_counts == [("High", 1)]
    assert [item.read.meter_id for item in summary.flagged] == [third.pk]


def test_a_meters_reads_in_one_file_follow_each_other(world):
    # given: two reads of one meter, the later one first in the file
    meter = world.meters[0]
    content = _csv(f"{meter.serial},2025-07-28,1191,ami,", f"{meter.serial},2025-06-28,1180,ami,")

    # when
    loaded = _load(world, content)

    # then
    readings = MeterRead.objects.filter(pk__in=loaded.read_ids).order_by("read_on")
    assert [read.reading for read in readings] == [1180, 1191]
    assert all(read.flags == [] for read in readings)


def test_a_register_rollover_in_a_file_is_loaded_and_flagged(make_user):
    # given: a 4-dial register at 9,990
    world = build_route(make_user, meters=1, start_reading=9830)
    meter = world.meters[0]
    Meter.objects.filter(pk=meter.pk).update(dials=4)

    # when
    loaded = _load(world, _csv(f"{meter.serial},2025-06-28,2,ami,"))

    # then
    (read,) = MeterRead.objects.filter(pk__in=loaded.read_ids)
    assert read.flags == [MeterRead.Flag.ROLLOVER]


def test_every_bad_row_is_reported_by_line_and_nothing_is_written(world):
    # given
    first, second, third = world.meters
    stock = MeterFactory()  # never installed
    MeterRead.objects.create(meter=third, read_on=D(2025, 6, 27), reading=1178, source="route")
    content = _csv(
        f"{first.serial},2025-06-28,1181,handheld,",  # 2: good
        "NOPE-1,2025-06-28,5,handheld,",  # 3: unknown serial
        f"{stock.serial},2025-06-28,5,handheld,",  # 4: not installed
        f"{first.serial},06/29/2025,1182,handheld,",  # 5: bad date
        f"{second.serial},2025-06-28,-4,handheld,",  # 6: negative
        f"{second.serial},2025-06-29,12a,handheld,",  # 7: not a number
        f"{first.serial},2025-06-28,1183,ami,",  # 8: twice in the file
        f"{third.serial},2025-06-27,1179,ami,",  # 9: already on record that day
        f"{second.serial},2025-06-30,1107,handheld,",  # 10: below the last, not a rollover
        f"{second.serial},2025-07-01,1190,phone,",  # 11: unknown source
        f"{third.serial},2025-06-01,1175,ami,",  # 12: before the last read
    )
    reads_before = MeterRead.objects.count()

    # when
    with pytest.raises(ReadImportRejected) as refused:
        _load(world, content)

    # then
    errors = {error.line: error.message for error in refused.value.row_errors}
    assert sorted(errors) == list(range(3, 13))
    assert "no meter has this serial" in errors[3]
    assert "was not installed on 06/28/2025" in errors[4]
    assert "“06/29/2025” is not a date written YYYY-MM-DD" in errors[5]
    assert "A reading cannot be negative." in errors[6]
    assert "Enter the reading as a number." in errors[7]
    assert "a second read on 06/28/2025 (the first is on line 2)" in errors[8]
    assert "already has a read on 06/27/2025" in errors[9]
    assert "below the last read" in errors[10] and "not a register rollover" in errors[10]
    assert "“phone” is not handheld or ami" in errors[11]
    assert "was read later, on 06/27/2025" in errors[12]
    assert refused.value.messages[0].startswith("Line 3: NOPE-1")
    assert MeterRead.objects.count() == reads_before
    assert not ReadImport.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty"),
        (b"serial,date,reading\nA,2025-06-28,1\n", "missing meter_serial, read_date, source"),
        (HEADER.encode(), "no reads below its header"),
        (
            "meter_serial,read_date,reading,source\nMÉTER,2025-06-28,1,ami\n".encode("latin-1"),
            "not UTF-8",
        ),
        (
            b"meter_serial,read_date,reading,source\nA,2025-06-28,1\n",
            "3 values where the header names 4",
        ),
    ],
)
def test_a_malformed_file_is_refused_with_the_reason(world, content, message):
    # when
    with pytest.raises(ValidationError) as refused:
        _load(world, content)

    # then
    assert message in " ".join(refused.value.messages)
    assert not ReadImport.objects.exists()


def test_the_same_file_twice_is_refused_with_the_date_it_was_loaded(world):
    # given
    content = _csv(f"{world.meters[0].serial},2025-06-28,1181,handheld,")
    first = _load(world, content)
    reads_before = MeterRead.objects.count()

    # when
    with pytest.raises(ValidationError) as refused:
        _load(world, content, name="renamed.csv")

    # then
    message = refused.value.messages[0]
    assert message.startswith("This file was already loaded on ")
    assert f"by {world.reader.username} (1 read, as route-r10.csv)" in message
    assert ReadImport.objects.get() == first
    assert MeterRead.objects.count() == reads_before


def test_a_field_technician_cannot_load_read_files(world, make_user):
    # when
    with pytest.raises(ValidationError):
        reads_import(
            file_name="x.csv",
            content=_csv(f"{world.meters[0].serial},2025-06-28,1181,handheld,"),
            by=make_user(roles.FIELD_TECHNICIAN),
        )

    # then
    assert not ReadImport.objects.exists()


# -- the page


def _upload(content: bytes, name="route.csv"):
    return SimpleUploadedFile(name, content, content_type="text/csv")


def test_the_page_loads_a_file_and_shows_its_counts_and_flags(client, world):
    # given
    client.force_login(world.reader)
    content = _csv(
        f"{world.meters[0].serial},2025-06-28,1181,handheld,",
        f"{world.meters[1].serial},2025-06-20,1177,handheld,",
    )

    # when
    response = client.post(reverse("billing:read_import"), {"file": _upload(content)}, follow=True)

    # then
    page = response.content.decode()
    assert response.redirect_chain[0][0].startswith(reverse("billing:read_import") + "?import=")
    assert "route.csv: 2 reads loaded." in page
    assert "Flagged for review: outside read window 1." in page
    assert world.meters[1].serial in page


def test_the_page_lists_every_bad_row_and_keeps_nothing(client, world):
    # given
    client.force_login(world.reader)
    content = _csv(f"{world.meters[0].serial},2025-06-28,1181,handheld,", "NOPE,2025-06-28,x,ami,")

    # when
    response = client.post(reverse("billing:read_import"), {"file": _upload(content)})

    # then
    page = response.content.decode()
    assert response.status_code == 200
    assert "The file was not loaded: 1 problem. Nothing was saved." in page
    assert "Line 3: NOPE: no meter has this serial." in page
    assert not ReadImport.objects.exists()
    assert not MeterRead.objects.filter(read_on=D(2025, 6, 28)).exists()


def test_the_page_refuses_a_file_loaded_before_next_to_the_field(client, world):
    # given
    client.force_login(world.reader)
    content = _csv(f"{world.meters[0].serial},2025-06-28,1181,handheld,")
    client.post(reverse("billing:read_import"), {"file": _upload(content)})

    # when
    response = client.post(reverse("billing:read_import"), {"file": _upload(content, "again.csv")})

    # then
    assert response.status_code == 200
    assert "This file was already loaded on" in response.content.decode()
    assert ReadImport.objects.count() == 1
