"""Real published California water rate schedules, encoded in docs/examples/ and worked by hand.

Sources (each YAML file repeats its source in a comment and in `reference`):

* East Bay Municipal Utility District, "Water Rate Schedule - Effective July 1, 2024",
  https://ebmud.com/water/water-rates (ebmud-2024-07-01.yaml): service charges per month on a
  two-month bill, single-family tiers in gallons per day.
* San Juan Water District, "Retail Water Rates and Charges Effective May 1, 2017",
  http://sjwd.org/about/current-rates.shtml (sjwd-2017-05-01.yaml): a base charge per day, with
  a worked bill on the page (63 days, 47 units: $43.24 + $89.46 = $132.70).
* Coastside County Water District, rate schedule amended by Resolution 2017-01,
  http://coastsidewater.org/water-rates.html (coastside-2017.yaml): two-month base charges and
  two-month residential blocks; the page also publishes the monthly base charges.
* Phelan Pinon Hills Community Services District, "Water Rates - Approved December 1, 2021",
  columns effective 07/01/2024 and 07/01/2025, https://www.pphcsd.org/rates-and-fees
  (pphcsd-2024-07-01.yaml, pphcsd-2025-07-01.yaml): a flat Chromium-6 surcharge and a late
  penalty of 10% of the current bill + 1% of the past-due balance.
* Glendale Water & Power, "Standard Water Service Rate", variable charges effective July 1, 2018,
  https://www.glendaleca.gov/government/departments/glendale-water-and-power/rates/water-rates/standard-water-service-rate
  (glendale-2018-07-01.yaml): multi-family tier 1 is "# of units x 6 hcf".
* City of Santa Rosa, City Code 14-04 potable water usage charge, meters read on and after
  July 1, 2024, https://ecode360.com/42961842 (santa-rosa-2024-07-01.yaml): per 1,000 gallons,
  Tier 1 up to the sewer cap (winter average).
* West San Martin Water Works, http://wsmwater.com/waterrates.html (west-san-martin.yaml):
  3-decimal rates, "the first 800 cubic feet are $2.061 per 100 cubic feet".
"""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from billing.rates import calculate, calculate_across_versions, late_penalty, parse_schedule

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
D = Decimal


def _schedule(name: str) -> dict:
    return parse_schedule((EXAMPLES / name).read_text())


def _bill(schedule, **inputs):
    return calculate(schedule, **inputs)


def _amounts(bill) -> list[Decimal]:
    return [line.amount for line in bill.lines]


# EBMUD's published "Two Month Service Charge" column, for the meter sizes this portal has.
EBMUD_TWO_MONTHS = {
    "5/8": "70.96",
    "3/4": "70.96",
    "1": "107.20",
    "1-1/2": "197.82",
    "2": "306.46",
    "3": "596.38",
    "4": "922.48",
    "6": "1828.18",
    "8": "2915.16",
    "10": "4183.22",
}


@pytest.mark.parametrize(("meter_size", "published"), EBMUD_TWO_MONTHS.items())
def test_ebmud_two_month_service_charge_matches_the_published_column(meter_size, published):
    # given: a 61-day bill (a whole two-month period) with no water used
    schedule = _schedule("ebmud-2024-07-01.yaml")

    # when
    bill = _bill(
        schedule,
        customer_class="commercial",
        meter_size=meter_size,
        consumption=D("0"),
        period_start=datetime.date(2024, 7, 1),
        period_end=datetime.date(2024, 8, 30),
    )

    # then: 2 x the monthly charge is the published two-month charge
    assert bill.lines[0].amount == D(published)


