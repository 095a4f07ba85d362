"""The demo district's hydrant meters: three contractors with meters out on permits.

- Granite Ridge Grading reports every month (its meter is billed from its reads);
- Valley Paving Co. stopped reporting after its first month (its read is overdue and the
  nightly job charged the missing-read charge for the months since);
- Mesa Pipeline Builders' meter came back damaged (final read, return, inspection with parts
  and labour, final bill posted), its permit waiting to be settled against the deposit.

Loaded once (`manage.py seed_hydrants_demo`, run by `make run` after the demo history): the
hydrant rate schedule (hydrants/usage/hydrant-water.yaml) is loaded as the "hydrant" schedule,
the hydrants, meters and permits are master data made here (the permit's deposit charged and
paid through the ledger), and the reads, bills, return, inspection and final bill go through
the usage services.
"""

import datetime
from decimal import Decimal
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from accounts.deposits.services.charging import post_charge
from accounts.models import Customer, Deposit, DepositGuideline, ServiceAccount
from accounts.numbers import next_account_number
from billing.rates.services import rate_version_load
from district.ledger.models import Journal
from district.ledger.purposes import Purpose
from district.ledger.services import Line, journal_post
from field_ops.models import Premise
from hydrants.models import (
    Hydrant,
    HydrantBill,
    HydrantMeter,
    HydrantPermit,
    HydrantRead,
    MeterIssue,
)
from hydrants.usage import billing, reads, returns
from hydrants.usage.pricing import month_first, previous_month

RATES_FILE = Path(__file__).with_name("hydrant-water.yaml")
PREFIX = "HP-DEMO-"

# (business, hydrant number, location, meter serial, size, deposit, story)
CONTRACTORS = [
    ("Granite Ridge Grading", "H-1042", "Quarry Rd at Ridge Ave", "HM-30117", "3", "2500.00", "reads"),
    ("Valley Paving Co.", "H-0877", "Orchard Blvd at 9th St", "HM-20452", "2", "2000.00", "overdue"),
    ("Mesa Pipeline Builders", "H-1310", "Canyon Dr at Vista Way", "HM-30209", "3", "2500.00", "damaged"),
]  # fmt: skip


def _at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))


def _months_back(today: datetime.date, months: int) -> datetime.date:
    day = month_first(today)
    for _ in range(months):
        day = previous_month(day)
    return day


def _contractor(business: str, hydrant: Hydrant, started: datetime.date, by) -> ServiceAccount:
    customer = Customer.objects.create(
        kind=Customer.Kind.BUSINESS,
        business_name=business,
        phone="9095550" + str(100 + hydrant.pk)[-3:],
        email=f"office@{business.split()[0].lower()}.example.com",
        mailing_line1=f"{hydrant.premise.house_number} {hydrant.premise.street}",
        mailing_city=hydrant.premise.city,
        mailing_zip=hydrant.premise.zip_code,
        created_by=by,
    )
    return ServiceAccount.objects.create(
        number=next_account_number(),
        customer=customer,
        premise=hydrant.premise,
        customer_class=ServiceAccount.CustomerClass.TEMPORARY,
        status=ServiceAccount.Status.ACTIVE,
        start_date=started,
        billing_cycle="HYD",
        created_by=by,
    )


def _hydrant(number: str, location: str, n: int) -> Hydrant:
    premise = Premise.objects.create(
        house_number=str(9000 + n),
        street=location.split(" at ")[0],
        cross_street=location.split(" at ")[-1],
        city="Mesa Verde",
        zip_code="92000",
        route="HYD",
        read_sequence=10 * n,
        premise_type=Premise.PremiseType.COMMERCIAL,
        meter_location_notes=f"Fire hydrant {number}",
    )
    return Hydrant.objects.create(number=number, location=location, premise=premise)


def _deposit(account: ServiceAccount, amount: Decimal, on: datetime.date, by) -> Deposit:
    deposit = Deposit.objects.create(
        account=account,
        guideline=DepositGuideline.objects.order_by("-effective_from").first(),
        basis=Deposit.Basis.CLASS_AND_SIZE,
        amount=amount,
        explanation="Hydrant meter deposit (permit policy by meter size)",
        status=Deposit.Status.CHARGED,
        charged_on=on,
        created_by=by,
    )
    journal = post_charge(deposit, by=by, key=f"hydrant-demo-deposit:{account.pk}")
    deposit.charge_journal_id = journal.pk
    deposit.save(update_fields=["charge_journal_id"])
    journal_post(
        kind=Journal.Kind.PAYMENT,
        memo=f"Hydrant meter deposit paid by check, account {account.formatted_number}",
        lines=[
            Line(Purpose.CASH_IN_BANK, amount),
            Line(Purpose.AR_CUSTOMERS, -amount, account.pk),
        ],
        by=by,
        idempotency_key=f"hydrant-demo-deposit-paid:{account.pk}",
    )
    return deposit


