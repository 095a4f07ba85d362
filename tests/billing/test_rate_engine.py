"""The rate engine, worked by hand: every expected amount is computed in the comments.

Most cases use the demo district's schedule (docs/examples/district-water.yaml), which has
zones, meter groups, seasonal tiers, dwelling-unit tiers, 4-decimal rates, a dated drought
surcharge, sewer with a winter-average cap and a minimum charge. Real schedules are worked in
test_rate_real_schedules.py.
"""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from billing.rates import calculate, calculate_across_versions, late_penalty, parse_schedule

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
D = Decimal


def _schedule(name: str = "district-water.yaml") -> dict:
    return parse_schedule((EXAMPLES / name).read_text())


def _bill(schedule=None, **inputs):
    values = {
        "customer_class": "residential",
        "meter_size": "5/8",
        "consumption": D("25"),
        "period_start": datetime.date(2025, 7, 1),
        "period_end": datetime.date(2025, 7, 30),
    }
    values.update(inputs)
    return calculate(schedule or _schedule(), **values)


def _amounts(bill) -> dict[str, Decimal]:
    return {line.code: line.amount for line in bill.lines}


def test_a_summer_month_prices_every_line_once_to_the_cent():
    # given: residential, 5/8" meter, inside, July 1-30 (30 days: one whole month), 25 HCF,
    # winter average 9 HCF

    # when
    bill = _bill(winter_average=D("9"))

    # then
    # service           1 month x $32.15                          = 32.15
    # summer tier 1     8 HCF x $4.5960 = 36.7680                 -> 36.77
    # summer tier 2    12 HCF x $5.8125 = 69.7500                 -> 69.75
    # summer tier 3     5 HCF x $8.1250 = 40.6250                 -> 40.63 (half-up)
    # capital           1 month x $4.25                           =  4.25
    # drought           not in effect before 8/1                  -> no line
    # sewer fixed       1 month x $28.40                          = 28.40
    # sewer usage       min(25, 9) = 9 HCF x $3.125 = 28.125      -> 28.13
    # minimum           service + water 179.30 >= 35.00           -> no line
    # total 32.15 + 36.77 + 69.75 + 40.63 + 4.25 + 28.40 + 28.13  = 240.08
    assert _amounts(bill) == {
        "service": D("32.15"),
        "water.tier1": D("36.77"),
        "water.tier2": D("69.75"),
        "water.tier3": D("40.63"),
        "surcharge.capital": D("4.25"),
        "sewer.fixed": D("28.40"),
        "sewer.usage": D("28.13"),
    }
    assert bill.total == D("240.08")
    assert bill.days == 30
    descriptions = [line.description for line in bill.lines]
    assert descriptions[0] == 'Water service charge, 5/8" meter: 1 month x $32.15'
    assert descriptions[1] == "Tier 1: 8 HCF x $4.5960"
    assert descriptions[-1] == "Sewer service (capped at the winter average, 9 HCF): 9 HCF x $3.125"
    assert all(line.proration == "" for line in bill.lines)
    assert {line.version for line in bill.lines} == {"water rates from 07/01/2025"}


def test_an_october_bill_uses_the_year_round_tiers_and_the_drought_surcharge():
    # given: October 1-31 (31 days: still one whole month), 25 HCF, winter average 9

    # when
    bill = _bill(
        period_start=datetime.date(2025, 10, 1),
        period_end=datetime.date(2025, 10, 31),
        winter_average=D("9"),
    )

    # then
    # tier 3 (year-round) 5 HCF x $7.4410 = 37.2050 -> 37.21 (half-up at the tie)
    # drought             25 HCF x $0.75 = 18.75 (in effect all 31 days)
    # total 32.15 + 36.77 + 69.75 + 37.21 + 4.25 + 18.75 + 28.40 + 28.13 = 255.41
    amounts = _amounts(bill)
    assert amounts["water.tier3"] == D("37.21")
    assert amounts["surcharge.drought-stage-2"] == D("18.75")
    assert bill.total == D("255.41")


