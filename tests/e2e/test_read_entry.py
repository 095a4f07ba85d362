"""Route read entry in a browser: a CSR II enters a route's reads with the keyboard only (type,
Enter, type, Enter), confirms an unusual one with a second Enter, and the reads are saved;
the grid, the route list and the read file page pass axe."""

import datetime

import pytest
from playwright.sync_api import expect

from district import roles
from field_ops.models import MeterRead
from tests.billing.factories import build_route

READ_DAY = datetime.date(2025, 6, 28)


@pytest.fixture
def world(make_user):
    return build_route(make_user)


def test_a_csr_enters_a_routes_reads_with_the_keyboard(page, world, sign_in, assert_accessible):
    # given: three meters at 1,170, in read order 10, 20, 30
    sign_in(page, roles.CSR_II)
    page.goto("/billing/reads/")
    expect(page.get_by_role("heading", name="Enter reads by route", level=1)).to_be_visible()
    assert_accessible(page)
    page.goto(f"/billing/reads/route/{world.route}/?date={READ_DAY.isoformat()}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Route R10")
    first, second, third = sorted(
        world.meters, key=lambda meter: meter.installations.get().premise.read_sequence
    )
    first_box = page.get_by_label(f"Reading of meter {first.serial}")
    expect(first_box).to_be_focused()
    assert_accessible(page)

    # when: type, Enter, type, Enter
    page.keyboard.type("1181")
    page.keyboard.press("Enter")
    second_box = page.get_by_label(f"Reading of meter {second.serial}")
    expect(second_box).to_be_focused()
    page.keyboard.type("1179")
    page.keyboard.press("Enter")

    # then: both saved, said in the rows and the status line; the third waits with the focus
    third_box = page.get_by_label(f"Reading of meter {third.serial}")
    expect(third_box).to_be_focused()
    expect(page.locator(f"#read-row-{first.pk}")).to_contain_text("Saved")
    expect(page.locator("#grid-status")).to_contain_text("Saved 1,179 for")
    saved = dict(MeterRead.objects.filter(read_on=READ_DAY).values_list("meter_id", "reading"))
    assert saved == {first.pk: 1181, second.pk: 1179}

    # and an unusual value asks first: a second Enter saves it as read
    page.keyboard.type("1230")
    page.keyboard.press("Enter")
    expect(page.locator(f"#result-{third.pk}")).to_contain_text("Check: High")
    expect(third_box).to_be_focused()
    assert not MeterRead.objects.filter(meter=third, read_on=READ_DAY).exists()
    assert_accessible(page)
    page.keyboard.press("Enter")
    expect(page.locator(f"#read-row-{third.pk}")).to_contain_text("High")
    expect(page.locator("#grid-status")).to_contain_text("Saved 1,230")
    assert MeterRead.objects.get(meter=third, read_on=READ_DAY).flags == ["high"]
    assert_accessible(page)


def test_the_read_file_calendar_and_period_pages_pass_axe(page, world, sign_in, assert_accessible):
    # given
    sign_in(page, roles.CSR_II)

    # when / then
    page.goto("/billing/reads/import/")
    expect(page.get_by_label("Read file (CSV)")).to_be_visible()
    assert_accessible(page)
    page.goto("/billing/calendar/?month=2025-06")
    expect(page.get_by_role("heading", name="June 2025")).to_be_visible()
    assert_accessible(page)
    page.goto(f"/billing/cycles/{world.cycle.pk}/")
    assert_accessible(page)
    june = world.cycle.periods.get(period_start=datetime.date(2025, 6, 1))
    page.goto(f"/billing/calendar/periods/{june.pk}/")
    expect(page.get_by_role("heading", name="Meters not read from 06/24/2025")).to_be_visible()
    assert_accessible(page)
