"""A first bill has no history of its own: the audit holds it against its customer class's
typical bill (the median of the class's posted regular bills over the last year), over
bill-audit-typical-multiple times it is a blocking "over typical" exception."""

import datetime
from decimal import Decimal

from billing.bill_runs import calculation, services
from billing.models import BillException
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
