"""The demo district's recent front-office and field activity, made through the real services:
deposits charged to new occupants, customer cases (open and closed), and work orders in every
state for two field technicians. Run by the history replay with the clock set to each day."""

import datetime

from django.contrib.auth import get_user_model

from accounts.contacts.services import case_change_status, case_note_add, case_open
from accounts.deposits.rules import deposit_quote
from accounts.deposits.services import deposit_charge
from accounts.models import Case, ServiceAccount
from district.roles import FIELD_TECHNICIAN
from district.services import user_create_with_role
from field_ops.models import WorkOrder
from field_ops.selectors import installed_meter
from field_ops.work_orders.services import (
    work_order_assign,
    work_order_cancel,
    work_order_complete,
    work_order_create,
    work_order_dispatch,
    work_order_schedule,
    work_order_start,
)

SECOND_TECHNICIAN = ("demo-field2", "Gabriel", "Ortega")
CASES = (  # category, subject, description, what became of it
    (Case.Category.HIGH_BILL, "Bill higher than usual", "Customer says nobody was home in July.", "closed"),
    (Case.Category.LEAK, "Water pooling by the meter box", "Neighbour reported water at the curb.", "closed"),
    (Case.Category.BILLING_DISPUTE, "Disputes the sewer charge", "Says the unit is on septic.", "resolved"),
    (Case.Category.SERVICE_QUALITY, "Low pressure in the mornings", "Pressure drops 6-8 am.", "open"),
    (Case.Category.HIGH_BILL, "Asks why the bill doubled", "Two months billed together?", "waiting"),
    (Case.Category.OTHER, "Wants paper bills again", "Customer no longer uses email.", "open"),
)  # fmt: skip
# (type, what the technician ends with); each technician gets one of each state.
ORDER_STATES = ("new", "scheduled", "dispatched", "in_progress", "completed", "cancelled")


def second_technician(password: str):
    """The demo's second field technician (the dispatch board shows a crew of two)."""
    username, first, last = SECOND_TECHNICIAN
    return user_create_with_role(
        username=username,
        password=password,
        role=FIELD_TECHNICIAN,
        first_name=first,
        last_name=last,
    )


def deposit_for_new_service(account: ServiceAccount, *, by, on_date: datetime.date):
    """Charge the deposit the guidelines ask of a new occupant (a tenant, usually); None if
    none is due."""
    premise = account.premise
    meter = installed_meter(premise)
    quote = deposit_quote(
        customer=account.customer,
        premise=premise,
        customer_class=account.customer_class,
        meter_size=meter.size if meter else None,
        is_owner=account.is_owner,
        on_date=on_date,
    )
    if not quote.is_due:
        return None
    return deposit_charge(
        account=account, quote=quote, by=by, idempotency_key=f"demo-deposit-{account.number}"
    )


def open_cases(clock, accounts: list[ServiceAccount], *, days: list[datetime.date], staff) -> list:
    """One case per CASES row on the given days, moved on to where the row says."""
    cases = []
    for (category, subject, description, outcome), account, day in zip(
        CASES, accounts, days, strict=False
    ):
        clock.set(day, hour=9)
        case = case_open(
            category=category,
            subject=subject,
            description=description,
            account=account,
            by=staff["csr"],
            assigned_to=staff["lead"],
        )
        clock.set(day, hour=15)
        case_note_add(case=case, note="Called the customer back.", by=staff["lead"])
        if outcome == "waiting":
            case_change_status(case=case, to_status=Case.Status.WAITING, by=staff["lead"])
        if outcome in ("resolved", "closed"):
            case_change_status(
                case=case,
                to_status=Case.Status.RESOLVED,
                by=staff["lead"],
                resolution="Explained the charges; the customer agreed.",
            )
        if outcome == "closed":
            clock.set(day + datetime.timedelta(days=3), hour=10)
            case_change_status(case=case, to_status=Case.Status.CLOSED, by=staff["lead"])
        cases.append(case)
    return cases


def work_orders(clock, accounts: list[ServiceAccount], *, today: datetime.date, staff) -> list:
    """For each technician, one order in every state (completed ones in the past weeks)."""
    dispatcher, orders = staff["lead"], []
    accounts = iter(accounts)
    for technician in staff["technicians"]:
        for state in ORDER_STATES:
            account = next(accounts)
            created = today - datetime.timedelta(
                days=14 if state in ("completed", "cancelled") else 1
            )
            clock.set(created, hour=8)
            order = work_order_create(
                order_type=WorkOrder.Type.LEAK_INVESTIGATION,
                premise=account.premise,
                service_account_id=account.pk,
                by=staff["csr"],
                requested_date=created + datetime.timedelta(days=1),
                instructions="Customer reports a running sound near the meter.",
            )
            if state == "new":
                work_order_assign(work_order=order, technician=technician, by=dispatcher)
            elif state == "scheduled":
                work_order_schedule(
                    work_order=order,
                    scheduled_date=today + datetime.timedelta(days=2),
                    assigned_to=technician,
                    by=dispatcher,
                )
            elif state == "cancelled":
                work_order_assign(work_order=order, technician=technician, by=dispatcher)
                work_order_cancel(
                    work_order=order, by=dispatcher, reason="Customer found the leak themselves."
                )
            else:
                clock.set(created + datetime.timedelta(days=1), hour=7)
                work_order_dispatch(work_order=order, by=dispatcher, technician=technician)
                if state in ("in_progress", "completed"):
                    clock.set(created + datetime.timedelta(days=1), hour=10)
                    work_order_start(work_order=order, by=technician)
                if state == "completed":
                    clock.set(created + datetime.timedelta(days=1), hour=11)
                    work_order_complete(
                        work_order=order,
                        by=technician,
                        data={"leak_found": "yes", "leak_location": "Customer-side service line"},
                        notes="Told the customer to call a plumber.",
                    )
            orders.append(order)
    return orders


def staff_users(password: str) -> dict:
    User = get_user_model()
    users = {user.username: user for user in User.objects.filter(username__startswith="demo-")}
    return {
        "csr": users["demo-csr1"],
        "lead": users["demo-csr3"],
        "supervisor": users["demo-supervisor"],
        "finance": users["demo-finance"],
        "technicians": [users["demo-field"], second_technician(password)],
    }