def test_a_surcharge_applies_only_to_the_days_it_is_in_effect():
    # given: 10/17-11/15 (30 days, whole month); the drought surcharge ends 10/31, so it is in
    # effect 15 of the 30 days; 20 HCF; no winter average on file

    # when
    bill = _bill(
        consumption=D("20"),
        period_start=datetime.date(2025, 10, 17),
        period_end=datetime.date(2025, 11, 15),
    )

    # then
    # drought   20 HCF x 15/30 = 10 HCF x $0.75 = 7.50
    # sewer     no cap without a winter average: 20 HCF x $3.125 = 62.50
    # total 32.15 + 36.77 + 69.75 + 4.25 + 7.50 + 28.40 + 62.50 = 241.32
    lines = {line.code: line for line in bill.lines}
    drought = lines["surcharge.drought-stage-2"]
    assert drought.amount == D("7.50")
    assert (
        drought.description
        == "Drought surcharge (stage 2): 10 HCF x $0.75, 15 of 30 days in effect"
    )
    assert drought.proration == "15 of 30 days in effect"
    assert lines["sewer.usage"].amount == D("62.50")
    assert "no winter average given: actual use" in lines["sewer.usage"].description
    assert bill.total == D("241.32")


def test_outside_the_district_the_zone_sets_apply():
    # given: a commercial 2" meter outside the district, July 1-30, 40 HCF

    # when
    bill = _bill(customer_class="commercial", meter_size="2", consumption=D("40"), zone="outside")

    # then
    # service (outside, large)  1 month x $172.80          = 172.80
    # water (outside)           40 HCF x $6.2345 = 249.38  -> 249.38
    # capital                                              =   4.25
    # sewer fixed (large)                                  =  95.00
    # sewer usage               95% of 40 = 38 x $4.80     = 182.40
    # total                                                = 703.83
    assert _amounts(bill) == {
        "service": D("172.80"),
        "water": D("249.38"),
        "surcharge.capital": D("4.25"),
        "sewer.fixed": D("95.00"),
        "sewer.usage": D("182.40"),
    }
    assert bill.total == D("703.83")


def test_a_zone_the_schedule_does_not_know_is_refused():
    # when / then
    with pytest.raises(ValidationError) as caught:
        _bill(zone="mars")
    assert caught.value.message_dict == {"zone": ["Choose a zone: inside, outside."]}


def test_the_minimum_charge_tops_up_a_low_bill():
    # given: no water used in July
    # when
    bill = _bill(consumption=D("0"))

    # then
    # service 32.15 + water 0.00 = 32.15 < minimum 35.00 -> a line of 2.85
    # total 32.15 + 2.85 + 4.25 + 28.40 + 0.00 (sewer usage) = 67.65
    lines = {line.code: line for line in bill.lines}
    assert lines["minimum"].amount == D("2.85")
    assert lines["minimum"].description.startswith(
        "Minimum water charge (1 month x $35.00 = $35.00)"
    )
    assert bill.total == D("67.65")


def test_a_short_first_bill_is_prorated_by_days_fixed_charges_tiers_and_caps_alike():
    # given: service started 7/19; first bill 7/19-7/30 = 12 days, 12/30 = 0.4 of a month;
    # 6 HCF; winter average 9

    # when
    bill = _bill(
        consumption=D("6"),
        period_start=datetime.date(2025, 7, 19),
        period_end=datetime.date(2025, 7, 30),
        winter_average=D("9"),
    )

    # then
    # service   $32.15 x 12/30 = 12.86
    # tiers     8 x 0.4 = 3.2 HCF at $4.5960 = 14.7072 -> 14.71
    #           6 - 3.2 = 2.8 HCF at $5.8125 = 16.2750 -> 16.28
    # capital   $4.25 x 0.4 = 1.70
    # sewer     $28.40 x 0.4 = 11.36; cap 9 x 0.4 = 3.6 HCF x $3.125 = 11.25
    # minimum   $35.00 x 0.4 = 14.00 < 43.85 of service and water -> no line
    # total 12.86 + 14.71 + 16.28 + 1.70 + 11.36 + 11.25 = 68.16
    lines = {line.code: line for line in bill.lines}
    assert lines["service"].amount == D("12.86")
    assert (
        lines["service"].description
        == 'Water service charge, 5/8" meter: $32.15 per month x 12/30 days'
    )
    assert lines["service"].proration == "prorated 12/30 days"
    assert (
        lines["water.tier1"].description
        == "Tier 1 (up to 3.2 HCF: 8 HCF x 12/30 days): 3.2 HCF x $4.5960"
    )
    assert lines["water.tier1"].amount == D("14.71")
    assert lines["water.tier2"].amount == D("16.28")
    assert lines["surcharge.capital"].amount == D("1.70")
    assert lines["sewer.fixed"].amount == D("11.36")
    assert lines["sewer.usage"].amount == D("11.25")
    assert "minimum" not in lines
    assert bill.total == D("68.16")


