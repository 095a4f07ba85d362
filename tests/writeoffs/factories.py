"""Builders of write-off tests: an ended account owing the balance of a posted final bill."""

import datetime
from decimal import Decimal

from accounts.models import ServiceAccount, StopRequest
from billing.models import Bill
from district.models import Policy
from tests import factories


def set_policy(key: str, value: str) -> None:
    Policy.objects.filter(key=key).update(value=value)


def ended_account(
    *,
    due: datetime.date,
    owed: str = "120.00",
    status: str = ServiceAccount.Status.FINAL,
    kind: str = Bill.Kind.FINAL,
    **account_fields,
) -> ServiceAccount:
    """An account ended before `due`, owing `owed` on a posted bill (of `kind`) due on `due`."""
    bill_date = due - datetime.timedelta(days=21)
    period_end = bill_date - datetime.timedelta(days=3)
    account = factories.ServiceAccountFactory(status=status, end_date=period_end, **account_fields)
    journal = factories.post_bill(account, Decimal(owed), bill_date)
    bill = Bill.objects.create(
        account=account,
        kind=kind,
        status=Bill.Status.CALCULATED,
        period_start=period_end - datetime.timedelta(days=20),
        period_end=period_end,
        bill_date=bill_date,
        due_date=due,
        current_charges=Decimal(owed),
        amount_due=Decimal(owed),
    )
    bill.number = f"F{bill.pk:07d}"
    bill.status = Bill.Status.POSTED
    bill.journal_id = journal.pk
    bill.save(update_fields=["number", "status", "journal_id"])
    return account


def stop_request(account, **fields) -> StopRequest:
    values = {
        "stop_date": account.end_date,
        "reason": StopRequest.Reason.MOVING,
        "forwarding_line1": "9 Elm Ct",
        "forwarding_city": "Fresno",
        "forwarding_zip": "93701",
    }
    values.update(fields)
    return StopRequest.objects.create(account=account, **values)
