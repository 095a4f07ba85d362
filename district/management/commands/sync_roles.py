"""Make the role groups and their permissions match district/roles.py (safe to run again)."""

from django.core.management.base import BaseCommand

from district.services import roles_sync


class Command(BaseCommand):
    help = "Create or update one group per role with exactly the role's permissions."

    def handle(self, *args, **options):
        changed = roles_sync()
        for role_name, count in changed.items():
            self.stdout.write(f"{role_name}: {count} permissions")
