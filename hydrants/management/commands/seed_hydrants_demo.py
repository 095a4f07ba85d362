"""Load the demo district's hydrant meters (hydrants.usage.demo), once."""

from django.core.management.base import CommandError
from django.utils import timezone

from accounts.models import ServiceAccount
from district.audit import AuditedCommand
from hydrants.usage.demo import demo_user, load_hydrant_demo


class Command(AuditedCommand):
    help = (
        "Give the demo district three hydrant meter contractors: one reporting its reads, one "
        "overdue (charged for missing reads), one meter back damaged awaiting settlement. "
        "Safe to run again (loads nothing the second time)."
    )

    def handle(self, *args, **options):
        if not ServiceAccount.objects.exists():
            raise CommandError("The district has no accounts: run seed_demo first.")
        by = demo_user()
        if by is None:
            raise CommandError("No supervisor demo user: run seed_demo first.")
        load_hydrant_demo(today=timezone.localdate(), by=by, out=self.stdout.write)
