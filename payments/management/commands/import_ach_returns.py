"""Import the bank's ACH return / notification-of-change file, as the ACH returns page does.

    manage.py import_ach_returns FILE [--by USERNAME]

Prints what was returned, the fees, the autopay suspended, the changes waiting for a CSR and
the exceptions left for a person. A refused file (a count or hash that disagrees with its
controls, not a return file): the line and the reason, exit status 1, nothing written. The same
file a second time imports nothing.
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from district.attribution import audited_context
from district.errors import require
from district.money import format_money
from district.roles import Perm
from payments.autopay.returns import ach_returns_import, ach_returns_import_scheduled


class Command(BaseCommand):
    help = "Import the bank's ACH returns and notifications of change."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the NACHA return file")
        parser.add_argument(
            "--by",
            help="username the import is recorded as; needs the returns page's permission "
            "(default: the nightly jobs user)",
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file.")
        by = self._user(options["by"])
        content = path.read_bytes()
        with audited_context(task="import_ach_returns"):
            try:
                if by is None:
                    result = ach_returns_import_scheduled(content=content, file_name=path.name)
                else:
                    result = ach_returns_import(content=content, file_name=path.name, by=by)
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from error
        write = self.stdout.write
        if result.already_imported:
            write(f"{path.name} was already imported: nothing done.")
            return
        write(
            f"{path.name}: {len(result.returned)} return(s) applied, {format_money(result.fees)} "
            f"in fees, {len(result.suspended)} autopay suspended, {len(result.changes)} change(s) "
            f"waiting for a CSR, {len(result.duplicates)} already applied, "
            f"{len(result.exceptions)} exception(s)."
        )
        for entry in result.exceptions:
            write(f"  exception, line {entry.line_number}: {entry.note}")

    def _user(self, username: str | None):
        if not username:
            return None  # the nightly jobs user
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user “{username}”.")
        try:
            require(user, Perm.BALANCE_CASH, doing="import the bank's ACH returns")
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        return user
