"""Billing builders: the example rate schedule, a January 2026 billing period, metered accounts
ready for a bill run, routes of meters read monthly (for read entry, and billed through
December 2025 for the end-to-end bill run), and bills built directly with the ORM (make_bill
for the bill document; posted_bill and priced_bill for corrections, adjustments and leaks).

A posted bill gets a number and a real bill journal (receivable debit, water sales credit);
its amount due is the account's balance after that journal, as a bill run fixes it.
"""

import datetime
import uuid
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from billing.bill_runs import services as bill_runs
from billing.calendar.services import add_months, period_schedule, periods_generate
from billing.corrections.rebill import _bill_journal_lines
from billing.models import Bill, BillingCycle, BillingPeriod, BillLine, BillRun
from billing.rates.selectors import bill_calculation
from billing.rates.services import rate_version_load
from billing.reads.services import read_enter
from district import roles
from district.ledger.selectors import account_balance
from district.ledger.services import journal_post
from field_ops.models import Meter, MeterRead
from tests import factories

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "district-water.yaml"
D = datetime.date
FIRST_READ = D(2024, 1, 28)
LAST_READ = D(2025, 5, 28)  # the history runs monthly on the 28th up to here
JUNE_READ = D(2025, 6, 28)  # in the June period's read window (06/24 to 07/02)
BILLED_ROUTE = "R30"


def january_period(*, code="M1", name="Monthly 1", routes=("R01",)) -> BillingPeriod:
    """A monthly cycle's January 2026 period, scheduled: reads 01/27-01/31, billed 02/03."""
    cycle = BillingCycle.objects.create(
        code=code, name=name, frequency="monthly", routes=list(routes)
    )
    return BillingPeriod.objects.create(
        cycle=cycle,
        period_start=D(2026, 1, 1),
        period_end=D(2026, 1, 31),
        read_window_start=D(2026, 1, 27),
        read_window_end=D(2026, 1, 31),
        bill_date=D(2026, 2, 3),
        due_date=D(2026, 2, 24),
        status=BillingPeriod.Status.SCHEDULED,
    )


def metered_account(
    *, used=Decimal("10"), previous=Decimal("100"), current_read=True, route="R01", **account
):
    """An account on the route with a meter read 12/30/2025 and (unless not) 01/29/2026;
    the account's `meter` attribute is that meter."""
    premise = factories.PremiseFactory(route=route)
    installation = factories.MeterInstallationFactory(premise=premise)
    factories.MeterReadFactory(meter=installation.meter, read_on=D(2025, 12, 30), reading=previous)
    if current_read:
        factories.MeterReadFactory(
            meter=installation.meter, read_on=D(2026, 1, 29), reading=previous + used
        )
    service_account = factories.ServiceAccountFactory(premise=premise, **account)
    service_account.meter = installation.meter
    return service_account


def bill_run_calculated(period, by, *, chunk_size=2) -> BillRun:
    """A bill run of the period, created and calculated (chunk_size accounts at a time)."""
    run = bill_runs.bill_run_create(period=period, by=by)
    return bill_runs.bill_run_calculate(run_id=run.pk, chunk_size=chunk_size)


def bill_run_posted(run, by, override_reason="") -> BillRun:
    """The run posted, its bills posted too."""
    bill_runs.bill_run_post(run_id=run.pk, by=by, override_reason=override_reason)
    # The posting task is queued on commit; the test transaction never commits, so run it here.
    return bill_runs.bill_run_post_bills(run_id=run.pk, by=by)


def account_with_meter(*, number_base: int | None = None):
    """An active account at a premise with one installed meter; returns (account, meter)."""
    account = factories.ServiceAccountFactory()
    installation = factories.MeterInstallationFactory(
        premise=account.premise, installed_on=datetime.date(2023, 1, 1), install_reading=0
    )
    return account, installation.meter


def month_end(year: int, month: int) -> datetime.date:
    following = datetime.date(year + (month == 12), month % 12 + 1, 1)
    return following - datetime.timedelta(days=1)


