"""End a user's password now and e-mail them a reset link (when nobody can reach the admin)."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from district.audit import AuditedCommand
from district.password_reset import password_reset_force


class Command(AuditedCommand):
    help = (
        "Make USERNAME's password unusable (ending their sessions) and e-mail them a "
        "single-use reset link. Links point at PORTAL_BASE_URL unless --base-url is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--base-url",
            default="",
            help="Where the portal is reached, e.g. https://portal.example.org",
        )

    def handle(self, *args, username, base_url, **options):
        base_url = (base_url or settings.PORTAL_BASE_URL).strip()
        if not base_url.startswith(("https://", "http://")):
            raise CommandError(
                "The e-mailed link needs the portal's address: set PORTAL_BASE_URL or pass "
                "--base-url https://portal.example.org"
            )
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user is named {username!r}.")
        password_reset_force(user=user, by=None, base_url=base_url)
        if user.email and user.is_active:
            self.stdout.write(f"{username}: password ended; a reset link goes to {user.email}.")
        else:
            self.stdout.write(
                f"{username}: password ended; no link sent (the user is inactive or has no "
                "e-mail address)."
            )
