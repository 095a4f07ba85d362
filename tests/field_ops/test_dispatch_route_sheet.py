"""The technician's printable route sheet: the day's orders in route order, as a PDF."""

import datetime
import re
import zlib

import pytest
from django.urls import reverse
from django.utils import timezone

from district import roles
from field_ops.dispatch.route_sheet import route_sheet_html, route_sheet_pdf
from field_ops.models import WorkOrder
from tests.field_ops.factories import grant

pytestmark = pytest.mark.django_db

S = WorkOrder.Status


def _today():
    return timezone.localdate()


def _sheet_url(technician, day):
    return reverse(
        "field_ops:route_sheet", kwargs={"technician_id": technician.pk, "day": day.isoformat()}
    )


def _pdf_streams_text(pdf: bytes) -> bytes:
    """The PDF's compressed streams, inflated (the document information sits in one of them)."""
    inflated = []
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.DOTALL):
        try:
            inflated.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return b"\n".join(inflated)


def _two_stops(world):
    """Eddie's day: a stop late on route R02 and one early on R01 (with its parcel details)."""
    late, _ = world.premise_with_meter(route="R02", read_sequence=10, house_number="900")
    early, early_meter = world.premise_with_meter(
        route="R01",
        read_sequence=5,
        house_number="12",
        street="Oak Ave",
        map_book="77",
        map_page="21",
        tract="TR-5150",
        lot="44",
        meter_location_notes="Behind the side gate",
    )
    world.order(status=S.SCHEDULED, premise=late)
    first = world.order(
        WorkOrder.Type.RE_READ,
        status=S.DISPATCHED,
        premise=early,
        instructions="Dog in yard; call first",
    )
    return first, early_meter


def test_the_sheet_lists_the_day_in_route_order_with_where_and_what(world):
    # given
    first, meter = _two_stops(world)

    # when
    html = route_sheet_html(technician=world.technician, day=_today())

    # then: the first stop is the early one on route R01, with everything a driver needs
    assert html.index("12 Oak Ave") < html.index("900 Main St")
    for expected in (
        f"WO-{first.pk:06d}",
        "Re-read",
        "77 / 21",
        "TR-5150 / 44",
        meter.serial,
        "Behind the side gate",
        "Dog in yard; call first",
        "Reading / result",
        "2 orders in route order",
    ):
        assert expected in html, expected


def test_the_sheet_is_a_pdf_for_the_dispatcher(client, world):
    # given
    _two_stops(world)
    client.force_login(world.dispatcher)

    # when
    response = client.get(_sheet_url(world.technician, _today()))

    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert f"route-sheet-tech-eddie-{_today().isoformat()}.pdf" in response["Content-Disposition"]
    # the document's subject names the first stop (the page text itself is glyph-encoded)
    assert b"starting at 12 Oak Ave" in _pdf_streams_text(response.content)
    # printed by the district's renderer: a tagged PDF/UA (structure tree, PDF/UA id in the XMP)
    assert b"StructTreeRoot" in _pdf_streams_text(response.content)
    assert b"pdfuaid" in _pdf_streams_text(response.content)


def test_a_day_without_orders_still_prints(world):
    # when
    pdf = route_sheet_pdf(
        technician=world.other_technician, day=_today() + datetime.timedelta(days=3)
    )
    html = route_sheet_html(
        technician=world.other_technician, day=_today() + datetime.timedelta(days=3)
    )

    # then
    assert pdf.startswith(b"%PDF")
    assert "No open orders for tech-frank" in html


def test_a_badly_written_day_is_not_found(client, world):
    # given
    client.force_login(world.dispatcher)
    url = reverse(
        "field_ops:route_sheet", kwargs={"technician_id": world.technician.pk, "day": "06-01"}
    )

    # when / then
    assert client.get(url).status_code == 404


def test_a_technician_prints_their_own_sheet(client, world):
    # given
    _two_stops(world)
    client.force_login(world.technician)

    # when
    response = client.get(reverse("field_ops:my_route_sheet"))

    # then
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    assert "tech-eddie" in response["Content-Disposition"]


def test_a_technician_cannot_print_another_technicians_sheet(client, world):
    # given
    client.force_login(world.technician)

    # when
    mine_by_id = client.get(
        reverse("field_ops:my_route_sheet") + f"?technician={world.technician.pk}"
    )
    theirs = client.get(
        reverse("field_ops:my_route_sheet") + f"?technician={world.other_technician.pk}"
    )
    dispatcher_url = client.get(_sheet_url(world.other_technician, _today()))

    # then
    assert mine_by_id.status_code == 200
    assert theirs.status_code == 403
    assert dispatcher_url.status_code == 403


def test_a_crew_lead_prints_any_technicians_sheet(client, world):
    # given
    client.force_login(world.lead)

    # when
    response = client.get(
        reverse("field_ops:my_route_sheet")
        + f"?technician={world.other_technician.pk}&day={_today().isoformat()}"
    )

    # then
    assert response.status_code == 200
    assert "tech-frank" in response["Content-Disposition"]


def test_counter_staff_cannot_print_route_sheets(client, world, make_user):
    # given
    client.force_login(make_user(roles.CSR_I))

    # when / then
    assert client.get(_sheet_url(world.technician, _today())).status_code == 403
    assert client.get(reverse("field_ops:my_route_sheet")).status_code == 403


def test_the_board_links_each_technicians_sheet(client, world):
    # given
    client.force_login(grant(world.dispatcher, "dispatch_work_orders"))

    # when
    page = client.get(reverse("field_ops:dispatch_board")).content.decode()

    # then
    assert _sheet_url(world.technician, _today()) in page
