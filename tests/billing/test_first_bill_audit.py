"""A first bill has no history of its own: the audit holds it against its customer class's
typical bill (the median of the class's posted regular bills over the last year), over
bill-audit-typical-multiple times it is a blocking "over typical" exception."""

import datetime
from collections import Counter
from decimal import Decimal
from random import Random

from django.db import connection

from billing.bill_runs import calculation, services
from billing.models import BillException, BillingPeriod, TypicalBills
from district import roles
from tests.billing.factories import account_with_meter, make_bill, metered_account

D = datetime.date
Kind = BillException.Kind


def _class_history():
    """Residential bills of $61.00 (another cycle's accounts) over the last months."""
    for _ in range(3):
        other, _meter = account_with_meter()
        other.billing_cycle = "M9"
        other.save(update_fields=["billing_cycle"])
        for month in (10, 11, 12):
            start = D(2025, month, 1)
            end = (D(2025, month + 1, 1) if month < 12 else D(2026, 1, 1)) - datetime.timedelta(1)
            make_bill(other, period_start=start, period_end=end, consumption=Decimal("8"))


def test_the_class_typical_bill_is_the_median_of_a_year(rates, period):
    _class_history()
    assert calculation.class_typical_bills(period) == {"residential": Decimal("61.00")}


def test_the_median_is_the_middle_bill_or_the_mean_of_the_two_middle_ones(db):
    # given amounts with how many bills had each, in ascending order
    median = calculation.median_of_counted
    # then an odd number of bills gives the middle one, an even number the mean of the two
    assert median([(Decimal("10.00"), 1), (Decimal("20.00"), 1), (Decimal("90.00"), 1)]) == 20
    assert median([(Decimal("10.00"), 1), (Decimal("20.01"), 1)]) == Decimal("15.01")  # half-up
    assert median([(Decimal("10.00"), 2), (Decimal("30.00"), 2)]) == Decimal("20.00")
    assert median([(Decimal("10.00"), 3), (Decimal("30.00"), 1)]) == Decimal("10.00")
    assert median([(Decimal("61.00"), 9)]) == Decimal("61.00")
    # and it is what PostgreSQL's percentile_cont(0.5) takes of the same bills, to the cent
    # (the percentile is a float: the mean 172.715 comes back as 172.71499999999997)
    rng = Random(7)
    for _ in range(50):
        amounts = [Decimal(rng.randint(0, 40_000)) / 100 for _ in range(rng.randint(1, 40))]
        counted = sorted(Counter(amounts).items())
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY a) FROM unnest(%s::numeric[]) a",
                [amounts],
            )
            (expected,) = cursor.fetchone()
        assert abs(median(counted) - Decimal(str(expected))) < Decimal("0.01")


def test_the_class_typical_bill_is_worked_out_once_a_month(
    rates, period, django_assert_num_queries
):
    # given the class's history, and its typical bill worked out for the January periods
    _class_history()
    assert calculation.class_typical_bills(period) == {"residential": Decimal("61.00")}
    assert TypicalBills.objects.get(as_of=D(2026, 1, 1)).bills == {"residential": 9}
    # when a heavier bill of the year is posted and another cycle's January period asks
    other, _meter = account_with_meter()
    make_bill(other, period_start=D(2025, 9, 1), period_end=D(2025, 9, 30), consumption=90)
    mid_month = BillingPeriod(period_start=D(2026, 1, 15), period_end=D(2026, 2, 14))
    # then it reads the month's figure (one query) without working it out again
    with django_assert_num_queries(1):
        assert calculation.class_typical_bills(mid_month) == {"residential": Decimal("61.00")}
    # and February's periods work out their own, over the year before February
    february = BillingPeriod(period_start=D(2026, 2, 1), period_end=D(2026, 2, 28))
    assert calculation.class_typical_bills(february) == {"residential": Decimal("61.00")}
    assert TypicalBills.objects.get(as_of=D(2026, 2, 1)).bills == {"residential": 10}


def test_a_month_without_class_history_is_stored_empty_and_not_worked_out_again(
    period, django_assert_num_queries
):
    assert calculation.class_typical_bills(period) == {}
    with django_assert_num_queries(1):
        assert calculation.class_typical_bills(period) == {}


def test_a_first_bill_far_over_the_class_typical_is_held(rates, period, make_user):
    # given a class whose bills are $61.00, and two new accounts: heavy and ordinary use
    _class_history()
    heavy = metered_account(used=Decimal("40"))
    ordinary = metered_account(used=Decimal("5"))
    biller = make_user(roles.CSR_II)
    # when their first bills are calculated
    run = services.bill_run_create(period=period, by=biller)
    services.bill_run_calculate(run_id=run.pk)
    # then the heavy one is over 3 times the class's typical bill: blocking
    exception = BillException.objects.get(run=run, account=heavy, kind=Kind.OVER_TYPICAL)
    assert exception.blocking
    assert "First bill" in exception.detail and "$61.00" in exception.detail
    assert not BillException.objects.filter(account=ordinary, kind=Kind.OVER_TYPICAL).exists()
    # both are still listed as first bills
    assert BillException.objects.filter(run=run, kind=Kind.FIRST_BILL).count() == 2


def test_without_class_history_a_first_bill_is_only_listed(rates, period, make_user):
    heavy = metered_account(used=Decimal("40"))
    run = services.bill_run_create(period=period, by=make_user(roles.CSR_II))
    services.bill_run_calculate(run_id=run.pk)
    kinds = set(BillException.objects.filter(account=heavy).values_list("kind", flat=True))
    assert Kind.FIRST_BILL in kinds and Kind.OVER_TYPICAL not in kinds
