"""May an account's water be shut off for non-payment on a day, and why (or why not).

Residential service (single- and multi-family) follows the Water Shutoff Protection Act
(Health & Safety Code 116900-116926); the district's policies may only make it stricter:
  - a bill delinquent at least max(60, collections-shutoff-days-delinquent) days (116908(a)(1));
  - at least collections-minimum-past-due owed past due;
  - a written notice issued at least max(7, collections-notice-business-days) business days
    before the day, and the day not before the notice's pay-by date (116908(a)(2));
  - where tenants occupy the premises, a tenant notice 10 days before (7 for a detached
    single-family house) (116916, Public Utilities Code 10009.1 / 10009.6);
  - a phone attempt, and when no one was reached, a good-faith visit before the day (116908);
  - no hold (medical certificate, appeal, arrangement, ... each named) (116910, 116912);
  - a business day: not a weekend, a legal holiday or an office closure (116908(c));
  - no open shut-off order already.
Non-residential service: delinquent per the policy, a notice issued, a business day.

Every check is listed with its outcome, so staff see why an account is or is not on the list.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from accounts.models import ServiceAccount
from billing.shutoffs import facts as facts_module
from district.business_days import BusinessCalendar, business_calendar
from district.money import ZERO, format_money
from district.policies import policy_values
from field_ops.models import Premise, WorkOrder

RESIDENTIAL_CLASSES = (
    ServiceAccount.CustomerClass.RESIDENTIAL,
    ServiceAccount.CustomerClass.MULTI_FAMILY,
)
LAW_DAYS_DELINQUENT = 60
LAW_NOTICE_BUSINESS_DAYS = 7
LAW_TENANT_NOTICE_DAYS = 10
LAW_TENANT_DETACHED_NOTICE_DAYS = 7

POLICIES = (
    "collections-shutoff-days-delinquent",
    "collections-minimum-past-due",
    "collections-notice-business-days",
    "collections-tenant-notice-days",
    "collections-tenant-detached-notice-days",
)


@dataclass(frozen=True)
class Check:
    name: str
    passed: bool
    detail: str

    def as_dict(self) -> dict:
        return {"name": self.name, "passed": self.passed, "detail": self.detail}


@dataclass(frozen=True)
class Eligibility:
    account_id: int
    eligible: bool
    checks: tuple[Check, ...]
    past_due: Decimal
    # A disconnection notice of the current delinquency was issued: the account is one staff
    # expect to see on the list, so the list says why it is not there.
    noticed: bool = False

    @property
    def reasons(self) -> list[str]:
        """What stands in the way, one sentence per failed check."""
        return [check.detail for check in self.checks if not check.passed]

    @property
    def reason_text(self) -> str:
        return " ".join(self.reasons)

    def checks_json(self) -> list[dict]:
        return [check.as_dict() for check in self.checks]


@dataclass(frozen=True)
class Rules:
    days_delinquent: int
    policy_days_delinquent: int  # non-residential service: the policy as set
    minimum_past_due: Decimal
    notice_business_days: int
    tenant_notice_days: int
    tenant_detached_notice_days: int

    @classmethod
    def current(cls) -> "Rules":
        values = policy_values(*POLICIES)
        return cls(
            days_delinquent=max(
                LAW_DAYS_DELINQUENT, int(values["collections-shutoff-days-delinquent"])
            ),
            policy_days_delinquent=int(values["collections-shutoff-days-delinquent"]),
            minimum_past_due=values["collections-minimum-past-due"],
            notice_business_days=max(
                LAW_NOTICE_BUSINESS_DAYS, int(values["collections-notice-business-days"])
            ),
            tenant_notice_days=max(
                LAW_TENANT_NOTICE_DAYS, int(values["collections-tenant-notice-days"])
            ),
            tenant_detached_notice_days=max(
                LAW_TENANT_DETACHED_NOTICE_DAYS,
                int(values["collections-tenant-detached-notice-days"]),
            ),
        )


def is_residential(account: ServiceAccount) -> bool:
    return account.customer_class in RESIDENTIAL_CLASSES


def _detached_single_family(premise: Premise) -> bool:
    return premise.premise_type == Premise.PremiseType.SINGLE_FAMILY and premise.dwelling_units == 1


def _day(value: datetime.date) -> str:
    return f"{value:%m/%d/%Y}"


# -- the checks, each answering one question about one account -------------------------------


def _delinquency_checks(account, facts, rules: Rules, on, residential: bool) -> list[Check]:
    fact = facts.delinquency
    if fact is None or fact.past_due <= ZERO:
        return [Check("Delinquent", False, "No bill is delinquent.")]
    days = fact.days_delinquent
    required = rules.days_delinquent if residential else rules.policy_days_delinquent
    days_ok = days >= required
    checks = [
        Check(
            "Days delinquent",
            days_ok,
            f"The oldest unpaid bill was due {_day(fact.oldest_due_date)}: {days} days "
            f"delinquent{'' if days_ok else f', under the {required} required'}.",
        )
    ]
    amount_ok = fact.past_due >= rules.minimum_past_due
    checks.append(
        Check(
            "Past due",
            amount_ok,
            f"{format_money(fact.past_due)} past due"
            + (
                "." if amount_ok else f", under the {format_money(rules.minimum_past_due)} minimum."
            ),
        )
    )
    return checks


def _notice_checks(account, facts, rules: Rules, on, calendar, residential: bool) -> list[Check]:
    notice = facts.notice
    if notice is None:
        return [Check("Written notice", False, "No disconnection notice has been issued.")]
    if not residential:
        ok = notice.issued_on < on
        return [
            Check(
                "Written notice",
                ok,
                f"Notice issued {_day(notice.issued_on)}"
                + ("." if ok else f", not before {_day(on)}."),
            )
        ]
    given = calendar.business_days_between(notice.issued_on, on)
    ok = given >= rules.notice_business_days
    checks = [
        Check(
            "Written notice",
            ok,
            f"Notice issued {_day(notice.issued_on)}, {given} business day"
            f"{'' if given == 1 else 's'} before {_day(on)}"
            + ("." if ok else f": {rules.notice_business_days} are required."),
        )
    ]
    pay_by = notice.pay_by
    pay_by_ok = pay_by is None or on >= pay_by
    checks.append(
        Check(
            "Pay-by date passed",
            pay_by_ok,
            "The notice gives no pay-by date."
            if pay_by is None
            else f"The notice asks for payment by {_day(pay_by)}"
            + ("." if pay_by_ok else f": {_day(on)} is before it."),
        )
    )
    if account.tenants_occupy:
        detached = _detached_single_family(account.premise)
        required = rules.tenant_detached_notice_days if detached else rules.tenant_notice_days
        what = "a detached single-family house" if detached else "a multi-unit building"
        tenant_on = getattr(notice, "tenant_notice_on", None)
        if tenant_on is None:
            checks.append(
                Check(
                    "Tenant notice",
                    False,
                    f"Tenants occupy {what}: no tenant notice has been given "
                    f"({required} days are required).",
                )
            )
        else:
            days = (on - tenant_on).days
            tenant_ok = days >= required
            checks.append(
                Check(
                    "Tenant notice",
                    tenant_ok,
                    f"Tenants of {what} were notified {_day(tenant_on)}, {days} days before"
                    + ("." if tenant_ok else f": {required} are required."),
                )
            )
    return checks


def _contact_checks(facts, on) -> list[Check]:
    if facts.phone == "reached":
        return [Check("Phone attempt", True, "The customer was reached by phone.")]
    if facts.phone != "not_reached":
        return [Check("Phone attempt", False, "No phone call to the customer is logged.")]
    checks = [Check("Phone attempt", True, "A phone call was logged; no one was reached.")]
    visit = facts.visit_at
    visit_day = visit.date() if isinstance(visit, datetime.datetime) else visit
    notice_day = facts.notice.issued_on if facts.notice else None
    if visit_day is None or visit_day >= on or (notice_day and visit_day < notice_day):
        checks.append(
            Check(
                "Good-faith visit",
                False,
                "No one was reached by phone and no door hanger was left before the day.",
            )
        )
    else:
        checks.append(Check("Good-faith visit", True, f"A door hanger was left {_day(visit_day)}."))
    return checks


def _hold_checks(facts) -> list[Check]:
    if not facts.holds:
        return [Check("No hold", True, "No hold on collections.")]
    checks = []
    for hold in facts.holds:
        until = f" until {_day(hold.expires_on)}" if getattr(hold, "expires_on", None) else ""
        evidence = f" ({hold.evidence})" if getattr(hold, "evidence", "") else ""
        checks.append(
            Check(f"Hold: {hold.label}", False, f"On hold: {hold.label}{until}{evidence}.")
        )
    return checks


def _business_day_check(on, calendar: BusinessCalendar) -> Check:
    because = calendar.closed_because(on)
    if because:
        return Check(
            "Business day",
            False,
            f"{_day(on)} is not a business day ({because}): water is not shut off then.",
        )
    return Check("Business day", True, f"{_day(on)} is a business day.")


def _open_order_check(account_id: int, open_orders: dict[int, int]) -> Check:
    order_id = open_orders.get(account_id)
    if order_id is None:
        return Check("No open shut-off order", True, "No shut-off order is open.")
    return Check(
        "No open shut-off order", False, f"Shut-off order WO-{order_id:06d} is already open."
    )


def open_shutoff_orders(account_ids) -> dict[int, int]:
    """account id -> its open shut-off order's id (one query)."""
    return dict(
        WorkOrder.objects.filter(
            order_type=WorkOrder.Type.SHUT_OFF,
            status__in=WorkOrder.OPEN_STATUSES,
            service_account_id__in=list(account_ids),
        )
        .order_by("service_account_id", "id")
        .values_list("service_account_id", "id")
    )


