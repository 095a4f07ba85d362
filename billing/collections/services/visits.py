"""The good-faith visit (H&S Code 116908(a)(2)): when the customer could not be reached by
phone, a door-hanger order leaves the notice at the residence at least 48 hours before
shut-off; its completion records when the crew says the notice was left."""

import datetime

from django.utils import timezone

from accounts.contacts.services import contact_log
from accounts.models import Contact, ServiceAccount
from billing.collections.models import GoodFaithVisit
from billing.collections.selectors import DelinquencyFact
from district.attribution import acting_user
from field_ops.models import WorkOrder
from field_ops.work_orders.services import work_order_create


def door_hanger_order(
    *, account: ServiceAccount, delinquency: DelinquencyFact, on: datetime.date, by=None
) -> GoodFaithVisit:
    """Order the door hanger of this delinquency (once: a second call returns the first)."""
    existing = GoodFaithVisit.objects.filter(
        account=account, bill_id=delinquency.oldest_unpaid_bill_id
    ).first()
    if existing is not None:
        return existing
    order = work_order_create(
        order_type=WorkOrder.Type.DOOR_HANGER,
        premise=account.premise,
        by=by,
        requested_date=max(on, timezone.localdate()),
        origin=WorkOrder.Origin.COLLECTIONS,
        service_account_id=account.pk,
        instructions=(
            "Leave the final shut-off notice on the door (the customer could not be reached "
            "by phone). Enter the time it was left."
        ),
    )
    return GoodFaithVisit.objects.create(
        account=account,
        bill_id=delinquency.oldest_unpaid_bill_id,
        work_order=order,
        ordered_on=on,
    )


def door_hanger_completed(work_order: WorkOrder, completion: dict, by) -> None:
    """Completion handler: keep the time the crew entered as the visit's time stamp."""
    visit = (
        GoodFaithVisit.objects.select_for_update()
        .select_related("account")
        .filter(work_order=work_order)
        .first()
    )
    if visit is None:
        return  # a door hanger ordered by hand, not by the ladder
    day = timezone.localdate()
    left = completion.get("time_left")
    if left:
        left_at = datetime.time.fromisoformat(str(left))
        visited_at = timezone.make_aware(datetime.datetime.combine(day, left_at))
    else:
        visited_at = timezone.now()
    visit.visited_at = visited_at
    with acting_user(by):
        visit.save(update_fields=["visited_at"])
    contact_log(
        channel=Contact.Channel.FIELD,
        reason=Contact.Reason.COLLECTIONS,
        by=by,
        account=visit.account,
        notes=(
            f"Final notice left on the door at {timezone.localtime(visited_at):%m/%d/%Y %H:%M} "
            f"(work order {work_order.pk})."
        ),
    )