def _issue(n, business, number, location, serial, size, deposit, *, started, by) -> MeterIssue:
    hydrant = _hydrant(number, location, n)
    account = _contractor(business, hydrant, started, by)
    held = _deposit(account, Decimal(deposit), started, by)
    meter = HydrantMeter.objects.create(
        serial=serial,
        size=size,
        status=HydrantMeter.Status.ISSUED,
        last_tested_on=started - datetime.timedelta(days=40),
        replacement_cost=Decimal("2400.00") if size == "3" else Decimal("1650.00"),
        backflow_serial=f"BF-{serial[3:]}",
        backflow_tested_on=started - datetime.timedelta(days=40),
    )
    permit = HydrantPermit.objects.create(
        number=f"{PREFIX}{n:03d}",
        account=account,
        project_name=f"{business}: construction water",
        project_address=location,
        hydrant=hydrant,
        meter_size=size,
        intended_use=HydrantPermit.IntendedUse.CONSTRUCTION,
        starts_on=started,
        ends_on=started + datetime.timedelta(days=364),
        status=HydrantPermit.Status.ACTIVE,
        permit_fee=Decimal("200.00"),
        deposit_amount=Decimal(deposit),
        deposit=held,
        insurance_carrier="Golden State Contractors Mutual",
        insurance_policy_number=f"GSC-{serial[3:]}-26",
        insurance_expires_on=started + datetime.timedelta(days=400),
        created_by=by,
        submitted_at=_at(started - datetime.timedelta(days=3)),
        approved_at=_at(started),
    )
    return MeterIssue.objects.create(
        permit=permit,
        meter=meter,
        start_read=Decimal("1200.00") * n,
        issued_at=_at(started),
        received_by_name="Site foreman",
        acknowledged=True,
        issued_by=by,
    )


def _read(issue: MeterIssue, day: datetime.date, reading: Decimal, by, **extra) -> HydrantRead:
    return reads.record_read(
        reads.lock_issue(issue.pk),
        read_on=day,
        reading=reading,
        source=HydrantRead.Source.CONTRACTOR_ONLINE,
        by=by,
        **extra,
    )


@transaction.atomic
def load_hydrant_demo(*, today: datetime.date, by, out=print) -> bool:
    """Load the demo's hydrant meters once (False when they are there already)."""
    if HydrantPermit.objects.filter(number__startswith=PREFIX).exists():
        out("Hydrant demo: already loaded.")
        return False
    rate_version_load(source=RATES_FILE.read_text(), by=by, notes="Demo hydrant rates")
    started = _months_back(today, 4) + datetime.timedelta(days=9)
    issues = {}
    for n, (business, number, location, serial, size, deposit, story) in enumerate(
        CONTRACTORS, start=1
    ):
        issues[story] = _issue(
            n, business, number, location, serial, size, deposit, started=started, by=by
        )
    # Granite Ridge: a read on the 20th of every month out, and one this month.
    reading = issues["reads"].start_read
    month = month_first(started)
    while month < month_first(today):
        reading += Decimal("38.40")
        _read(issues["reads"], month.replace(day=20), reading, by)
        month = billing.pricing.next_month(month)
    _read(issues["reads"], today, reading + Decimal("12.15"), by)
    # Valley Paving: its first month only.
    _read(issues["overdue"], month_first(started).replace(day=25), issues["overdue"].start_read + Decimal("21.70"), by)  # fmt: skip
    # Mesa Pipeline: monthly reads, then back ten days ago, damaged.
    damaged = issues["damaged"]
    back_on = today - datetime.timedelta(days=10)
    reading = damaged.start_read
    month = month_first(started)
    while month < month_first(back_on):
        reading += Decimal("55.25")
        _read(damaged, month.replace(day=20), reading, by)
        month = billing.pricing.next_month(month)
    # The months before the return are billed by the nightly job, as they would have been.
    billing.hydrant_bills_run(today=back_on, by=by)
    _read(damaged, back_on, reading + Decimal("17.60"), by, is_final=True)
    returns.meter_return_record(issue_id=damaged.pk, by=by, returned_at=_at(back_on))
    returns.hydrant_inspection_record(
        issue_id=damaged.pk,
        by=by,
        inspected_on=back_on + datetime.timedelta(days=2),
        meter_test_result="pass",
        accuracy_percent="98.60",
        backflow_test_result="fail",
        damage_items=["threads_damaged", "backflow_damaged"],
        parts_charge="185.00",
        labour_charge="120.00",
        notes="Outlet threads cross-threaded; backflow check valve cracked.",
    )
    returns.hydrant_final_bill(issue_id=damaged.pk, by=by)
    # Every month over is billed by the nightly job (missing reads charged for Valley Paving).
    billing.hydrant_bills_run(today=today, by=by)
    monthly = HydrantBill.objects.filter(
        kind=HydrantBill.Kind.MONTHLY, issue__permit__number__startswith=PREFIX
    )
    out(
        f"Hydrant demo: {len(CONTRACTORS)} contractors, {monthly.count()} monthly bills "
        f"({monthly.filter(missing_read_amount__gt=0).count()} for missing reads), one meter "
        "back damaged."
    )
    return True


def demo_user():
    """Who the demo acts as: a supervisor (the return, inspection and final bill need a role
    that rents hydrant meters); None when the demo users are not made yet."""
    user = get_user_model().objects.filter(groups__name="supervisor", is_active=True).first()
    return user
