"""Phone attempts after the notice, and the door hanger when nobody was reached."""

import datetime

import pytest
from django.utils import timezone

from accounts.models import Contact
from billing.collections.models import CollectionAction, GoodFaithVisit, PhoneAttempt, StepKind
from billing.collections.run import collections_run
from billing.collections.selectors import good_faith_visits, phone_contact
from billing.collections.services import phone_attempt_record
from district import roles
from district.errors import NotPermitted, ServiceError
from field_ops.models import WorkOrder
from field_ops.work_orders.services import (
    work_order_complete,
    work_order_dispatch,
    work_order_schedule,
    work_order_start,
)
from tests.collections.helpers import delinquent_account

DUE = datetime.date(2026, 8, 3)


def day(n: int) -> datetime.date:
    return DUE + datetime.timedelta(days=n)


def test_a_phone_attempt_is_logged_with_its_outcome(db, csr1):
    account, _bill = delinquent_account(DUE)

    attempt = phone_attempt_record(
        account=account, outcome="no_answer", by=csr1, phone="(555) 555-0100", notes="Rang out"
    )

    assert (attempt.outcome, attempt.phone, attempt.attempted_by) == (
        "no_answer", "5555550100", csr1,
    )  # fmt: skip
    contact = Contact.objects.get(account=account)
    assert (contact.channel, contact.reason, contact.logged_by) == ("phone", "collections", csr1)
    assert contact.notes == "Collections call (555) 555-0100: No answer. Rang out"
    assert phone_contact([account.pk], since=attempt.attempted_on) == {account.pk: "not_reached"}


def test_a_call_needs_the_number_unless_there_is_none(db, csr1, make_user):
    account, _bill = delinquent_account(DUE)
    with pytest.raises(ServiceError) as refused:
        phone_attempt_record(account=account, outcome="reached", by=csr1, phone="")
    assert refused.value.message_dict["phone"] == ["Enter the number called."]
    with pytest.raises(NotPermitted):
        phone_attempt_record(
            account=account, outcome="reached", by=make_user(roles.FINANCE), phone="5555550100"
        )
    assert not PhoneAttempt.objects.exists()
    none = phone_attempt_record(account=account, outcome="no_phone", by=csr1)
    assert none.phone == ""
    assert Contact.objects.get(account=account).notes == "Collections call: No phone on file."


def _to_the_notice(account):
    for n in (5, 15, 45):
        collections_run(day(n), by=None, account_ids=[account.pk])


def test_door_hanger_only_when_nobody_was_reached(db, csr1):
    # given two accounts whose notices went out on day 45; one customer was reached
    reached, _ = delinquent_account(DUE)
    unreached, _ = delinquent_account(DUE)
    _to_the_notice(reached)
    _to_the_notice(unreached)
    phone_attempt_record(account=reached, outcome="reached", by=csr1, phone="5555550101")
    phone_attempt_record(account=unreached, outcome="left_message", by=csr1, phone="5555550102")

    # when the final notice's day comes
    collections_run(day(55), by=None, account_ids=[reached.pk, unreached.pk])

    # then only the unreached customer gets a door hanger, ordered by collections
    visit = GoodFaithVisit.objects.get()
    assert visit.account == unreached
    order = visit.work_order
    assert (order.order_type, order.origin, order.service_account_id, order.premise_id) == (
        WorkOrder.Type.DOOR_HANGER, WorkOrder.Origin.COLLECTIONS, unreached.pk,
        unreached.premise_id,
    )  # fmt: skip
    step = CollectionAction.objects.get(account=reached, kind=StepKind.FINAL_NOTICE)
    assert step.notes == "Customer reached by phone after the notice: no door hanger needed."
    field_contact = Contact.objects.get(account=unreached, channel="field")
    assert field_contact.notes.startswith("Customer not reached by phone after the notice")


def test_the_door_hanger_keeps_the_time_the_crew_entered(db, make_user):
    # given a door hanger ordered for an account nobody called
    account, _ = delinquent_account(DUE)
    _to_the_notice(account)
    collections_run(day(55), by=None, account_ids=[account.pk])
    order = GoodFaithVisit.objects.get(account=account).work_order
    dispatcher, technician = make_user(roles.SUPERVISOR), make_user(roles.FIELD_TECHNICIAN)
    today = timezone.localdate()
    work_order_schedule(
        work_order=order, scheduled_date=today, assigned_to=technician, by=dispatcher
    )
    work_order_dispatch(work_order=order, by=dispatcher)
    work_order_start(work_order=order, by=technician)

    # when the technician completes it, saying the notice was left at 14:30
    work_order_complete(
        work_order=order, by=technician, data={"notice_left": "yes", "time_left": "14:30"}
    )

    # then the visit's time stamp is 14:30 that day, and the selector reports it
    visit = GoodFaithVisit.objects.get(account=account)
    local = timezone.localtime(visit.visited_at)
    assert (local.date(), local.hour, local.minute) == (today, 14, 30)
    assert good_faith_visits([account.pk], since=day(45)) == {account.pk: visit.visited_at}
    assert Contact.objects.filter(account=account, channel="field", logged_by=technician).exists()
