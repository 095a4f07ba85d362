"""More published California rate schedules, written in the rate format and priced to the cent.

Each schedule is a file in docs/examples/ whose comments cite the page and table it comes from.
Where the district publishes a bill (a "typical monthly bill" table) the test asserts the
district's own figure; elsewhere the expected figure is worked by hand from the published rates,
the arithmetic in the test's comment.

* South Coast Water District, residential rates effective July 1, 2016
  (south-coast-wd-2016-07-01.yaml): its "Typical Monthly Bills" for 10 and 20 units.
* Joshua Basin Water District, rates effective January 1, 2024
  (joshua-basin-wd-2024-01-01.yaml): tiers chosen by meter size, not by customer class.
* Town of Hillsborough, water rates as of January 1, 2022 (hillsborough-2022-01-01.yaml):
  stated for two months, "half for monthly customers" (whole_periods with periods: 0.5).
* Contra Costa Water District, treated water quantity charges effective February 1, 2022
  (ccwd-2022-02-01.yaml): energy charges by elevation zone and a drought surcharge from
  July 1, 2022.
"""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from billing.rates import calculate, parse_schedule
from billing.rates.tables import schedule_tables

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
D = Decimal
DAY = datetime.date


def _text(name: str) -> str:
    return (EXAMPLES / name).read_text()


def _schedule(name: str) -> dict:
    return parse_schedule(_text(name))


def _price(schedule, customer_class, meter_size, units, start, end, **inputs):
    """A bill priced by the engine: class, meter, use (in the schedule's unit) and service days."""
    return calculate(
        schedule,
        customer_class=customer_class,
        meter_size=meter_size,
        consumption=Decimal(units),
        period_start=start,
        period_end=end,
        **inputs,
    )


def _amounts(bill) -> list[Decimal]:
    return [line.amount for line in bill.lines]


# -- South Coast Water District (published typical monthly bills)


@pytest.mark.parametrize(
    ("units", "published"),
    [
        # "Typically 10 Units of Water per Month": Water Usage $26.10, Total Monthly Bill $26.10
        ("10", "26.10"),
        # "Typically 20 Units of Water per Month": Water Usage $53.20, Total Monthly Bill $53.20
        ("20", "53.20"),
    ],
)
def test_south_coast_reproduces_the_published_typical_monthly_bills(units, published):
    # given: a single-family home billed for a month (30 days)
    schedule = _schedule("south-coast-wd-2016-07-01.yaml")

    # when
    bill = calculate(
        schedule,
        customer_class="residential",
        meter_size="3/4",
        consumption=D(units),
        period_start=datetime.date(2016, 7, 1),
        period_end=datetime.date(2016, 7, 30),
    )

    # then: the district's own figure, to the cent
    assert bill.total == D(published)


def test_south_coast_tier_lines_of_the_20_unit_bill():
    # given
    schedule = _schedule("south-coast-wd-2016-07-01.yaml")

    # when
    bill = _price(schedule, "residential", "3/4", "20", DAY(2016, 7, 1), DAY(2016, 7, 30))

    # then: first 1-5 units   5 x $2.54 = 12.70
    #       6-18 units       13 x $2.68 = 34.84
    #       19+ units         2 x $2.83 =  5.66   total 53.20 (the published figure)
    assert _amounts(bill) == [D("12.70"), D("34.84"), D("5.66")]


def test_south_coast_has_no_rates_for_other_classes():
    # given: the page is the residential one; other classes are not in the file
    schedule = _schedule("south-coast-wd-2016-07-01.yaml")

    # when / then: refused with a message, never priced at a guessed rate
    with pytest.raises(ValidationError) as caught:
        _price(schedule, "commercial", "1", "20", DAY(2016, 7, 1), DAY(2016, 7, 30))
    assert "has no water use rate for commercial customers" in " ".join(caught.value.messages)


# -- Joshua Basin Water District (tiers by meter size)