def tier_lines(consumption: Decimal, *, tier1_rate="4.50", tier2_rate="6.00", base="25.00"):
    """Service charge plus two tiers (tier 1 up to 10 HCF): (code, category, desc, qty, rate, amt)."""
    lines = [("service", "service", "Service charge, 5/8 in. meter", None, None, Decimal(base))]
    first = min(consumption, Decimal(10))
    lines.append(
        ("water.tier1", "water", "Tier 1 (0-10 HCF)", first, Decimal(tier1_rate),
         (first * Decimal(tier1_rate)).quantize(Decimal("0.01")))
    )  # fmt: skip
    if consumption > 10:
        rest = consumption - 10
        lines.append(
            ("water.tier2", "water", "Tier 2 (over 10 HCF)", rest, Decimal(tier2_rate),
             (rest * Decimal(tier2_rate)).quantize(Decimal("0.01")))
        )  # fmt: skip
    return lines


def make_bill(
    account,
    *,
    period_start: datetime.date,
    period_end: datetime.date,
    consumption: Decimal,
    lines=None,
    status: str = Bill.Status.POSTED,
    estimated: bool = False,
    rate_version=None,
    meter=None,
    reading: Decimal | None = None,
    previous_read=None,
    kind: str = Bill.Kind.REGULAR,
) -> Bill:
    """A bill with its lines; posted ones get a number and a bill journal."""
    consumption = Decimal(consumption)
    lines = lines if lines is not None else tier_lines(consumption)
    charges = sum((line[5] for line in lines), Decimal("0.00"))
    current_read = None
    if meter is not None and reading is not None:
        current_read = MeterRead.objects.create(
            meter=meter,
            read_on=period_end,
            reading=reading,
            source=MeterRead.Source.ESTIMATE if estimated else MeterRead.Source.ROUTE,
            flags=["estimated"] if estimated else [],
        )
    bill_date = period_end + datetime.timedelta(days=5)
    previous_balance = account_balance(account.pk)
    bill = Bill.objects.create(
        account=account,
        kind=kind,
        status=Bill.Status.CALCULATED,
        period_start=period_start,
        period_end=period_end,
        bill_date=bill_date,
        due_date=bill_date + datetime.timedelta(days=21),
        rate_version=rate_version,
        previous_read=previous_read,
        current_read=current_read,
        consumption=consumption,
        estimated=estimated,
        current_charges=charges,
        previous_balance=previous_balance,
        amount_due=previous_balance + charges,
    )
    BillLine.objects.bulk_create(
        BillLine(
            bill=bill, position=position, code=code, category=category, description=description,
            quantity=quantity, unit="HCF" if quantity is not None else "", rate=rate,
            amount=amount, version_label="water v1 (01/01/2024)",
        )
        for position, (code, category, description, quantity, rate, amount) in enumerate(lines, 1)
    )  # fmt: skip
    if status == Bill.Status.POSTED:
        journal = factories.post_bill(
            account, charges, bill_date, memo=f"Bill for {period_start} to {period_end}"
        )
        bill.status = Bill.Status.POSTED
        bill.number = f"B{bill.pk:08d}"
        bill.journal_id = journal.pk
        bill.amount_due = account_balance(account.pk)
        bill.save(update_fields=["status", "number", "journal_id", "amount_due"])
    elif status != Bill.Status.CALCULATED:
        bill.status = status
        bill.save(update_fields=["status"])
    return bill


def monthly_history(account, meter, *, months: list[tuple[int, int, str]], reading_start=100):
    """Posted monthly bills with reads: months = [(year, month, consumption), ...], oldest first."""
    reading = Decimal(reading_start)
    MeterRead.objects.create(
        meter=meter,
        read_on=datetime.date(months[0][0], months[0][1], 1) - datetime.timedelta(days=1),
        reading=reading,
        source=MeterRead.Source.ROUTE,
    )
    bills = []
    for year, month, used in months:
        reading += Decimal(used)
        bills.append(
            make_bill(
                account,
                period_start=datetime.date(year, month, 1),
                period_end=month_end(year, month),
                consumption=Decimal(used),
                meter=meter,
                reading=reading,
            )
        )
    return bills


