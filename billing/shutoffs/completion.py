"""What completing a shut-off or reconnect order does (registered completion handlers).

The crew's phone completes the order; these run inside that completion's transaction, so a
refusal here leaves the order open and the water on.
"""

from accounts.contacts.services import contact_log
from accounts.models import Contact, ServiceAccount
from billing.shutoffs import clock
from billing.shutoffs.eligibility import shutoff_eligibility
from billing.shutoffs.models import Disconnection
from district.business_days import office_hours, office_is_open
from district.errors import ServiceError
from field_ops.models import WorkOrder


def shut_off_completed(work_order: WorkOrder, completion: dict, by) -> None:
    """Check the account once more on the day; refuse with the reasons if it no longer
    qualifies, else record the disconnection and log the field contact."""
    account_id = work_order.service_account_id
    if account_id is None:
        raise ServiceError("This shut-off order names no account: it cannot be completed.")
    moment = clock.now()
    if not office_is_open(moment):
        opens, closes = office_hours()
        raise ServiceError(
            "Do not shut the water off now: the office is closed (open "
            f"{opens:%H:%M} to {closes:%H:%M} on business days), and water is never shut off "
            "while customers cannot reach the office (H&S Code 116908(b))."
        )
    today = clock.today()
    eligibility = shutoff_eligibility([account_id], on=today, ignore_order_ids=[work_order.pk])[
        account_id
    ]
    if not eligibility.eligible:
        raise ServiceError(
            "Do not shut the water off: the account no longer qualifies. "
            + " ".join(eligibility.reasons)
        )
    account = ServiceAccount.objects.get(pk=account_id)
    Disconnection.objects.create(account=account, work_order=work_order, shut_off_at=clock.now())
    contact_log(
        channel=Contact.Channel.FIELD,
        reason=Contact.Reason.COLLECTIONS,
        by=by,
        account=account,
        notes=f"Water shut off for non-payment ({work_order}); "
        f"${eligibility.past_due:,.2f} past due.",
    )


def reconnect_completed(work_order: WorkOrder, completion: dict, by) -> None:
    """The water is back on: close the disconnection this order was for."""
    disconnection = (
        Disconnection.objects.select_for_update().filter(reconnect_order=work_order).first()
    )
    if disconnection is None and work_order.service_account_id is not None:
        # A reconnect order filed by hand still ends the account's open disconnection.
        disconnection = (
            Disconnection.objects.select_for_update()
            .filter(account_id=work_order.service_account_id, reconnected_at__isnull=True)
            .order_by("-shut_off_at")
            .first()
        )
    if disconnection is None or disconnection.reconnected_at is not None:
        return
    disconnection.reconnected_at = clock.now()
    if disconnection.reconnect_order_id is None:
        disconnection.reconnect_order = work_order
    disconnection.save(update_fields=["reconnected_at", "reconnect_order"])