def test_joshua_basin_small_meter_uses_all_four_tiers():
    # given: a 3/4" meter, January 2024 (31 days: one month), 23 units
    schedule = _schedule("joshua-basin-wd-2024-01-01.yaml")

    # when
    bill = _price(schedule, "residential", "3/4", "23", DAY(2024, 1, 1), DAY(2024, 1, 31))

    # then: basic fee 3/4"-1"                 45.55
    #       Tier 1: 0-5 units     5 x $8.00  = 40.00
    #       Tier 2: 6-10 units    5 x $9.65  = 48.25
    #       Tier 3: 11-20 units  10 x $11.30 = 113.00
    #       Tier 4: 21+ units     3 x $12.95 = 38.85   total 285.65
    assert _amounts(bill) == [D("45.55"), D("40.00"), D("48.25"), D("113.00"), D("38.85")]
    assert bill.total == D("285.65")


def test_joshua_basin_one_and_a_half_inch_meter_pays_the_uniform_rate():
    # given: a 1-1/2" meter (any class), same month and use
    schedule = _schedule("joshua-basin-wd-2024-01-01.yaml")

    # when
    bill = _price(schedule, "commercial", "1-1/2", "23", DAY(2024, 1, 1), DAY(2024, 1, 31))

    # then: basic fee 1 1/2" 151.83; all usage 23 x $9.65 = 221.95; total 373.78
    assert _amounts(bill) == [D("151.83"), D("221.95")]
    assert bill.total == D("373.78")


def test_joshua_basin_two_inch_meter_is_refused_because_its_fee_is_not_published():
    # given: the page prices 2" water use ($9.65) but lists no 2" basic fee
    schedule = _schedule("joshua-basin-wd-2024-01-01.yaml")

    # when / then
    with pytest.raises(ValidationError) as caught:
        _price(schedule, "commercial", "2", "23", DAY(2024, 1, 1), DAY(2024, 1, 31))
    assert 'has no monthly basic fee for a 2" meter' in " ".join(caught.value.messages)


# -- Town of Hillsborough (two-month schedule, half for monthly customers)


def test_hillsborough_two_month_bill_in_four_tiers():
    # given: a 3/4" meter, 1/1-3/2/2022 (61 days: one two-month period), 80 units
    schedule = _schedule("hillsborough-2022-01-01.yaml")

    # when
    bill = _price(schedule, "residential", "3/4", "80", DAY(2022, 1, 1), DAY(2022, 3, 2))

    # then: bi-monthly service charge 3/4"            141.48
    #       1 - 20 units     20 x $6.16  = 123.20
    #       21 - 44 units    24 x $7.82  = 187.68
    #       45 - 70 units    26 x $10.74 = 279.24
    #       over 70 units    10 x $16.40 = 164.00      total 895.60
    assert _amounts(bill) == [D("141.48"), D("123.20"), D("187.68"), D("279.24"), D("164.00")]
    assert bill.total == D("895.60")
    assert bill.lines[0].description == (
        'Bi-monthly service charge, 3/4" meter: 1 two-month period x $141.48'
    )


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (datetime.date(2022, 2, 1), datetime.date(2022, 2, 28)),  # 28 days
        (datetime.date(2022, 3, 1), datetime.date(2022, 3, 31)),  # 31 days
        (datetime.date(2022, 4, 1), datetime.date(2022, 4, 30)),  # 30 days
    ],
)
def test_hillsborough_monthly_customer_pays_exactly_half(start, end):
    # given: "Bi-Monthly Billing (half for monthly customers)": a monthly bill of 28, 30 or 31
    # days is half a two-month period, whatever its days (whole_periods: {periods: 0.5})
    schedule = _schedule("hillsborough-2022-01-01.yaml")

    # when: 25 units
    bill = calculate(
        schedule,
        customer_class="residential",
        meter_size="3/4",
        consumption=D("25"),
        period_start=start,
        period_end=end,
    )

    # then: service 141.48 / 2                           70.74
    #       tiers half as wide: 1-10, 11-22, 23-35, over 35 units
    #       10 x $6.16 = 61.60; 12 x $7.82 = 93.84; 3 x $10.74 = 32.22   total 258.40
    assert _amounts(bill) == [D("70.74"), D("61.60"), D("93.84"), D("32.22")]
    assert bill.total == D("258.40")
    assert bill.lines[0].description == (
        'Bi-monthly service charge, 3/4" meter: 0.5 two-month periods x $141.48'
    )
    assert bill.lines[1].description == (
        "Tier 1 (up to 10 HCF: 20 HCF x 0.5 two-month periods): 10 HCF x $6.16"
    )
    assert bill.lines[0].proration == ""


