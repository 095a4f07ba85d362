"""The day's list: prepared, approved with every entry checked again, orders cancelled when a
payment or a hold takes the account out, and the crew's completion checked at the door."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Contact
from billing.shutoffs.models import Disconnection, ShutoffList, ShutoffListEntry
from billing.shutoffs.services import (
    payment_received,
    shutoff_list_approve,
    shutoff_list_prepare,
    shutoff_orders_recheck,
)
from billing.shutoffs.tasks import recheck_open_orders
from district import roles
from district.errors import NotPermitted, ServiceError
from district.models import OfficeClosure
from field_ops.models import WorkOrder
from field_ops.work_orders.services import work_order_complete, work_order_dispatch
from tests import factories
from tests.shutoffs import builders

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(make_user):
    class Staff:
        clerk = make_user(roles.CSR_II)
        supervisor = make_user(roles.SUPERVISOR)
        technician = make_user(roles.FIELD_TECHNICIAN)

    return Staff


def _approved(on, staff):
    shutoff_list = shutoff_list_prepare(on=on, by=staff.clerk)
    return shutoff_list_approve(shutoff_list=shutoff_list, by=staff.supervisor)


def test_prepare_lists_the_eligible_accounts_and_says_why_others_are_not(staff):
    on = builders.shut_day()
    eligible, _ = builders.eligible_account(on)
    young, young_bill = builders.eligible_account(on, days_delinquent=30)
    unnoticed = builders.residential_account()
    builders.delinquent_bill(unnoticed, due=on - datetime.timedelta(days=90))

    shutoff_list = shutoff_list_prepare(on=on, by=staff.clerk)

    entries = {entry.account_id: entry for entry in shutoff_list.entries.all()}
    assert set(entries) == {eligible.pk, young.pk}
    assert entries[eligible.pk].is_listed
    assert entries[eligible.pk].past_due == Decimal("180.00")
    assert all(check["passed"] for check in entries[eligible.pk].checks)
    assert entries[young.pk].is_removed
    assert entries[young.pk].reason == (
        f"Not eligible: The oldest unpaid bill was due {young_bill.due_date:%m/%d/%Y}: "
        "30 days delinquent, under the 60 required. The notice asks for payment by "
        f"{young.disconnection_notices.get().pay_by:%m/%d/%Y}: {on:%m/%d/%Y} is before it."
    )


@pytest.mark.parametrize(
    ("day", "because"),
    [(datetime.date(2026, 11, 26), "Thanksgiving Day"), (datetime.date(2026, 11, 28), "Saturday")],
)
def test_prepare_refuses_a_day_that_is_not_a_business_day(staff, day, because):
    with pytest.raises(ServiceError) as refused:
        shutoff_list_prepare(on=day, by=staff.clerk)

    assert refused.value.message_dict == {
        "date": [f"{day:%m/%d/%Y} is not a business day ({because}): no shut-offs that day."]
    }
    assert not ShutoffList.objects.exists()


def test_prepare_refuses_an_office_closure(staff):
    on = builders.shut_day()
    OfficeClosure.objects.create(date=on, reason="Staff training day")

    with pytest.raises(ServiceError) as refused:
        shutoff_list_prepare(on=on, by=staff.clerk)

    assert "(Staff training day)" in refused.value.messages[0]
    assert not ShutoffList.objects.exists()


def test_prepare_needs_a_billing_role(make_user):
    with pytest.raises(NotPermitted):
        shutoff_list_prepare(on=builders.shut_day(), by=make_user(roles.CSR_I))


def test_preparing_again_refreshes_the_draft(staff):
    on = builders.shut_day()
    first, _ = builders.eligible_account(on)
    shutoff_list_prepare(on=on, by=staff.clerk)
    second, _ = builders.eligible_account(on)
    builders.hold(first, on=on - datetime.timedelta(days=1))

    shutoff_list = shutoff_list_prepare(on=on, by=staff.clerk)

    entries = {entry.account_id: entry for entry in shutoff_list.entries.all()}
    assert ShutoffList.objects.count() == 1
    assert entries[second.pk].is_listed
    assert entries[first.pk].is_removed
    assert entries[first.pk].reason == (
        "No longer eligible when the list was refreshed: On hold: Bill appeal pending "
        "(H&S Code 116918) (Appeal letter received)."
    )


def test_approval_creates_one_shut_off_order_per_entry(staff):
    on = builders.shut_day()
    account, _ = builders.eligible_account(on)

    shutoff_list = _approved(on, staff)

    entry = shutoff_list.entries.get()
    order = WorkOrder.objects.get(pk=entry.work_order_id)
    assert entry.is_ordered
    assert shutoff_list.is_approved and shutoff_list.approved_by == staff.supervisor
    assert (order.order_type, order.origin, order.requested_date, order.service_account_id) == (
        WorkOrder.Type.SHUT_OFF,
        WorkOrder.Origin.COLLECTIONS,
        on,
        account.pk,
    )


def test_the_preparer_cannot_approve_their_own_list(make_user):
    supervisor = make_user(roles.SUPERVISOR)
    on = builders.shut_day()
    builders.eligible_account(on)
    shutoff_list = shutoff_list_prepare(on=on, by=supervisor)

    with pytest.raises(ServiceError) as refused:
        shutoff_list_approve(shutoff_list=shutoff_list, by=supervisor)

    assert refused.value.messages == ["You prepared this list: another supervisor approves it."]
    assert not WorkOrder.objects.exists()


def test_a_hold_added_after_preparing_removes_the_entry_at_approval(staff):
    on = builders.shut_day()
    held, _ = builders.eligible_account(on)
    kept, _ = builders.eligible_account(on)
    shutoff_list = shutoff_list_prepare(on=on, by=staff.clerk)
    builders.hold(held, on=on - datetime.timedelta(days=1), evidence="Appeal filed this morning")

    shutoff_list_approve(shutoff_list=shutoff_list, by=staff.supervisor)

    removed = shutoff_list.entries.get(account=held)
    assert removed.is_removed
    assert removed.work_order_id is None
    assert removed.reason == (
        "Removed at approval: On hold: Bill appeal pending (H&S Code 116918) "
        "(Appeal filed this morning)."
    )
    assert shutoff_list.entries.get(account=kept).is_ordered
    assert WorkOrder.objects.filter(service_account_id=held.pk).count() == 0


def test_a_payment_after_approval_cancels_the_order_with_the_reason(staff, client):
    on = builders.shut_day()
    account, _ = builders.eligible_account(on)
    entry = _approved(on, staff).entries.get()
    _dispatched(entry.work_order_id, staff)  # on the technician's phone
    factories.post_payment(account, "180.00")

    outcome = payment_received([account.pk], by=staff.clerk)

    order = WorkOrder.objects.get(pk=entry.work_order_id)
    assert outcome.cancelled_orders == [order]
    assert order.is_cancelled
    assert order.cancelled_reason == "No longer eligible for shut-off: No bill is delinquent."
    entry.refresh_from_db()
    assert entry.status == ShutoffListEntry.Status.CANCELLED
    # The crew's phone shows the order as cancelled, with why.
    client.force_login(staff.technician)
    page = client.get(reverse("field_ops:technician_order", args=[order.pk]))
    assert (
        "Cancelled: No longer eligible for shut-off: No bill is delinquent."
        in page.content.decode()
    )


def test_a_partial_payment_under_the_minimum_cancels_the_order(staff):
    on = builders.shut_day()
    account, _ = builders.eligible_account(on)
    entry = _approved(on, staff).entries.get()
    factories.post_payment(account, "140.00")

    cancelled = shutoff_orders_recheck([account.pk], by=staff.clerk)

    assert [order.pk for order in cancelled] == [entry.work_order_id]
    assert cancelled[0].cancelled_reason == (
        "No longer eligible for shut-off: $40.00 past due, under the $50.00 minimum."
    )


def test_a_lockbox_payment_posted_by_finance_cancels_the_order_too(staff, make_user):
    # Finance has no work-order permission: collections withdraws its own order all the same.
    on = builders.shut_day()
    account, _ = builders.eligible_account(on)
    entry = _approved(on, staff).entries.get()
    factories.post_payment(account, "180.00")

    outcome = payment_received([account.pk], by=make_user(roles.FINANCE))

    assert [order.pk for order in outcome.cancelled_orders] == [entry.work_order_id]


def test_the_nights_recheck_cancels_orders_a_payment_follow_up_missed(staff):
    on = builders.shut_day()
    account, _ = builders.eligible_account(on)
    entry = _approved(on, staff).entries.get()
    factories.post_payment(account, "180.00")  # its follow-up never ran

    result = recheck_open_orders.apply().get()

    assert result == {"cancelled": [entry.work_order_id]}
    assert WorkOrder.objects.get(pk=entry.work_order_id).is_cancelled
    assert recheck_open_orders.apply().get() == {"cancelled": []}


def test_a_small_payment_leaves_the_order_open(staff):
    on = builders.shut_day()
    account, _ = builders.eligible_account(on)
    entry = _approved(on, staff).entries.get()
    factories.post_payment(account, "20.00")

    assert shutoff_orders_recheck([account.pk], by=staff.clerk) == []
    assert WorkOrder.objects.get(pk=entry.work_order_id).status == WorkOrder.Status.NEW


def _dispatched(order_id, staff):
    order = WorkOrder.objects.get(pk=order_id)
    return work_order_dispatch(work_order=order, by=staff.supervisor, technician=staff.technician)


def test_completion_is_refused_when_the_account_no_longer_qualifies(staff, at):
    on = builders.shut_day()
    account, _ = builders.eligible_account(on)
    order = _dispatched(_approved(on, staff).entries.get().work_order_id, staff)
    builders.hold(account, on=on, evidence="Medical certificate faxed")
    at(on, 11)

    with pytest.raises(ServiceError) as refused:
        work_order_complete(work_order=order, by=staff.technician, data={"reading": "12"})

    assert refused.value.messages == [
        "Do not shut the water off: the account no longer qualifies. On hold: Bill appeal "
        "pending (H&S Code 116918) (Medical certificate faxed)."
    ]
    order.refresh_from_db()
    assert order.status == WorkOrder.Status.DISPATCHED
    assert not Disconnection.objects.exists()


@pytest.mark.parametrize("hour, minute", [(17, 0), (7, 45)])
def test_completion_is_refused_while_the_office_is_closed(staff, at, hour, minute):
    on = builders.shut_day()
    builders.eligible_account(on)
    order = _dispatched(_approved(on, staff).entries.get().work_order_id, staff)
    at(on, hour, minute)

    with pytest.raises(ServiceError) as refused:
        work_order_complete(work_order=order, by=staff.technician, data={"reading": "12"})

    assert "the office is closed (open 08:00 to 17:00 on business days)" in str(refused.value)
    assert not Disconnection.objects.exists()


def test_completion_records_the_disconnection_and_a_field_contact(staff, at):
    on = builders.shut_day()
    account, _ = builders.eligible_account(on)
    order = _dispatched(_approved(on, staff).entries.get().work_order_id, staff)
    moment = at(on, 11)

    work_order_complete(work_order=order, by=staff.technician, data={"reading": "12"})

    disconnection = Disconnection.objects.get()
    assert (disconnection.account, disconnection.work_order_id, disconnection.shut_off_at) == (
        account,
        order.pk,
        moment,
    )
    contact = Contact.objects.get(account=account, channel=Contact.Channel.FIELD)
    assert (contact.channel, contact.reason) == (Contact.Channel.FIELD, Contact.Reason.COLLECTIONS)
    assert contact.notes == f"Water shut off for non-payment ({order}); $180.00 past due."


def test_the_day_page_shows_entries_checks_and_removals(
    staff, client, django_assert_max_num_queries
):
    on = builders.shut_day()
    for _ in range(3):
        builders.eligible_account(on)
    held, _ = builders.eligible_account(on)
    shutoff_list_prepare(on=on, by=staff.clerk)
    builders.hold(held, on=on - datetime.timedelta(days=1))
    shutoff_list_prepare(on=on, by=staff.clerk)
    client.force_login(staff.supervisor)

    with django_assert_max_num_queries(12):
        page = client.get(reverse("shutoffs:day", kwargs={"day": on.isoformat()}))

    html = page.content.decode()
    assert page.status_code == 200
    assert html.count("Days delinquent") == 3 + 1
    assert "No longer eligible when the list was refreshed: On hold" in html
    assert "Approve and create the shut-off orders" in html


def test_approve_from_the_page(staff, client):
    on = builders.shut_day()
    builders.eligible_account(on)
    shutoff_list_prepare(on=on, by=staff.clerk)
    client.force_login(staff.supervisor)

    response = client.post(reverse("shutoffs:approve", kwargs={"day": on.isoformat()}), follow=True)

    assert "approved: shut-off orders created" in response.content.decode()
    assert WorkOrder.objects.filter(order_type=WorkOrder.Type.SHUT_OFF).count() == 1


def test_prepare_from_the_page_shows_the_refusal(staff, client):
    client.force_login(staff.clerk)

    response = client.post(reverse("shutoffs:prepare", kwargs={"day": "2026-11-26"}), follow=True)

    assert "11/26/2026 is not a business day (Thanksgiving Day)" in response.content.decode()


def test_the_technicians_list_shows_a_cancelled_shut_off_with_why(staff, client):
    on = builders.shut_day()
    account, _ = builders.eligible_account(on)
    order = _dispatched(_approved(on, staff).entries.get().work_order_id, staff)
    factories.post_payment(account, "180.00")
    shutoff_orders_recheck([account.pk], by=staff.clerk)
    WorkOrder.objects.filter(pk=order.pk).update(scheduled_date=timezone.localdate())
    client.force_login(staff.technician)

    page = client.get(reverse("field_ops:technician_today"))

    html = page.content.decode()
    assert "Cancelled: do not do" in html
    assert f"{order}</a>, {account.premise.address_line}: No longer eligible for shut-off: " in html


def test_a_list_for_a_past_day_cannot_be_approved(staff, at):
    on = builders.shut_day()
    builders.eligible_account(on)
    shutoff_list = shutoff_list_prepare(on=on, by=staff.clerk)
    at(on + datetime.timedelta(days=1))

    with pytest.raises(ServiceError) as refused:
        shutoff_list_approve(shutoff_list=shutoff_list, by=staff.supervisor)

    assert refused.value.messages == [
        f"Shut-off list for {on:%m/%d/%Y} is for a day that has passed: "
        "prepare a list for a coming day."
    ]
    assert not WorkOrder.objects.exists()


def test_the_supervisors_home_shows_the_lists_waiting_for_approval(staff, client):
    on = builders.shut_day()
    builders.eligible_account(on)
    shutoff_list = shutoff_list_prepare(on=on, by=staff.clerk)
    client.force_login(staff.supervisor)

    page = client.get("/").content.decode()

    assert "Shut-off lists to approve" in page
    assert f"{on:%m/%d/%Y}" in page and "1 account listed" in page
    shutoff_list_approve(shutoff_list=shutoff_list, by=staff.supervisor)
    assert "Shut-off lists to approve" not in client.get("/").content.decode()
    client.force_login(staff.clerk)
    assert "Shut-off lists to approve" not in client.get("/").content.decode()
