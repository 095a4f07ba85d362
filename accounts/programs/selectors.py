"""Reads of programs and enrolments that other areas reuse (collections asks
`income_qualified`; the bill run loads credit terms through accounts.programs.credits)."""

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import Q, QuerySet, Subquery

from accounts.models import Enrolment, Program
from accounts.programs.poverty_guidelines import guideline_on
from district.models import Policy
from district.policies import policy_parse

FPL_PERCENT_POLICY = "income-qualified-fpl-percent"


def covering(on: datetime.date) -> Q:
    """Enrolments that cover the day `on` (started, not expired, not ended by then)."""
    return (
        Q(starts_on__lte=on)
        & (Q(expires_on__isnull=True) | Q(expires_on__gt=on))
        & (Q(ended_on__isnull=True) | Q(ended_on__gt=on))
    )


def overlapping(start: datetime.date, end: datetime.date) -> Q:
    """Enrolments that cover at least one day from `start` up to and including `end`."""
    return (
        Q(starts_on__lte=end)
        & (Q(expires_on__isnull=True) | Q(expires_on__gt=start))
        & (Q(ended_on__isnull=True) | Q(ended_on__gt=start))
    )


def income_under_poverty_percent(
    *, annual_income: Decimal, household_size: int, percent: int, on: datetime.date
) -> bool:
    """Whether the income is under `percent` of the HHS guideline in effect on `on` (exactly
    at the line does not qualify: the law says "below")."""
    guideline = guideline_on(on).for_household(household_size)
    return annual_income * 100 < Decimal(percent) * guideline


def income_qualified_accounts(account_ids: Iterable[int], on: datetime.date) -> set[int]:
    """Accounts income-qualified on `on` for SB 998 (Health & Safety Code 116914), in one query.

    Qualified: an enrolment covering `on` in an income-qualifying program (CalFresh, Medi-Cal,
    ...), or one recording a household income under policy `income-qualified-fpl-percent`
    (200) percent of the federal poverty guideline for the household's size.
    """
    account_ids = list(account_ids)
    if not account_ids:
        return set()
    fpl_policy = Policy.objects.filter(key=FPL_PERCENT_POLICY)
    rows = (
        Enrolment.objects.filter(covering(on), account_id__in=account_ids)
        .filter(Q(program__income_qualifying=True) | Q(annual_income__isnull=False))
        .annotate(
            fpl_value=Subquery(fpl_policy.values("value")[:1]),
            fpl_type=Subquery(fpl_policy.values("value_type")[:1]),
        )
        .values_list(
            "account_id",
            "program__income_qualifying",
            "household_size",
            "annual_income",
            "fpl_value",
            "fpl_type",
        )
    )
    qualified = set()
    for account_id, by_program, size, income, fpl_value, fpl_type in rows:
        if by_program:
            qualified.add(account_id)
            continue
        if fpl_value is None:
            raise LookupError(f"No district policy “{FPL_PERCENT_POLICY}”.")
        percent = policy_parse(value_type=fpl_type, text=fpl_value)
        if income_under_poverty_percent(
            annual_income=income, household_size=size, percent=percent, on=on
        ):
            qualified.add(account_id)
    return qualified


def income_qualified(account_id: int, on: datetime.date) -> bool:
    """Whether the account's household is income-qualified for SB 998 on `on`."""
    return account_id in income_qualified_accounts([account_id], on)


def programs_all() -> QuerySet[Program]:
    return Program.objects.order_by("-active", "name")


def programs_open_for_enrolment() -> QuerySet[Program]:
    return Program.objects.filter(active=True).order_by("name")


def account_enrolments(account_id: int) -> list[Enrolment]:
    """Every enrolment of the account, newest first, with its program."""
    return list(
        Enrolment.objects.filter(account_id=account_id)
        .select_related("program", "enrolled_by", "ended_by")
        .order_by("status", "-starts_on", "-id")
    )
