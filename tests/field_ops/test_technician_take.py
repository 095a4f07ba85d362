"""A technician with nothing on today's list sees the day's unassigned orders: to take them
where the district's policy allows it, or told that dispatch has not handed them out."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from district import roles
from district.models import Policy
from field_ops.models import WorkOrder
from tests import factories

pytestmark = pytest.mark.django_db


def _unassigned(**fields):
    fields.setdefault("requested_date", timezone.localdate())
    return WorkOrder.objects.create(
        order_type="other",
        premise=factories.PremiseFactory(house_number="18", street="Quarry Lane", unit=""),
        status=WorkOrder.Status.NEW,
        **fields,
    )


def _allow_taking():
    Policy.objects.filter(key="field-self-assign").update(value="true")


def test_with_nothing_assigned_the_home_says_dispatch_has_not_handed_out_the_days_orders(
    client_for,
):
    # given: an order due today that nobody has
    _unassigned()
    client = client_for(roles.FIELD_TECHNICIAN)
    # when
    html = client.get("/").content.decode()
    # then: not a bare "0 orders"
    assert "0 orders on today&#x27;s list" in html or "0 orders on today's list" in html
    assert "Dispatch has not given you any orders yet today; 1 order due today is waiting" in html
    assert "Take it" not in html


def test_with_no_work_at_all_the_home_says_none_was_assigned(client_for):
    html = client_for(roles.FIELD_TECHNICIAN).get("/").content.decode()
    assert "Dispatch has not assigned any orders for today yet." in html


def test_where_policy_allows_a_technician_takes_an_order_onto_their_list(client_for):
    # given
    _allow_taking()
    order = _unassigned()
    later = _unassigned(requested_date=timezone.localdate() + datetime.timedelta(days=3))
    client = client_for(roles.FIELD_TECHNICIAN)
    html = client.get("/").content.decode()
    assert "18 Quarry Lane" in html and "Take it" in html
    assert reverse("field_ops:technician_take", args=[later.pk]) not in html
    # when
    response = client.post(reverse("field_ops:technician_take", args=[order.pk]))
    # then
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.assigned_to == client.user
    assert order.status == WorkOrder.Status.DISPATCHED
    assert order.scheduled_date == timezone.localdate()
    assert "1 order on today" in client.get("/").content.decode()


def test_taking_is_refused_without_the_policy_and_nothing_changes(client_for):
    # given
    order = _unassigned()
    client = client_for(roles.FIELD_TECHNICIAN)
    # when
    client.post(reverse("field_ops:technician_take", args=[order.pk]))
    # then
    order.refresh_from_db()
    assert order.assigned_to is None and order.status == WorkOrder.Status.NEW


def test_an_order_already_taken_or_not_due_cannot_be_taken(client_for, make_user):
    # given
    _allow_taking()
    other = make_user(roles.FIELD_TECHNICIAN, "tech-other")
    taken = _unassigned(assigned_to=other)
    not_due = _unassigned(requested_date=timezone.localdate() + datetime.timedelta(days=2))
    client = client_for(roles.FIELD_TECHNICIAN)
    # when
    first = client.post(reverse("field_ops:technician_take", args=[taken.pk]), follow=True)
    client.post(reverse("field_ops:technician_take", args=[not_due.pk]))
    # then
    assert "already given to" in first.content.decode()
    taken.refresh_from_db()
    not_due.refresh_from_db()
    assert taken.assigned_to == other
    assert not_due.assigned_to is None and not_due.status == WorkOrder.Status.NEW