def test_hillsborough_without_the_half_window_a_31_day_bill_is_prorated_31_60():
    # given: the same file with the default windows (only 54-66 days is a whole period), which
    # is how a two-month schedule read before `periods: 0.5` existed
    text = _text("hillsborough-2022-01-01.yaml").replace(
        '  - {periods: 0.5, days: [27, 33]}   # "half for monthly customers"\n', ""
    )
    schedule = parse_schedule(text)

    # when: March 2022, 31 days, 25 units
    bill = _price(schedule, "residential", "3/4", "25", DAY(2022, 3, 1), DAY(2022, 3, 31))

    # then: 141.48 x 31/60 = 73.098 -> 73.10, not the published half (70.74); tier 1 is
    # 20 x 31/60 = 10.33 HCF: the monthly customer is overcharged against the schedule
    assert bill.lines[0].amount == D("73.10")
    assert bill.lines[1].quantity == D("10.33")


def test_hillsborough_bill_of_other_length_is_prorated_by_days():
    # given: a 45-day bill is neither a month nor two: prorated 45/60
    schedule = _schedule("hillsborough-2022-01-01.yaml")

    # when: 1/1-2/14/2022 (45 days), 40 units
    bill = _price(schedule, "residential", "3/4", "40", DAY(2022, 1, 1), DAY(2022, 2, 14))

    # then: service 141.48 x 45/60 = 106.11
    #       tiers x 45/60: up to 15, 33, 52.5 units
    #       15 x $6.16 = 92.40; 18 x $7.82 = 140.76; 7 x $10.74 = 75.18   total 414.45
    assert _amounts(bill) == [D("106.11"), D("92.40"), D("140.76"), D("75.18")]
    assert bill.total == D("414.45")


# Coastside County Water District publishes both columns: bi-monthly and monthly base charges.
def test_coastside_31_day_monthly_bill_is_the_published_monthly_base_charge():
    # given: a 31-day monthly bill; the file counts 27-33 days as half a two-month period
    # (without that window it would be prorated 31/60: 52.20 x 31/60 = 26.97)
    schedule = _schedule("coastside-2017.yaml")

    # when
    bill = _price(schedule, "commercial", "5/8", "0", DAY(2017, 3, 1), DAY(2017, 3, 31))

    # then: the published monthly base charge for a 5/8" x 3/4" meter
    assert bill.lines[0].amount == D("26.10")


# -- Contra Costa Water District (elevation zones, drought surcharge from July 1, 2022)


def test_ccwd_zone_3_two_month_bill_before_the_drought_surcharge():
    # given: a zone 3 account, 3/1-4/30/2022 (61 days), 20 units
    schedule = _schedule("ccwd-2022-02-01.yaml")

    # when
    bill = calculate(
        schedule,
        customer_class="residential",
        meter_size="5/8",
        consumption=D("20"),
        zone="zone3",
        period_start=datetime.date(2022, 3, 1),
        period_end=datetime.date(2022, 4, 30),
    )

    # then: usage  20 x $5.2538 = 105.076 -> 105.08
    #       energy 20 x $0.4075 =   8.15               total 113.23
    assert _amounts(bill) == [D("105.08"), D("8.15")]
    assert bill.total == D("113.23")


