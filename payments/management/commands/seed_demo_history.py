"""Replay two years of the demo district's life through the services (payments.demo.history)."""

import logging
import time
from datetime import date

from django.core.management.base import CommandError
from django.db import connection
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
            self.stdout.write(
                "Demo history: the district already has bills or payments; none added."
            )
            return
        started = time.perf_counter()
        history = History(
            seed=options["seed"], today=today, password=options["password"], out=self.stdout.write
        )
        with _quiet_tasks(), connection.cursor() as cursor:
            # Thousands of small transactions: do not wait for each commit to reach the disk
            # (this connection only). A crash could lose the last moments, never leave the
            # books half-written; the history would then be loaded into a new database.
            cursor.execute("SET synchronous_commit TO OFF")
            try:
                totals = history.play()
            finally:
                cursor.execute("SET synchronous_commit TO DEFAULT")
        self.stdout.write(
            f"Demo history to {today:%m/%d/%Y} in {time.perf_counter() - started:.1f} s:"
        )
        for line in totals.report():
            self.stdout.write(line)


class _quiet_tasks:
    """Without a broker the bill runs' tasks run in-process, and Celery logs a line for each
    (one per chunk): the history's own progress lines are enough."""

    logger = logging.getLogger("celery.app.trace")

    def __enter__(self):
        self.level = self.logger.level
        self.logger.setLevel(logging.WARNING)

    def __exit__(self, *exc):
        self.logger.setLevel(self.level)
        return False