@pytest.mark.parametrize(
    ("start", "end", "service"),
    [
        # 28 days (February) and 31 days are whole months: $32.15
        (datetime.date(2026, 2, 1), datetime.date(2026, 2, 28), D("32.15")),
        (datetime.date(2025, 12, 1), datetime.date(2025, 12, 31), D("32.15")),
        # 34 days is outside 27-33: $32.15 x 34/30 = 36.4367 -> 36.44
        (datetime.date(2025, 12, 1), datetime.date(2026, 1, 3), D("36.44")),
        # 61 days is two whole months (54-66): 2 x $32.15
        (datetime.date(2025, 11, 1), datetime.date(2025, 12, 31), D("64.30")),
        # 45 days: $32.15 x 45/30 = 48.225 -> 48.23
        (datetime.date(2025, 11, 1), datetime.date(2025, 12, 15), D("48.23")),
    ],
)
def test_whole_months_are_not_prorated_other_lengths_are(start, end, service):
    # when
    bill = _bill(consumption=D("0"), period_start=start, period_end=end)

    # then
    assert _amounts(bill)["service"] == service


def test_multi_family_tiers_grow_with_dwelling_units_and_days():
    # given: 4 units on a 2" meter, 7/20-9/2 = 45 days (1.5 months), 60 HCF

    # when
    bill = _bill(
        customer_class="multi_family",
        meter_size="2",
        consumption=D("60"),
        period_start=datetime.date(2025, 7, 20),
        period_end=datetime.date(2025, 9, 2),
        dwelling_units=4,
    )

    # then
    # service   $138.25 x 45/30 = 207.375 -> 207.38
    # tier 1    5 HCF x 1.5 x 4 units = 30 HCF x $4.5960 = 137.88
    # tier 2    30 HCF x $5.8125 = 174.375 -> 174.38
    # capital   $4.25 x 1.5 = 6.375 -> 6.38
    # drought   in effect 8/1-9/2 = 33 of 45 days: 60 x 33/45 = 44 HCF x $0.75 = 33.00
    # sewer     $24.10 x 1.5 x 4 units = 144.60; 90% of 60 = 54 HCF x $3.125 = 168.75
    # total 207.38 + 137.88 + 174.38 + 6.38 + 33.00 + 144.60 + 168.75 = 872.37
    lines = {line.code: line for line in bill.lines}
    assert lines["water.tier1"].description == (
        "Tier 1 (up to 30 HCF: 5 HCF x 45/30 days x 4 units): 30 HCF x $4.5960"
    )
    assert [line.amount for line in bill.lines] == [
        D("207.38"),
        D("137.88"),
        D("174.38"),
        D("6.38"),
        D("33.00"),
        D("144.60"),
        D("168.75"),
    ]
    assert bill.total == D("872.37")


def test_consumption_in_another_unit_is_converted_to_the_schedules():
    # given: West San Martin prices per HCF; the meter read 1,300 cubic feet = 13 HCF
    schedule = _schedule("west-san-martin.yaml")

    # when
    bill = _bill(schedule, consumption=D("1300"), consumption_unit="cf")

    # then: 8 x $2.061 = 16.488 -> 16.49; 5 x $2.435 = 12.175 -> 12.18; total 28.67
    assert _amounts(bill) == {"water.tier1": D("16.49"), "water.tier2": D("12.18")}
    assert bill.total == D("28.67")
    assert bill.unit == "cf"