def test_ebmud_single_family_tiers_are_gallons_per_day_times_the_days():
    # given: a single-family home, 5/8" meter, 7/1-8/30/2024 (61 days), 20 HCF
    schedule = _schedule("ebmud-2024-07-01.yaml")

    # when
    bill = _bill(
        schedule,
        customer_class="residential",
        meter_size="5/8",
        consumption=D("20"),
        period_start=datetime.date(2024, 7, 1),
        period_end=datetime.date(2024, 8, 30),
    )

    # then
    # service   2 months x $35.48                                   = 70.96
    # tier 1    172 gal/day x 61 days = 10,492 gal / 748 = 14.0267  -> 14.03 HCF
    #           14.03 x $5.41 = 75.9023                             -> 75.90
    # tier 2    393 x 61 / 748 = 32.05 HCF bound; 20 - 14.03 = 5.97 HCF
    #           5.97 x $7.44 = 44.4168                              -> 44.42
    # total 70.96 + 75.90 + 44.42                                   = 191.28
    assert _amounts(bill) == [D("70.96"), D("75.90"), D("44.42")]
    assert bill.lines[1].description == (
        "Tier 1 (up to 14.03 HCF: 172 gal per day x 61 days): 14.03 HCF x $5.41"
    )
    assert bill.total == D("191.28")


def test_ebmud_monthly_bill_is_half_the_two_month_charge():
    # given: EBMUD bills some accounts monthly; a multifamily 1" meter, 30 days, 12 HCF
    schedule = _schedule("ebmud-2024-07-01.yaml")

    # when
    bill = _bill(
        schedule,
        customer_class="multi_family",
        meter_size="1",
        consumption=D("12"),
        period_start=datetime.date(2024, 9, 1),
        period_end=datetime.date(2024, 9, 30),
    )

    # then: service $53.60 per month x 30/30 days = 53.60; water 12 x $7.65 = 91.80
    assert _amounts(bill) == [D("53.60"), D("91.80")]
    assert (
        bill.lines[0].description == 'Water service charge, 1" meter: $53.60 per month x 30/30 days'
    )
    assert bill.total == D("145.40")


def test_sjwd_reproduces_the_bill_worked_on_its_page():
    # given: the page's example: read 3/9/2017, read 5/11/2017 = 63 days, 47 units
    schedule = _schedule("sjwd-2017-05-01.yaml")

    # when: service days 3/10-5/11 (63 days)
    bill = _bill(
        schedule,
        customer_class="residential",
        meter_size="3/4",
        consumption=D("47"),
        period_start=datetime.date(2017, 3, 10),
        period_end=datetime.date(2017, 5, 11),
    )

    # then: base $1.42 x 63 days = 89.46; consumption 47 x $0.92 = 43.24; total 132.70
    assert bill.days == 63
    assert _amounts(bill) == [D("89.46"), D("43.24")]
    assert bill.lines[0].description == 'Base charge, 3/4" meter: 63 days x $1.42'
    assert bill.total == D("132.70")


# Coastside's published monthly base charges, which are half the two-month ones rounded half-up.
COASTSIDE_MONTHLY = {
    "5/8": "26.10",
    "3/4": "39.23",  # 78.45 / 2 = 39.225 -> 39.23
    "1": "65.38",
    "1-1/2": "126.26",
    "2": "209.24",
    "3": "457.75",
    "4": "1569.61",
}


@pytest.mark.parametrize(("meter_size", "published"), COASTSIDE_MONTHLY.items())
def test_coastside_monthly_base_charge_matches_the_published_column(meter_size, published):
    # given: a 30-day bill on the two-month schedule: prorated 30/60
    schedule = _schedule("coastside-2017.yaml")

    # when
    bill = _bill(
        schedule,
        customer_class="commercial",
        meter_size=meter_size,
        consumption=D("0"),
        period_start=datetime.date(2017, 3, 1),
        period_end=datetime.date(2017, 3, 30),
    )

    # then
    assert bill.lines[0].amount == D(published)


