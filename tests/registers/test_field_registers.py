"""The work order backlog (by type or technician, by age, with a bar chart) and the hydrant
meters out register."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from district import roles
from district.registers.definitions import fill
from field_ops.models import WorkOrder
from field_ops.registers import BY_TECHNICIAN, BY_TYPE, UNASSIGNED, WORK_ORDER_BACKLOG
from hydrants.models import MeterIssue
from hydrants.permits.services import meter_issue
from hydrants.registers import HYDRANT_METERS_OUT
from tests import factories
from tests.hydrants.builders import paid_permit, stocked_meter

pytestmark = pytest.mark.django_db


def _order(order_type, days_ago, *, status=WorkOrder.Status.NEW, assigned_to=None, **fields):
    return WorkOrder.objects.create(
        **fields,
        order_type=order_type,
        premise=factories.PremiseFactory(),
        requested_date=timezone.localdate() - datetime.timedelta(days=days_ago),
        status=status,
        assigned_to=assigned_to,
    )


def _backlog(make_user):
    ana = make_user(roles.FIELD_TECHNICIAN, first_name="Ana", last_name="Reyes")
    _order("shut_off", 1, assigned_to=ana)
    _order("shut_off", 40, assigned_to=ana)
    _order("reconnect", 5)
    _order("reconnect", -2)  # wanted the day after tomorrow
    _order("reconnect", 50, status=WorkOrder.Status.CANCELLED, cancelled_reason="Paid")
    return ana


def test_the_backlog_by_type_counts_open_orders_by_age(make_user):
    # given
    _backlog(make_user)
    # when
    table = fill(WORK_ORDER_BACKLOG, {"group_by": BY_TYPE, "order_type": ""})
    # then
    shut_off = next(row for row in table.rows if row["group"] == "Shut-off for non-payment")
    assert (shut_off["days_0_2"], shut_off["days_over_30"], shut_off["total"]) == (1, 1, 2)
    reconnect = next(row for row in table.rows if row["group"] == "Reconnect")
    assert (reconnect["not_due"], reconnect["days_3_7"], reconnect["total"]) == (1, 1, 2)
    assert table.totals["total"] == 4


def test_the_backlog_by_technician_lists_the_unassigned_last(make_user):
    # given
    _backlog(make_user)
    # when
    table = fill(WORK_ORDER_BACKLOG, {"group_by": BY_TECHNICIAN, "order_type": ""})
    # then
    assert [(row["group"], row["total"]) for row in table.rows] == [
        ("Ana Reyes", 2),
        (UNASSIGNED, 2),
    ]


def test_the_backlog_page_has_a_bar_chart_and_its_table(client_for, make_user):
    # given
    _backlog(make_user)
    client = client_for(roles.SUPERVISOR)
    # when
    response = client.get(reverse("registers:work-order-backlog"), {"group_by": "technician"})
    # then
    html = response.content.decode()
    assert 'role="img" aria-label="Open work orders by age, 2 points from Ana Reyes to ' in html
    assert html.count("<rect") == 2 * 6
    assert "<caption>Open work orders by technician and age," in html


def test_the_meters_out_register_lists_each_meter_with_its_permit(make_user, client_for):
    # given
    csr, supervisor = make_user(roles.CSR_II), make_user(roles.SUPERVISOR)
    issue = meter_issue(
        permit=paid_permit(csr, supervisor),
        meter=stocked_meter(serial="HM-77001"),
        start_read="10",
        accessories=[],
        received_by_name="Pat Doe",
        acknowledged=True,
        by=csr,
    )
    MeterIssue.objects.filter(pk=issue.pk).update(
        issued_at=issue.issued_at - datetime.timedelta(days=12)
    )
    # when
    everything = fill(HYDRANT_METERS_OUT, {"out_at_least": None})
    long_out = fill(HYDRANT_METERS_OUT, {"out_at_least": 13})
    csv = client_for(roles.FINANCE).get(
        reverse("registers:hydrant-meters-out_csv"), {"purpose": "Meter recovery"}
    )
    # then
    [row] = everything.rows
    assert (row["meter"], row["permit"], row["days_out"]) == ("HM-77001", issue.permit.number, 12)
    assert everything.totals["deposit"] == issue.permit.deposit_amount > Decimal(0)
    assert long_out.rows == []
    assert csv.content.decode().startswith(
        "Meter,Size,Permit,Contractor,Contractor phone,Account,Hydrant,Issued,Permit ends,"
        "Days out,Deposit\r\n"
        "HM-77001,"
    )
