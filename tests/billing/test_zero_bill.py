"""A $0.00 bill (no charges: a use-only schedule and no use) posts no journal, is numbered, and
the run finishes posting; the books stay balanced."""

import datetime

import pytest

from billing.bill_runs import services
from billing.corrections.rebill import bill_correct_read_and_rebill
from billing.models import Bill, BillRun
from billing.rates.services import rate_version_load
from district.ledger.models import Journal
from district.ledger.selectors import ledger_problems
from tests.billing.factories import bill_run_calculated, bill_run_posted, metered_account

D = datetime.date

USE_ONLY = """
format: 1
schedule: water
name: Water use only (no service charge)
effective_from: 2025-07-01
unit: hcf
period: month
period_days: 30
volumetric:
  description: Water use
  tiers: [{rate: "4.5000"}]
"""


@pytest.fixture
def use_only_rates(db):
    version, _ = rate_version_load(source=USE_ONLY, by=None)
    return version


def test_a_zero_bill_is_numbered_without_a_journal_and_the_run_posts(
    use_only_rates, period, biller
):
    # given a run with a $0.00 bill (no use) and a $45.00 bill, every exception accepted
    idle = metered_account(used=0)
    busy = metered_account(used=10)
    run = bill_run_calculated(period, biller)
    for exception in run.exceptions.all():
        services.bill_exception_accept(exception_id=exception.pk, by=biller)
    assert Bill.objects.get(account=idle).current_charges == 0
    # when the run posts
    run = bill_run_posted(run, biller)
    # then it finishes; both bills are posted and numbered, in account order
    assert run.status == BillRun.Status.POSTED
    zero, charged = Bill.objects.get(account=idle), Bill.objects.get(account=busy)
    assert zero.status == charged.status == Bill.Status.POSTED
    assert zero.number and charged.number and zero.number < charged.number
    # the $0.00 bill moved no money; the other posted its journal
    assert zero.journal_id is None and zero.amount_due == 0
    assert charged.journal_id is not None
    assert Journal.objects.filter(kind=Journal.Kind.BILL).count() == 1
    assert ledger_problems() == []


def test_a_run_of_only_zero_bills_posts(use_only_rates, period, biller):
    # given a run whose only bill is $0.00
    idle = metered_account(used=0)
    run = bill_run_calculated(period, biller)
    for exception in run.exceptions.all():
        services.bill_exception_accept(exception_id=exception.pk, by=biller)
    # when it posts
    run = bill_run_posted(run, biller)
    # then the run is posted and the bill numbered, with no journal at all
    assert run.status == BillRun.Status.POSTED
    bill = Bill.objects.get(account=idle)
    assert bill.status == Bill.Status.POSTED and bill.number and bill.journal_id is None
    assert not Journal.objects.exists()
    assert ledger_problems() == []


def test_a_zero_bill_can_be_corrected(use_only_rates, period, biller):
    # given a posted $0.00 bill whose read was wrong (no use recorded)
    idle = metered_account(used=0)
    run = bill_run_calculated(period, biller)
    for exception in run.exceptions.all():
        services.bill_exception_accept(exception_id=exception.pk, by=biller)
    bill_run_posted(run, biller)
    zero = Bill.objects.get(account=idle)
    # when it is corrected with the right reading (10 HCF used)
    corrected = bill_correct_read_and_rebill(
        bill=zero,
        reading=zero.current_read.reading + 10,
        by=biller,
        reason="Misread",
        idempotency_key="fix-zero",
    )
    # then the $0.00 bill is cancelled (nothing to reverse) and the corrected bill posts
    zero.refresh_from_db()
    assert zero.status == Bill.Status.CANCELLED
    assert corrected.status == Bill.Status.POSTED and corrected.current_charges > 0
    assert not Journal.objects.filter(reverses__isnull=False).exists()
    # asked again, the same corrected bill
    again = bill_correct_read_and_rebill(
        bill=zero,
        reading=zero.current_read.reading + 10,
        by=biller,
        reason="Misread",
        idempotency_key="fix-zero",
    )
    assert again.pk == corrected.pk
    assert ledger_problems() == []
