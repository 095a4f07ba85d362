"""The policies hydrant meter usage reads: rental by meter size, the monthly read, the missing-read
charge, the rate schedule of hydrant water, a lost meter's estimate and the idle pull order.

Created after every migrate and flush (post_migrate, registered in hydrants/usage/
registrations.py) when missing; supervisors change them afterwards on the policies page.
"""

from django.apps import apps

from district.reference_data import ensure_policies
from hydrants.reference_data import DROUGHT_STAGE, size_slug

# Monthly rental of each meter size the district lends (the sizes of the permits' fee and
# deposit policies).
RENTAL_BY_SIZE = {"3/4": "25.00", "1": "35.00", "1-1/2": "50.00", "2": "65.00", "3": "95.00"}
RATE_SCHEDULE_KEY = "hydrant-rate-schedule"
READ_DUE_DAY_KEY = "hydrant-read-due-day"
MISSING_READ_KEY = "hydrant-missing-read"
LOST_METER_DAYS_KEY = "hydrant-lost-meter-days"
IDLE_MONTHS_KEY = "hydrant-idle-pull-months"
DROUGHT_STAGE_KEY = DROUGHT_STAGE  # the permits' policy (hydrants/reference_data.py)


def rental_key(meter_size: str) -> str:
    return f"hydrant-rental-{size_slug(meter_size)}"


# (key, label, category, value_type, value, description)
POLICIES = [
    *(
        (
            rental_key(size),
            f'Hydrant meter rental, {size}" meter, per month',
            "hydrants",
            "money",
            amount,
            f'What a contractor pays each month a {size}" hydrant meter is out (a partial month '
            "by its days).",
        )
        for size, amount in RENTAL_BY_SIZE.items()
    ),
    (
        RATE_SCHEDULE_KEY,
        "Hydrant water rate schedule",
        "hydrants",
        "text",
        "hydrant",
        "The code of the rate schedule that prices hydrant water (customer class temporary).",
    ),
    (
        READ_DUE_DAY_KEY,
        "Hydrant meter read due by day of the month",
        "hydrants",
        "integer",
        "25",
        "A contractor reports each meter's read by this day of every month; after it the meter "
        "shows on the overdue reads list.",
    ),
    (
        MISSING_READ_KEY,
        "Hydrant meter missing monthly read charge",
        "hydrants",
        "money",
        "75.00",
        "Billed for a month a hydrant meter was out without a read (the minimum monthly "
        "charge); the water itself is billed from the next read.",
    ),
    (
        LOST_METER_DAYS_KEY,
        "Lost hydrant meter: days of estimated use",
        "hydrants",
        "days",
        "30",
        "A lost meter is charged its replacement cost plus this many days of its average daily "
        "use (from its reads).",
    ),
    (
        IDLE_MONTHS_KEY,
        "Hydrant meter idle months before a pull order",
        "hydrants",
        "integer",
        "6",
        "A meter that has registered no use for this many months is picked up "
        "(one pick-up order, made by the nightly job).",
    ),
]


def ensure_reference_data(sender=None, **kwargs) -> None:
    """post_migrate receiver: the hydrant usage policies exist after every migrate or flush."""
    state = kwargs.get("apps") or apps
    try:
        policy_model = state.get_model("district", "Policy")
    except LookupError:
        return
    ensure_policies(policy_model, POLICIES)