def test_a_numeric_sewer_cap_scales_with_the_period():
    # given: sewer on use capped at 15 HCF a month; a 45-day bill with 30 HCF
    schedule = parse_schedule(
        """
schedule: sewer
name: Sewer
effective_from: 2025-07-01
sewer:
  fixed: {amount: "20.00", per: month}
  per_unit: {rate: "2.50", cap: 15}
"""
    )

    # when
    bill = _bill(
        schedule,
        consumption=D("30"),
        period_start=datetime.date(2025, 7, 1),
        period_end=datetime.date(2025, 8, 14),
    )

    # then: fixed $20 x 45/30 = 30.00; cap 15 x 1.5 = 22.5 HCF x $2.50 = 56.25; total 86.25
    assert _amounts(bill) == {"sewer.fixed": D("30.00"), "sewer.usage": D("56.25")}
    assert bill.total == D("86.25")


def test_bad_inputs_are_refused_field_by_field():
    # when
    with pytest.raises(ValidationError) as caught:
        _bill(
            customer_class="farm",
            meter_size="7/8",
            consumption=D("-1"),
            period_start=datetime.date(2025, 7, 30),
            period_end=datetime.date(2025, 7, 1),
            dwelling_units=0,
            winter_average="lots",
        )

    # then
    errors = caught.value.message_dict
    assert set(errors) == {
        "customer_class",
        "meter_size",
        "consumption",
        "period_end",
        "dwelling_units",
        "winter_average",
    }
    assert errors["period_end"] == ["The last day must be on or after the first day."]
    assert errors["consumption"] == ["Enter a number, zero or more."]


def test_a_meter_or_class_the_schedule_does_not_price_is_refused_with_a_reason():
    # given: Phelan Pinon Hills lists 3/4", 1-1/2" and 3" meters and residential tiers only
    schedule = _schedule("pphcsd-2024-07-01.yaml")

    # when / then
    with pytest.raises(ValidationError) as meter:
        _bill(schedule, meter_size="5/8")
    assert meter.value.message_dict == {
        "meter_size": ['pphcsd-water rates from 07/01/2024 has no fixed charge for a 5/8" meter.']
    }
    with pytest.raises(ValidationError) as customer:
        _bill(schedule, customer_class="commercial", meter_size="3/4")
    assert customer.value.message_dict == {
        "customer_class": [
            'pphcsd-water rates from 07/01/2024 has no water use rate for commercial customers with a 3/4" meter.'
        ]
    }


def test_calculate_across_versions_needs_a_version_in_force_on_the_first_day():
    # given: rates from 7/1/2025 only
    schedule = _schedule()

    # when / then
    with pytest.raises(ValidationError) as caught:
        calculate_across_versions(
            [(datetime.date(2025, 7, 1), schedule)],
            customer_class="residential",
            meter_size="5/8",
            consumption=D("10"),
            period_start=datetime.date(2025, 6, 20),
            period_end=datetime.date(2025, 7, 19),
        )
    assert caught.value.message_dict == {
        "period_start": ["No rates are in force on 06/20/2025: the first take effect 07/01/2025."]
    }


def test_with_one_version_in_force_the_split_is_the_plain_calculation():
    # given
    schedule = _schedule()
    inputs = {
        "customer_class": "residential",
        "meter_size": "5/8",
        "consumption": D("18.37"),
        "period_start": datetime.date(2025, 9, 3),
        "period_end": datetime.date(2025, 10, 2),
        "winter_average": D("7.5"),
    }

    # when
    split = calculate_across_versions([(datetime.date(2025, 7, 1), schedule, "v1")], **inputs)
    plain = calculate(schedule, version="v1", **inputs)

    # then
    assert split == plain


