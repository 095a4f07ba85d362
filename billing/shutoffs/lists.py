"""The day's shut-off list, its approval, and cancelling orders that no longer stand.

Lock order: the list, then its entries by id, then (inside work_order_*) the work orders.
"""

import datetime

from django.db import transaction

from accounts.models import ServiceAccount
from billing.shutoffs import clock
from billing.shutoffs.eligibility import Eligibility, shutoff_eligibility
from billing.shutoffs.models import ShutoffList, ShutoffListEntry
from district.attribution import acting_user
from district.business_days import business_calendar
from district.errors import ServiceError, require
from district.ledger.models import AccountBalance
from district.policies import policy_value
from district.roles import Perm
from district.transitions import transition
from field_ops.models import WorkOrder
from field_ops.work_orders.services import MAX_REASON, work_order_create, work_order_withdraw

Entry = ShutoffListEntry.Status

# Preparing the list is collections clerical work done by the staff who run billing (CSR II
# and up, RUN_BILLING); approving it is a supervisor's (APPROVE_REQUESTS), and never the
# preparer's own list.
PREPARE_PERMISSION = Perm.RUN_BILLING
APPROVE_PERMISSION = Perm.APPROVE_REQUESTS
# What a payment, an arrangement or a hold changes: a failure of one of these cancels an open
# order. The day's checks (the notice, the calendar) were met when the list was approved and
# are checked again at the door by the completion handler.
ACCOUNT_CHECKS = ("Delinquent", "Days delinquent", "Past due")
HOLD_CHECK_PREFIX = "Hold: "


def _refuse_closed_day(on: datetime.date) -> None:
    because = business_calendar(on, on).closed_because(on)
    if because:
        raise ServiceError(
            {"date": f"{on:%m/%d/%Y} is not a business day ({because}): no shut-offs that day."}
        )


