"""Why is this bill high? Sentences first (carried balance, use and tiers, days, last year,
rates, sewer and surcharges, read dates), then this bill / last bill / last year line by line."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from billing.documents.explain import explain_bill
from billing.documents.selectors import bill_for_document
from billing.models import RateSchedule, RateScheduleVersion
from district import roles
from field_ops.models import MeterRead
from tests.billing.factories import account_with_meter, make_bill, month_end
from tests.factories import post_payment

pytestmark = pytest.mark.django_db


def three_tiers(used: Decimal, *, tier3="5.12", sewer="20.00", drought=None):
    """Service, tiers of 0-8, 8-14 and over 14 HCF, sewer and surcharges."""
    lines = [("service", "service", "Water service charge: 1 month x $32.15", Decimal(1),
              Decimal("32.15"), Decimal("32.15"))]  # fmt: skip
    bounds = [(1, Decimal(0), Decimal(8), "4.10"), (2, Decimal(8), Decimal(14), "4.60"),
              (3, Decimal(14), None, tier3)]  # fmt: skip
    for tier, low, high, rate in bounds:
        top = used if high is None else min(used, high)
        quantity = max(Decimal(0), top - low)
        if quantity:
            lines.append((f"water.tier{tier}", "water", f"Water use: {quantity} HCF x ${rate}",
                          quantity, Decimal(rate), (quantity * Decimal(rate)).quantize(
                              Decimal("0.01"))))  # fmt: skip
    lines.append(("sewer.usage", "sewer", "Sewer service", None, None, Decimal(sewer)))
    lines.append(("surcharge.capital", "surcharge", "Capital improvement surcharge", None, None,
                  Decimal("4.25")))  # fmt: skip
    if drought:
        lines.append(("surcharge.drought", "surcharge", "Drought surcharge", None, None,
                      Decimal(drought)))  # fmt: skip
    return lines


def _history(account, meter, uses):
    """Posted monthly bills of 2025 (three tiers), oldest first."""
    return [
        make_bill(account, period_start=datetime.date(2025, month, 1),
                  period_end=month_end(2025, month), consumption=Decimal(used),
                  lines=three_tiers(Decimal(used)))  # fmt: skip
        for month, used in uses
    ]


def test_unpaid_last_bill_is_said_first_then_use_and_the_tier_crossed():
    # given last bill (11 HCF) unpaid, this bill 18 HCF with 4 of them in tier 3
    account, meter = account_with_meter()
    history = _history(account, meter, [(11, "11"), (12, "11")])
    bill = make_bill(account, period_start=datetime.date(2026, 1, 1),
                     period_end=datetime.date(2026, 1, 31), consumption=Decimal("18"),
                     lines=three_tiers(Decimal("18"), sewer="26.00", drought="3.00"))  # fmt: skip
    # when
    explanation = explain_bill(bill_for_document(bill.pk))
    # then
    last_due = history[-1].amount_due
    assert explanation.sentences[0] == (
        f"The last bill's ${last_due:,.2f} was not paid, so it is carried on this bill."
    )
    assert explanation.sentences[1] == (
        "You used 18 HCF, 7 more than last bill; 4 of them were priced in tier 3 at $5.12."
    )
    text = " ".join(explanation.sentences)
    assert "There is no bill for the same period last year" in text
    assert "Sewer charges are $26.00, $6.00 more than last bill." in text
    assert "Surcharges are $7.25, $3.00 more than last bill." in text
    assert "New on this bill: Drought surcharge ($3.00)." in text
    rows = {row.key: row for row in explanation.rows}
    assert rows["use"].values == (Decimal("18"), Decimal("11"), None)
    assert rows["tier"].values == (3, 2, None)
    assert rows["water.tier3"].values == (Decimal("20.48"), None, None)
    assert rows["carried"].values[0] == last_due
    assert rows["due"].values[0] == last_due + bill.current_charges


def test_part_paid_days_per_day_and_last_year():
    # given a year of 8 HCF bills, then a 28-day February after a part payment
    account, meter = account_with_meter()
    history = _history(account, meter, [(month, "8") for month in range(1, 13)])
    post_payment(account, "20.00", datetime.date(2026, 1, 10))
    january = make_bill(account, period_start=datetime.date(2026, 1, 1),
                        period_end=datetime.date(2026, 1, 31), consumption=Decimal("8"),
                        lines=three_tiers(Decimal("8")))  # fmt: skip
    february = make_bill(account, period_start=datetime.date(2026, 2, 1),
                         period_end=datetime.date(2026, 2, 28), consumption=Decimal("8"),
                         lines=three_tiers(Decimal("8")))  # fmt: skip
    # when
    explanation = explain_bill(bill_for_document(february.pk))
    # then
    assert explanation.last.bill == january
    assert explanation.last_year.bill == history[1]  # February 2025
    text = " ".join(explanation.sentences)
    assert "You used 8 HCF, the same as last bill." in text
    assert "This bill covers 28 days, 3 fewer than the last one (31 days): per day you used " \
        "0.286 HCF against 0.258 HCF." in text
    assert "In the same period last year you used 8 HCF over 28 days" in text
    assert explanation.sentences[0].startswith("The last bill's $")


def test_rate_changes_and_read_dates_that_do_not_line_up():
    # given January on the old tier-3 rate, February on a new one, read two days early
    schedule = RateSchedule.objects.create(code="water-ex", name="Water service")
    old, new = (
        RateScheduleVersion.objects.create(schedule=schedule, version=number,
                                           effective_from=datetime.date(2025, number, 1),
                                           source="", parsed={}, sha256=str(number) * 64)
        for number in (1, 2)
    )  # fmt: skip
    account, meter = account_with_meter()
    make_bill(account, period_start=datetime.date(2026, 1, 1), period_end=datetime.date(2026, 1, 31),
              consumption=Decimal("16"), lines=three_tiers(Decimal("16")), rate_version=old)  # fmt: skip
    start_read = MeterRead.objects.create(meter=meter, read_on=datetime.date(2026, 1, 31),
                                          reading=Decimal("100"), source=MeterRead.Source.ROUTE)  # fmt: skip
    bill = make_bill(account, period_start=datetime.date(2026, 2, 1), period_end=month_end(2026, 2),
                     consumption=Decimal("16"), lines=three_tiers(Decimal("16"), tier3="5.5"),
                     rate_version=new, previous_read=start_read)  # fmt: skip
    early = MeterRead.objects.create(meter=meter, read_on=datetime.date(2026, 2, 26),
                                     reading=Decimal("116"), source=MeterRead.Source.ROUTE)  # fmt: skip
    type(bill).objects.filter(pk=bill.pk).update(current_read=early)
    # when
    explanation = explain_bill(bill_for_document(bill.pk))
    # then
    text = " ".join(explanation.sentences)
    assert "The rate for water use, tier 3 went from $5.12 to $5.50 since the last bill." in text
    assert "New rates apply:" in text
    assert "The current read is dated 02/26/2026, not at the period's end (02/28/2026)." in text
    assert [(c.old_rate, c.new_rate) for c in explanation.rate_changes] == [
        (Decimal("5.12"), Decimal("5.5"))
    ]


def test_a_first_bill_has_nothing_to_compare_with():
    account, _meter = account_with_meter()
    bill = make_bill(account, period_start=datetime.date(2026, 1, 1),
                     period_end=datetime.date(2026, 1, 31), consumption=Decimal("5"))  # fmt: skip
    explanation = explain_bill(bill_for_document(bill.pk))
    assert explanation.last is None and explanation.last_year is None
    assert explanation.sentences == [
        "You used 5 HCF. There is no earlier bill to compare with.",
        "There is no bill for the same period last year to compare with.",
    ]


def test_staff_bill_page_and_why_page_show_the_sentences_and_table(client_for):
    account, meter = account_with_meter()
    _history(account, meter, [(12, "11")])
    bill = make_bill(account, period_start=datetime.date(2026, 1, 1),
                     period_end=datetime.date(2026, 1, 31), consumption=Decimal("18"),
                     lines=three_tiers(Decimal("18")))  # fmt: skip
    client = client_for(roles.CSR_I)
    for page in ("billing:bill_detail", "billing:bill_why_high"):
        html = client.get(reverse(page, args=[bill.pk])).content.decode()
        assert 'data-testid="explanation-table"' in html
        assert "4 of them were priced in tier 3 at $5.12" in html
        assert html.index("was not paid") < html.index("You used 18 HCF")
