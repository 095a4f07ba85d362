"""Give the demo district its billing set-up: the demo rate schedule, one billing cycle per
cycle code the demo accounts carry (with their routes), and periods through the next months.

A new cycle's periods start with the demo's read history, and each ends two days after the
cycle's read day (accounts.demo.reads reads cycle N on the (2 + (N-1) % 20)th, moved off a
weekend), so every route read falls inside its period's read window and bill runs can bill
the whole history.
"""

import datetime
import re

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Count, Min
from django.utils import timezone

from accounts.models import ServiceAccount
from billing.calendar.services import add_months, cycle_create, periods_generate
from billing.models import BillingCycle, RateScheduleVersion
from billing.rates.services import rate_version_load
from district.audit import AuditedCommand
from field_ops.models import MeterRead

DEMO_RATES = settings.BASE_DIR / "docs" / "examples" / "district-water.yaml"


class Command(AuditedCommand):
    help = "Load the demo rate schedule and billing cycles (safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument("--user", default="demo-supervisor", help="Who sets it up.")

    @transaction.atomic
    def handle(self, *args, **options):
        by = get_user_model().objects.filter(username=options["user"]).first()
        if by is None:
            raise CommandError(f"No user {options['user']}: run seed_demo first.")
        first_read = MeterRead.objects.aggregate(first=Min("read_on"))["first"]
        source = DEMO_RATES.read_text()
        earlier = _earlier_rates(source, first_read)
        if earlier and not RateScheduleVersion.objects.exists():
            # The history is older than the adopted schedule: the same rates were in force.
            rate_version_load(source=earlier, by=by)
            self.stdout.write(f"Demo rate schedule in force from {first_read:%m/%Y} loaded")
        _version, created = rate_version_load(source=source, by=by)
        self.stdout.write("Demo rate schedule " + ("loaded" if created else "already loaded"))
        through = timezone.localdate() + datetime.timedelta(days=62)
        existing = set(BillingCycle.objects.values_list("code", flat=True))
        cycles = (
            ServiceAccount.objects.exclude(billing_cycle__in=existing)
            .values("billing_cycle", "billing_frequency")
            .annotate(accounts=Count("id"))
            .order_by("billing_cycle")
        )
        seen = set()
        for row in cycles:
            code = row["billing_cycle"]
            if code in seen:
                continue  # a code used with two frequencies keeps the first
            seen.add(code)
            routes = sorted(
                set(
                    ServiceAccount.objects.filter(billing_cycle=code)
                    .values_list("premise__route", flat=True)
                    .distinct()
                )
            )
            cycle = cycle_create(
                by=by,
                code=code,
                name=f"Cycle {code}",
                frequency=row["billing_frequency"],
                routes=routes,
                due_days=21,
            )
            start = _first_period_start(code, row["billing_frequency"], first_read)
            periods_generate(cycle=cycle, through=through, by=by, start=start)
        self.stdout.write(f"Billing cycles: {len(seen)} new, {len(existing)} already there")


def _first_period_start(code: str, frequency: str, first_read) -> datetime.date | None:
    """The first period of a demo cycle: three days after its read day in the history's first
    month (a bimonthly cycle: in a month it is read). None without reads (this month on)."""
    if first_read is None or not code.isdigit():
        return None
    cycle = int(code) - 1
    start = first_read.replace(day=min(2 + cycle % 20 + 3, 28))
    if start < first_read:
        start = add_months(start, 1)
    if frequency == "bimonthly":
        parity = (cycle // 4) % 2
        if (start.year * 12 + start.month + parity) % 2:
            start = add_months(start, 1)
    return start


EFFECTIVE = re.compile(r"^effective_from: (\d{4}-\d{2}-\d{2})$", re.MULTILINE)


def _earlier_rates(source: str, first_read) -> str | None:
    """The schedule dated from the history's first month when the history starts before it."""
    found = EFFECTIVE.search(source)
    if first_read is None or found is None:
        return None
    start = first_read.replace(day=1)
    if start >= datetime.date.fromisoformat(found.group(1)):
        return None
    return EFFECTIVE.sub(f"effective_from: {start.isoformat()}", source, count=1).replace(
        'reference: "', 'reference: "Previous resolution, same rates; ', 1
    )
