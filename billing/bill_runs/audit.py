"""The bill audit: what a person should look at before a run posts (pure, but for two loaders).

Blocking kinds stop the run from posting until each is accepted, held or resolved (or a
supervisor posts past them with a reason); informational kinds are listed for review only.

| kind          | blocking | why |
|---------------|----------|-----|
| high_use      | yes      | use above read-high-percent of the account's typical daily use: a misread or a leak |
| below_last    | yes      | the register went backwards (a rollover or a misread) |
| amount_over   | yes      | the bill is over the bill-audit-amount-over policy amount |
| over_typical  | yes      | the bill is over bill-audit-typical-multiple times the account's typical bill, |
|               |          | or, for a first bill (no history), times its customer class's typical bill |
| missing_read  | yes      | no read in the window: no bill was made |
| never_billed  | yes      | an active account of the cycle's routes got no bill (or could not be priced) |
| low_use       | no       | use below read-low-percent of typical |
| zero_use      | no       | no use on an active account (vacant, or a stopped meter) |
| estimated     | no       | the bill uses an estimated read (the next actual read trues it up) |
| first_bill    | no       | the account's first bill |
| final_bill    | no       | the account is pending final |
| credit_balance| no       | the account carries a credit |
"""

from accounts.models import ServiceAccount
from billing.models import BillException
from district.models import Policy
from district.money import format_money
from district.policies import policy_parse

Kind = BillException.Kind

BLOCKING = {
    Kind.HIGH_USE: True,
    Kind.BELOW_LAST: True,
    Kind.AMOUNT_OVER: True,
    Kind.OVER_TYPICAL: True,
    Kind.MISSING_READ: True,
    Kind.NEVER_BILLED: True,
    Kind.LOW_USE: False,
    Kind.ZERO_USE: False,
    Kind.ESTIMATED: False,
    Kind.FIRST_BILL: False,
    Kind.FINAL_BILL: False,
    Kind.CREDIT_BALANCE: False,
}

# key -> (value type, default used until the district adds the policy)
AUDIT_POLICIES = {
    "read-high-percent": ("integer", "200"),
    "read-low-percent": ("integer", "50"),
    "bill-audit-amount-over": ("money", "1000.00"),
    "bill-audit-typical-multiple": ("integer", "3"),
}


def audit_policies() -> dict:
    """The audit thresholds (one query); a policy the district has not set up uses its default."""
    stored = {
        policy.key: policy
        for policy in Policy.objects.filter(key__in=AUDIT_POLICIES).only(
            "key", "value_type", "value"
        )
    }
    values = {}
    for key, (value_type, default) in AUDIT_POLICIES.items():
        policy = stored.get(key)
        if policy is not None:
            values[key] = policy_parse(value_type=policy.value_type, text=policy.value)
        else:
            values[key] = policy_parse(value_type=value_type, text=default)
    return values


def audit_account(inputs, priced, policies: dict, *, class_typical=None) -> list[tuple[str, str]]:
    """(kind, detail) for each exception of one account's priced bill (priced None: no bill).

    class_typical: the customer class's typical bill (calculation.class_typical_bills), what a
    first bill is held against.
    """
    found: list[tuple[str, str]] = []
    if inputs.recent_bills == 0:
        found.append((Kind.FIRST_BILL, "The account's first bill."))
    if inputs.status == ServiceAccount.Status.PENDING_FINAL:
        found.append((Kind.FINAL_BILL, "The account is pending final: check the final read."))
    if inputs.balance < 0:
        found.append((Kind.CREDIT_BALANCE, f"Credit balance of {format_money(-inputs.balance)}."))
    if priced is None:
        return found
    current, previous = inputs.current_read, inputs.previous_read
    days = max((current.read_on - previous.read_on).days, 1)
    if priced.rolled_over:
        found.append(
            (
                Kind.BELOW_LAST,
                f"Reading {current.reading:,} is below the last one ({previous.reading:,}): "
                "a rollover or a misread.",
            )
        )
    if priced.estimated:
        found.append((Kind.ESTIMATED, "The bill uses an estimated read."))
    if priced.consumption == 0:
        found.append((Kind.ZERO_USE, "No water used in the period."))
    typical = inputs.typical_daily_use
    if typical and priced.consumption > 0:
        daily = priced.consumption / days
        percent = daily / typical * 100
        if percent > policies["read-high-percent"]:
            found.append(
                (
                    Kind.HIGH_USE,
                    f"{priced.consumption:,} HCF in {days} days is {percent:.0f}% of the "
                    f"usual {typical * days:,.2f} HCF.",
                )
            )
        elif percent < policies["read-low-percent"]:
            found.append(
                (
                    Kind.LOW_USE,
                    f"{priced.consumption:,} HCF in {days} days is {percent:.0f}% of the "
                    f"usual {typical * days:,.2f} HCF.",
                )
            )
    threshold = policies["bill-audit-amount-over"]
    if threshold and priced.total > threshold:
        found.append(
            (
                Kind.AMOUNT_OVER,
                f"{format_money(priced.total)} is over the {format_money(threshold)} review amount.",
            )
        )
    multiple = policies["bill-audit-typical-multiple"]
    if inputs.typical_amount and multiple and priced.total > inputs.typical_amount * multiple:
        found.append(
            (
                Kind.OVER_TYPICAL,
                f"{format_money(priced.total)} is over {multiple} times the typical bill of "
                f"{format_money(inputs.typical_amount)}.",
            )
        )
    elif (
        inputs.recent_bills == 0
        and class_typical
        and multiple
        and priced.total > class_typical * multiple
    ):
        found.append(
            (
                Kind.OVER_TYPICAL,
                f"First bill: {format_money(priced.total)} is over {multiple} times the typical "
                f"{inputs.customer_class} bill of {format_money(class_typical)}.",
            )
        )
    return found


def missing_read_detail(inputs) -> str:
    if inputs.meter_id is None:
        return "No meter is installed at the premise: no bill was made."
    if inputs.current_read is None:
        return "No read in the read window: no bill was made. Enter or estimate the read."
    return "No earlier read to measure use from: no bill was made."
