"""The field technician on a phone: today's list, one order, a reading entered and completed."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from district import roles
from field_ops.models import MeterRead, WorkOrder
from tests.factories import PASSWORD
from tests.field_ops.factories import build_world

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def world(make_user, monkeypatch, settings, tmp_path):
    return build_world(make_user, monkeypatch, settings, tmp_path)


def _fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_technician_completes_todays_first_order_with_a_reading(phone, world, assert_accessible):
    # given: an emergency re-read first on the list, a routine job after it
    first = world.order(
        WorkOrder.Type.RE_READ,
        priority=WorkOrder.Priority.EMERGENCY,
        instructions="Customer disputes the last read",
    )
    other_premise, _meter = world.premise_with_meter(route="R05")
    world.order(WorkOrder.Type.OTHER, premise=other_premise)
    page = phone

    # when: the technician signs in and opens today's first order from the home page
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(world.technician.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")
    page.wait_for_url("**/")
    assert_accessible(page)
    page.get_by_role("link", name=re.compile(r"2 orders on today")).click()
    expect(page.get_by_role("heading", name="Today's orders", level=1)).to_be_visible()
    expect(page.get_by_text("Emergency").first).to_be_visible()
    assert _fits_the_screen(page)
    assert_accessible(page)
    page.get_by_role("link", name=re.compile(r"^Open WO-")).first.click()
    expect(page.get_by_role("heading", name=str(first), level=1)).to_be_visible()
    assert _fits_the_screen(page)
    assert_accessible(page)

    # and a mistyped reading comes back with the error beside it and the typing kept
    reading = page.get_by_label("Meter reading")
    expect(reading).to_have_attribute("inputmode", "decimal")
    reading.fill("1234.567")
    page.get_by_role("button", name="Complete order").click()
    expect(page.locator("#id_reading-error")).to_contain_text("two decimals")
    expect(page.get_by_label("Meter reading")).to_have_value("1234.567")
    assert_accessible(page)

    # and the corrected reading completes the order
    page.get_by_label("Meter reading").fill("1234.5")
    page.get_by_role("button", name="Complete order").click()

    # then: the page says so and the meter's reads show it
    expect(page.get_by_text(f"{first} completed.")).to_be_visible()
    reads = page.get_by_role("table")
    expect(reads).to_contain_text("1234.50")
    expect(reads).to_contain_text("Field order")
    assert _fits_the_screen(page)
    assert_accessible(page)
    read = MeterRead.objects.get(meter=world.meter, reading=Decimal("1234.50"))
    assert (read.source, read.entered_by) == (MeterRead.Source.FIELD_ORDER, world.technician)
    done = WorkOrder.objects.get(pk=first.pk)
    assert (done.status, done.completion["meter_read_id"]) == (WorkOrder.Status.COMPLETED, read.pk)


def test_each_kind_of_completion_form_is_accessible_and_refuses_in_words(
    phone, world, assert_accessible
):
    # given: one order of each kind of form (yes/no choices, a tick box, serials, a percentage)
    kinds = [
        (WorkOrder.Type.LEAK_INVESTIGATION, "Choose yes or no"),
        (WorkOrder.Type.DOOR_HANGER, "Leave the notice on the door"),
        (WorkOrder.Type.METER_EXCHANGE, "meter you took out"),
        (WorkOrder.Type.METER_TEST, "Enter the accuracy"),
    ]
    orders = [world.order(order_type) for order_type, _message in kinds]
    page = phone
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(world.technician.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")
    page.wait_for_url("**/")

    for work_order, (_order_type, message) in zip(orders, kinds, strict=True):
        # when: the form is sent empty
        page.goto(f"/field/orders/{work_order.pk}/")
        assert_accessible(page)
        page.get_by_role("button", name="Complete order").click()

        # then: it says what is missing, beside the field, and stays accessible
        expect(page.locator(".invalid-feedback").first).to_contain_text(message)
        assert _fits_the_screen(page)
        assert_accessible(page)
        assert WorkOrder.objects.get(pk=work_order.pk).status == WorkOrder.Status.DISPATCHED


def test_a_leak_found_is_recorded_with_where_it_is(phone, world, assert_accessible):
    # given
    work_order = world.order(WorkOrder.Type.LEAK_INVESTIGATION)
    page = phone
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(world.technician.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")
    page.wait_for_url("**/")
    page.goto(f"/field/orders/{work_order.pk}/")

    # when: the large "Yes" choice is tapped and the place typed
    page.locator("label", has_text="Yes").tap()
    expect(page.get_by_role("radio", name="Yes")).to_be_checked()
    page.get_by_label("Where is the leak").fill("Irrigation valve, side yard")
    page.get_by_role("button", name="Complete order").tap()

    # then
    expect(page.get_by_text(f"{work_order} completed.")).to_be_visible()
    expect(page.get_by_text("Irrigation valve, side yard")).to_be_visible()
    assert_accessible(page)
    done = WorkOrder.objects.get(pk=work_order.pk)
    assert done.completion["leak_found"] is True
    assert done.completion["leak_location"] == "Irrigation valve, side yard"


def test_a_csr_creates_an_order_and_sees_its_page(page, world, sign_in, assert_accessible):
    # given
    sign_in(page, roles.CSR_I)
    page.goto(f"/work-orders/new/?premise={world.premise.pk}")
    assert_accessible(page)

    # when
    page.get_by_label("Type of work").select_option(WorkOrder.Type.HIGH_BILL_INVESTIGATION)
    page.get_by_label("Instructions for the technician").fill("Customer home after 9")
    page.get_by_role("button", name="Create work order").click()

    # then
    expect(page.get_by_role("heading", level=1)).to_contain_text("High-bill investigation")
    expect(page.get_by_text("Customer home after 9")).to_be_visible()
    assert_accessible(page)
    assert WorkOrder.objects.get().order_type == WorkOrder.Type.HIGH_BILL_INVESTIGATION