# -- posted bills for corrections, adjustments and leaks -------------------------------------------


def posted_bill(
    account,
    *,
    start: datetime.date,
    end: datetime.date,
    consumption,
    lines=None,
    number: str | None = None,
    **fields,
) -> Bill:
    """A posted bill with its journal. lines: [(category, quantity, rate, amount)]; by default a
    $30.00 service charge plus the water at $4.00 an HCF."""
    consumption = Decimal(str(consumption))
    if lines is None:
        lines = [
            ("service", None, None, Decimal("30.00")),
            ("water", consumption, Decimal("4"), consumption * 4),
        ]
    total = sum((Decimal(str(amount)) for *_, amount in lines), Decimal(0))
    bill = Bill.objects.create(
        account=account,
        period_start=start,
        period_end=end,
        bill_date=end + datetime.timedelta(days=3),
        due_date=end + datetime.timedelta(days=24),
        consumption=consumption,
        current_charges=total,
        amount_due=total,
        **fields,
    )
    made = BillLine.objects.bulk_create(
        [
            BillLine(
                bill=bill,
                position=position,
                code=category,
                category=category,
                description=f"{category} charge",
                quantity=quantity,
                rate=rate,
                amount=Decimal(str(amount)),
            )
            for position, (category, quantity, rate, amount) in enumerate(lines, start=1)
        ]
    )
    journal = journal_post(
        kind="bill",
        memo=f"Bill {bill.pk}",
        lines=_bill_journal_lines(account_id=account.pk, lines=made),
        by=None,
        idempotency_key=uuid.uuid4().hex,
        source=bill,
    )
    bill.number = number or f"B{bill.pk:06d}"
    bill.journal_id = journal.pk
    bill.status = Bill.Status.POSTED
    bill.save()
    return bill


def priced_bill(*, reading_from=100, reading_to=112):
    """A posted January 2026 bill of a residential 5/8" account, priced by the example schedule,
    with its two reads. Returns (bill, meter)."""
    version, _ = rate_version_load(source=EXAMPLE.read_text(), by=None)
    account = factories.ServiceAccountFactory()
    meter = factories.MeterFactory(status="installed")
    factories.MeterInstallationFactory(meter=meter, premise=account.premise)
    previous = factories.MeterReadFactory(
        meter=meter, read_on=datetime.date(2025, 12, 31), reading=reading_from
    )
    current = factories.MeterReadFactory(
        meter=meter, read_on=datetime.date(2026, 1, 31), reading=reading_to
    )
    start, end = datetime.date(2026, 1, 1), datetime.date(2026, 1, 31)
    consumption = Decimal(reading_to - reading_from)
    calculation = bill_calculation(
        schedule="water",
        customer_class=account.customer_class,
        meter_size=meter.size,
        consumption=consumption,
        period_start=start,
        period_end=end,
        dwelling_units=1,
        consumption_unit="hcf",
    )
    bill = posted_bill(
        account,
        start=start,
        end=end,
        consumption=consumption,
        lines=[
            (line.category, line.quantity, line.rate, line.amount) for line in calculation.lines
        ],
        rate_version=version,
        previous_read=previous,
        current_read=current,
    )
    return bill, meter


# -- routes of meters read monthly ----------------------------------------------------------------


@dataclass
class Route:
    route: str
    premises: list
    meters: list
    cycle: BillingCycle
    reader: object  # a CSR I: enters reads
    biller: object  # a CSR II: runs billing


