"""Re-encrypt every stored bank account number with the newest AUTOPAY_KEYS key (docs/autopay.md)."""

from django.core.management.base import BaseCommand

from payments.autopay.enrolment import account_numbers_rotate


class Command(BaseCommand):
    help = "Re-encrypt autopay bank account numbers with the newest key in AUTOPAY_KEYS."

    def handle(self, *args, **options):
        count = account_numbers_rotate()
        self.stdout.write(f"Re-encrypted {count} bank account number(s) with the newest key.")
