"""Give the demo district its cash drawers (safe to run again)."""

from django.db import transaction

from district.audit import AuditedCommand
from payments.models import Drawer

DEMO_DRAWERS = (
    ("Front counter 1", "Lobby, window 1"),
    ("Front counter 2", "Lobby, window 2"),
    ("Drive-up window", "Drive-up lane"),
)


class Command(AuditedCommand):
    help = "Create the demo district's cash drawers (safe to run again)."

    @transaction.atomic
    def handle(self, *args, **options):
        created = 0
        for name, location in DEMO_DRAWERS:
            _drawer, new = Drawer.objects.get_or_create(name=name, defaults={"location": location})
            created += new
        self.stdout.write(
            f"Cash drawers: {created} new, {len(DEMO_DRAWERS) - created} already there"
        )