def test_late_penalty_is_a_percent_of_current_charges_plus_of_the_past_due():
    # given: Phelan Pinon Hills: 10% of the current bill + 1% of the past-due balance
    schedule = _schedule("pphcsd-2024-07-01.yaml")

    # when
    line = late_penalty(schedule, current_charges=D("194.79"), past_due=D("50.00"))

    # then: 19.479 + 0.50 = 19.979 -> 19.98
    assert line.amount == D("19.98")
    assert (
        line.description == "Late penalty: 10% of $194.79 current charges + 1% of $50.00 past due"
    )
    assert (
        late_penalty(_schedule("sjwd-2017-05-01.yaml"), current_charges=D("1"), past_due=D("1"))
        is None
    )


ANNUAL = """
schedule: annual-charges
name: Charges stated per year and per quarter
effective_from: 2025-07-01
unit: hcf
period: {period}
service_charge:
  description: Water service charge
  per: year
  amount: "554.00"
volumetric:
  tiers:
    - {{rate: "2.00"}}
surcharges:
  - code: fire
    description: Fire protection charge
    kind: flat
    amount: "30.00"
    per: quarter
"""


@pytest.mark.parametrize(
    ("period", "end", "service", "fire", "service_text"),
    [
        # monthly, 7/1-7/31 (31 days: one month): 554 / 12 = 46.1667 -> 46.17; 30 / 3 = 10.00
        ("month", datetime.date(2025, 7, 31), "46.17", "10.00", "1/12 year x $554.00"),
        # two months, 7/1-8/31 (62 days: one period): 554 / 6 = 92.3333 -> 92.33; 30 x 2/3 = 20
        ("two_months", datetime.date(2025, 8, 31), "92.33", "20.00", "1/6 year x $554.00"),
    ],
)
def test_a_charge_stated_per_year_or_quarter_is_its_share_of_the_bill(
    period, end, service, fire, service_text
):
    schedule = parse_schedule(ANNUAL.format(period=period))
    bill = _bill(schedule, consumption=D("0"), period_end=end)
    assert _amounts(bill) == {"service": D(service), "surcharge.fire": D(fire)}
    assert bill.lines[0].description == f"Water service charge: {service_text}"


def test_a_charge_stated_per_year_is_prorated_by_days_over_its_days():
    # a 45-day bill on a monthly schedule: 554 x 45/360 = 69.25
    schedule = parse_schedule(ANNUAL.format(period="month"))
    bill = _bill(schedule, consumption=D("0"), period_end=datetime.date(2025, 8, 14))
    assert _amounts(bill)["service"] == D("69.25")
    assert bill.lines[0].proration == "prorated 45/360 days"


def test_a_schedule_period_of_a_year_is_refused():
    with pytest.raises(ValidationError) as error:
        parse_schedule(ANNUAL.format(period="year"))
    assert "period" in " ".join(error.value.messages)


FIRE_LINES = """
schedule: fire-lines
name: Meters and private fire lines
effective_from: 2025-07-01
unit: hcf
service_charge:
  by_meter_size: {"5/8": "32.15", "12": "2,410.00"}
  sets:
    - when: {classes: [fire_service]}
      description: Private fire service
      by_meter_size: {"4": "18.50", "6": "35.75", "8": "61.20"}
volumetric:
  tiers: [{rate: "5.00"}]
  sets:
    - when: {classes: [fire_service]}
      tiers: [{rate: "0"}]
"""


def test_a_private_fire_line_is_priced_by_its_size_apart_from_meters():
    schedule = parse_schedule(FIRE_LINES)
    fire = _bill(schedule, customer_class="fire_service", meter_size="6", consumption=D("0"))
    assert [(line.description, line.amount) for line in fire.lines] == [
        ('Private fire service, 6" meter: 1 month x $35.75', D("35.75"))
    ]
    # a 12" meter: 2,410.00 + 100 HCF x 5.00 = 2,910.00
    large = _bill(schedule, customer_class="commercial", meter_size="12", consumption=D("100"))
    assert large.total == D("2910.00")