def test_ccwd_zone_8_bill_with_the_drought_surcharge_in_force():
    # given: a zone 8 account, 8/1-9/30/2022 (61 days, all after July 1), 20 units
    schedule = _schedule("ccwd-2022-02-01.yaml")

    # when
    bill = calculate(
        schedule,
        customer_class="residential",
        meter_size="5/8",
        consumption=D("20"),
        zone="zone8",
        period_start=datetime.date(2022, 8, 1),
        period_end=datetime.date(2022, 9, 30),
    )

    # then: usage   20 x $5.2538 = 105.08
    #       energy  20 x $1.7242 =  34.484 -> 34.48
    #       drought 20 x $0.79   =  15.80              total 155.36
    assert _amounts(bill) == [D("105.08"), D("34.48"), D("15.80")]
    assert bill.total == D("155.36")


def test_ccwd_bill_spanning_july_1_charges_the_drought_surcharge_on_the_days_after_it():
    # given: 6/1-7/31/2022 (61 days), 31 of them from July 1; zone 3, 20 units
    schedule = _schedule("ccwd-2022-02-01.yaml")

    # when
    bill = calculate(
        schedule,
        customer_class="residential",
        meter_size="5/8",
        consumption=D("20"),
        zone="zone3",
        period_start=datetime.date(2022, 6, 1),
        period_end=datetime.date(2022, 7, 31),
    )

    # then: drought on 20 x 31/61 = 10.16 units x $0.79 = 8.0264 -> 8.03 (the engine's rule:
    # the page does not say how CCWD splits a bill that spans July 1)
    assert _amounts(bill) == [D("105.08"), D("8.15"), D("8.03")]
    assert bill.lines[2].proration == "31 of 61 days in effect"


def test_ccwd_bill_must_name_the_elevation_zone():
    # given: the file declares zones and no default: an account without a zone is not priced
    schedule = _schedule("ccwd-2022-02-01.yaml")

    # when / then
    with pytest.raises(ValidationError) as caught:
        _price(schedule, "residential", "5/8", "20", DAY(2022, 3, 1), DAY(2022, 4, 30))
    assert "Choose a zone" in " ".join(caught.value.messages)


def test_ccwd_separate_lines_and_a_combined_rate_can_differ_by_a_cent():
    # given: 10 units in zone 3, usage and energy on separate lines (as the file is written),
    # and the same charges written as one combined rate per unit ($5.2538 + $0.4075)
    separate = _schedule("ccwd-2022-02-01.yaml")
    combined = parse_schedule(
        _text("ccwd-2022-02-01.yaml")
        .replace('tiers: [{rate: "5.2538"}]', 'tiers: [{rate: "5.6613"}]')
        .replace('rate: "0.4075"', 'rate: "0"')
    )
    inputs = {
        "customer_class": "residential",
        "meter_size": "5/8",
        "consumption": D("10"),
        "zone": "zone3",
        "period_start": datetime.date(2022, 3, 1),
        "period_end": datetime.date(2022, 4, 30),
    }

    # when
    lines_apart = calculate(separate, **inputs)
    one_rate = calculate(combined, **inputs)

    # then: apart    10 x $5.2538 = 52.538 -> 52.54; 10 x $0.4075 = 4.075 -> 4.08; = 56.62
    #       combined 10 x $5.6613 = 56.613 -> 56.61
    # A checker must write the file the way the district rounds (one line per published
    # charge unless the district says it prices one combined rate).
    assert lines_apart.total == D("56.62")
    assert one_rate.total == D("56.61")


# -- the format: a whole-periods window may count as part of a period