def test_coastside_two_month_residential_blocks():
    # given: 5/8" residential, 3/1-4/30/2017 (61 days: one two-month period), 25 hcf

    # when
    bill = _bill(
        _schedule("coastside-2017.yaml"),
        customer_class="residential",
        meter_size="5/8",
        consumption=D("25"),
        period_start=datetime.date(2017, 3, 1),
        period_end=datetime.date(2017, 4, 30),
    )

    # then
    # base      1 two-month period x $52.20                = 52.20
    # 0-4       4 x $9.65                                  = 38.60
    # 5-16     12 x $10.77                                 = 129.24
    # 17-30     9 x $13.89                                 = 125.01
    # total                                                = 345.05
    assert _amounts(bill) == [D("52.20"), D("38.60"), D("129.24"), D("125.01")]
    assert bill.total == D("345.05")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        # 2024: fixed 27.17; Cr-6 9.71; 9 x 3.27 = 29.43; 20 x 3.73 = 74.60; 6 x 8.98 = 53.88
        #       total 194.79
        ("pphcsd-2024-07-01.yaml", ["27.17", "29.43", "74.60", "53.88", "9.71", "194.79"]),
        # 2025: fixed 28.81; Cr-6 9.71; 9 x 3.47 = 31.23; 20 x 3.96 = 79.20; 6 x 9.52 = 57.12
        #       total 206.07
        ("pphcsd-2025-07-01.yaml", ["28.81", "31.23", "79.20", "57.12", "9.71", "206.07"]),
    ],
)
def test_phelan_pinon_hills_residential_bill(name, expected):
    # given: 3/4" residential, one month, 35 units

    # when
    bill = _bill(
        _schedule(name),
        customer_class="residential",
        meter_size="3/4",
        consumption=D("35"),
        period_start=datetime.date(2025, 8, 1),
        period_end=datetime.date(2025, 8, 31),
    )

    # then
    assert [str(amount) for amount in _amounts(bill)] + [str(bill.total)] == expected
    assert bill.lines[-1].description == "Chromium-6 surcharge: 1 month x $9.71"


def test_phelan_pinon_hills_bill_spanning_the_july_2025_rate_change():
    # given: 6/16-7/15/2025 = 30 days (a whole month): 15 days at each year's rates; 30 units
    old, new = _schedule("pphcsd-2024-07-01.yaml"), _schedule("pphcsd-2025-07-01.yaml")

    # when
    bill = calculate_across_versions(
        [(datetime.date(2024, 7, 1), old, "v1"), (datetime.date(2025, 7, 1), new, "v2")],
        customer_class="residential",
        meter_size="3/4",
        consumption=D("30"),
        period_start=datetime.date(2025, 6, 16),
        period_end=datetime.date(2025, 7, 15),
    )

    # then: each part gets half the month: 15 units, tiers of 4.5 and 14.5
    # v1: fixed 27.17 / 2 = 13.585 -> 13.59; 4.5 x 3.27 = 14.715 -> 14.72; 10 x 3.73 = 37.30;
    #     0.5 x 8.98 = 4.49; Cr-6 9.71 / 2 = 4.855 -> 4.86                        = 74.96
    # v2: fixed 28.81 / 2 = 14.405 -> 14.41; 4.5 x 3.47 = 15.615 -> 15.62; 10 x 3.96 = 39.60;
    #     0.5 x 9.52 = 4.76; Cr-6 4.86                                            = 79.25
    # total 74.96 + 79.25                                                          = 154.21
    assert _amounts(bill) == [
        D("13.59"), D("14.72"), D("37.30"), D("4.49"), D("4.86"),
        D("14.41"), D("15.62"), D("39.60"), D("4.76"), D("4.86"),
    ]  # fmt: skip
    assert bill.total == D("154.21")
    assert bill.versions == ["v1", "v2"]
    assert [line.version for line in bill.lines] == ["v1"] * 5 + ["v2"] * 5
    assert bill.lines[0].proration == "15 of 30 days at v1"
    assert bill.lines[0].description == 'Fixed charge, 3/4" meter: 1 month x $27.17, 15 of 30 days'


def test_phelan_pinon_hills_late_penalty():
    # given: a current bill of 206.07 and 100.00 past due
    # when
    line = late_penalty(
        _schedule("pphcsd-2025-07-01.yaml"), current_charges=D("206.07"), past_due=D("100")
    )

    # then: 10% x 206.07 = 20.607 + 1% x 100 = 1.00 -> 21.607 -> 21.61
    assert line.amount == D("21.61")


