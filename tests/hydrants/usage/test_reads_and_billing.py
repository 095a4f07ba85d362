"""Monthly reads and the monthly bill of a lent hydrant meter (hydrants.usage)."""

import datetime
from decimal import Decimal

import pytest

from billing.rates import calculate, parse_schedule
from district import roles
from district.errors import ServiceError
from district.ledger.models import Journal, JournalLine
from district.ledger.purposes import Purpose
from district.ledger.selectors import account_balance
from district.policies import policy_update
from field_ops.models import WorkOrder
from hydrants.models import HydrantBill, HydrantRead
from hydrants.usage.billing import bill_key, hydrant_bills_run
from hydrants.usage.reads import hydrant_read_record
from hydrants.usage.tasks import hydrant_bill_month
from tests.hydrants.usage.builders import HYDRANT_RATES, load_hydrant_rates, meter_out

pytestmark = pytest.mark.django_db
COUNTER = HydrantRead.Source.COUNTER


@pytest.fixture
def clerk(make_user):
    return make_user(roles.CSR_II)


@pytest.fixture
def rates(clerk):
    return load_hydrant_rates(clerk)


def _read(issue, day, reading, by, **extra):
    return hydrant_read_record(
        issue_id=issue.pk, read_on=day, reading=reading, source=COUNTER, by=by, **extra
    )


def _hydrant_lines(bill):
    return {
        line.gl_account.purpose: line.amount
        for line in JournalLine.objects.filter(journal_id=bill.journal_id).select_related(
            "gl_account"
        )
    }


def test_a_read_lower_than_the_last_is_refused_and_nothing_written(clerk):
    # given a meter read at 120.50 on 01/20
    issue = meter_out(start_read="100")
    _read(issue, datetime.date(2026, 1, 20), "120.50", clerk)
    # when a lower reading comes in
    with pytest.raises(ServiceError) as refused:
        _read(issue, datetime.date(2026, 2, 20), "119.00", clerk)
    # then it is refused with the last reading named, and nothing is written
    assert refused.value.message_dict == {
        "reading": [
            "119.00 is lower than the last reading, 120.50 on 01/20/2026: a meter does not run "
            "backwards. Check the register (and the meter's serial)."
        ]
    }
    assert list(issue.reads.values_list("reading", flat=True)) == [Decimal("120.50")]


def test_a_read_below_the_start_read_is_refused(clerk):
    issue = meter_out(start_read="500")
    with pytest.raises(ServiceError, match="lower than the last reading, 500.00 on 01/01/2026"):
        _read(issue, datetime.date(2026, 1, 20), "499.99", clerk)
    assert issue.reads.count() == 0


def test_a_read_while_the_drought_stage_restricts_the_hydrant_is_kept_and_flagged(clerk, make_user):
    # given a hydrant restricted from stage 2, and the district at stage 2
    issue = meter_out(restricted_from=2)
    policy_update(key="drought-stage", value="2", by=make_user(roles.SUPERVISOR))
    # when the contractor's read comes in
    read = _read(issue, datetime.date(2026, 1, 20), "10", clerk)
    # then it is recorded, flagged
    assert read.flags == [HydrantRead.Flag.DROUGHT_RESTRICTED]
    assert read.flag_labels == ["Taken while the drought stage restricts the hydrant"]


def test_a_read_at_a_stage_below_the_restriction_is_not_flagged(clerk):
    issue = meter_out(restricted_from=2)
    read = _read(issue, datetime.date(2026, 1, 20), "10", clerk)
    assert read.flags == []


def test_a_field_technician_cannot_enter_a_counter_read(make_user):
    issue = meter_out()
    with pytest.raises(ServiceError, match="does not allow you to enter hydrant meter reads"):
        _read(issue, datetime.date(2026, 1, 20), "10", make_user(roles.FIELD_TECHNICIAN))
    assert issue.reads.count() == 0


def test_the_month_is_billed_to_the_cent_from_the_rate_engine(clerk, rates):
    # given a 3" meter out all January, read at 12.34 HCF on 01/20
    issue = meter_out(start_read="0", size="3")
    _read(issue, datetime.date(2026, 1, 20), "12.34", clerk)
    # when the nightly job runs on 02/02
    night = hydrant_bills_run(today=datetime.date(2026, 2, 2), by=clerk)
    # then January's water is what the engine prices, to the cent, plus the month's rental
    bill = HydrantBill.objects.get(pk__in=night.bills)
    engine = calculate(
        parse_schedule(HYDRANT_RATES),
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 1, 31),
        customer_class="temporary",
        meter_size="3",
        consumption="12.34",
    )
    assert engine.total == Decimal("84.22")  # 12.34 x 6.8250 = 84.2205
    assert bill.water_amount == engine.total
    assert bill.rental_amount == Decimal("95.00")
    assert bill.total == Decimal("179.22")
    assert (bill.period_start, bill.period_end) == (
        datetime.date(2026, 1, 1),
        datetime.date(2026, 1, 31),
    )
    assert (bill.from_reading, bill.to_reading, bill.consumption) == (
        Decimal("0.00"),
        Decimal("12.34"),
        Decimal("12.34"),
    )
    # posted: debit the contractor's receivable, credit hydrant water, one key per month
    journal = Journal.objects.get(pk=bill.journal_id)
    assert journal.idempotency_key == bill_key(issue.pk, datetime.date(2026, 1, 1))
    assert _hydrant_lines(bill) == {
        Purpose.AR_CUSTOMERS.value: Decimal("179.22"),
        Purpose.HYDRANT_WATER.value: Decimal("-179.22"),
    }
    assert account_balance(issue.permit.account_id) == Decimal("179.22")


