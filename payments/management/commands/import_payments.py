"""Import a payment file (processor CSV or bank lockbox) from the command line, as the batches
page's import does, through the same service.

    manage.py import_payments FORMAT FILE [--by USERNAME]

FORMAT is one of the layouts payments.batches.files reads (processor-csv, lockbox-fixed,
lockbox-bai). Prints the batch made, what matched an account and what waits as an exception.
A refused file (bad layout, totals that disagree, already imported): the reason and exit
status 1, nothing written.
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from district.attribution import audited_context
from district.errors import require
from district.money import format_money
from district.roles import Perm
from district.services import nightly_user
from payments.batches import files
from payments.batches.services import payment_file_import
from payments.models import BatchItem


class Command(BaseCommand):
    help = "Import a payment file (processor or lockbox) as a posted batch."

    def add_arguments(self, parser):
        parser.add_argument("format", choices=list(files.FORMATS), help="the file's layout")
        parser.add_argument("file", help="the payment file")
        parser.add_argument(
            "--by",
            help="username the import is recorded as; needs the page's permission to import "
            "files (default: the nightly jobs user)",
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file.")
        by = self._user(options["by"])
        with audited_context(task="import_payments", user=by.pk):
            try:
                result = payment_file_import(
                    content=path.read_bytes(),
                    file_name=path.name,
                    file_format=options["format"],
                    by=by,
                )
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from error
        write = self.stdout.write
        batch = result.batch
        if batch is None:
            write(f"{path.name}: {result.nothing_new}; nothing written.")
            return
        write(
            f"Batch {batch.pk} ({batch.get_kind_display()}, {path.name}): {result.imported} "
            f"payment(s) for {format_money(result.total)} imported and posted; "
            f"{result.matched} matched an account, {result.exceptions} unmatched."
        )
        exceptions = BatchItem.objects.filter(
            batch=batch, status=BatchItem.Status.EXCEPTION
        ).order_by("position")
        for item in exceptions:
            write(
                f"  unmatched: item {item.position}, {format_money(item.amount)}: "
                f"{item.exception_reason}"
            )
        for skipped in result.skipped:
            write(f"  skipped (already imported): {skipped}")
        for flagged in result.cash_only:
            write(f"  cash-only customer paid by check or ACH: {flagged}")
        for withdrawal in result.withdrawn:
            write(
                f"  late penalty of {format_money(withdrawal.amount)} withdrawn on bill "
                f"{withdrawal.bill_number}"
            )

    def _user(self, username: str | None):
        if not username:
            return nightly_user()
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user “{username}”.")
        try:
            require(user, Perm.BALANCE_CASH, doing="import payment files")
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        return user