def test_glendale_multi_family_tier_is_six_hcf_per_unit():
    # given: 4 units, one month, 30 hcf

    # when
    bill = _bill(
        _schedule("glendale-2018-07-01.yaml"),
        customer_class="multi_family",
        meter_size="2",
        consumption=D("30"),
        dwelling_units=4,
        period_start=datetime.date(2018, 8, 1),
        period_end=datetime.date(2018, 8, 31),
    )

    # then: tier 1 = 4 x 6 = 24 hcf x $3.78 = 90.72; 6 x $3.91 = 23.46; total 114.18
    assert _amounts(bill) == [D("90.72"), D("23.46")]
    assert bill.total == D("114.18")


def test_glendale_single_family_tiers():
    # when: 20 hcf in a month
    bill = _bill(
        _schedule("glendale-2018-07-01.yaml"),
        customer_class="residential",
        meter_size="3/4",
        consumption=D("20"),
        period_start=datetime.date(2018, 8, 1),
        period_end=datetime.date(2018, 8, 31),
    )

    # then: 8 x 2.61 = 20.88; 7 x 3.84 = 26.88; 5 x 3.99 = 19.95; total 67.71
    assert _amounts(bill) == [D("20.88"), D("26.88"), D("19.95")]
    assert bill.total == D("67.71")


def test_santa_rosa_tier_one_runs_up_to_the_sewer_cap():
    # given: a 4.4 thousand-gallon sewer cap (the city's own example cap), 7 kgal in July 2024
    schedule = _schedule("santa-rosa-2024-07-01.yaml")
    inputs = {
        "customer_class": "residential",
        "meter_size": "5/8",
        "consumption": D("7"),
        "period_start": datetime.date(2024, 7, 1),
        "period_end": datetime.date(2024, 7, 31),
    }

    # when
    capped = _bill(schedule, winter_average=D("4.4"), **inputs)
    no_cap = _bill(schedule, **inputs)

    # then
    # with a cap: 4.4 kgal x $6.61 = 29.084 -> 29.08; 2.6 x $7.49 = 19.474 -> 19.47; = 48.55
    # no cap: "all water billed at the Tier 1 user charge": 7 x $6.61 = 46.27
    assert _amounts(capped) == [D("29.08"), D("19.47")]
    assert capped.total == D("48.55")
    assert _amounts(no_cap) == [D("46.27")]
    assert no_cap.lines[0].description == (
        "Tier 1 (no winter average given: all use): 7 kgal x $6.61"
    )


def test_santa_rosa_sewer_cap_example_from_the_citys_explanation_page():
    # given: the city's "Explanation of Wastewater (Sewer) Charges" page
    # (http://ci.santa-rosa.ca.us/departments/finance/revenue/utilbill/Pages/ExplainWWChrgs.aspx)
    # works a sewer usage fee of "$76.74 (sewer cap of 6 x $12.79)"; the page does not date
    # the $12.79 rate, so it is written inline here rather than as a dated schedule file.
    schedule = parse_schedule(
        """
schedule: santa-rosa-sewer
name: Santa Rosa sewer usage (explanation page example)
effective_from: 2012-07-01
unit: kgal
sewer:
  sets:
    - when: {classes: [residential]}
      per_unit: {rate: "12.79", cap: winter_average}
"""
    )

    # when: 23 thousand gallons in June, winter average 6
    bill = _bill(
        schedule,
        customer_class="residential",
        meter_size="5/8",
        consumption=D("23"),
        winter_average=D("6"),
        period_start=datetime.date(2012, 7, 1),
        period_end=datetime.date(2012, 7, 31),
    )

    # then: 6 x $12.79 = 76.74
    assert _amounts(bill) == [D("76.74")]


def test_west_san_martin_three_decimal_rates_round_half_up_once():
    # when: 13 HCF (1,300 cubic feet)
    bill = _bill(
        _schedule("west-san-martin.yaml"),
        customer_class="residential",
        meter_size="5/8",
        consumption=D("13"),
        period_start=datetime.date(2024, 1, 1),
        period_end=datetime.date(2024, 1, 31),
    )

    # then: 8 x $2.061 = 16.488 -> 16.49; 5 x $2.435 = 12.175 -> 12.18 (a float would give
    # 12.17); total 28.67
    assert _amounts(bill) == [D("16.49"), D("12.18")]
    assert bill.total == D("28.67")
