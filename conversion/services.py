"""Conversion actions: validate a directory, load it, reconcile a load (thin over the modules)."""

import csv
from pathlib import Path

from conversion.issues import Issues
from conversion.load import ConversionRefused, LoadResult, load_extract
from conversion.models import ConversionLoad
from conversion.reconcile import Reconciliation, reconcile
from conversion.validate import Extract, validate_directory

REPORT_NAME = "validation-report.txt"
ISSUES_NAME = "validation-issues.csv"


def write_report(extract: Extract, report_dir: Path) -> tuple[Path, Path]:
    """The validation report (text, by file and rule) and every issue as CSV."""
    report_dir.mkdir(parents=True, exist_ok=True)
    text_path, csv_path = report_dir / REPORT_NAME, report_dir / ISSUES_NAME
    text_path.write_text("\n".join(report_lines(extract)) + "\n", encoding="utf-8")
    with csv_path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["severity", "file", "line", "rule", "message"])
        for issue in extract.issues.all():
            writer.writerow([issue.severity, issue.file, issue.line, issue.rule, issue.message])
    return text_path, csv_path


def report_lines(extract: Extract) -> list[str]:
    header = [f"Conversion files in {extract.directory}"]
    if extract.as_of:
        header.append(f"As of {extract.as_of:%m/%d/%Y}")
    header += ["", *extract.issues.report_lines(extract.row_counts())]
    if extract.totals:
        header += ["", "Totals in the files:"]
        header += [f"  {key}: {value}" for key, value in extract.totals.items()]
    return header


def conversion_validate(*, directory: Path) -> Extract:
    """Read and check a conversion directory; writes nothing to the database."""
    return validate_directory(Path(directory))


def conversion_load(*, directory: Path, by=None) -> tuple[Extract, LoadResult]:
    """Validate then load in one transaction; ConversionRefused (nothing written) otherwise."""
    extract = validate_directory(Path(directory))
    return extract, load_extract(extract, by=by)


def conversion_reconcile(*, directory: Path) -> Reconciliation:
    """The files of an earlier load against the ledger."""
    extract = validate_directory(Path(directory))
    load = ConversionLoad.objects.filter(digest=extract.digest).first()
    if load is None:
        raise ConversionRefused("These files have not been loaded: nothing to reconcile.")
    return reconcile(load, extract.totals)


__all__ = [
    "ConversionRefused",
    "Issues",
    "conversion_load",
    "conversion_reconcile",
    "conversion_validate",
    "write_report",
]
