"""Builders shared by the corrections, adjustments and leak tests (no tests here)."""

import datetime
import uuid
from decimal import Decimal
from pathlib import Path

from billing.corrections.rebill import _bill_journal_lines
from billing.models import Bill, BillLine
from billing.rates.selectors import bill_calculation
from billing.rates.services import rate_version_load
from district.ledger.services import journal_post
from tests import factories

RATES = Path(__file__).resolve().parents[2] / "docs" / "examples" / "district-water.yaml"


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
    version, _ = rate_version_load(source=RATES.read_text(), by=None)
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