def read_history(meter, *, start_reading=1010, use=10, uses=None, first=FIRST_READ, last=LAST_READ):
    """One read a month on the 28th; `uses` maps a month number (1-12) to that month's use."""
    reading, read_on, reads = Decimal(start_reading), first, []
    while read_on <= last:
        reads.append(factories.MeterReadFactory(meter=meter, read_on=read_on, reading=reading))
        read_on = add_months(read_on, 1)
        reading += (uses or {}).get(read_on.month, use)
    return reads


def build_route(make_user, *, route="R10", meters=3, history=True, **history_options) -> Route:
    """A route of premises (listed out of read order), each with an active account and a meter
    read monthly since January 2024; a monthly cycle with its 2025 periods."""
    sequences = [30, 10, 20, 40, 50, 60, 70, 80][:meters]
    premises, installed = [], []
    for sequence in sequences:
        premise = factories.PremiseFactory(
            route=route, read_sequence=sequence, house_number=str(sequence)
        )
        meter = factories.MeterFactory(status=Meter.Status.INSTALLED)
        factories.MeterInstallationFactory(
            meter=meter, premise=premise, installed_on=D(2023, 12, 1)
        )
        factories.ServiceAccountFactory(premise=premise)
        if history:
            read_history(meter, **history_options)
        premises.append(premise)
        installed.append(meter)
    biller = make_user(roles.CSR_II)
    cycle = BillingCycle.objects.create(
        code=f"C{route}", name=f"Cycle {route}", frequency="monthly", routes=[route]
    )
    periods_generate(cycle=cycle, start=D(2025, 1, 1), through=D(2025, 12, 1), by=biller)
    return Route(route, premises, installed, cycle, make_user(roles.CSR_I), biller)


def enter_read(world, meter, reading, read_on=JUNE_READ, **options):
    """A route read of the meter entered by the route's reader (on 06/28/2025 by default)."""
    return read_enter(
        meter=meter, read_on=read_on, reading=reading, source="route", by=world.reader, **options
    )


def build_billed_route(make_user) -> dict:
    """Three premises on route R30 (read order 10, 20, 30), each with an active account of cycle
    M1 and a meter read 10 HCF a month through 12/28/2025 (last reading 1,120); the example
    rate schedule; December 2025 billed and posted; January 2026 scheduled."""
    rate_version_load(source=EXAMPLE.read_text(), by=None)
    scheduler = make_user(roles.SUPERVISOR, username="scheduler")
    accounts, meters = [], []
    for sequence in (30, 10, 20):
        premise = factories.PremiseFactory(
            route=BILLED_ROUTE, read_sequence=sequence, house_number=str(sequence)
        )
        meter = factories.MeterFactory(status=Meter.Status.INSTALLED)
        factories.MeterInstallationFactory(
            meter=meter, premise=premise, installed_on=D(2024, 12, 1)
        )
        read_history(meter, first=D(2025, 1, 28), last=D(2025, 12, 28))
        accounts.append(factories.ServiceAccountFactory(premise=premise, billing_cycle="M1"))
        meters.append(meter)
    cycle = BillingCycle.objects.create(
        code="M1", name="Monthly 1", frequency="monthly", routes=[BILLED_ROUTE]
    )
    periods_generate(cycle=cycle, start=D(2025, 12, 1), through=D(2026, 1, 1), by=scheduler)
    december, period = cycle.periods.order_by("period_start")
    # December is billed and posted already: the audit measures January against it.
    period_schedule(period=december, by=scheduler)
    earlier = bill_runs.bill_run_create(period=december, by=scheduler)
    bill_runs.bill_run_calculate(run_id=earlier.pk)
    bill_runs.bill_run_post(run_id=earlier.pk, by=scheduler)
    bill_runs.bill_run_post_bills(run_id=earlier.pk, by=scheduler)  # in case on_commit waits
    assert BillRun.objects.get(pk=earlier.pk).status == BillRun.Status.POSTED
    period_schedule(period=period, by=scheduler)
    by_sequence = sorted(
        zip(accounts, meters, strict=True), key=lambda pair: pair[0].premise.read_sequence
    )
    return {"period": period, "in_order": by_sequence, "cycle": cycle}
