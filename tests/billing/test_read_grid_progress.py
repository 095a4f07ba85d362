"""The read grid's "N of M read" follows the reads as each row is saved (htmx, out of band)."""

import re

import pytest
from django.urls import reverse

from billing.reads.selectors import route_read_count
from tests.billing.factories import JUNE_READ, build_route, enter_read

pytestmark = pytest.mark.django_db


def _progress(page: str) -> str:
    found = re.search(r'<span id="read-progress"[^>]*>([^<]*)</span>', page)
    return found.group(1).strip() if found else ""


@pytest.fixture
def world(make_user):
    return build_route(make_user)


def _grid_url(world):
    return f"{reverse('billing:read_route', kwargs={'route': world.route})}?date={JUNE_READ}"


def test_the_grid_counts_the_meters_read_that_day(client, world):
    # given: one of three meters read on the day
    enter_read(world, world.meters[0], 1180)
    client.force_login(world.reader)
    # when
    page = client.get(_grid_url(world)).content.decode()
    # then
    assert _progress(page) == "1 of 3"


def test_saving_a_row_answers_with_the_new_count_out_of_band(client, world):
    # given: a colleague has read one meter already
    enter_read(world, world.meters[0], 1180)
    client.force_login(world.reader)
    # when: this reader saves another row
    response = client.post(
        _grid_url(world),
        {"meter": world.meters[1].pk, "read_on": JUNE_READ.isoformat(), "reading": "1180"},
        HTTP_HX_REQUEST="true",
    )
    # then
    page = response.content.decode()
    assert '<span id="read-progress" hx-swap-oob="innerHTML">2 of 3</span>' in page


def test_a_refused_row_leaves_the_count_as_it_was(client, world):
    # given
    client.force_login(world.reader)
    # when: a reading that is not a number
    response = client.post(
        _grid_url(world),
        {"meter": world.meters[1].pk, "read_on": JUNE_READ.isoformat(), "reading": "abc"},
        HTTP_HX_REQUEST="true",
    )
    # then
    assert '<span id="read-progress" hx-swap-oob="innerHTML">0 of 3</span>' in (
        response.content.decode()
    )
    assert route_read_count(route=world.route, on_date=JUNE_READ) == (0, 3)


def test_the_count_takes_one_query(world, django_assert_num_queries):
    # when / then
    with django_assert_num_queries(1):
        assert route_read_count(route=world.route, on_date=JUNE_READ) == (0, 3)
