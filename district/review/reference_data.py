"""CSR I review's policies, created after every migrate and flush when missing (supervisors
change their values on the policies page)."""

from django.apps import apps

from district.reference_data import ensure_policies
from district.review.sampling import AMOUNT_DEFAULT, AMOUNT_POLICY, PERCENT_DEFAULT, PERCENT_POLICY

POLICIES = (
    (
        PERCENT_POLICY,
        "CSR I work sampled for review",
        "review",
        "percent",
        str(PERCENT_DEFAULT),
        "The share of a CSR I's counter payments, mail items, service starts and stops and "
        "deposits filed nightly for a supervisor's review (picked by a hash of the record).",
    ),
    (
        AMOUNT_POLICY,
        "CSR I work always reviewed from",
        "review",
        "money",
        str(AMOUNT_DEFAULT),
        "A CSR I's payment, mail item or deposit of this amount or more is always reviewed.",
    ),
)


def ensure_review_policies(sender=None, **kwargs) -> None:
    """post_migrate receiver (district's): the review policies exist, their values untouched."""
    if sender is None or sender.label != "district":
        return
    state = kwargs.get("apps") or apps
    try:
        policy_model = state.get_model("district", "Policy")
    except LookupError:
        return
    ensure_policies(policy_model, POLICIES)
