"""Program credits on bills: worked out on the bill's own water charges, for the days enrolled,
rounded once, never more than the water charges; a run with credits posts balanced books.

The schedule here: a $20.00 service charge, water use at $4.50 per HCF and a $10.00 sewer
charge a month; 10 HCF in January 2026 (31 days) bills $20.00 + $45.00 + $10.00 = $75.00, of
which $65.00 are water charges (sewer is not discounted).
"""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import Enrolment, Program
from accounts.programs.credits import CreditTerms, account_credit_terms, program_credits
from billing.bill_runs import calculation
from billing.bill_runs import services as bill_runs
from billing.models import Bill, BillLine
from billing.rates.services import rate_version_load
from district import roles
from district.ledger.models import Journal, JournalLine
from district.ledger.selectors import account_balance, ledger_problems
from tests.billing.factories import (
    bill_run_calculated,
    bill_run_posted,
    january_period,
    metered_account,
)

pytestmark = pytest.mark.django_db
D = datetime.date
JANUARY = (D(2026, 1, 1), D(2026, 1, 31))

PLAIN = """
format: 1
schedule: water
name: Plain water and sewer
effective_from: 2025-07-01
unit: hcf
period: month
period_days: 30
whole_periods:
  - {periods: 1, days: [27, 33]}
service_charge:
  description: Water service charge
  per: month
  by_meter_size: {"5/8": "20.00", "3/4": "20.00", "1": "20.00"}
volumetric:
  description: Water use
  tiers: [{rate: "4.5000"}]
sewer:
  description: Sewer service
  sets:
    - when: {classes: [residential]}
      fixed: {amount: "10.00", per: month}
"""


@pytest.fixture
def plain_rates(db):
    version, _ = rate_version_load(source=PLAIN, by=None)
    return version


@pytest.fixture
def period(db):
    return january_period()


@pytest.fixture
def biller(make_user):
    return make_user(roles.CSR_II)


CHARGES = [("service", Decimal("20.00")), ("water", Decimal("45.00")), ("sewer", Decimal("10.00"))]


def _terms(benefit, amount, starts_on=D(2025, 6, 1), until=None, *, program_id=1, name="P"):
    return CreditTerms(program_id, name, benefit, Decimal(amount), starts_on, until)


def _credit(terms, charges=CHARGES, period=JANUARY):
    return program_credits(tuple(terms), charges, period_start=period[0], period_end=period[1])


# -- the arithmetic (pure)


def test_a_percent_discount_is_of_the_water_charges_only():
    (credit,) = _credit([_terms("percent_discount", "15.00", name="Senior discount")])
    assert credit.amount == Decimal("-9.75")  # 15% of $65.00, sewer left out
    assert credit.description == "Senior discount: 15% of water charges"
    assert credit.proration == ""


def test_a_partial_period_credits_the_days_enrolled_rounded_once():
    # enrolled from 01/21: 11 of 31 days. 65.00 x 15% x 11/31 = 3.4597 -> 3.46
    (credit,) = _credit([_terms("percent_discount", "15", starts_on=D(2026, 1, 21))])
    assert credit.amount == Decimal("-3.46")
    assert credit.proration == "11 of 31 days enrolled"
    # ended 01/11 (first day not covered): 10 days. 15.00 x 10/31 = 4.8387 -> 4.84
    (credit,) = _credit([_terms("monthly_credit", "15.00", until=D(2026, 1, 11))])
    assert credit.amount == Decimal("-4.84")
    assert credit.proration == "10 of 31 days enrolled"


def test_a_monthly_credit_is_whole_on_a_whole_month_and_doubles_on_two_months():
    (credit,) = _credit([_terms("monthly_credit", "15.00", name="Low-income assistance credit")])
    assert (credit.amount, credit.description) == (
        Decimal("-15.00"),
        "Low-income assistance credit",
    )
    (credit,) = _credit([_terms("monthly_credit", "15.00")], period=(D(2026, 1, 1), D(2026, 2, 28)))
    assert credit.amount == Decimal("-30.00")


def test_a_renewal_that_follows_on_covers_the_whole_period():
    terms = [
        _terms("monthly_credit", "15.00", starts_on=D(2025, 1, 15), until=D(2026, 1, 15)),
        CreditTerms(1, "P", "monthly_credit", Decimal("15.00"), D(2026, 1, 15), None, True),
    ]
    (credit,) = _credit(terms)
    assert credit.amount == Decimal("-15.00") and credit.proration == ""


def test_credits_never_exceed_the_water_charges():
    # an $80 monthly credit on $65.00 of water charges
    (credit,) = _credit([_terms("monthly_credit", "80.00")])
    assert credit.amount == Decimal("-65.00")
    # two programs: the second gets what the first left
    first, second = _credit(
        [
            _terms("percent_discount", "90", program_id=1),
            _terms("monthly_credit", "15.00", program_id=2),
        ]
    )
    assert (first.amount, second.amount) == (Decimal("-58.50"), Decimal("-6.50"))
    # nothing to discount, no credit
    assert _credit([_terms("monthly_credit", "15.00")], charges=[("sewer", Decimal("10"))]) == []


