"""The dispatch board in a browser: a lead assigns an order from the pool with the keyboard
only; the board and the property finder pass axe."""

import re

import pytest
from playwright.sync_api import expect

from field_ops.models import WorkOrder
from tests.factories import PASSWORD
from tests.field_ops.factories import build_world

MAX_TABS = 12


@pytest.fixture
def world(make_user, monkeypatch, settings, tmp_path):
    return build_world(make_user, monkeypatch, settings, tmp_path)


def _sign_in_as(page, user):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")
    page.wait_for_url("**/")


def _tab_until_focused(page, locator):
    """Press Tab until the locator has the focus (as a keyboard user would)."""
    for _ in range(MAX_TABS):
        if locator.evaluate("element => element === document.activeElement"):
            return
        page.keyboard.press("Tab")
    expect(locator).to_be_focused()


def test_a_lead_assigns_an_order_from_the_pool_with_the_keyboard(page, world, assert_accessible):
    # given: two orders waiting, an emergency first; a CSR III (lead) at the board
    emergency = world.order(
        WorkOrder.Type.RE_READ, status=WorkOrder.Status.NEW, priority=WorkOrder.Priority.EMERGENCY
    )
    routine = world.order(WorkOrder.Type.OTHER, status=WorkOrder.Status.NEW)
    world.order(WorkOrder.Type.OTHER, status=WorkOrder.Status.SCHEDULED)  # Eddie has one already
    _sign_in_as(page, world.dispatcher)
    page.goto("/dispatch/")
    expect(page.get_by_role("heading", name="Dispatch board", level=1)).to_be_visible()
    pool = page.locator("#pool")
    expect(pool.locator(".badge", has_text="Emergency")).to_be_visible()
    assert_accessible(page)

    # when: Tab to the emergency's technician list, choose Eddie with the arrow keys,
    # Tab past the day (today) to the button and press Enter
    page.locator("#pool-heading").focus()
    select = page.get_by_label(f"Technician for WO-{emergency.pk:06d}")
    _tab_until_focused(page, select)
    for _ in range(2):  # "Technician…", crew-lead, tech-eddie
        page.keyboard.press("ArrowDown")
    expect(select).to_have_value(str(world.technician.pk))
    button = page.get_by_role("button", name=f"Assign WO-{emergency.pk:06d}")
    _tab_until_focused(page, button)
    page.keyboard.press("Enter")

    # then: the order is on Eddie's list, said in the status line, and saved
    eddie = page.locator(f"#tech-{world.technician.pk}")
    expect(eddie.locator(f"#wo-{emergency.pk}")).to_be_visible()
    expect(pool.locator(f"#wo-{emergency.pk}")).to_have_count(0)
    expect(page.locator("#board-status")).to_contain_text(
        re.compile(rf"WO-{emergency.pk:06d} .* assigned to tech-eddie")
    )
    expect(eddie).to_contain_text("2 of 8 orders")
    emergency.refresh_from_db()
    assert (emergency.assigned_to, emergency.status) == (
        world.technician,
        WorkOrder.Status.SCHEDULED,
    )
    # and the focus waits on the next order's technician list, ready for the next one
    expect(page.get_by_label(f"Technician for WO-{routine.pk:06d}")).to_be_focused()
    assert_accessible(page)


def test_the_property_finder_passes_axe(page, world, assert_accessible):
    # given
    _sign_in_as(page, world.dispatcher)

    # when
    page.goto("/premises/find/")
    expect(page.get_by_role("heading", name="Find a property", level=1)).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Service address").fill(world.premise.house_number + " main")
    page.get_by_label("Service address").press("Enter")

    # then
    expect(page.get_by_role("link", name=world.premise.address_line)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=world.premise.address_line).click()
    expect(page.get_by_role("heading", name="Neighbours and map")).to_be_visible()
    assert_accessible(page)
