"""A read order completed with a read taken at the counter (work_order_complete_with_read):
only while no technician has it, and only with a read of its meter."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from district import roles
from field_ops.models import MeterRead, WorkOrder
from field_ops.services.reads import read_record
from field_ops.work_orders.services import work_order_complete_with_read

pytestmark = pytest.mark.django_db

S = WorkOrder.Status


def _customer_read(world, csr, reading="1500"):
    return read_record(
        meter=world.meter,
        read_on=timezone.localdate(),
        reading=reading,
        source=MeterRead.Source.CUSTOMER,
        by=csr,
    )


def test_an_order_waiting_in_the_office_is_completed_with_the_counter_read(world, make_user):
    # given
    csr = make_user(roles.CSR_I, "counter-kim")
    order = world.order(WorkOrder.Type.FINAL_READ, status=S.NEW)
    read = _customer_read(world, csr)
    # when
    done = work_order_complete_with_read(work_order=order, read=read, by=csr)
    # then
    assert done.status == S.COMPLETED and done.completed_by == csr
    assert done.completion["meter_read_id"] == read.pk
    assert done.completion["read_source"] == "customer"


def test_an_order_the_field_has_is_not_completed_from_the_counter(world, make_user):
    # given: dispatched to the technician
    csr = make_user(roles.CSR_I, "counter-kim")
    order = world.order(WorkOrder.Type.FINAL_READ, status=S.DISPATCHED)
    read = _customer_read(world, csr)
    # when / then
    with pytest.raises(ValidationError, match="the field has it"):
        work_order_complete_with_read(work_order=order, read=read, by=csr)
    order.refresh_from_db()
    assert order.status == S.DISPATCHED and order.completion in ({}, None)