def candidate_account_ids() -> list[int]:
    """Active accounts owing at least the minimum past due (the balance, read from the cache),
    the only ones the checks could pass for."""
    minimum = policy_value("collections-minimum-past-due")
    owing = AccountBalance.objects.filter(balance__gte=max(minimum, 0)).exclude(balance__lte=0)
    return list(
        ServiceAccount.objects.filter(
            pk__in=owing.values("service_account_id"), status=ServiceAccount.Status.ACTIVE
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _apply(entry: ShutoffListEntry, eligibility: Eligibility, *, removing_why: str) -> None:
    entry.past_due = eligibility.past_due
    entry.checks = eligibility.checks_json()
    if eligibility.eligible:
        transition(entry, Entry.LISTED)
        entry.reason = ""
    else:
        transition(entry, Entry.REMOVED)
        entry.reason = _short(f"{removing_why}: {eligibility.reason_text}", 500)


@transaction.atomic
def shutoff_list_prepare(*, on: datetime.date, by) -> ShutoffList:
    """List the accounts eligible for shut-off on `on`; preparing again refreshes the draft
    (new eligible accounts added, listed ones no longer eligible removed with the reason).

    An account sent a disconnection notice that does not pass every check is kept on the list
    as removed, with the reasons, so staff see why it is not being shut off."""
    require(by, PREPARE_PERMISSION, doing="prepare the shut-off list")
    _refuse_closed_day(on)
    shutoff_list, _created = ShutoffList.objects.select_for_update().get_or_create(
        date=on, defaults={"prepared_by": by, "prepared_at": clock.now()}
    )
    if not shutoff_list.can_be_prepared:
        raise ServiceError(
            f"The shut-off list for {on:%m/%d/%Y} is {shutoff_list.get_status_display().lower()}:"
            " it cannot be prepared again."
        )
    entries = {
        entry.account_id: entry for entry in shutoff_list.entries.select_for_update().order_by("pk")
    }
    account_ids = sorted(set(candidate_account_ids()) | set(entries))
    results = shutoff_eligibility(account_ids, on=on)
    with acting_user(by):
        for account_id in account_ids:
            eligibility = results.get(account_id)
            entry = entries.get(account_id)
            if eligibility is None:
                continue
            if entry is None:
                if eligibility.eligible or eligibility.noticed:
                    ShutoffListEntry.objects.create(
                        shutoff_list=shutoff_list,
                        account_id=account_id,
                        past_due=eligibility.past_due,
                        checks=eligibility.checks_json(),
                        status=Entry.LISTED if eligibility.eligible else Entry.REMOVED,
                        reason=""
                        if eligibility.eligible
                        else _short(f"Not eligible: {eligibility.reason_text}", 500),
                    )
                continue
            _apply(
                entry, eligibility, removing_why="No longer eligible when the list was refreshed"
            )
            entry.save(update_fields=["past_due", "checks", "status", "reason"])
        shutoff_list.prepared_by = by
        shutoff_list.prepared_at = clock.now()
        shutoff_list.save(update_fields=["prepared_by", "prepared_at"])
    return shutoff_list


def _order_instructions(eligibility: Eligibility) -> str:
    return (
        "Shut off for non-payment. Before shutting off, the order is checked again: if it "
        "is cancelled, leave the water on."
        f" Past due at approval: ${eligibility.past_due:,.2f}."
    )


@transaction.atomic
def shutoff_list_approve(*, shutoff_list: ShutoffList, by) -> ShutoffList:
    """A supervisor approves the day's list: every entry is checked again (a hold added or a
    payment made since preparing removes it, with the reason), and each one still eligible
    gets a shut-off work order for the list's day."""
    require(by, APPROVE_PERMISSION, doing="approve the shut-off list")
    shutoff_list = ShutoffList.objects.select_for_update().get(pk=shutoff_list.pk)
    if shutoff_list.prepared_by_id == by.pk:
        raise ServiceError("You prepared this list: another supervisor approves it.")
    transition(shutoff_list, ShutoffList.Status.APPROVED, verb="approved")
    if shutoff_list.date < clock.today():
        raise ServiceError(
            f"{shutoff_list} is for a day that has passed: prepare a list for a coming day."
        )
    _refuse_closed_day(shutoff_list.date)
    entries = list(
        shutoff_list.entries.select_for_update(of=("self",))
        .select_related("account__premise")
        .filter(status=Entry.LISTED)
        .order_by("pk")
    )
    results = shutoff_eligibility([entry.account_id for entry in entries], on=shutoff_list.date)
    with acting_user(by):
        for entry in entries:
            eligibility = results[entry.account_id]
            _apply(entry, eligibility, removing_why="Removed at approval")
            if entry.is_listed:
                try:
                    order = work_order_create(
                        order_type=WorkOrder.Type.SHUT_OFF,
                        premise=entry.account.premise,
                        by=by,
                        requested_date=shutoff_list.date,
                        origin=WorkOrder.Origin.COLLECTIONS,
                        service_account_id=entry.account_id,
                        instructions=_order_instructions(eligibility),
                    )
                except ServiceError as error:
                    transition(entry, Entry.REMOVED)
                    entry.reason = _short(f"Removed at approval: {' '.join(error.messages)}", 500)
                else:
                    transition(entry, Entry.ORDERED)
                    entry.work_order_id = order.pk
            entry.save(update_fields=["past_due", "checks", "status", "reason", "work_order_id"])
        shutoff_list.approved_by = by
        shutoff_list.approved_at = clock.now()
        shutoff_list.save(update_fields=["status", "approved_by", "approved_at"])
    return shutoff_list


def _order_day(order: WorkOrder, today: datetime.date) -> datetime.date:
    """The day the shut-off is planned for (never before today)."""
    return max(order.requested_date, order.scheduled_date or order.requested_date, today)


def cancellation_reasons(eligibility: Eligibility) -> list[str]:
    """What about the account (not the day) stands in the way of the shut-off now."""
    return [
        check.detail
        for check in eligibility.checks
        if not check.passed
        and (check.name in ACCOUNT_CHECKS or check.name.startswith(HOLD_CHECK_PREFIX))
    ]


@transaction.atomic
def shutoff_orders_recheck(account_ids, *, by) -> list[WorkOrder]:
    """Cancel every open shut-off order whose account no longer qualifies (paid, under the
    minimum, on an arrangement or a hold), saying why; returns the orders cancelled.

    The payment paths call this after a payment posts (see payment_received), and the night's
    re-check calls it for every open order; `by` is whoever posted the payment (a cashier,
    Finance with a lockbox file) or None for the night: collections withdraws its own order,
    so no work-order permission is asked of them.
    """
    account_ids = list(account_ids)
    open_orders = list(
        WorkOrder.objects.filter(
            order_type=WorkOrder.Type.SHUT_OFF,
            status__in=WorkOrder.OPEN_STATUSES,
            service_account_id__in=account_ids,
        ).order_by("pk")
    )
    if not open_orders:
        return []
    today = clock.today()
    cancelled = []
    for order in open_orders:
        eligibility = shutoff_eligibility(
            [order.service_account_id], on=_order_day(order, today), ignore_order_ids=[order.pk]
        )[order.service_account_id]
        reasons = cancellation_reasons(eligibility)
        if not reasons:
            continue
        reason = _short("No longer eligible for shut-off: " + " ".join(reasons), MAX_REASON)
        cancelled.append(work_order_withdraw(work_order=order, by=by, reason=reason))
        with acting_user(by):
            for entry in ShutoffListEntry.objects.select_for_update().filter(
                work_order_id=order.pk, status=Entry.ORDERED
            ):
                transition(entry, Entry.CANCELLED)
                entry.reason = _short(reason, 500)
                entry.checks = eligibility.checks_json()
                entry.save(update_fields=["status", "reason", "checks"])
    return cancelled


def shutoff_orders_recheck_all(*, by=None) -> list[WorkOrder]:
    """The night's safety net: re-check every open shut-off order (a payment whose follow-up
    failed, a hold recorded since, an arrangement made by phone)."""
    account_ids = set(
        WorkOrder.objects.filter(
            order_type=WorkOrder.Type.SHUT_OFF, status__in=WorkOrder.OPEN_STATUSES
        ).values_list("service_account_id", flat=True)
    )
    return shutoff_orders_recheck(account_ids, by=by) if account_ids else []
