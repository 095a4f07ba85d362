"""The rate schedule file: what it accepts, what it makes of it, and the messages a clerk reads."""

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from billing.rates import parse_schedule

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"

MINIMAL = """
schedule: water
name: Water
effective_from: 2025-07-01
volumetric:
  tiers:
    - {up_to: 10, rate: "4.50"}
    - {rate: "5.25"}
"""


def _errors(text: str) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        parse_schedule(text)
    return caught.value.messages


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda path: path.name)
def test_every_example_schedule_parses(path):
    # given
    text = path.read_text()

    # when
    parsed = parse_schedule(text)

    # then
    assert parsed["schedule"]
    assert parsed["effective_from"]


def test_numbers_are_kept_exactly_as_decimal_strings_quoted_or_not():
    # given: a rate written as a bare YAML number with a trailing zero, and money with $ and commas
    text = """
schedule: water
name: Water
effective_from: 2025-07-01
service_charge:
  by_meter_size: {"8": "$1,457.58", "5/8": 35.48}
volumetric:
  tiers: [{up_to: 8, rate: 4.5960}, {rate: 0.1}]
"""

    # when
    parsed = parse_schedule(text)

    # then: never a float on the way (0.1 stays 0.1, 4.5960 keeps its four places)
    tiers = parsed["volumetric"]["sets"][0]["tiers"]
    assert [tier["rate"] for tier in tiers] == ["4.5960", "0.1"]
    assert tiers[0]["up_to"] == "8"
    amounts = parsed["service_charge"]["sets"][0]["by_meter_size"]
    assert amounts == {"8": "1457.58", "5/8": "35.48"}


def test_defaults_are_filled_in_and_meter_groups_expanded():
    # given
    text = (
        MINIMAL
        + """
meter_groups:
  small: ["5/8", "3/4", "1"]
service_charge:
  by_meter_size: {small: "20.00", "2": "55.00"}
"""
    )

    # when
    parsed = parse_schedule(text)

    # then
    assert parsed["unit"] == "hcf"
    assert parsed["period"] == "month"
    assert parsed["period_days"] == "30"
    assert parsed["whole_periods"][0] == {"periods": 1, "min_days": 27, "max_days": 33}
    service = parsed["service_charge"]["sets"][0]
    assert service["per"] == "month"
    assert service["by_meter_size"] == {
        "5/8": "20.00",
        "3/4": "20.00",
        "1": "20.00",
        "2": "55.00",
    }
    breakpoints = parsed["volumetric"]["sets"][0]["breakpoints"]
    assert breakpoints == {
        "scale": "period",
        "days": None,
        "unit": "hcf",
        "per_dwelling_unit": False,
    }


def test_a_two_month_schedule_has_a_sixty_day_period_and_one_whole_window():
    # given
    text = MINIMAL + "period: two_months\n"

    # when
    parsed = parse_schedule(text)

    # then
    assert parsed["period_days"] == "60"
    assert parsed["whole_periods"] == [{"periods": 1, "min_days": 54, "max_days": 66}]


def test_tiers_that_do_not_rise_are_refused_with_the_path_of_the_key():
    # given
    text = """
schedule: water
name: Water
effective_from: 2025-07-01
volumetric:
  tiers:
    - {up_to: 5, rate: "3.00"}
    - {up_to: 10, rate: "4.00"}
    - {up_to: 10, rate: "5.00"}
    - {rate: "6.00"}
"""

    # when
    errors = _errors(text)

    # then
    assert errors == ["volumetric.tiers[2].up_to: must be larger than the previous tier (10)"]


def test_every_problem_is_listed_at_once():
    # given: a mistyped key, a bad meter size, a bad class, a negative rate, too many decimals
    text = """
schedule: Water Service
name: Water
effective_from: 2025-13-01
service_charge:
  by_meter_size: {"7/8": "20.00"}
volumetric:
  teirs: []
  sets:
    - when: {classes: [residental]}
      tiers: [{up_to: 5, rate: "-1"}, {rate: "4.1234567"}]
"""

    # when
    errors = _errors(text)

    # then
    assert "schedule: a short code of lowercase letters, digits and dashes (e.g. water)" in errors
    assert "effective_from: a date written YYYY-MM-DD" in errors
    assert any(
        error.startswith("service_charge.by_meter_size.7/8: “7/8” is not a meter size")
        for error in errors
    )
    assert any(error.startswith("volumetric.teirs: unknown key") for error in errors)
    assert any(
        error.startswith("volumetric.sets[0].when.classes: not customer classes: residental")
        for error in errors
    )
    assert "volumetric.sets[0].tiers[0].rate: cannot be negative" in errors
    assert "volumetric.sets[0].tiers[1].rate: at most 6 decimal places" in errors


