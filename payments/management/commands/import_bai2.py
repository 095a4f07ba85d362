"""Import a bank's BAI2 prior-day file and match its lines, as the reconciliation page does.

    manage.py import_bai2 FILE [--user USERNAME]

Prints the file, its accounts, the lines imported and already imported, and what matched.
A refused file (bad structure, counts or control totals): the reason and exit status 1,
nothing written. The same file again: "already imported", nothing imported, exit status 0.
"""

from decimal import Decimal
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from district.attribution import audited_context
from district.money import format_money
from district.services import nightly_user
from payments.bank.imports import bai2_import
from payments.models import Bai2AccountReport


class Command(BaseCommand):
    help = "Import a BAI2 prior-day file from the bank and reconcile it."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the BAI2 file to import")
        parser.add_argument(
            "--user", help="username the import is recorded as (default: the nightly jobs user)"
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file.")
        if options["user"]:
            by = get_user_model().objects.filter(username=options["user"]).first()
            if by is None:
                raise CommandError(f"No user “{options['user']}”.")
        else:
            by = nightly_user()
        with audited_context(task="import_bai2", user=by.pk):
            try:
                result = bai2_import(content=path.read_bytes(), file_name=path.name, by=by)
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from error
        write = self.stdout.write
        if not result.created:
            write(f"{result.message} Nothing imported.")
            return
        stored = result.file
        write(
            f"File {stored.pk}: {stored.file_name} from {stored.sender}, created "
            f"{stored.created_on:%m/%d/%Y}, {stored.group_count} group(s), "
            f"{stored.record_count} records, control total "
            f"{format_money(_dollars(stored.control_total))}"
        )
        for report in Bai2AccountReport.objects.filter(file=stored).order_by("group_number", "id"):
            write(
                f"  account {report.account_number} {report.currency} as of "
                f"{report.as_of_date:%m/%d/%Y}: control total "
                f"{format_money(_dollars(report.control_total))}"
            )
        write(f"Lines imported: {result.lines_imported}")
        write(f"Lines already imported: {result.lines_already}")
        write(f"Credits {format_money(result.credits)}, debits {format_money(result.debits)}")
        if result.reconcile is not None:
            write(f"Reconciliation: {result.reconcile.summary()}")
            for problem in result.reconcile.problems:
                write(f"  not matched: {problem}")


def _dollars(cents: int) -> Decimal:
    return Decimal(cents) / 100
