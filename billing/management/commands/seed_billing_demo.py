"""Give the demo district its billing set-up: the demo rate schedule, one billing cycle per
cycle code the demo accounts carry (with their routes), and periods through the next months."""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from accounts.models import ServiceAccount
from billing.calendar import cycle_create, periods_generate
from billing.models import BillingCycle
from billing.rate_services import rate_version_load
from district.audit import AuditedCommand

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
        _version, created = rate_version_load(source=DEMO_RATES.read_text(), by=by)
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
            periods_generate(cycle=cycle, through=through, by=by)
        self.stdout.write(f"Billing cycles: {len(seen)} new, {len(existing)} already there")
