"""Replay two years of the demo district's life through the services (payments.demo.history)."""

import time
from datetime import date

from django.core.management.base import CommandError
from django.utils import timezone

from accounts.management.commands.seed_demo import DEMO_PASSWORD
from accounts.models import ServiceAccount
from billing.models import Bill
from district.audit import AuditedCommand
from payments.demo.history import History
from payments.models import Payment


class Command(AuditedCommand):
    help = (
        "Give a freshly seeded demo district its history: bill runs, payments of every tender, "
        "drawers and bank deposits, returned checks, deposits, cases and work orders. Only "
        "into a district without bills or payments (safe to run again)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=1, help="Random seed (as seed_demo's).")
        parser.add_argument(
            "--today",
            type=date.fromisoformat,
            default=None,
            help="The day the history ends (YYYY-MM-DD; default: today).",
        )
        parser.add_argument("--password", default=DEMO_PASSWORD)

    def handle(self, *args, **options):
        today = options["today"] or timezone.localdate()
        if today > timezone.localdate():
            raise CommandError("The history cannot end in the future.")
        if not ServiceAccount.objects.exists():
            raise CommandError("The district has no accounts: run seed_demo first.")
        if Bill.objects.exists() or Payment.objects.exists():
            self.stdout.write("Demo history: the district already has bills or payments; none added.")
            return
        started = time.perf_counter()
        history = History(
            seed=options["seed"], today=today, password=options["password"], out=self.stdout.write
        )
        totals = history.play()
        self.stdout.write(f"Demo history to {today:%m/%d/%Y} in {time.perf_counter() - started:.1f} s:")
        for line in totals.report():
            self.stdout.write(line)
