"""Re-encrypt every second-factor secret under the current SECRET_KEY (after a rotation).

    SECRET_KEY=<new> SECRET_KEY_FALLBACKS=<old> python manage.py mfa_secrets_rotate

Then the old key can leave SECRET_KEY_FALLBACKS without anyone's authenticator breaking.
"""

from allauth.mfa.models import Authenticator
from django.core.management.base import BaseCommand
from django.db import transaction

from district.mfa_secrets import rotated, with_secrets


class Command(BaseCommand):
    help = "Re-encrypt the stored TOTP keys and recovery-code seeds under the current SECRET_KEY."

    @transaction.atomic
    def handle(self, *args, **options):
        count = 0
        authenticators = Authenticator.objects.select_for_update().filter(
            type__in=(Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES)
        )
        for authenticator in authenticators:
            data = with_secrets(authenticator.type, authenticator.data, rotated)
            Authenticator.objects.filter(pk=authenticator.pk).update(data=data)
            count += 1
        self.stdout.write(f"{count} authenticators re-encrypted under the current SECRET_KEY.")
