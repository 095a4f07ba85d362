"""Reads of rate schedules: the version in force on a date, the versions a bill spans, the
calculator's one entry point, and the accounts sampled for a rate-change impact report."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Count, Func, Prefetch, TextField
from django.db.models.functions import Cast

from accounts.models import ServiceAccount
from billing.models import RateSchedule, RateScheduleVersion
from billing.rates import BillCalculation, calculate, calculate_across_versions, parse_schedule
from billing.rates.impact import AccountUsage
from billing.rates.services import version_label
from district.errors import ServiceError
from field_ops.consumption import first_months, premise_read_periods
from field_ops.models import MeterInstallation

IMPACT_MONTHS = 12


def rate_schedules() -> list[RateSchedule]:
    """Every schedule with its versions, newest first (two queries)."""
    versions = RateScheduleVersion.objects.select_related("created_by").order_by(
        "-effective_from", "-version"
    )
    return list(RateSchedule.objects.prefetch_related(Prefetch("versions", queryset=versions)))


def rate_version_get(version_id: int) -> RateScheduleVersion:
    """A version with its schedule and loader; RateScheduleVersion.DoesNotExist if none."""
    return RateScheduleVersion.objects.select_related("schedule", "created_by").get(pk=version_id)


def rate_version_choices() -> list[tuple[str, list[tuple[int, str]]]]:
    """(schedule name, [(version id, label)]) for version pickers, newest first."""
    grouped: dict[str, list[tuple[int, str]]] = {}
    for version in RateScheduleVersion.objects.select_related("schedule").order_by(
        "schedule__code", "-effective_from"
    ):
        label = f"v{version.version}, from {version.effective_from:%m/%d/%Y}"
        grouped.setdefault(version.schedule.name, []).append((version.pk, label))
    return list(grouped.items())


def version_in_force(*, schedule, on: datetime.date) -> RateScheduleVersion | None:
    """The version of a schedule (instance or code) in force on a date: the latest to take effect."""
    versions = RateScheduleVersion.objects.select_related("schedule")
    if isinstance(schedule, RateSchedule):
        versions = versions.filter(schedule=schedule)
    else:
        versions = versions.filter(schedule__code=schedule)
    return versions.filter(effective_from__lte=on).order_by("-effective_from").first()


def versions_in_force(
    *, schedule, period_start: datetime.date, period_end: datetime.date
) -> list[RateScheduleVersion]:
    """The version in force on the first day and every version taking effect during the period."""
    first = version_in_force(schedule=schedule, on=period_start)
    later = RateScheduleVersion.objects.select_related("schedule").filter(
        effective_from__gt=period_start, effective_from__lte=period_end
    )
    if isinstance(schedule, RateSchedule):
        later = later.filter(schedule=schedule)
    else:
        later = later.filter(schedule__code=schedule)
    return ([first] if first else []) + list(later.order_by("effective_from"))


def bill_calculation(
    *,
    schedule: str | None = None,
    version_id: int | None = None,
    rates_text: str | None = None,
    **inputs,
) -> BillCalculation:
    """Price a bill from a stored schedule (the versions in force on its dates), one stored
    version, or a schedule file's text. Bad input raises ValidationError keyed by field."""
    if rates_text is not None:
        try:
            parsed = parse_schedule(rates_text)
        except ValidationError as error:
            raise ServiceError({"rates": error.messages}) from None
        return calculate(parsed, version=f"{parsed['schedule']} (file)", **inputs)
    if version_id is not None:
        try:
            version = rate_version_get(version_id)
        except RateScheduleVersion.DoesNotExist:
            raise ServiceError({"rates": "There is no such rate version."}) from None
        return calculate(version.parsed, version=version_label(version), **inputs)
    versions = versions_in_force(
        schedule=schedule, period_start=inputs["period_start"], period_end=inputs["period_end"]
    )
    if not versions:
        raise ServiceError(
            {
                "rates": f"No version of “{schedule}” is in force on {inputs['period_start']:%m/%d/%Y}."
            }
        )
    return calculate_across_versions(
        [(version.effective_from, version.parsed, version_label(version)) for version in versions],
        **inputs,
    )


# -- the rate-change impact report's sample


class _Md5(Func):
    function = "md5"
    output_field = TextField()


@dataclass(frozen=True)
class ImpactSample:
    accounts: list[AccountUsage]
    population: dict[str, int]  # active accounts per customer class
    since: datetime.date
    until: datetime.date


def impact_accounts(*, per_class: int, as_of: datetime.date) -> ImpactSample:
    """A fixed sample of up to `per_class` active accounts of each class, with their read periods
    of the last 12 months.

    The sample is the same every time (ordered by a hash of the account id), so two runs of the
    report compare like with like. Queries: one count, one per class, one for the meters, and
    two per sampled account (field_ops.consumption.premise_read_periods).
    """
    active = ServiceAccount.objects.filter(status=ServiceAccount.Status.ACTIVE)
    population = dict(active.values_list("customer_class").annotate(count=Count("id")).order_by())
    sampled = []
    for customer_class in population:
        sampled.extend(
            active.filter(customer_class=customer_class)
            .select_related("premise")
            .order_by(_Md5(Cast("id", TextField())))[:per_class]
        )
    premise_ids = [account.premise_id for account in sampled]
    meter_sizes = dict(
        MeterInstallation.objects.filter(premise_id__in=premise_ids, removed_on__isnull=True)
        .order_by("installed_on")
        .values_list("premise_id", "meter__size")
    )
    since = first_months(months=IMPACT_MONTHS, as_of=as_of)[0]
    accounts = []
    for account in sampled:
        periods = premise_read_periods(premise_id=account.premise_id, since=since, until=as_of)
        accounts.append(
            AccountUsage(
                account_id=account.pk,
                customer_class=account.customer_class,
                meter_size=meter_sizes.get(account.premise_id),
                dwelling_units=account.premise.dwelling_units,
                # A read period runs from one read to the next: its service days start the day
                # after the earlier read.
                periods=[
                    (
                        period.start_date + datetime.timedelta(days=1),
                        period.end_date,
                        period.consumption_hcf,
                    )
                    for period in periods
                    if period.end_date > period.start_date and period.end_date >= account.start_date
                ],
            )
        )
    return ImpactSample(accounts=accounts, population=population, since=since, until=as_of)