def shutoff_eligibility(
    account_ids, *, on: datetime.date, ignore_order_ids=()
) -> dict[int, Eligibility]:
    """Each account's checks for a shut-off on `on` (a fixed number of queries).

    `ignore_order_ids`: shut-off orders not to count as "already open" (the order being
    rechecked or completed is itself open).
    """
    account_ids = list(dict.fromkeys(account_ids))
    if not account_ids:
        return {}
    accounts = ServiceAccount.objects.select_related("premise").in_bulk(account_ids)
    rules = Rules.current()
    all_facts = facts_module.gather(list(accounts), on=on)
    earliest = min(
        (facts.notice.issued_on for facts in all_facts.values() if facts.notice is not None),
        default=on,
    )
    calendar = business_calendar(min(earliest, on), on)
    open_orders = {
        account_id: order_id
        for account_id, order_id in open_shutoff_orders(accounts).items()
        if order_id not in set(ignore_order_ids)
    }
    business_day = _business_day_check(on, calendar)
    results = {}
    for account_id, account in accounts.items():
        facts = all_facts[account_id]
        residential = is_residential(account)
        checks = _delinquency_checks(account, facts, rules, on, residential)
        checks += _notice_checks(account, facts, rules, on, calendar, residential)
        if residential:
            checks += _contact_checks(facts, on)
            checks += _hold_checks(facts)
        checks.append(business_day)
        checks.append(_open_order_check(account_id, open_orders))
        past_due = facts.delinquency.past_due if facts.delinquency else ZERO
        results[account_id] = Eligibility(
            account_id=account_id,
            eligible=all(check.passed for check in checks),
            checks=tuple(checks),
            past_due=past_due,
            noticed=facts.notice is not None,
        )
    return results
