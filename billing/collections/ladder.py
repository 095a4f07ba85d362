"""The collection ladder of each customer class: seeded defaults and the law's floors.

Residential service (H&S Code 116900-116926) is never shut off before a bill has been
delinquent 60 days (116906), and the written notice goes out at least 7 business days before
(116908). Policies may make the district stricter, never laxer: a lower value reads as the
floor. The ladder's days count from the bill's due date (day 1 is the first delinquent day).
"""

from dataclasses import dataclass

from billing.collections.models import RESIDENTIAL_CLASSES, CustomerClass, LadderStep, StepKind
from district.policies import policy_value

SHUTOFF_DAYS_FLOOR = 60
NOTICE_BUSINESS_DAYS_FLOOR = 7
TENANT_NOTICE_DAYS_FLOOR = 10
TENANT_DETACHED_NOTICE_DAYS_FLOOR = 7
# A door hanger is left at least 48 hours before shut-off (116908(a)(2)).
DOOR_HANGER_DAYS_BEFORE_SHUTOFF = 2

# Ladder order (also the order steps are taken in when several fall due the same night).
STEP_ORDER = (
    StepKind.REMINDER,
    StepKind.LATE_PENALTY,
    StepKind.DISCONNECTION_NOTICE,
    StepKind.FINAL_NOTICE,
    StepKind.SHUTOFF_ELIGIBLE,
)


@dataclass(frozen=True)
class DefaultStep:
    kind: str
    days_after_due: int
    active: bool = True


_RESIDENTIAL = (
    DefaultStep(StepKind.REMINDER, 5),
    DefaultStep(StepKind.LATE_PENALTY, 15),
    DefaultStep(StepKind.DISCONNECTION_NOTICE, 45),
    DefaultStep(StepKind.FINAL_NOTICE, 55),
    DefaultStep(StepKind.SHUTOFF_ELIGIBLE, 60),
)
_BUSINESS = (
    DefaultStep(StepKind.REMINDER, 5),
    DefaultStep(StepKind.LATE_PENALTY, 15),
    DefaultStep(StepKind.DISCONNECTION_NOTICE, 30),
    DefaultStep(StepKind.FINAL_NOTICE, 40),
    DefaultStep(StepKind.SHUTOFF_ELIGIBLE, 45),
)
DEFAULT_LADDERS: dict[str, tuple[DefaultStep, ...]] = {
    CustomerClass.RESIDENTIAL: _RESIDENTIAL,
    CustomerClass.MULTI_FAMILY: _RESIDENTIAL,
    CustomerClass.COMMERCIAL: _BUSINESS,
    CustomerClass.IRRIGATION: _BUSINESS,
    CustomerClass.AGRICULTURAL: _BUSINESS,
    # Private fire service protects life: reminders and notices, but shut-off stays off
    # unless a supervisor turns it on.
    CustomerClass.FIRE_SERVICE: (
        *_BUSINESS[:4],
        DefaultStep(StepKind.SHUTOFF_ELIGIBLE, 45, active=False),
    ),
    CustomerClass.TEMPORARY: (
        DefaultStep(StepKind.REMINDER, 3),
        DefaultStep(StepKind.LATE_PENALTY, 10),
        DefaultStep(StepKind.DISCONNECTION_NOTICE, 15),
        DefaultStep(StepKind.FINAL_NOTICE, 25),
        DefaultStep(StepKind.SHUTOFF_ELIGIBLE, 30),
    ),
}


def seed_ladders(**_kwargs) -> int:
    """Create the missing default steps (post_migrate); an edited step is never overwritten."""
    existing = set(LadderStep.objects.values_list("customer_class", "kind"))
    missing = [
        LadderStep(
            customer_class=customer_class,
            kind=step.kind,
            days_after_due=step.days_after_due,
            active=step.active,
        )
        for customer_class, steps in DEFAULT_LADDERS.items()
        for step in steps
        if (customer_class, step.kind) not in existing
    ]
    LadderStep.objects.bulk_create(missing, ignore_conflicts=True)
    return len(missing)


def is_residential(customer_class: str) -> bool:
    return customer_class in RESIDENTIAL_CLASSES


def shutoff_days_floor() -> int:
    return max(SHUTOFF_DAYS_FLOOR, int(policy_value("collections-shutoff-days-delinquent")))


def notice_business_days() -> int:
    return max(NOTICE_BUSINESS_DAYS_FLOOR, int(policy_value("collections-notice-business-days")))


def tenant_notice_days(*, detached: bool) -> int:
    if detached:
        floor, key = TENANT_DETACHED_NOTICE_DAYS_FLOOR, "collections-tenant-detached-notice-days"
    else:
        floor, key = TENANT_NOTICE_DAYS_FLOOR, "collections-tenant-notice-days"
    return max(floor, int(policy_value(key)))


def calendar_days_for_business_days(count: int) -> int:
    """The most calendar days `count` business days can span without holidays (from a Friday)."""
    return count + 2 * ((count + 4) // 5)


def ladder_problems(customer_class: str, steps: dict[str, tuple[int, bool]]) -> list[str]:
    """Why a ladder is unlawful ({kind: (days after due, active)}); empty when it is not.

    Only residential ladders have floors. The notice's gap is checked against the calendar
    days that many business days can take (weekends counted); each notice's own pay-by date
    is still computed from the real calendar, holidays included, when it is issued.
    """
    if not is_residential(customer_class):
        return []
    problems = []
    shutoff = steps.get(StepKind.SHUTOFF_ELIGIBLE)
    notice = steps.get(StepKind.DISCONNECTION_NOTICE)
    hanger = steps.get(StepKind.FINAL_NOTICE)
    if shutoff is None or not shutoff[1]:
        return problems  # no shut-off step: nothing to protect against
    floor = shutoff_days_floor()
    if shutoff[0] < floor:
        problems.append(
            f"Residential service cannot become eligible for shut-off before a bill has been "
            f"delinquent {floor} days (Health & Safety Code 116906); day {shutoff[0]} is too "
            f"early."
        )
    business_days = notice_business_days()
    gap = calendar_days_for_business_days(business_days)
    if notice is None or not notice[1]:
        problems.append(
            "Residential service cannot be shut off without the written disconnection notice "
            "(Health & Safety Code 116908): keep the notice step active."
        )
    elif shutoff[0] - notice[0] < gap:
        problems.append(
            f"The written disconnection notice must go out at least {business_days} business "
            f"days before shut-off (Health & Safety Code 116908): put it on day "
            f"{shutoff[0] - gap} or earlier ({gap} calendar days, counting weekends)."
        )
    if hanger is not None and hanger[1]:
        if notice is not None and notice[1] and hanger[0] <= notice[0]:
            problems.append(
                "The final notice (door hanger) comes after the written notice, once the phone "
                "call has been tried."
            )
        if shutoff[0] - hanger[0] < DOOR_HANGER_DAYS_BEFORE_SHUTOFF:
            problems.append(
                f"The door hanger must be left at least 48 hours before shut-off: put it on "
                f"day {shutoff[0] - DOOR_HANGER_DAYS_BEFORE_SHUTOFF} or earlier."
            )
    return problems
