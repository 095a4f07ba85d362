"""The demo customer's sign-in: `demo-customer`, holding two service accounts with bills.

Run after the demo history (bills) is loaded; running it again changes nothing but the
password. The accounts are the two active accounts with the most posted bills, of one customer
when a customer holds two (a landlord), else of two.
"""

from allauth.account.models import EmailAddress
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Count, Q

from accounts.models import ServiceAccount
from district import roles
from district.audit import AuditedCommand
from district.services import roles_sync, user_create_with_role
from portal.models import AccountLink

USERNAME = "demo-customer"
EMAIL = "demo-customer@example.org"
DEMO_PASSWORD = "district-demo"


class Command(AuditedCommand):
    help = "Create the demo customer's sign-in holding two accounts with bills."

    def add_arguments(self, parser):
        parser.add_argument("--password", default=DEMO_PASSWORD)

    @transaction.atomic
    def handle(self, *args, **options):
        roles_sync()
        user = user_create_with_role(
            username=USERNAME,
            password=options["password"],
            role=roles.CUSTOMER,
            first_name="Rosa",
            last_name="Demo",
        )
        if user.email != EMAIL:
            user.email = EMAIL
            user.save(update_fields=["email"])
        # A verified address, so the demo sign-in is not sent to confirm it.
        EmailAddress.objects.update_or_create(
            user=user, email=EMAIL, defaults={"verified": True, "primary": True}
        )
        linked = list(
            AccountLink.objects.filter(user=user).values_list("service_account", flat=True)
        )
        if len(linked) < 2:
            for account in self._two_billed_accounts(exclude=linked)[: 2 - len(linked)]:
                AccountLink.objects.get_or_create(
                    user=user, service_account=account, defaults={"method": "staff"}
                )
        numbers = ", ".join(
            account.formatted_number
            for account in ServiceAccount.objects.filter(portal_links__user=user)
        )
        self.stdout.write(f"  {USERNAME:<18} Customer ({numbers})")

    def _two_billed_accounts(self, *, exclude) -> list[ServiceAccount]:
        billed = (
            ServiceAccount.objects.filter(status=ServiceAccount.Status.ACTIVE)
            .exclude(pk__in=exclude)
            .annotate(posted=Count("bills", filter=Q(bills__status="posted")))
            .filter(posted__gt=0)
            .order_by("-posted", "pk")
        )
        # A customer holding two billed accounts (a landlord): counted over accounts, not over
        # the bills the count above joins.
        landlord = (
            ServiceAccount.objects.filter(
                status=ServiceAccount.Status.ACTIVE, bills__status="posted"
            )
            .exclude(pk__in=exclude)
            .values("customer_id")
            .annotate(accounts=Count("pk", distinct=True))
            .filter(accounts__gte=2)
            .order_by("customer_id")
            .first()
        )
        if landlord:
            return list(billed.filter(customer_id=landlord["customer_id"])[:2])
        accounts = list(billed[:2])
        if len(accounts) < 2:
            raise CommandError(
                "The demo district has fewer than two accounts with bills: load the demo "
                "history first (make run does)."
            )
        return accounts