def test_a_one_time_rebate_goes_on_the_bill_of_the_period_the_enrolment_starts_in():
    rebate = [_terms("one_time_rebate", "50.00", starts_on=D(2026, 1, 20))]
    (credit,) = _credit(rebate)
    assert credit.amount == Decimal("-50.00")
    assert _credit(rebate, period=(D(2026, 2, 1), D(2026, 2, 28))) == []
    renewed = [CreditTerms(1, "P", "one_time_rebate", Decimal("50"), D(2026, 1, 20), None, True)]
    assert _credit(renewed) == []


# -- through a bill run


def _enrol(account, code, **fields):
    return Enrolment.objects.create(
        account=account, program=Program.objects.get(code=code), evidence="seen", **fields
    )


def test_a_bill_run_carries_the_credit_and_posts_balanced(plain_rates, period, biller):
    # given a senior enrolled all January, one on low-income assistance from 01/21, one not
    senior = metered_account(used=Decimal(10))
    assisted = metered_account(used=Decimal(10))
    plain = metered_account(used=Decimal(10))
    _enrol(senior, "senior-discount", starts_on=D(2025, 6, 1))
    _enrol(assisted, "low-income-assistance", starts_on=D(2026, 1, 21))
    # an ended enrolment before January gives nothing
    _enrol(
        plain,
        "senior-discount",
        starts_on=D(2025, 1, 1),
        status=Enrolment.Status.ENDED,
        ended_on=D(2025, 12, 1),
        end_reason="Moved",
    )
    # when the run is calculated and posted
    run = bill_run_calculated(period, biller, chunk_size=3)
    for exception in run.exceptions.all():
        bill_runs.bill_exception_accept(exception_id=exception.pk, by=biller)
    bill_run_posted(run, biller)
    # then the bills
    senior_bill = Bill.objects.get(account=senior)
    credit_line = BillLine.objects.get(bill=senior_bill, code__startswith="program.")
    assert (credit_line.description, credit_line.amount) == (
        "Senior discount: 15% of water charges",
        Decimal("-9.75"),
    )
    assert senior_bill.current_charges == Decimal("65.25")
    assisted_bill = Bill.objects.get(account=assisted)
    line = BillLine.objects.get(bill=assisted_bill, code__startswith="program.")
    # $15.00 x 11/31 = 5.3226 -> 5.32
    assert (line.description, line.amount, line.proration_note) == (
        "Low-income assistance credit",
        Decimal("-5.32"),
        "11 of 31 days enrolled",
    )
    assert assisted_bill.current_charges == Decimal("69.68")
    assert Bill.objects.get(account=plain).current_charges == Decimal("75.00")
    assert not BillLine.objects.filter(bill__account=plain, code__startswith="program.").exists()
    # and the books: receivables as billed, the credits in their own contra-revenue account
    assert account_balance(senior.pk) == Decimal("65.25")
    assert account_balance(assisted.pk) == Decimal("69.68")
    journal = Journal.objects.get(kind="bill", idempotency_key=f"bill:{senior_bill.pk}")
    by_purpose = {
        line.gl_account.purpose: line.amount
        for line in JournalLine.objects.filter(journal=journal).select_related("gl_account")
    }
    assert by_purpose == {
        "ar_customers": Decimal("65.25"),
        "water_sales_fixed": Decimal("-20.00"),
        "water_sales_volumetric": Decimal("-45.00"),
        "program_credits": Decimal("9.75"),
        "sewer": Decimal("-10.00"),
    }
    assert ledger_problems() == []


def test_one_accounts_terms_load_like_the_chunks(plain_rates, period):
    # given a renewal following an enrolment that ended on 01/15
    account = metered_account()
    first = _enrol(
        account,
        "low-income-assistance",
        starts_on=D(2025, 1, 15),
        expires_on=D(2026, 1, 15),
        status=Enrolment.Status.ENDED,
        ended_on=D(2026, 1, 15),
        end_reason="Renewed",
    )
    _enrol(account, "low-income-assistance", starts_on=D(2026, 1, 15), renewal_of=first)
    _enrol(account, "calfresh", starts_on=D(2025, 1, 1))  # no benefit: no terms
    # when
    terms = account_credit_terms(account.pk, *JANUARY)
    (inputs,) = calculation.load_chunk([account.pk], period)
    # then
    assert terms == inputs.program_credits
    assert [(t.starts_on, t.until, t.is_renewal) for t in terms] == [
        (D(2025, 1, 15), D(2026, 1, 15), False),
        (D(2026, 1, 15), None, True),
    ]


def test_the_bill_page_and_pdf_show_the_credit_line(plain_rates, period, biller, client_for):
    # given a posted bill with a senior discount
    account = metered_account(used=Decimal(10))
    _enrol(account, "senior-discount", starts_on=D(2025, 6, 1))
    run = bill_run_calculated(period, biller)
    for exception in run.exceptions.all():
        bill_runs.bill_exception_accept(exception_id=exception.pk, by=biller)
    bill_run_posted(run, biller)
    bill = Bill.objects.get(account=account)
    client = client_for(roles.CSR_I)
    # when
    page = client.get(reverse("billing:bill_detail", args=[bill.pk]))
    pdf = client.get(reverse("billing:bill_pdf", args=[bill.pk]))
    # then
    html = page.content.decode()
    assert page.status_code == 200
    assert "<td>Senior discount: 15% of water charges</td>" in html
    assert '<td class="money">-$9.75</td>' in html
    assert pdf.status_code == 200
