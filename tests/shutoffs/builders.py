"""Builders of the shut-off tests' world: a delinquent residential account with its bill,
notice, phone attempt, door hanger and holds, written the way billing.collections stores them
(through its services, with a date moved where a test needs the edge of a rule)."""

import datetime
import itertools
from decimal import Decimal

from django.utils import timezone

from accounts.models import ServiceAccount
from accounts.models.programs import Enrolment, Program
from billing.collections.models import CollectionHold, DisconnectionNotice, PhoneAttempt
from billing.collections.selectors import delinquencies
from billing.collections.services.holds import hold_add
from billing.collections.services.notice_issue import notice_issue
from billing.collections.services.phone import phone_attempt_record
from billing.collections.services.visits import door_hanger_order
from billing.models import Bill
from billing.penalties.services import penalty_key
from billing.shutoffs.models import Disconnection
from district import roles
from district.business_days import business_calendar
from district.ledger.models import Journal
from district.ledger.purposes import Purpose
from district.ledger.services import Line, journal_post
from district.services import user_create_with_role
from field_ops.models import Premise, WorkOrder
from tests import factories
from tests.factories import PASSWORD

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


def _staff(role=roles.CSR_II):
    return user_create_with_role(
        username=f"shutoff-builder-{next(_numbers)}", password=PASSWORD, role=role
    )


def notice(account, bill, *, issued_on, pay_by=None, tenant_notice_on=None):
    """The notice billing.collections issues on `issued_on` (its pay-by date and tenant notice
    as it sets them, unless a test names others)."""
    delinquency = delinquencies([account.pk], on=issued_on)[account.pk]
    issued = notice_issue(account=account, delinquency=delinquency, on=issued_on)
    changes = {"pay_by": pay_by, "tenant_notice_on": tenant_notice_on}
    changes = {field: value for field, value in changes.items() if value is not None}
    if changes:
        DisconnectionNotice.objects.filter(pk=issued.pk).update(**changes)
        issued.refresh_from_db()
    return issued


def phone_attempt(account, *, on=None, outcome=PhoneAttempt.Outcome.REACHED):
    """A call recorded by a clerk (today), moved to `on` when a test names the day."""
    attempt = phone_attempt_record(
        account=account, outcome=outcome, by=_staff(roles.CSR_I), phone="5555550123"
    )
    if on is not None:
        PhoneAttempt.objects.filter(pk=attempt.pk).update(
            attempted_on=on,
            attempted_at=timezone.make_aware(datetime.datetime.combine(on, datetime.time(10))),
        )
    return attempt


def door_hanger(account, bill, *, on):
    """The door hanger ordered by collections and left by the crew on `on`."""
    delinquency = delinquencies([account.pk], on=on)[account.pk]
    visit = door_hanger_order(account=account, delinquency=delinquency, on=on, by=_staff())
    visit.visited_at = timezone.make_aware(datetime.datetime.combine(on, datetime.time(14)))
    visit.save(update_fields=["visited_at"])
    return visit


def hold(account, *, on, kind=CollectionHold.Kind.APPEAL, evidence="Appeal letter received"):
    return hold_add(account=account, kind=kind, evidence=evidence, by=_staff(), starts_on=on)


def eligible_account(on: datetime.date, *, days_delinquent=61, amount="180.00", **fields):
    """A residential account every check passes for on `on`: a bill delinquent 61 days, a
    notice 8 business days before with its pay-by date passed, the customer reached by phone."""
    account = fields.pop("account", None) or residential_account(**fields)
    bill = delinquent_bill(
        account, due=on - datetime.timedelta(days=days_delinquent), amount=amount
    )
    issued = business_days_before(on, 8)
    notice(account, bill, issued_on=issued)
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