def test_whole_periods_may_count_half_a_period_and_keeps_it_json_safe():
    # given
    schedule = _schedule("hillsborough-2022-01-01.yaml")

    # then: 0.5 is kept as a decimal string, whole numbers as ints (as before)
    assert schedule["whole_periods"] == [
        {"periods": "0.5", "min_days": 27, "max_days": 33},
        {"periods": 1, "min_days": 54, "max_days": 66},
    ]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0", "whole_periods[0].periods: must be more than zero"),
        ("-1", "whole_periods[0].periods: must be more than zero"),
        ("half", "whole_periods[0].periods: “half” is not a number"),
        ("0.12345", "whole_periods[0].periods: at most 4 decimal places"),
    ],
)
def test_whole_periods_refuses_a_periods_count_that_is_not_a_positive_number(value, message):
    # given
    text = f"""
schedule: water
name: Water
effective_from: 2025-07-01
period: two_months
whole_periods:
  - {{periods: {value}, days: [27, 33]}}
volumetric:
  tiers: [{{rate: "4.50"}}]
"""

    # when
    with pytest.raises(ValidationError) as caught:
        parse_schedule(text)

    # then
    assert message in caught.value.messages


def test_a_two_month_window_on_a_monthly_schedule_names_the_tier_scaling():
    # given: the demo district's monthly schedule counts a 61-day bill as two whole months
    schedule = _schedule("district-water.yaml")

    # when
    bill = _price(schedule, "residential", "5/8", "40", DAY(2025, 7, 1), DAY(2025, 8, 30))

    # then: the tier line says why tier 1 is 16 HCF (8 HCF a month x 2 months)
    assert bill.lines[1].description == "Tier 1 (up to 16 HCF: 8 HCF x 2 months): 16 HCF x $4.5960"


# -- percent surcharges (EBMUD's 2022 drought surcharge: 8% of the water flow charge)

# EBMUD imposed "an 8 percent drought surcharge ... applied to customers' flow charges - or the
# volume of water used - beginning on July 1" 2022 (EBMUD press release, May 2022; ended March 1,
# 2023). Its FY2023 flow rates were not in the copy used, so the surcharge is added here to the
# FY2025 file to check the arithmetic; the figures are worked by hand, not published.
EBMUD_DROUGHT = """surcharges:
  - code: drought
    description: Drought surcharge
    kind: percent
    percent: 8
    of: [water]
    effective: {from: %s}
"""


def _ebmud_with_drought(start: str) -> dict:
    return parse_schedule(_text("ebmud-2024-07-01.yaml") + EBMUD_DROUGHT % start)


def _ebmud_single_family_bill(schedule):
    return _price(schedule, "residential", "5/8", "20", DAY(2024, 7, 1), DAY(2024, 8, 30))


def test_percent_surcharge_is_a_percent_of_the_rounded_flow_charge_lines():
    # given: the surcharge in force the whole bill
    schedule = _ebmud_with_drought("2024-07-01")

    # when: 5/8", 7/1-8/30/2024 (61 days), 20 HCF
    bill = _ebmud_single_family_bill(schedule)

    # then: service 70.96; tier 1 14.03 x $5.41 = 75.90; tier 2 5.97 x $7.44 = 44.42
    #       drought 8% of (75.90 + 44.42 = 120.32) = 9.6256 -> 9.63   total 200.91
    assert _amounts(bill) == [D("70.96"), D("75.90"), D("44.42"), D("9.63")]
    assert bill.lines[3].description == "Drought surcharge: 8% of $120.32 water charges"
    assert bill.lines[3].category == "surcharge"
    assert bill.total == D("200.91")


def test_percent_surcharge_switched_on_during_the_bill_takes_its_days():
    # given: in force from 8/1/2024: 30 of the bill's 61 days
    schedule = _ebmud_with_drought("2024-08-01")

    # when
    bill = _ebmud_single_family_bill(schedule)

    # then: 8% of 120.32 x 30/61 = 4.7339... -> 4.73
    assert bill.lines[3].amount == D("4.73")
    assert bill.lines[3].proration == "30 of 61 days in effect"


