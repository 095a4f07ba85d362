"""District policies: typed reads of the values supervisors edit, and the one way to change them."""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import pghistory
from django.core.exceptions import ValidationError
from django.db import transaction

from district.errors import ServiceError, require
from district.models import Policy
from district.money import ZERO, format_money, parse_money
from district.roles import CSR_I, CSR_II, CSR_III, SUPERVISOR, Perm, role_of

PolicyValue = Decimal | int | str | bool
ValueType = Policy.ValueType

TRUE_WORDS = {"yes", "y", "true", "t", "1", "on"}
FALSE_WORDS = {"no", "n", "false", "f", "0", "off"}
ADJUSTMENT_LIMIT_KEYS = {
    CSR_I.name: "adjustment-limit-csr1",
    CSR_II.name: "adjustment-limit-csr2",
    CSR_III.name: "adjustment-limit-csr3",
}


def _whole_number(text: str) -> int:
    try:
        number = int(text.replace(",", ""))
    except ValueError:
        raise ValidationError(f"“{text}” is not a whole number.") from None
    if number < 0:
        raise ValidationError("The number must be zero or more.")
    return number


def policy_parse(*, value_type: str, text: str) -> PolicyValue:
    """The typed value of a policy's text, or a ValidationError a supervisor understands."""
    text = str(text).strip()
    if value_type == ValueType.TEXT:
        if len(text) > Policy._meta.get_field("value").max_length:
            raise ValidationError("The text is too long (200 characters at most).")
        return text
    if not text:
        raise ValidationError("Enter a value.")
    if value_type == ValueType.MONEY:
        amount = parse_money(text)
        if amount < 0:
            raise ValidationError("The amount must be zero or more.")
        return amount
    if value_type == ValueType.PERCENT:
        try:
            percent = Decimal(text.removesuffix("%").strip())
        except InvalidOperation:
            raise ValidationError(f"“{text}” is not a percentage.") from None
        if not percent.is_finite() or not ZERO <= percent <= 100:
            raise ValidationError("A percentage is between 0 and 100.")
        return percent
    if value_type in {ValueType.INTEGER, ValueType.DAYS}:
        return _whole_number(text)
    if value_type == ValueType.BOOLEAN:
        word = text.lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise ValidationError("Answer yes or no.")
    raise ValidationError(f"Unknown kind of policy value “{value_type}”.")


def _stored_text(value: PolicyValue) -> str:
    """The canonical text kept in Policy.value (what policy_parse reads back)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return f"{value:f}"
    return str(value)


def _typed(policy: Policy) -> PolicyValue:
    try:
        return policy_parse(value_type=policy.value_type, text=policy.value)
    except ValidationError as error:
        raise ValidationError(
            f"Policy “{policy.key}” holds an invalid value: {' '.join(error.messages)}"
        ) from None


def policy_value(key: str) -> PolicyValue:
    """A policy's value, typed: money and percent -> Decimal, integer and days -> int, ..."""
    policy = Policy.objects.filter(key=key).only("key", "value_type", "value").first()
    if policy is None:
        raise LookupError(f"No district policy “{key}”.")
    return _typed(policy)


def policy_values(*keys: str) -> dict[str, PolicyValue]:
    """Several policies in one query (for batch work such as a bill run)."""
    policies = {policy.key: policy for policy in Policy.objects.filter(key__in=keys)}
    missing = set(keys) - set(policies)
    if missing:
        raise LookupError(f"No district policy {sorted(missing)}.")
    return {key: _typed(policy) for key, policy in policies.items()}


def policy_display(policy: Policy) -> str:
    """The value as people read it: $25.00, 7.5%, 30 days, Yes."""
    try:
        value = _typed(policy)
    except ValidationError:
        return policy.value
    if policy.value_type == ValueType.MONEY:
        return format_money(value)
    if policy.value_type == ValueType.PERCENT:
        return f"{value.normalize():f}%"
    if policy.value_type == ValueType.DAYS:
        return f"{value} day{'' if value == 1 else 's'}"
    if policy.value_type == ValueType.BOOLEAN:
        return "Yes" if value else "No"
    return str(value)


def policy_edit_text(policy: Policy) -> str:
    """The value as an edit field shows it (12.50, 7.5, 30, yes)."""
    if policy.value_type == ValueType.BOOLEAN:
        return policy_display(policy).lower()
    return policy.value


@dataclass(frozen=True)
class PolicyRow:
    policy: Policy
    display: str


@dataclass(frozen=True)
class PolicyGroup:
    category: str
    label: str
    rows: list[PolicyRow]


def policies_by_category() -> list[PolicyGroup]:
    """Every policy, grouped by category (in the model's order: category, then label)."""
    groups: dict[str, list[PolicyRow]] = {}
    for policy in Policy.objects.select_related("updated_by"):
        groups.setdefault(policy.category, []).append(PolicyRow(policy, policy_display(policy)))
    return [
        PolicyGroup(category, category.replace("-", " ").replace("_", " ").capitalize(), rows)
        for category, rows in groups.items()
    ]


@transaction.atomic
def policy_update(*, key: str, value: str, by, reason: str = "") -> Policy:
    """Change a policy's value after checking it fits its type; records who changed it and why."""
    require(by, Perm.MANAGE_POLICIES, doing="change district policies")
    policy = Policy.objects.select_for_update().filter(key=key).first()
    if policy is None:
        raise ServiceError(f"No district policy “{key}”.")
    try:
        typed = policy_parse(value_type=policy.value_type, text=value)
    except ValidationError as error:
        raise ServiceError({"value": error.messages}) from None
    policy.value = _stored_text(typed)
    policy.updated_by = by
    # The history row carries who and why, inside a request or not (merged into its context).
    with pghistory.context(user=by.pk, reason=(reason or "").strip()):
        policy.save(update_fields=["value", "updated_by", "updated_at"])
    return policy


def adjustment_limit_for(user) -> Decimal | None:
    """How much this person may adjust a bill without approval; None means no limit."""
    if user.is_superuser:
        return None
    role = role_of(user)
    if role == SUPERVISOR:
        return None
    key = ADJUSTMENT_LIMIT_KEYS.get(role.name) if role else None
    if key is None:
        return ZERO  # roles that do not adjust bills: everything goes to approval
    return policy_value(key)
