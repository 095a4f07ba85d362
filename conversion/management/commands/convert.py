"""manage.py convert validate|load|reconcile DIR: converting a district from its old system.

    validate DIR   read and check every file; write the report; touch no database rows
    load DIR       validate, then load in one transaction; print the control totals
    reconcile DIR  the files against the ledger, per age bucket and GL account

Exit status 1 when the files have errors, a load is refused, or a load does not reconcile.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from conversion.reconcile import reconcile
from conversion.services import (
    ConversionRefused,
    conversion_load,
    conversion_reconcile,
    conversion_validate,
    write_report,
)


class Command(BaseCommand):
    help = "Convert a district from its old system (docs/conversion.md)."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["validate", "load", "reconcile"])
        parser.add_argument("directory", type=Path)
        parser.add_argument(
            "--report-dir",
            type=Path,
            help="Where the validation report goes (default: the files' directory).",
        )

    def handle(self, *args, action, directory, report_dir=None, **options):
        if action == "reconcile":
            return self._reconcile(directory)
        if action == "validate":
            extract = conversion_validate(directory=directory)
            self._report(extract, report_dir or directory)
            if not extract.issues.ok:
                raise CommandError("The files are not valid: see the report.")
            return None
        try:
            extract, result = conversion_load(directory=directory)
        except ConversionRefused as refusal:
            raise CommandError(refusal.messages[0]) from refusal
        self._report(extract, report_dir or directory)
        self.stdout.write(f"Loaded as load {result.load.pk}. Control totals (files = loaded):")
        for key, loaded in result.totals.items():
            self.stdout.write(f"  {key:24} {extract.totals.get(key)!s:>16} = {loaded!s:>16}")
        for phase, seconds in result.phases.items():
            self.stdout.write(f"  {phase}: {seconds:.1f} s")
        return self._print(reconcile(result.load, extract.totals))

    def _report(self, extract, report_dir: Path) -> None:
        text_path, csv_path = write_report(extract, report_dir)
        issues = extract.issues
        self.stdout.write(
            f"{len(issues.errors):,} errors, {len(issues.warnings):,} warnings. "
            f"Report: {text_path} (every issue: {csv_path})"
        )

    def _reconcile(self, directory: Path) -> None:
        try:
            result = conversion_reconcile(directory=directory)
        except ConversionRefused as refusal:
            raise CommandError(refusal.messages[0]) from refusal
        return self._print(result)

    def _print(self, result) -> None:
        for line in result.lines():
            self.stdout.write(line)
        if not result.reconciled:
            raise CommandError("The ledger does not reconcile with the files.")
