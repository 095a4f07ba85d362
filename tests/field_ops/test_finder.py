"""Finding a property by APN, tract and lot, map book and page, address or cross street; and the
neighbour map on the premise page."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from district import roles
from field_ops import finder
from tests.factories import PremiseFactory

pytestmark = pytest.mark.django_db

ORIGIN = (Decimal("33.100000"), Decimal("-117.300000"))


def _ids(result):
    return [premise.pk for premise in result.premises]


@pytest.fixture
def parcels(db):
    """Three premises with distinct parcel, map and address keys."""
    return {
        "main": PremiseFactory(
            house_number="123",
            street="Main St",
            apn="123-456-78",
            tract="TR-5150",
            lot="12",
            map_book="201",
            map_page="44",
            cross_street="Oak Ave",
        ),
        "main_far": PremiseFactory(
            house_number="1234",
            street="Main St",
            apn="123-456-99",
            tract="TR-5150",
            lot="13",
            map_book="201",
            map_page="45",
            cross_street="Elm St",
        ),
        "oak": PremiseFactory(
            house_number="55",
            street="Oak Ave",
            apn="987-654-32",
            tract="TR-7000",
            lot="12",
            map_book="310",
            map_page="44",
            cross_street="Main St",
        ),
    }


# -- each key


@pytest.mark.parametrize("typed", ["123-456-78", "12345678", " 123 456 78 "])
def test_an_apn_is_found_with_or_without_dashes(parcels, typed):
    # when
    result = finder.premise_find(apn=typed)

    # then
    assert _ids(result) == [parcels["main"].pk]


def test_the_first_digits_of_an_apn_find_the_parcels_of_that_page(parcels):
    # when
    result = finder.premise_find(apn="123-456")

    # then
    assert set(_ids(result)) == {parcels["main"].pk, parcels["main_far"].pk}


def test_tract_and_lot_find_one_parcel_in_any_case(parcels):
    # when
    result = finder.premise_find(tract="tr-5150", lot="12")

    # then
    assert _ids(result) == [parcels["main"].pk]


def test_a_lot_alone_finds_that_lot_in_every_tract(parcels):
    # when
    result = finder.premise_find(lot="12")

    # then
    assert set(_ids(result)) == {parcels["main"].pk, parcels["oak"].pk}


def test_map_book_and_page(parcels):
    # when
    page = finder.premise_find(map_book="201", map_page="44")
    book = finder.premise_find(map_book="201")

    # then
    assert _ids(page) == [parcels["main"].pk]
    assert set(_ids(book)) == {parcels["main"].pk, parcels["main_far"].pk}


def test_an_address_in_part_puts_the_exact_house_number_first(parcels):
    # when
    result = finder.premise_find(address="123 main")

    # then: 123 Main before 1234 Main; Oak Ave (which crosses Main) is not an address match
    assert _ids(result) == [parcels["main"].pk, parcels["main_far"].pk]


def test_an_address_with_only_punctuation_finds_nothing(parcels):
    # when
    result = finder.premise_find(address="#--")

    # then
    assert result.searched
    assert result.premises == []


def test_a_cross_street(parcels):
    # when
    result = finder.premise_find(cross_street="oak")

    # then
    assert _ids(result) == [parcels["main"].pk]


@pytest.mark.parametrize("typed", ["Main & Oak", "oak / main", "Main and Oak", "main at oak"])
def test_a_street_and_its_cross_street(parcels, typed):
    # when
    result = finder.premise_find(cross_street=typed)

    # then: on Main near Oak, and on Oak near Main
    assert set(_ids(result)) == {parcels["main"].pk, parcels["oak"].pk}


def test_keys_combine(parcels):
    # when
    result = finder.premise_find(address="main", lot="13")

    # then
    assert _ids(result) == [parcels["main_far"].pk]


def test_no_keys_search_nothing(parcels):
    # when
    result = finder.premise_find()

    # then
    assert (result.searched, result.premises) == (False, [])


def test_a_broad_search_is_cut_at_the_limit_and_says_so(parcels):
    # when
    result = finder.premise_find(map_book="201", limit=1)

    # then
    assert len(result.premises) == 1
    assert result.truncated


def test_the_apn_search_uses_the_indexed_expression(parcels):
    # when
    with CaptureQueriesContext(connection) as captured:
        finder.premise_find(apn="12345678")

    # then: the same expression as premise_apn_compact_idx, compared for equality
    sql = captured.captured_queries[0]["sql"]
    assert "REPLACE(" in sql.upper()
    assert "= '12345678'" in sql


# -- the finder page


def test_the_finder_page_lists_matches_linked_to_their_premise(client_for, parcels):
    # given
    client = client_for(roles.CSR_I)

    # when
    response = client.get(reverse("field_ops:premise_finder"), {"apn": "12345678"})

    # then
    page = response.content.decode()
    assert response.status_code == 200
    assert reverse("field_ops:premise_detail", kwargs={"premise_id": parcels["main"].pk}) in page
    assert "1 premise found" in page
    assert "987-654-32" not in page


def test_the_finder_page_says_when_nothing_matches(client_for, parcels):
    # given
    client = client_for(roles.CSR_I)

    # when
    response = client.get(reverse("field_ops:premise_finder"), {"tract": "NOPE"})

    # then
    assert "No premise matches all of those keys." in response.content.decode()


def test_the_finder_page_takes_the_same_queries_for_more_matches(
    client_for, parcels, django_assert_max_num_queries
):
    # given
    client = client_for(roles.CSR_I)
    url = reverse("field_ops:premise_finder")
    with CaptureQueriesContext(connection) as few:
        client.get(url, {"map_book": "201"})
    for _ in range(10):
        PremiseFactory(map_book="201")

    # when / then
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url, {"map_book": "201"})
    assert len(response.context["result"].premises) == 12


@pytest.mark.parametrize("role", [roles.CSR_I, roles.FINANCE])
def test_staff_who_look_up_accounts_may_find_a_property(client_for, role):
    # when / then
    assert client_for(role).get(reverse("field_ops:premise_finder")).status_code == 200


def test_a_technician_may_not_search_the_property_records(client_for):
    # when / then: a technician's premises are those of their orders (field_ops.technician)
    client = client_for(roles.FIELD_TECHNICIAN)
    assert client.get(reverse("field_ops:premise_finder")).status_code == 403


def test_a_customer_may_not_find_a_property(client_for):
    # when / then
    assert client_for(roles.CUSTOMER).get(reverse("field_ops:premise_finder")).status_code == 403


# -- neighbours and the map


def _located(north_metres=0.0, east_metres=0.0, **fields):
    """A premise placed that many metres north and east of ORIGIN."""
    latitude, longitude = ORIGIN
    per_degree = Decimal(finder.METRES_PER_DEGREE)
    shrink = Decimal("0.837719")  # cos(33.1 degrees)
    return PremiseFactory(
        latitude=(latitude + Decimal(str(north_metres)) / per_degree).quantize(Decimal("0.000001")),
        longitude=(longitude + Decimal(str(east_metres)) / per_degree / shrink).quantize(
            Decimal("0.000001")
        ),
        **fields,
    )


def test_the_nearest_neighbours_come_first_and_far_ones_are_left_out(db):
    # given
    home = _located()
    next_door = _located(east_metres=20)
    across = _located(north_metres=-45)
    up_the_street = _located(north_metres=150, east_metres=10)
    _located(north_metres=5000)  # outside the box
    PremiseFactory(latitude=None, longitude=None)

    # when
    nearest = finder.nearest_premises(home)

    # then
    assert [premise.pk for premise in nearest] == [next_door.pk, across.pk, up_the_street.pk]


def test_at_most_twelve_neighbours(db):
    # given
    home = _located()
    for step in range(15):
        _located(east_metres=10 * (step + 1))

    # when / then
    assert len(finder.nearest_premises(home)) == finder.NEIGHBOURS


def test_the_map_places_neighbours_by_direction_and_distance_inside_the_picture(db):
    # given
    home = _located()
    _located(east_metres=30)
    _located(north_metres=60)

    # when
    drawn = finder.neighbour_map(home)

    # then
    east, north = drawn["neighbours"]
    assert (east.distance_metres, east.direction) == (30, "east")
    assert (north.distance_metres, north.direction) == (60, "north")
    assert east.x > drawn["center_x"] and east.y == pytest.approx(drawn["center_y"], abs=0.2)
    assert north.y < drawn["center_y"] and north.x == pytest.approx(drawn["center_x"], abs=0.2)
    for neighbour in drawn["neighbours"]:
        assert 0 <= neighbour.x <= drawn["width"] and 0 <= neighbour.y <= drawn["height"]


def test_a_premise_without_coordinates_has_no_map(db):
    # when
    drawn = finder.neighbour_map(PremiseFactory(latitude=None, longitude=None))

    # then
    assert drawn == {"located": False, "neighbours": []}


def test_the_premise_page_shows_the_map_and_the_same_neighbours_as_links(client_for, settings):
    # given
    settings.GIS_URL_TEMPLATE = "https://gis.example.org/?apn={apn}&lat={lat}&lng={lng}"
    home = _located(apn="123-456-78")
    neighbour = _located(east_metres=25, house_number="77", street="Elm St")
    client = client_for(roles.CSR_I)

    # when
    response = client.get(reverse("field_ops:premise_detail", kwargs={"premise_id": home.pk}))

    # then: a circle in an SVG link, and the same neighbour in the text list
    page = response.content.decode()
    link = reverse("field_ops:premise_detail", kwargs={"premise_id": neighbour.pk})
    assert "Neighbours and map" in page
    assert "<svg" in page and "<circle" in page
    assert page.count(f'href="{link}"') == 2
    assert "77 Elm St: 25 m east" in page  # the circle's <title>
    assert "25 m east" in page.split("<ol")[1]
    assert (
        f"https://gis.example.org/?apn=123-456-78&amp;lat={home.latitude}&amp;lng={home.longitude}"
        in page
    )
    assert "style=" not in page.split("Neighbours and map")[1]


def test_without_a_gis_setting_there_is_no_gis_link(client_for, settings):
    # given
    settings.GIS_URL_TEMPLATE = ""
    home = _located()

    # when
    page = (
        client_for(roles.CSR_I)
        .get(reverse("field_ops:premise_detail", kwargs={"premise_id": home.pk}))
        .content.decode()
    )

    # then
    assert "district's GIS" not in page


def test_a_mistyped_gis_template_gives_no_link_rather_than_an_error(settings):
    # given
    settings.GIS_URL_TEMPLATE = "https://gis.example.org/?parcel={parcel}"

    # when / then
    assert finder.gis_url(PremiseFactory()) == ""


def test_the_premise_page_of_an_unmapped_premise_says_so(client_for):
    # given
    home = PremiseFactory(latitude=None, longitude=None)

    # when
    page = (
        client_for(roles.CSR_I)
        .get(reverse("field_ops:premise_detail", kwargs={"premise_id": home.pk}))
        .content.decode()
    )

    # then
    assert "No coordinates are recorded for this premise" in page
