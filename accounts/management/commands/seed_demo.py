"""Load the demo district: role groups, one demo user per role, and (once) the demo records."""

from django.core.management.base import BaseCommand

from district.services import DEMO_STAFF, roles_sync, user_create_with_role

DEMO_PASSWORD = "district-demo"


class Command(BaseCommand):
    help = "Create the demo district's staff users (one per role) and print their sign-ins."

    def add_arguments(self, parser):
        parser.add_argument("--password", default=DEMO_PASSWORD)
        parser.add_argument(
            "--if-new",
            action="store_true",
            help="Only load demo records into an empty district (users are always refreshed).",
        )

    def handle(self, *args, **options):
        roles_sync()
        self.stdout.write(f"Demo sign-ins (password: {options['password']}):")
        for role, username, first, last in DEMO_STAFF:
            user_create_with_role(
                username=username,
                password=options["password"],
                role=role,
                first_name=first,
                last_name=last,
            )
            self.stdout.write(f"  {username:<18} {role.label}")
