"""An arrangement made or a hold recorded after the list was approved withdraws the shut-off
order at once (once it commits), so the crew's phone shows it cancelled."""

from decimal import Decimal

import pytest

from billing.arrangements.models import Arrangement
from billing.arrangements.schedule import arrangement_schedule
from billing.arrangements.services import arrangement_create
from billing.collections.models import CollectionHold
from billing.collections.services import hold_add
from billing.shutoffs.services import shutoff_list_approve, shutoff_list_prepare
from district import roles
from field_ops.models import WorkOrder
from tests.shutoffs import builders

pytestmark = pytest.mark.django_db


@pytest.fixture
def ordered(make_user):
    on = builders.shut_day()
    account, _ = builders.eligible_account(on)
    clerk, supervisor = make_user(roles.CSR_II), make_user(roles.SUPERVISOR)
    shutoff_list = shutoff_list_approve(
        shutoff_list=shutoff_list_prepare(on=on, by=clerk), by=supervisor
    )
    return account, clerk, shutoff_list.entries.get().work_order_id


def test_an_arrangement_withdraws_the_order(ordered, django_capture_on_commit_callbacks):
    account, clerk, order_id = ordered
    with django_capture_on_commit_callbacks(execute=True):
        arrangement = arrangement_create(
            account=account,
            kind=Arrangement.Kind.INSTALLMENTS,
            installments=arrangement_schedule(
                Decimal("180.00"), 3, builders.shut_day(after=20), "month"
            ),
            by=clerk,
            channel="phone",
        )
    assert arrangement.status == Arrangement.Status.ACTIVE
    order = WorkOrder.objects.get(pk=order_id)
    assert order.is_cancelled
    assert "arrangement" in order.cancelled_reason.lower()


def test_an_appeal_hold_withdraws_the_order(ordered, django_capture_on_commit_callbacks):
    account, clerk, order_id = ordered
    with django_capture_on_commit_callbacks(execute=True):
        hold_add(
            account=account,
            kind=CollectionHold.Kind.APPEAL,
            evidence="Customer appealed the March bill in writing",
            by=clerk,
        )
    order = WorkOrder.objects.get(pk=order_id)
    assert order.is_cancelled
    assert "appeal" in order.cancelled_reason.lower()
