"""The hydrant rentals' starting policies: drought stage, meter test age, fire department review,
and the permit fee and deposit for each meter size the district lends.

Created after every migrate and flush (post_migrate) when missing, as district/reference_data.py
does for the district's own; supervisors change the values on the policies page afterwards
(each change kept with who and why). A meter size without its two policies is not rented.
"""

from django.apps import apps

from district.reference_data import ensure_policies

DROUGHT_STAGE = "drought-stage"
TEST_DAYS = "hydrant-meter-test-days"
FIRE_REVIEW = "hydrant-fire-review-always"

# Meter size -> (permit fee, deposit): the sizes hydrant meters come in.
SIZE_AMOUNTS = {
    "3/4": ("100.00", "750.00"),
    "1": ("100.00", "1000.00"),
    "1-1/2": ("150.00", "1500.00"),
    "2": ("150.00", "2000.00"),
    "3": ("200.00", "2500.00"),
}


def size_slug(meter_size: str) -> str:
    """A meter size as a policy key part: "1-1/2" -> "1-1-2", "3/4" -> "3-4"."""
    return meter_size.replace("/", "-")


def fee_key(meter_size: str) -> str:
    return f"hydrant-permit-fee-{size_slug(meter_size)}"


def deposit_key(meter_size: str) -> str:
    return f"hydrant-deposit-{size_slug(meter_size)}"


# (key, label, category, value_type, value, description), as in district/reference_data.py.
POLICIES = [
    (
        DROUGHT_STAGE,
        "Drought stage in effect",
        "hydrants",
        "integer",
        "0",
        "The district's water-shortage stage (0 = none). Hydrants restricted at this stage or "
        "a lower one take no new permits.",
    ),
    (
        TEST_DAYS,
        "Hydrant meters: tested within (days)",
        "hydrants",
        "days",
        "365",
        "A hydrant meter is lent only if its accuracy test is no older than this.",
    ),
    (
        FIRE_REVIEW,
        "Hydrant permits: fire department reviews every permit",
        "hydrants",
        "boolean",
        "false",
        "Yes: every hydrant permit needs the fire department's approval besides water "
        "operations'. No: only permits on hydrants marked for it.",
    ),
    *(
        (
            fee_key(size),
            f'Hydrant permit fee, {size}" meter',
            "hydrants",
            "money",
            fee,
            "Charged to the contractor's account when the permit is made (not refunded).",
        )
        for size, (fee, _deposit) in SIZE_AMOUNTS.items()
    ),
    *(
        (
            deposit_key(size),
            f'Hydrant meter deposit, {size}" meter',
            "hydrants",
            "money",
            deposit,
            "Held in customer deposits while the meter is out; settled when it comes back.",
        )
        for size, (_fee, deposit) in SIZE_AMOUNTS.items()
    ),
]


def ensure_reference_data(sender=None, **kwargs) -> None:
    """post_migrate receiver: the hydrant policies exist after every migrate or flush."""
    state = kwargs.get("apps") or apps
    try:
        policy_model = state.get_model("district", "Policy")
    except LookupError:
        return
    ensure_policies(policy_model, POLICIES)