def test_the_next_month_bills_from_the_last_billed_reading(clerk, rates):
    issue = meter_out(start_read="0")
    _read(issue, datetime.date(2026, 1, 20), "12.34", clerk)
    _read(issue, datetime.date(2026, 2, 25), "20.00", clerk)
    hydrant_bills_run(today=datetime.date(2026, 3, 1), by=clerk)
    february = issue.bills.get(period_start=datetime.date(2026, 2, 1))
    # 7.66 HCF x 6.8250 = 52.2795
    assert (february.consumption, february.water_amount) == (Decimal("7.66"), Decimal("52.28"))
    assert february.rental_amount == Decimal("95.00")


def test_rental_of_a_partial_first_month_is_by_its_days(clerk, rates):
    # given a 3" meter ($95.00 a month) out from 01/10: 22 of January's 31 days
    issue = meter_out(issued_on=datetime.date(2026, 1, 10), start_read="0")
    _read(issue, datetime.date(2026, 1, 30), "0", clerk)
    hydrant_bills_run(today=datetime.date(2026, 2, 1), by=clerk)
    bill = issue.bills.get()
    # 95.00 x 22 / 31 = 67.419...
    assert bill.rental_amount == Decimal("67.42")
    assert bill.period_start == datetime.date(2026, 1, 10)
    assert bill.water_amount == Decimal("0.00")


def test_rental_comes_from_the_meter_sizes_policy(clerk, rates, make_user):
    policy_update(key="hydrant-rental-1", value="41.00", by=make_user(roles.SUPERVISOR))
    issue = meter_out(size="1")
    _read(issue, datetime.date(2026, 1, 30), "1", clerk)
    hydrant_bills_run(today=datetime.date(2026, 2, 1), by=clerk)
    assert issue.bills.get().rental_amount == Decimal("41.00")


def test_a_month_without_a_read_is_charged_the_missing_read_charge_once(clerk, rates):
    # given a meter out all January with no read
    issue = meter_out(start_read="0")
    # when the nightly task runs twice
    first = hydrant_bill_month.delay("2026-02-02").get()
    second = hydrant_bill_month.delay("2026-02-03").get()
    # then January is billed once: the missing-read charge ($75.00) and the rental
    bill = issue.bills.get()
    assert first["missing_reads"] == [bill.pk]
    assert second["bills"] == []
    assert (bill.missing_read_amount, bill.water_amount, bill.rental_amount) == (
        Decimal("75.00"),
        Decimal("0.00"),
        Decimal("95.00"),
    )
    assert bill.lines[0]["description"] == (
        "No meter read reported for January 2026 (missing-read charge)"
    )
    assert (
        Journal.objects.filter(idempotency_key__startswith=f"hydrant-bill:{issue.pk}:").count() == 1
    )
    assert account_balance(issue.permit.account_id) == Decimal("170.00")


def test_the_read_after_a_missing_month_bills_all_the_water_since_the_last_billed_read(
    clerk, rates
):
    issue = meter_out(start_read="0")
    hydrant_bills_run(today=datetime.date(2026, 2, 2), by=clerk)  # January: no read
    _read(issue, datetime.date(2026, 2, 26), "10.00", clerk)
    hydrant_bills_run(today=datetime.date(2026, 3, 2), by=clerk)
    february = issue.bills.get(period_start=datetime.date(2026, 2, 1))
    assert (february.from_reading, february.consumption) == (Decimal("0.00"), Decimal("10.00"))
    assert february.water_amount == Decimal("68.25")


def test_a_month_not_over_is_not_billed(clerk, rates):
    issue = meter_out(start_read="0")
    hydrant_bills_run(today=datetime.date(2026, 1, 31), by=clerk)
    assert issue.bills.count() == 0


def test_a_meter_idle_six_months_gets_one_pull_order(clerk, rates):
    # given a meter out since 01/05 whose reads never moved
    issue = meter_out(issued_on=datetime.date(2026, 1, 5), start_read="50")
    _read(issue, datetime.date(2026, 2, 20), "50", clerk)
    # when the nightly job runs on 07/06 and again the next night
    hydrant_bills_run(today=datetime.date(2026, 7, 6), by=clerk)
    hydrant_bills_run(today=datetime.date(2026, 7, 7), by=clerk)
    # then one pick-up order was made, and the issue names it
    issue.refresh_from_db()
    orders = WorkOrder.objects.filter(order_type=WorkOrder.Type.HYDRANT_METER_PICKUP)
    assert list(orders.values_list("pk", flat=True)) == [issue.pickup_work_order_id]
    order = orders.get()
    assert order.origin == WorkOrder.Origin.HYDRANTS
    assert order.premise_id == issue.permit.hydrant.premise_id
    assert "no use since 01/05/2026" in order.instructions


def test_a_meter_used_within_six_months_gets_no_pull_order(clerk, rates):
    issue = meter_out(issued_on=datetime.date(2026, 1, 5), start_read="50")
    _read(issue, datetime.date(2026, 2, 20), "75", clerk)
    hydrant_bills_run(today=datetime.date(2026, 8, 19), by=clerk)
    issue.refresh_from_db()
    assert issue.pickup_work_order_id is None


def test_a_meter_with_its_final_read_is_left_to_its_final_bill(clerk, rates):
    # the final read is in (01/31), the meter not recorded back yet when the job runs
    issue = meter_out(start_read="0")
    _read(issue, datetime.date(2026, 1, 31), "9", clerk, is_final=True)
    night = hydrant_bills_run(today=datetime.date(2026, 2, 1), by=clerk)
    assert night.bills == []
    assert issue.bills.count() == 0
