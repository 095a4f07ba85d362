"""Bills built directly with the ORM for the bill document tests (the bill run is separate).

A posted bill gets a number and a real bill journal (receivable debit, water sales credit);
its amount due is the account's balance after that journal, as a bill run fixes it.
"""

import datetime
import itertools
from decimal import Decimal

from billing.models import Bill, BillLine
from district.ledger.models import Journal
from district.ledger.selectors import account_balance
from district.ledger.services import Line, journal_post
from field_ops.models import MeterRead
from tests import factories

_keys = itertools.count(1)


def key(prefix: str = "bp-test") -> str:
    return f"{prefix}-{next(_keys)}"


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
        journal = journal_post(
            kind=Journal.Kind.BILL,
            memo=f"Bill for {period_start} to {period_end}",
            lines=[
                Line("ar_customers", charges, service_account_id=account.pk),
                Line("water_sales_volumetric", -charges),
            ],
            by=None,
            idempotency_key=key("bill"),
            effective_date=bill_date,
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


def post_payment(account, amount: str, on: datetime.date, memo: str = "Check 1042"):
    return journal_post(
        kind=Journal.Kind.PAYMENT,
        memo=memo,
        lines=[
            Line("cash_in_bank", Decimal(amount)),
            Line("ar_customers", -Decimal(amount), service_account_id=account.pk),
        ],
        by=None,
        idempotency_key=key("payment"),
        effective_date=on,
    )


def post_credit(account, amount: str, on: datetime.date, memo: str = "Goodwill credit"):
    return journal_post(
        kind=Journal.Kind.ADJUSTMENT,
        memo=memo,
        lines=[
            Line("water_sales_volumetric", Decimal(amount)),
            Line("ar_customers", -Decimal(amount), service_account_id=account.pk),
        ],
        by=None,
        idempotency_key=key("credit"),
        effective_date=on,
    )


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
