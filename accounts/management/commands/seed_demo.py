"""Load the demo district: role groups, one demo user per role, and (once) the demo records."""

from datetime import date

from django.core.management.base import CommandError

from accounts.demo import DistrictNotEmpty, generate_district
from accounts.models import ServiceAccount
from district.audit import AuditedCommand
from district.services import DEMO_STAFF, roles_sync, user_create_with_role

DEMO_PASSWORD = "district-demo"
NOT_EMPTY = (
    "The district already has {count:,} service accounts: demo records are only loaded into an "
    "empty district. Use --if-new to refresh the demo users alone, or point DATABASE_URL at a "
    "new database."
)


class Command(AuditedCommand):
    help = (
        "Create the demo district's staff users (one per role) and print their sign-ins; "
        "generate the demo records (premises, meters, customers, accounts, reads, opening "
        "balances) into an empty district."
    )

    def add_arguments(self, parser):
        parser.add_argument("--password", default=DEMO_PASSWORD)
        parser.add_argument(
            "--if-new",
            action="store_true",
            help="Only load demo records into an empty district (users are always refreshed).",
        )
        parser.add_argument("--accounts", type=int, default=300, help="Active accounts (300).")
        parser.add_argument("--years", type=int, default=2, help="Years of read history (2).")
        parser.add_argument(
            "--seed", type=int, default=1, help="Random seed: same seed, same data."
        )
        parser.add_argument(
            "--as-of",
            type=date.fromisoformat,
            default=None,
            help="Last day of the history (YYYY-MM-DD; default: end of last month).",
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
        existing = ServiceAccount.objects.count()
        if existing:
            self._not_empty(existing, if_new=options["if_new"])
            return
        try:
            summary = generate_district(
                accounts=options["accounts"],
                years=options["years"],
                seed=options["seed"],
                as_of=options["as_of"],
            )
        except DistrictNotEmpty:  # another load got there first
            self._not_empty(ServiceAccount.objects.count(), if_new=options["if_new"])
            return
        except ValueError as error:
            raise CommandError(str(error)) from error
        for line in summary.report():
            self.stdout.write(line)

    def _not_empty(self, count: int, *, if_new: bool) -> None:
        if not if_new:
            raise CommandError(NOT_EMPTY.format(count=count))
        self.stdout.write(f"Demo records: the district has {count:,} service accounts; none added.")
