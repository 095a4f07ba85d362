"""Builders of the shut-off tests' world: a delinquent residential account with its bill,
notice, phone attempt, door hanger and holds, written the way billing.collections stores them
(its services are being written; these make the same rows)."""

import datetime
import itertools
from decimal import Decimal

from django.utils import timezone

from accounts.models import ServiceAccount
from accounts.models.programs import Enrolment, Program
from billing.collections.models import (
    CollectionHold,
    DisconnectionNotice,
    GoodFaithVisit,
    PhoneAttempt,
)
from billing.models import Bill
from billing.penalties.services import penalty_key
from billing.shutoffs.models import Disconnection
from district.business_days import business_calendar
from district.ledger.models import Journal
from district.ledger.purposes import Purpose
from district.ledger.services import Line, journal_post
from field_ops.models import Premise, WorkOrder
from tests import factories

_numbers = itertools.count(1)


def shut_day(after: int = 3) -> datetime.date:
    """A business day at least `after` days from today (so routine orders may be requested)."""
    start = timezone.localdate() + datetime.timedelta(days=after)
    return business_calendar(start, start + datetime.timedelta(days=30)).add_business_days(start, 0)


def business_days_before(day: datetime.date, count: int) -> datetime.date:
    """The day from which `day` is exactly `count` business days on (the latest such day)."""
    calendar = business_calendar(day - datetime.timedelta(days=count * 2 + 40), day)
    earlier = day - datetime.timedelta(days=1)
    while calendar.business_days_between(earlier, day) < count:
        earlier -= datetime.timedelta(days=1)
    return earlier


def residential_account(**fields) -> ServiceAccount:
    premise_fields = fields.pop("premise_fields", {})
    return factories.ServiceAccountFactory(
        premise=factories.metered_premise(**premise_fields), **fields
    )


def tenant_building_account() -> ServiceAccount:
    """A landlord-billed multi-unit building (tenants occupy it)."""
    return residential_account(
        customer_class=ServiceAccount.CustomerClass.MULTI_FAMILY,
        tenants_occupy=True,
        premise_fields={"premise_type": Premise.PremiseType.MULTI_FAMILY, "dwelling_units": 4},
    )


def delinquent_bill(account, *, due: datetime.date, amount="180.00") -> Bill:
    """A posted bill due on `due`, with its journal on the account."""
    amount = Decimal(amount)
    bill_date = due - datetime.timedelta(days=21)
    bill = Bill.objects.create(
        account=account,
        period_start=bill_date - datetime.timedelta(days=35),
        period_end=bill_date - datetime.timedelta(days=5),
        bill_date=bill_date,
        due_date=due,
        current_charges=amount,
        amount_due=amount,
    )
    journal = factories.post_bill(account, amount, bill_date)
    bill.number = f"S{next(_numbers):07d}"
    bill.journal_id = journal.pk
    bill.status = Bill.Status.POSTED
    bill.posted_at = timezone.now()
    bill.save()
    return bill


def notice(account, bill, *, issued_on, pay_by=None, tenant_notice_on=None):
    return DisconnectionNotice.objects.create(
        account=account,
        bill=bill,
        issued_on=issued_on,
        pay_by=pay_by or issued_on + datetime.timedelta(days=7),
        amount_delinquent=bill.current_charges,
        language="en",
        tenant_notice_on=tenant_notice_on,
        created_at=timezone.now(),
    )


def phone_attempt(account, *, on, outcome=PhoneAttempt.Outcome.REACHED):
    return PhoneAttempt.objects.create(
        account=account,
        outcome=outcome,
        attempted_on=on,
        attempted_at=timezone.make_aware(datetime.datetime.combine(on, datetime.time(10))),
    )


def door_hanger(account, bill, *, on):
    order = WorkOrder.objects.create(
        order_type=WorkOrder.Type.DOOR_HANGER,
        premise=account.premise,
        service_account_id=account.pk,
        requested_date=on,
        status=WorkOrder.Status.COMPLETED,
        completed_at=timezone.now(),
    )
    return GoodFaithVisit.objects.create(
        account=account,
        bill=bill,
        work_order=order,
        ordered_on=on,
        visited_at=timezone.make_aware(datetime.datetime.combine(on, datetime.time(14))),
    )


def hold(account, *, on, kind=CollectionHold.Kind.APPEAL, evidence="Appeal letter received"):
    return CollectionHold.objects.create(
        account=account,
        kind=kind,
        evidence=evidence,
        starts_on=on,
        created_at=timezone.now(),
    )


def eligible_account(on: datetime.date, *, days_delinquent=61, amount="180.00", **fields):
    """A residential account every check passes for on `on`: a bill delinquent 61 days, a
    notice 8 business days before with its pay-by date passed, the customer reached by phone."""
    account = fields.pop("account", None) or residential_account(**fields)
    bill = delinquent_bill(
        account, due=on - datetime.timedelta(days=days_delinquent), amount=amount
    )
    issued = business_days_before(on, 8)
    notice(account, bill, issued_on=issued, pay_by=issued + datetime.timedelta(days=7))
    phone_attempt(account, on=issued + datetime.timedelta(days=1))
    return account, bill


def late_penalty(account, bill, amount="9.00", on=None) -> Journal:
    """The late penalty on a bill as billing.penalties posts it."""
    amount = Decimal(amount)
    return journal_post(
        kind=Journal.Kind.FEE,
        memo=f"Late penalty on bill {bill.number}",
        lines=[
            Line(Purpose.AR_CUSTOMERS, amount, account.pk, memo="Late penalty"),
            Line(Purpose.FEES_LATE, -amount),
        ],
        by=None,
        idempotency_key=penalty_key(bill.pk),
        effective_date=on or bill.due_date + datetime.timedelta(days=10),
        source=bill,
    )


def disconnected(account, *, shut_off_at) -> Disconnection:
    """Water shut off at the account by a completed shut-off order."""
    order = WorkOrder.objects.create(
        order_type=WorkOrder.Type.SHUT_OFF,
        origin=WorkOrder.Origin.COLLECTIONS,
        premise=account.premise,
        service_account_id=account.pk,
        requested_date=timezone.localtime(shut_off_at).date(),
        status=WorkOrder.Status.COMPLETED,
        completed_at=shut_off_at,
    )
    return Disconnection.objects.create(account=account, work_order=order, shut_off_at=shut_off_at)


def income_qualified(account, *, since: datetime.date):
    """Enrol the account in an income-qualifying program (as CalFresh is)."""
    program, _ = Program.objects.get_or_create(
        code="test-income-program",
        defaults={
            "name": "Test income-qualifying program",
            "kind": Program.Kind.LOW_INCOME_ASSISTANCE,
            "income_qualifying": True,
        },
    )
    return Enrolment.objects.create(
        account=account, program=program, evidence="Benefit letter", starts_on=since
    )


def local(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))
