"""Properties of the rate engine over generated schedules and bills (hypothesis).

* the lines add up to the total, each line in whole cents;
* the water lines' quantities add up to the consumption, split across versions or not;
* with inclining tiers a bill never falls as the consumption rises;
* a bad value anywhere in the tiers is reported at its key path.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from billing.rates import calculate, calculate_across_versions, validate_schedule

CENT = Decimal("0.01")
money = st.decimals(min_value=0, max_value=500, places=2)
rates = st.decimals(min_value=0, max_value=20, places=4)
consumptions = st.decimals(min_value=0, max_value=800, places=2)


@st.composite
def tier_lists(draw):
    bounds = sorted(
        draw(st.lists(st.decimals(min_value=1, max_value=60, places=2), max_size=4, unique=True))
    )
    prices = sorted(draw(st.lists(rates, min_size=len(bounds) + 1, max_size=len(bounds) + 1)))
    tiers = [{"up_to": bound, "rate": price} for bound, price in zip(bounds, prices, strict=False)]
    return [*tiers, {"rate": prices[-1]}]


@st.composite
def schedules(draw):
    scale = draw(st.sampled_from(["period", "days", "none"]))
    breakpoints = {"scale": scale, "per_dwelling_unit": draw(st.booleans())}
    if scale == "days":
        breakpoints["days"] = draw(st.sampled_from([1, 30]))
    data = {
        "schedule": "generated",
        "name": "Generated",
        "effective_from": "2025-01-01",
        "period": draw(st.sampled_from(["month", "two_months"])),
        "service_charge": {
            "per": draw(st.sampled_from(["month", "two_months", "day"])),
            "amount": draw(money),
            "per_dwelling_unit": draw(st.booleans()),
        },
        "volumetric": {"tiers": draw(tier_lists()), "breakpoints": breakpoints},
        "surcharges": [
            {
                "code": "flat",
                "description": "Flat",
                "kind": "flat",
                "amount": draw(money),
                "effective": {"from": "2025-03-10", "to": "2025-04-20"},
            },
            {"code": "unit", "description": "Per unit", "kind": "per_unit", "rate": draw(rates)},
        ],
        "sewer": {
            "fixed": {"amount": draw(money)},
            "per_unit": {
                "rate": draw(rates),
                "cap": draw(st.sampled_from([None, "winter_average", Decimal("12.5")])),
                "billable_percent": draw(st.sampled_from([None, Decimal("90")])),
            },
        },
    }
    if draw(st.booleans()):
        data["minimum_charge"] = {"amount": draw(money), "covers": ["service", "water"]}
    return validate_schedule(data)


@st.composite
def bills(draw):
    start = datetime.date(2025, 1, 1) + datetime.timedelta(days=draw(st.integers(0, 200)))
    return {
        "customer_class": draw(st.sampled_from(["residential", "multi_family", "commercial"])),
        "meter_size": draw(st.sampled_from(["5/8", "1", "4"])),
        "consumption": draw(consumptions),
        "period_start": start,
        "period_end": start + datetime.timedelta(days=draw(st.integers(0, 120))),
        "dwelling_units": draw(st.integers(1, 12)),
        "winter_average": draw(
            st.one_of(st.none(), st.decimals(min_value=0, max_value=40, places=2))
        ),
    }


def _water(bill) -> Decimal:
    return sum((line.quantity for line in bill.lines if line.category == "water"), Decimal(0))


@settings(max_examples=200, deadline=None)
@given(schedule=schedules(), inputs=bills())
def test_the_lines_add_up_to_the_total_and_the_tiers_to_the_consumption(schedule, inputs):
    # when
    bill = calculate(schedule, **inputs)

    # then
    assert bill.total == sum((line.amount for line in bill.lines), Decimal("0.00"))
    assert all(line.amount == line.amount.quantize(CENT) for line in bill.lines)
    assert _water(bill) == inputs["consumption"]


@settings(max_examples=200, deadline=None)
@given(schedule=schedules(), inputs=bills(), more=consumptions)
def test_with_inclining_tiers_a_bill_never_falls_as_use_rises(schedule, inputs, more):
    # given
    smaller = calculate(schedule, **inputs)

    # when
    larger = calculate(schedule, **{**inputs, "consumption": inputs["consumption"] + more})

    # then
    assert larger.total >= smaller.total


@settings(max_examples=150, deadline=None)
@given(old=schedules(), new=schedules(), inputs=bills(), change_after=st.integers(0, 120))
def test_a_bill_split_across_versions_still_adds_up(old, new, inputs, change_after):
    # given: the new version takes effect somewhere in (or after) the bill
    change = inputs["period_start"] + datetime.timedelta(days=change_after)

    # when
    bill = calculate_across_versions(
        [(datetime.date(2025, 1, 1), old, "old"), (change, new, "new")], **inputs
    )

    # then
    assert bill.total == sum((line.amount for line in bill.lines), Decimal("0.00"))
    assert _water(bill) == inputs["consumption"]
    spans_change = change <= inputs["period_end"] and change > inputs["period_start"]
    assert bill.versions == (["old", "new"] if spans_change else [bill.versions[0]])


BAD_VALUES = ["abc", "-1", "1.1234567", "", "NaN", "4,5.0x", True, [1]]


@settings(max_examples=150, deadline=None)
@given(tiers=tier_lists(), data=st.data())
def test_a_bad_rate_or_breakpoint_is_reported_at_its_key(tiers, data):
    # given: one tier's rate, or (when there is one) a breakpoint that does not rise, is wrong
    index = data.draw(st.integers(0, len(tiers) - 1))
    if index > 0 and len(tiers) > 2 and index < len(tiers) - 1 and data.draw(st.booleans()):
        tiers[index]["up_to"] = tiers[index - 1]["up_to"]
        key = f"volumetric.tiers[{index}].up_to: must be larger than the previous tier"
    else:
        tiers[index]["rate"] = data.draw(st.sampled_from(BAD_VALUES))
        key = f"volumetric.tiers[{index}].rate: "
    schedule = {
        "schedule": "generated",
        "name": "Generated",
        "effective_from": "2025-01-01",
        "volumetric": {"tiers": tiers},
    }

    # when
    try:
        validate_schedule(schedule)
    except ValidationError as error:
        messages = error.messages
    else:
        messages = []

    # then
    assert any(message.startswith(key) for message in messages), messages
