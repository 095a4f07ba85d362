"""The dispatch board: each technician's day in route order, the pool, and the actions on it."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from district import roles
from field_ops.dispatch.selectors import dispatch_board
from field_ops.dispatch.services import dispatch_send_day, dispatch_unassign
from field_ops.models import TechnicianCapacity, WorkOrder

pytestmark = pytest.mark.django_db

S = WorkOrder.Status
T = WorkOrder.Type
P = WorkOrder.Priority
HTMX = {"HTTP_HX_REQUEST": "true"}


def _today():
    return timezone.localdate()


def _board_url(day=None):
    url = reverse("field_ops:dispatch_board")
    return f"{url}?day={day.isoformat()}" if day else url


def _action_url(name, work_order):
    return reverse(f"field_ops:dispatch_{name}", kwargs={"work_order_id": work_order.pk})


def _snapshot(*orders):
    return [
        WorkOrder.objects.filter(pk=order.pk)
        .values("status", "assigned_to_id", "scheduled_date", "priority")
        .get()
        for order in orders
    ]


def _requested_days_ago(work_order, days):
    """Test data: an order requested `days` ago (the services refuse past routine requests)."""
    WorkOrder.objects.filter(pk=work_order.pk).update(
        requested_date=_today() - datetime.timedelta(days=days)
    )
    work_order.refresh_from_db()
    return work_order


# -- the board's reads


def test_each_technician_has_their_day_in_route_and_read_sequence_order(world):
    # given: three stops for Eddie, out of route order; one for Frank
    late, _ = world.premise_with_meter(route="R02", read_sequence=10)
    early, _ = world.premise_with_meter(route="R01", read_sequence=50)
    earliest, _ = world.premise_with_meter(route="R01", read_sequence=5)
    third = world.order(status=S.SCHEDULED, premise=late)
    second = world.order(status=S.DISPATCHED, premise=early)
    first = world.order(status=S.SCHEDULED, premise=earliest)
    franks = world.order(status=S.SCHEDULED, technician=world.other_technician)

    # when
    board = dispatch_board(day=_today())

    # then
    eddie = board.section(world.technician.pk)
    assert [row.order.pk for row in eddie.rows] == [first.pk, second.pk, third.pk]
    assert (eddie.load, eddie.capacity, eddie.over_capacity) == (3, 8, False)
    assert [row.order.pk for row in board.section(world.other_technician.pk).rows] == [franks.pk]
    assert board.pool == []


def test_every_field_technician_has_a_section_even_with_nothing_to_do(world):
    # when
    board = dispatch_board(day=_today())

    # then: the field role (the crew lead is a field technician too); no counter staff
    names = {section.technician.username for section in board.technicians}
    assert names == {"tech-eddie", "tech-frank", "crew-lead"}
    assert all(section.rows == [] for section in board.technicians)


def test_the_pool_holds_orders_without_a_technician_or_a_day_emergencies_first(world):
    # given
    old_routine = _requested_days_ago(world.order(status=S.NEW), 5)
    new_routine = world.order(status=S.NEW)
    emergency = world.order(status=S.NEW, priority=P.EMERGENCY)
    same_day = _requested_days_ago(world.order(status=S.NEW, priority=P.SAME_DAY), 1)
    world.order(status=S.SCHEDULED)  # on Eddie's list: not in the pool
    world.order(status=S.CANCELLED)  # closed: not in the pool

    # when
    board = dispatch_board(day=_today())

    # then: emergencies first, then by requested date
    assert [row.order.pk for row in board.pool] == [
        emergency.pk,
        old_routine.pk,
        same_day.pk,
        new_routine.pk,
    ]
    assert [row.overdue for row in board.pool] == [False, True, True, False]


def test_a_technician_over_capacity_is_flagged(world):
    # given
    TechnicianCapacity.objects.create(technician=world.technician, orders_per_day=2)
    for _ in range(3):
        world.order(status=S.SCHEDULED)

    # when
    section = dispatch_board(day=_today()).section(world.technician.pk)

    # then
    assert (section.load, section.capacity, section.over_capacity, section.over_by) == (
        3,
        2,
        True,
        1,
    )


def test_todays_board_carries_over_orders_left_open_from_earlier_days(world):
    # given: a dispatched order from yesterday still open
    order = world.order(status=S.DISPATCHED)
    WorkOrder.objects.filter(pk=order.pk).update(
        scheduled_date=_today() - datetime.timedelta(days=1)
    )

    # when
    today = dispatch_board(day=_today()).section(world.technician.pk)
    tomorrow = dispatch_board(day=_today() + datetime.timedelta(days=1)).section(
        world.technician.pk
    )

    # then
    assert [(row.order.pk, row.carried_over) for row in today.rows] == [(order.pk, True)]
    assert tomorrow.rows == []


def test_the_board_takes_three_queries_however_many_orders(world, django_assert_num_queries):
    # given
    for index in range(6):
        premise, _ = world.premise_with_meter(route=f"R0{index % 3}")
        world.order(status=S.SCHEDULED, premise=premise, technician=world.other_technician)
        world.order(status=S.NEW, premise=premise)

    # when / then: technicians, the day's orders, the pool
    with django_assert_num_queries(3):
        board = dispatch_board(day=_today())
        for section in board.technicians:
            for row in section.rows:
                assert row.order.premise.address_line and row.order.meter.serial
        for row in board.pool:
            assert row.order.premise.route


def test_the_board_page_takes_the_same_queries_for_more_orders(
    client, world, django_assert_max_num_queries
):
    # given
    client.force_login(world.dispatcher)
    world.order(status=S.SCHEDULED)
    world.order(status=S.NEW)
    with CaptureQueriesContext(connection) as few:
        client.get(_board_url())
    for _ in range(5):
        world.order(status=S.SCHEDULED, technician=world.other_technician)
        world.order(status=S.NEW, priority=P.EMERGENCY)

    # when / then
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(_board_url())
    assert response.status_code == 200


# -- the board page


def test_the_board_shows_priority_overdue_and_capacity_in_words(client, world):
    # given
    TechnicianCapacity.objects.create(technician=world.technician, orders_per_day=1)
    world.order(status=S.SCHEDULED, priority=P.EMERGENCY, window_start=datetime.time(8))
    world.order(status=S.SCHEDULED)
    late = _requested_days_ago(world.order(status=S.NEW), 3)
    client.force_login(world.dispatcher)

    # when
    response = client.get(_board_url())

    # then
    page = response.content.decode()
    assert response.status_code == 200
    assert "Emergency" in page
    assert "Overdue" in page
    assert "Over capacity by 1" in page
    assert "2 of 1 order" in page
    assert "8:00 AM" in page
    assert f'id="wo-{late.pk}"' in page
    assert 'for="assign-technician-' in page  # every control has a label
    assert "js/dispatch.js" in page


def test_a_bad_day_in_the_address_shows_today(client, world):
    # given
    client.force_login(world.dispatcher)

    # when
    response = client.get(reverse("field_ops:dispatch_board") + "?day=someday")

    # then
    assert response.status_code == 200
    assert response.context["board"].day == _today()


# -- actions


def test_assigning_from_the_pool_puts_the_order_on_the_technicians_day(client, world):
    # given
    order = world.order(status=S.NEW)
    client.force_login(world.dispatcher)
    day = _today()

    # when
    response = client.post(
        _action_url("assign", order),
        {"technician": world.technician.pk, "day": day.isoformat(), "board_day": day.isoformat()},
        **HTMX,
    )

    # then: saved, and the answer swaps Eddie's section and the pool with the order moved
    order.refresh_from_db()
    page = response.content.decode()
    assert (order.status, order.assigned_to, order.scheduled_date) == (
        S.SCHEDULED,
        world.technician,
        day,
    )
    assert f"{order} assigned to tech-eddie for" in page
    assert f'id="tech-{world.technician.pk}"' in page
    assert page.count('hx-swap-oob="true"') == 2
    section = page.split(f'id="tech-{world.technician.pk}"')[1].split("</section>")[0]
    assert f'id="wo-{order.pk}"' in section
    pool = page.split('id="pool"')[1]
    assert f'id="wo-{order.pk}"' not in pool


def test_assigning_without_javascript_returns_to_the_board_at_the_order(client, world):
    # given
    order = world.order(status=S.NEW)
    client.force_login(world.dispatcher)
    day = _today() + datetime.timedelta(days=2)

    # when
    response = client.post(
        _action_url("assign", order),
        {"technician": world.other_technician.pk, "day": day.isoformat()},
        follow=True,
    )

    # then
    order.refresh_from_db()
    assert response.redirect_chain[-1][0].endswith(f"#wo-{order.pk}")
    assert (order.assigned_to, order.scheduled_date) == (world.other_technician, day)
    assert f"{order} assigned to tech-frank" in response.content.decode()


def test_assigning_beyond_capacity_is_allowed_and_said(client, world):
    # given
    TechnicianCapacity.objects.create(technician=world.technician, orders_per_day=1)
    world.order(status=S.SCHEDULED)
    order = world.order(status=S.NEW)
    client.force_login(world.dispatcher)

    # when
    response = client.post(
        _action_url("assign", order),
        {"technician": world.technician.pk, "day": _today().isoformat()},
        **HTMX,
    )

    # then
    page = response.content.decode()
    assert "is over capacity that day: 2 orders for 1" in page
    assert "Over capacity by 1" in page


def test_rescheduling_moves_an_order_to_another_technician_and_day(client, world):
    # given: a dispatched order, already on Eddie's phone
    order = world.order(status=S.DISPATCHED)
    client.force_login(world.dispatcher)
    tomorrow = _today() + datetime.timedelta(days=1)

    # when
    response = client.post(
        _action_url("assign", order),
        {
            "technician": world.other_technician.pk,
            "day": tomorrow.isoformat(),
            "board_day": _today().isoformat(),
        },
        **HTMX,
    )

    # then: back to scheduled on Frank's list for tomorrow; gone from Eddie's section today
    order.refresh_from_db()
    assert (order.status, order.assigned_to, order.scheduled_date) == (
        S.SCHEDULED,
        world.other_technician,
        tomorrow,
    )
    page = response.content.decode()
    eddie = page.split(f'id="tech-{world.technician.pk}"')[1].split("</section>")[0]
    assert f'id="wo-{order.pk}"' not in eddie


def test_a_past_day_is_refused_beside_the_order_and_nothing_changes(client, world):
    # given
    order = world.order(status=S.NEW)
    before = _snapshot(order)
    client.force_login(world.dispatcher)

    # when
    response = client.post(
        _action_url("assign", order),
        {
            "technician": world.technician.pk,
            "day": (_today() - datetime.timedelta(days=1)).isoformat(),
        },
        **HTMX,
    )

    # then
    page = response.content.decode()
    assert "Schedule for today or a later day." in page
    assert f'id="wo-{order.pk}-error"' in page
    assert _snapshot(order) == before


def test_a_missing_technician_is_refused_and_nothing_changes(client, world):
    # given
    order = world.order(status=S.NEW)
    before = _snapshot(order)
    client.force_login(world.dispatcher)

    # when
    response = client.post(
        _action_url("assign", order), {"technician": "", "day": _today().isoformat()}, **HTMX
    )

    # then
    assert "Choose the technician." in response.content.decode()
    assert _snapshot(order) == before


def test_counter_staff_cannot_be_chosen_as_the_technician(client, world):
    # given
    order = world.order(status=S.NEW)
    before = _snapshot(order)
    client.force_login(world.dispatcher)

    # when
    response = client.post(
        _action_url("assign", order),
        {"technician": world.dispatcher.pk, "day": _today().isoformat()},
        **HTMX,
    )

    # then
    assert "Choose one of the field technicians." in response.content.decode()
    assert _snapshot(order) == before


def test_reprioritising_from_the_board(client, world):
    # given
    order = world.order(status=S.SCHEDULED)
    client.force_login(world.dispatcher)

    # when
    response = client.post(_action_url("priority", order), {"priority": P.EMERGENCY}, **HTMX)

    # then
    order.refresh_from_db()
    assert order.priority == P.EMERGENCY
    assert f"{order} is now emergency." in response.content.decode()


def test_unassigning_a_scheduled_order_returns_it_to_the_pool(client, world):
    # given
    order = world.order(status=S.SCHEDULED)
    client.force_login(world.dispatcher)

    # when
    response = client.post(_action_url("unassign", order), {}, **HTMX)

    # then
    order.refresh_from_db()
    assert (order.status, order.assigned_to, order.scheduled_date) == (S.NEW, None, None)
    pool = response.content.decode().split('id="pool"')[1]
    assert f'id="wo-{order.pk}"' in pool


def test_unassigning_a_dispatched_order_recalls_it_from_the_phone(world):
    # given
    order = world.order(status=S.DISPATCHED)

    # when
    dispatch_unassign(work_order=order, by=world.dispatcher)

    # then
    order.refresh_from_db()
    assert (order.status, order.assigned_to, order.dispatched_at) == (S.NEW, None, None)


def test_an_order_being_worked_cannot_be_unassigned(client, world):
    # given
    order = world.order(status=S.IN_PROGRESS)
    before = _snapshot(order)
    client.force_login(world.dispatcher)

    # when
    response = client.post(_action_url("unassign", order), {}, follow=True)

    # then
    assert "only a scheduled or dispatched order can go back to the pool" in (
        response.content.decode()
    )
    assert _snapshot(order) == before


def test_sending_a_technicians_day_dispatches_the_scheduled_orders(client, world):
    # given
    first = world.order(status=S.SCHEDULED)
    second = world.order(status=S.SCHEDULED)
    theirs = world.order(status=S.SCHEDULED, technician=world.other_technician)
    client.force_login(world.dispatcher)

    # when
    response = client.post(
        reverse("field_ops:dispatch_send_day", kwargs={"technician_id": world.technician.pk}),
        {"day": _today().isoformat()},
        **HTMX,
    )

    # then
    assert "2 orders sent to tech-eddie" in response.content.decode()
    statuses = [row["status"] for row in _snapshot(first, second, theirs)]
    assert statuses == [S.DISPATCHED, S.DISPATCHED, S.SCHEDULED]


def test_sending_a_day_with_nothing_scheduled_is_refused(world):
    # when / then
    with pytest.raises(ValidationError):
        dispatch_send_day(technician=world.technician, day=_today(), by=world.dispatcher)


# -- who may


@pytest.mark.parametrize("role", [roles.CSR_I, roles.CSR_II, roles.FIELD_TECHNICIAN, roles.FINANCE])
def test_only_leads_and_supervisors_open_the_board(client, make_user, role):
    # given
    client.force_login(make_user(role))

    # when
    response = client.get(_board_url())

    # then
    assert response.status_code == 403


@pytest.mark.parametrize("role", [roles.CSR_III, roles.SUPERVISOR])
def test_leads_and_supervisors_open_the_board(client, make_user, role):
    # given
    client.force_login(make_user(role))

    # when / then
    assert client.get(_board_url()).status_code == 200


def test_a_csr_cannot_assign_and_nothing_is_written(client, world, make_user):
    # given
    order = world.order(status=S.NEW)
    before = _snapshot(order)
    client.force_login(make_user(roles.CSR_I))

    # when
    response = client.post(
        _action_url("assign", order),
        {"technician": world.technician.pk, "day": _today().isoformat()},
    )

    # then
    assert response.status_code == 403
    assert _snapshot(order) == before


def test_actions_are_posts_only(client, world):
    # given
    order = world.order(status=S.NEW)
    client.force_login(world.dispatcher)

    # when / then
    assert client.get(_action_url("assign", order)).status_code == 405


def test_an_action_takes_the_same_queries_however_full_the_board(
    client, world, django_assert_max_num_queries
):
    # given
    client.force_login(world.dispatcher)
    first = world.order(status=S.NEW)
    with CaptureQueriesContext(connection) as few:
        client.post(_action_url("priority", first), {"priority": P.SAME_DAY}, **HTMX)
    for _ in range(5):
        world.order(status=S.SCHEDULED)
        world.order(status=S.NEW)
    second = world.order(status=S.NEW)

    # when / then
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.post(_action_url("priority", second), {"priority": P.SAME_DAY}, **HTMX)
    assert response.status_code == 200