@pytest.mark.parametrize(
    ("tiers", "message"),
    [
        (
            '[{up_to: 5, rate: "1"}, {up_to: 9, rate: "2"}]',
            "volumetric.tiers[1].up_to: the last tier has no up_to: it takes all the rest",
        ),
        (
            '[{rate: "1"}, {rate: "2"}]',
            "volumetric.tiers[0]: only the last tier may leave out up_to",
        ),
        (
            '[{up_to: "ten", rate: "1"}, {rate: "2"}]',
            "volumetric.tiers[0].up_to: “ten” is not a number",
        ),
        (
            '[{up_to: 0, rate: "1"}, {rate: "2"}]',
            "volumetric.tiers[0].up_to: must be more than zero",
        ),
        ("[]", "volumetric.tiers: at least one tier (one tier with only a rate is a uniform rate)"),
        ('[{up_to: 5}, {rate: "2"}]', "volumetric.tiers[0].rate: required"),
        (
            '[{rate: "1", up_to: winter_average}]',
            "volumetric.tiers[0].up_to: the last tier has no up_to: it takes all the rest",
        ),
        (
            '[{up_to: 3, rate: "1"}, {up_to: winter_average, rate: "2"}, {rate: "3"}]',
            "volumetric.tiers[1].up_to: winter_average can only bound the first of exactly two tiers",
        ),
    ],
)
def test_tier_mistakes_are_named(tiers, message):
    # given
    text = (
        f"schedule: water\nname: Water\neffective_from: 2025-07-01\nvolumetric:\n  tiers: {tiers}\n"
    )

    # when
    errors = _errors(text)

    # then
    assert message in errors


def test_a_repeated_key_is_refused_with_its_line():
    # given: "rate" twice in one tier (YAML would silently keep the last)
    text = """schedule: water
name: Water
effective_from: 2025-07-01
volumetric:
  tiers:
    - up_to: 10
      rate: "4.50"
      rate: "5.50"
    - {rate: "6.00"}
"""

    # when
    errors = _errors(text)

    # then
    assert errors == ["line 8, column 7: the key “rate” appears twice"]


def test_a_yaml_syntax_error_gives_the_line():
    # given
    text = "schedule: water\nname: [Water\n"

    # when
    errors = _errors(text)

    # then
    assert len(errors) == 1
    assert errors[0].startswith("line 3, column 1:")


def test_a_file_that_is_not_a_mapping_or_has_no_charges_is_refused():
    # when / then
    assert _errors("- just\n- a list\n") == [
        "The file must be a YAML mapping of keys (schedule, name, effective_from, ...)."
    ]
    assert _errors("schedule: water\nname: Water\neffective_from: 2025-07-01\n") == [
        "A schedule needs at least one of service_charge, volumetric or sewer."
    ]
    assert set(_errors("volumetric: {tiers: [{rate: '1'}]}\n")) == {
        "schedule: required",
        "name: required",
        "effective_from: required",
    }


def test_zones_meter_groups_surcharges_and_sewer_mistakes_are_named():
    # given
    text = (
        MINIMAL
        + """
unit: litres
meter_groups:
  "2": ["5/8"]
  small: ["5/8", "9"]
zones: [inside]
default_zone: outside
surcharges:
  - {code: drought, description: Drought, kind: per_unit, rate: "0.5", when: {zones: [outside]}}
  - {code: drought, description: Again, kind: flat, amount: "1", effective: {from: 2025-08-01, to: 2025-07-01}}
  - {code: extra, description: Extra, kind: flat, rate: "1"}
sewer:
  sets:
    - when: {classes: [residential]}
whole_periods:
  - {periods: 1, days: [33, 27]}
minimum_charge: {amount: "10", covers: [water, fees]}
late_penalty: {current_charges_percent: "150"}
"""
    )

    # when
    errors = _errors(text)

    # then
    expected = [
        "unit: “litres” is not one of: hcf, cf, gal, kgal",
        "meter_groups.2: a group cannot be named like a meter size",
        "default_zone: must be one of the zones (inside)",
        "surcharges[0].when.zones: unknown zones: outside (inside)",
        "surcharges[1].code: “drought” is used by another surcharge",
        "surcharges[1].effective.to: ends before it starts (2025-08-01)",
        "surcharges[2].rate: a flat surcharge has amount, not rate",
        "sewer.sets[0]: give fixed, per_unit, or both",
        "whole_periods[0].days: the longest (27) is shorter than the shortest (33)",
        "minimum_charge.covers: not line kinds: fees (service, water, surcharge, sewer)",
        "late_penalty.current_charges_percent: at most 100",
    ]
    for message in expected:
        assert message in errors
    assert any(error.startswith("meter_groups.small: not meter sizes: 9") for error in errors)


def test_breakpoints_stated_per_day_need_their_days():
    # given
    text = """
schedule: water
name: Water
effective_from: 2025-07-01
volumetric:
  breakpoints: {scale: days, unit: gal}
  tiers: [{up_to: 172, rate: "5.41"}, {rate: "7.44"}]
"""

    # when
    errors = _errors(text)

    # then
    assert errors == ["volumetric.breakpoints.days: required"]


def test_aliases_and_odd_keys_are_refused_not_crashed_on():
    # given: an alias (a "billion laughs" file is made of them) and a list used as a key
    aliased = "schedule: water\nname: &n Water\neffective_from: 2025-07-01\nnotes: *n\n"
    odd_key = "schedule: water\n? [a, b]\n: 1\n"

    # when
    alias_errors = _errors(aliased)
    key_errors = _errors(odd_key)

    # then
    assert alias_errors == ["line 4, column 8: aliases (*name) are not allowed in a rate file"]
    assert key_errors == ["line 2, column 3: found unhashable key"]


def test_rate_pages_name_a_schedules_period_in_the_formats_words():
    from billing.templatetags.rates import period_name

    assert period_name("two_months") == "two-month period"
    assert period_name("month") == "month"
    assert period_name("fortnight") == "fortnight"  # an unknown code is shown as it is
