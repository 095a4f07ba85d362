"""What validation found: errors (nothing loads) and warnings, each with its file, line and rule."""

from collections import Counter, defaultdict
from dataclasses import dataclass

ERROR, WARNING = "error", "warning"
# Lines listed per rule in the text report (every issue is in the CSV beside it).
LINES_SHOWN = 50


@dataclass(frozen=True)
class Issue:
    severity: str
    file: str
    line: int  # the file's own line number (1 = header); 0 = the file as a whole
    rule: str
    message: str


class Issues:
    def __init__(self):
        self.errors: list[Issue] = []
        self.warnings: list[Issue] = []

    def error(self, file: str, line: int, rule: str, message: str) -> None:
        self.errors.append(Issue(ERROR, file, line, rule, message))

    def warning(self, file: str, line: int, rule: str, message: str) -> None:
        self.warnings.append(Issue(WARNING, file, line, rule, message))

    @property
    def ok(self) -> bool:
        return not self.errors

    def all(self) -> list[Issue]:
        return sorted([*self.errors, *self.warnings], key=lambda i: (i.file, i.line, i.rule))

    def report_lines(self, rows: dict[str, int]) -> list[str]:
        """The text report: per file, its rows, then errors and warnings by rule with lines."""
        by_file: dict[str, list[Issue]] = defaultdict(list)
        for issue in self.all():
            by_file[issue.file].append(issue)
        lines = [
            f"Errors: {len(self.errors):,}   Warnings: {len(self.warnings):,}   "
            + ("VALID: the files can be loaded" if self.ok else "NOT VALID: nothing can be loaded"),
            "",
        ]
        for file in sorted(set(rows) | set(by_file)):
            lines.append(f"{file}: {rows.get(file, 0):,} rows")
            for severity in (ERROR, WARNING):
                found = [issue for issue in by_file.get(file, []) if issue.severity == severity]
                counts = Counter(issue.rule for issue in found)
                for rule, count in sorted(counts.items()):
                    lines.append(f"  {severity} {rule}: {count:,}")
                    shown = [issue for issue in found if issue.rule == rule][:LINES_SHOWN]
                    for issue in shown:
                        where = f"line {issue.line}" if issue.line else "file"
                        lines.append(f"    {where}: {issue.message}")
                    if count > LINES_SHOWN:
                        lines.append(f"    ... and {count - LINES_SHOWN:,} more (see the CSV)")
        return lines
