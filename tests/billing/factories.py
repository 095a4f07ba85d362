"""Billing builders: the example rate schedule, a January 2026 billing period, metered accounts
ready for a bill run, and bills built directly with the ORM (the bill run is separate).

A posted bill gets a number and a real bill journal (receivable debit, water sales credit);
its amount due is the account's balance after that journal, as a bill run fixes it.
"""

import datetime
from decimal import Decimal
from pathlib import Path

from billing.bill_runs import services as bill_runs
from billing.models import Bill, BillingCycle, BillingPeriod, BillLine, BillRun
from district.ledger.selectors import account_balance
from field_ops.models import MeterRead
from tests import factories

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "district-water.yaml"
D = datetime.date


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