def test_percent_surcharge_of_several_line_kinds_and_never_of_itself():
    # given: a utility users' tax style charge: 5% of service, water and other surcharges
    text = """
schedule: water
name: Water
effective_from: 2025-07-01
service_charge: {amount: "20.00"}
volumetric:
  tiers: [{rate: "3.00"}]
surcharges:
  - {code: capital, description: Capital surcharge, kind: flat, amount: "2.50"}
  - {code: tax, description: Users tax, kind: percent, percent: "5", of: [service, water, surcharge]}
  - {code: drought, description: Drought, kind: percent, percent: "10"}
"""

    # when: 30 days, 10 HCF
    bill = calculate(
        parse_schedule(text),
        customer_class="residential",
        meter_size="5/8",
        consumption=D("10"),
        period_start=datetime.date(2025, 7, 1),
        period_end=datetime.date(2025, 7, 30),
    )

    # then: service 20.00; water 10 x $3.00 = 30.00; capital 2.50
    #       tax 5% of (20.00 + 30.00 + 2.50 = 52.50) = 2.625 -> 2.63 (not of the drought line)
    #       drought 10% of water 30.00 = 3.00 (not of the tax line)     total 58.13
    assert _amounts(bill) == [D("20.00"), D("30.00"), D("2.50"), D("2.63"), D("3.00")]
    assert bill.total == D("58.13")


def test_percent_surcharge_is_checked():
    # given
    text = """
schedule: water
name: Water
effective_from: 2025-07-01
volumetric:
  tiers: [{rate: "3.00"}]
surcharges:
  - {code: a, description: A, kind: percent, rate: "5"}
  - {code: b, description: B, kind: percent, percent: "5", of: [fees]}
  - {code: c, description: C, kind: flat, amount: "1", of: [water]}
  - {code: d, description: D, kind: percent, percent: "8.12345"}
"""

    # when
    with pytest.raises(ValidationError) as caught:
        parse_schedule(text)

    # then
    assert caught.value.messages == [
        "surcharges[0].rate: a percent surcharge has percent, not rate",
        "surcharges[0].percent: required",
        "surcharges[1].of: not line kinds: fees (service, water, surcharge, sewer)",
        "surcharges[2].of: only a percent surcharge is a percent of other lines",
        "surcharges[3].percent: at most 4 decimal places",
    ]


def test_percent_surcharge_in_the_schedule_tables():
    # given
    schedule = _ebmud_with_drought("2024-07-01")

    # when
    tables = {table.title: table for table in schedule_tables(schedule)}

    # then
    assert tables["Surcharges"].rows[0][:2] == ["Drought surcharge", "8% of water charges"]


def test_ccwd_drought_surcharge_as_published_rate_against_as_15_percent():
    # given: CCWD calls it "a 15% drought surcharge" but adopts it as $0.79 per unit; the file
    # uses the adopted rate. Written as a percent of the usage charge instead, the same bill
    # differs by 4 cents: which one a district bills must come from its bill, not its prose.
    as_rate = _schedule("ccwd-2022-02-01.yaml")
    as_percent = parse_schedule(
        _text("ccwd-2022-02-01.yaml").replace(
            '    kind: per_unit\n    rate: "0.79"\n', "    kind: percent\n    percent: 15\n"
        )
    )
    inputs = {
        "customer_class": "residential",
        "meter_size": "5/8",
        "consumption": D("20"),
        "zone": "zone3",
        "period_start": datetime.date(2022, 8, 1),
        "period_end": datetime.date(2022, 9, 30),
    }

    # when
    rate_bill = calculate(as_rate, **inputs)
    percent_bill = calculate(as_percent, **inputs)

    # then: 20 x $0.79 = 15.80; 15% of the usage line 105.08 = 15.762 -> 15.76
    assert rate_bill.lines[-1].amount == D("15.80")
    assert percent_bill.lines[-1].amount == D("15.76")
