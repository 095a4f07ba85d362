"""Validation: every file read and typed, then the rules per file and across files.

Nothing here touches the database: `convert validate` runs it alone, and `convert load` runs
it first and loads only when it found no error.
"""

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from conversion import formats
from conversion.formats import BUCKETS, CODE_LISTS, FileFormat
from conversion.issues import Issues
from conversion.reader import Converter, ParsedFile, parse_date, parse_money, read_file

ZERO = Decimal("0.00")
_NOT_DIGIT = re.compile(r"\D")


@dataclass
class Extract:
    """The validated files: typed rows, the control totals, and what was found."""

    directory: Path
    issues: Issues
    files: dict[str, ParsedFile] = field(default_factory=dict)
    control: dict[str, str] = field(default_factory=dict)
    as_of: date | None = None
    totals: dict[str, object] = field(default_factory=dict)  # what the files hold

    def rows(self, file_format: FileFormat) -> list[tuple[int, dict]]:
        return self.files[file_format.name].rows

    @property
    def digest(self) -> str:
        """One SHA-256 for the set of files (their names and contents)."""
        joined = "".join(f"{name}:{sha256}\n" for name, sha256 in self.hashes().items())
        return hashlib.sha256(joined.encode()).hexdigest()

    def hashes(self) -> dict[str, str]:
        return {
            name: parsed.sha256 for name, parsed in sorted(self.files.items()) if parsed.present
        }

    def row_counts(self) -> dict[str, int]:
        return {name: len(parsed.rows) for name, parsed in self.files.items() if parsed.present}


def normalise_old_number(text: str) -> str:
    """An old account number as kept and searched: upper-cased, without spaces."""
    return text.replace(" ", "").upper()


def validate_directory(directory: Path) -> Extract:
    """Read and check every file of a conversion directory (no database access)."""
    directory = Path(directory)
    issues = Issues()
    extract = Extract(directory, issues)
    if not directory.is_dir():
        issues.error(str(directory), 0, "missing_directory", "No such directory.")
        return extract
    mapping_file = read_file(directory, formats.MAPPING, None, issues)
    extract.files[formats.MAPPING.name] = mapping_file
    converter = Converter(_mapping(mapping_file, issues), CODE_LISTS)
    control_file = read_file(directory, formats.CONTROL, None, issues)
    extract.files[formats.CONTROL.name] = control_file
    for file_format in formats.FILES:
        extract.files[file_format.name] = read_file(directory, file_format, converter, issues)
    for file_format in (formats.CONTROL, *formats.FILES):
        _refuse_duplicate_keys(extract.files[file_format.name], issues)
    _check_customers(extract)
    _check_premises(extract)
    _check_meters_and_installations(extract)
    _check_accounts(extract)
    _check_money(extract)
    _check_others(extract)
    _check_control(extract, control_file)
    return extract


def _mapping(parsed: ParsedFile, issues: Issues) -> dict[tuple[str, str], str]:
    mapping = {}
    name = formats.MAPPING.name
    for line, row in parsed.rows:
        code_list, old, new = row["code_list"].lower(), row["old_code"], row["new_code"].lower()
        if code_list not in CODE_LISTS:
            issues.error(name, line, "unknown_code_list", f"No code list is named {code_list!r}.")
        elif new not in CODE_LISTS[code_list]:
            issues.error(
                name,
                line,
                "unknown_code",
                f"{new!r} is not one of our {code_list} codes: "
                + ", ".join(sorted(CODE_LISTS[code_list])),
            )
        else:
            mapping[(code_list, old.upper())] = new
    return mapping


def _refuse_duplicate_keys(parsed: ParsedFile, issues: Issues) -> None:
    key = parsed.format.key
    if not key:
        return
    seen: dict[tuple, int] = {}
    for line, row in parsed.rows:
        value = tuple(
            normalise_old_number(row[c]) if isinstance(row[c], str) else row[c] for c in key
        )
        if any(part is None or part == "" for part in value):
            continue
        if value in seen:
            issues.error(
                parsed.format.name,
                line,
                "duplicate_key",
                f"{', '.join(key)} {', '.join(map(str, value))} is also on line {seen[value]}.",
            )
        else:
            seen[value] = line


def _phone(text: str) -> str | None:
    digits = _NOT_DIGIT.sub("", text or "")
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    return digits if len(digits) == 10 or not digits else None


def _check_customers(extract: Extract) -> None:
    issues, name = extract.issues, formats.CUSTOMERS.name
    people: dict[tuple, int] = {}
    for line, row in extract.rows(formats.CUSTOMERS):
        if row["kind"] == "person" and not row["last_name"]:
            issues.error(name, line, "customer_name", "A person needs a last name.")
        if row["kind"] == "business" and not row["business_name"]:
            issues.error(name, line, "customer_name", "A business needs its name.")
        for column in ("phone", "alternate_phone"):
            phone = _phone(row[column])
            if phone is None:
                issues.error(name, line, "phone", f"{column} {row[column]!r} is not 10 digits.")
            row[column] = phone or ""
        if row["email"] and "@" not in row["email"]:
            issues.warning(name, line, "email", f"email {row['email']!r} is not kept.")
            row["email"] = ""
        same = (
            (row["last_name"] or "").upper(),
            (row["first_name"] or "").upper(),
            (row["business_name"] or "").upper(),
            (row["mailing_line1"] or "").upper(),
            row["mailing_zip"],
        )
        if any(same[:3]) and same[3]:
            if same in people:
                issues.warning(
                    name,
                    line,
                    "duplicate_customer",
                    f"Same name and mailing address as line {people[same]}: loaded as two "
                    "customers (merge them after the conversion if they are one).",
                )
            else:
                people[same] = line


def _check_premises(extract: Extract) -> None:
    issues, name = extract.issues, formats.PREMISES.name
    for line, row in extract.rows(formats.PREMISES):
        units = row["dwelling_units"]
        if units is not None and units < 1:
            issues.error(name, line, "dwelling_units", "dwelling_units is at least 1.")
        elif row["premise_type"] == "multi_family" and units is not None and units < 2:
            issues.error(
                name, line, "dwelling_units", "A multi-family premise has at least two units."
            )
        if row["read_sequence"] is not None and row["read_sequence"] < 0:
            issues.error(name, line, "read_sequence", "read_sequence cannot be negative.")


def _ids(extract: Extract, file_format: FileFormat, column: str) -> dict[str, int]:
    """{identifier: line} of a file's rows."""
    return {row[column]: line for line, row in extract.rows(file_format) if row[column]}


def _check_meters_and_installations(extract: Extract) -> None:
    issues = extract.issues
    for line, row in extract.rows(formats.METERS):
        if row["dials"] is not None and not 3 <= row["dials"] <= 10:
            issues.error(formats.METERS.name, line, "dials", "dials is 3 to 10.")
        if row["multiplier"] is not None and row["multiplier"] <= 0:
            issues.error(formats.METERS.name, line, "multiplier", "multiplier is above zero.")
    meters = _ids(extract, formats.METERS, "serial")
    premises = _ids(extract, formats.PREMISES, "premise_id")
    name = formats.INSTALLATIONS.name
    by_meter: dict[str, list[tuple[int, dict]]] = defaultdict(list)
    kept = []
    for line, row in extract.rows(formats.INSTALLATIONS):
        ok = _known(issues, name, line, "serial", row["serial"], meters, formats.METERS)
        ok &= _known(
            issues, name, line, "premise_id", row["premise_id"], premises, formats.PREMISES
        )
        installed, removed = row["installed_on"], row["removed_on"]
        if installed and removed and removed < installed:
            issues.error(name, line, "dates", "removed_on is before installed_on.")
            ok = False
        if removed and row["removal_reading"] is None:
            issues.error(
                name, line, "removal_reading", "A removed meter needs its removal_reading."
            )
            ok = False
        if not removed and row["removal_reading"] is not None:
            issues.error(name, line, "removal_reading", "removal_reading without removed_on.")
            ok = False
        if not ok or installed is None:
            kept.append((line, row))
            continue
        duplicate = next(
            (
                other_line
                for other_line, other in by_meter[row["serial"]]
                if (other["premise_id"], other["installed_on"], other["removed_on"])
                == (row["premise_id"], installed, removed)
            ),
            None,
        )
        if duplicate is not None:
            issues.warning(
                name,
                line,
                "meter_installed_twice",
                f"Meter {row['serial']} is installed here as on line {duplicate}: "
                "this row is skipped.",
            )
            continue
        for other_line, other in by_meter[row["serial"]]:
            if _overlap(other, row):
                rule = (
                    "meter_on_two_premises"
                    if other["premise_id"] != row["premise_id"]
                    else "overlapping_installations"
                )
                issues.error(
                    name,
                    line,
                    rule,
                    f"Meter {row['serial']} is at premise {row['premise_id']} while line "
                    f"{other_line} has it at premise {other['premise_id']}.",
                )
        by_meter[row["serial"]].append((line, row))
        kept.append((line, row))
    extract.files[name].rows = kept


def _overlap(first: dict, second: dict) -> bool:
    far = date.max
    return first["installed_on"] < (second["removed_on"] or far) and second["installed_on"] < (
        first["removed_on"] or far
    )


def _known(issues, file, line, column, value, known: dict, target: FileFormat) -> bool:
    if value and value not in known:
        issues.error(file, line, "unknown_reference", f"{column} {value} is not in {target.name}.")
        return False
    return True


def _check_accounts(extract: Extract) -> None:
    issues, name = extract.issues, formats.ACCOUNTS.name
    customers = _ids(extract, formats.CUSTOMERS, "customer_id")
    premises = _ids(extract, formats.PREMISES, "premise_id")
    active_at: dict[str, int] = {}
    for line, row in extract.rows(formats.ACCOUNTS):
        row["account_number"] = normalise_old_number(row["account_number"])
        _known(issues, name, line, "customer_id", row["customer_id"], customers, formats.CUSTOMERS)
        _known(issues, name, line, "premise_id", row["premise_id"], premises, formats.PREMISES)
        start, end, status = row["start_date"], row["end_date"], row["status"]
        if start and end and end < start:
            issues.error(name, line, "dates", "end_date is before start_date.")
        if status == "active" and end:
            issues.error(name, line, "end_date", "An active account has no end_date.")
        if status in ("final", "closed") and not end:
            issues.error(name, line, "end_date", f"A {status} account needs its end_date.")
        if status == "active" and row["premise_id"]:
            if row["premise_id"] in active_at:
                issues.error(
                    name,
                    line,
                    "two_active_accounts",
                    f"Premise {row['premise_id']} already has an active account on line "
                    f"{active_at[row['premise_id']]}.",
                )
            else:
                active_at[row["premise_id"]] = line


def _money_rows(extract: Extract, file_format: FileFormat, accounts: dict[str, int]):
    """Rows of a money file whose account is known (the others reported)."""
    name = file_format.name
    for line, row in extract.rows(file_format):
        row["account_number"] = normalise_old_number(row["account_number"])
        if _known(
            extract.issues,
            name,
            line,
            "account_number",
            row["account_number"],
            accounts,
            formats.ACCOUNTS,
        ):
            yield line, row


def _check_money(extract: Extract) -> None:
    issues = extract.issues
    accounts = _ids(extract, formats.ACCOUNTS, "account_number")
    name = formats.BALANCES.name
    totals = dict.fromkeys(BUCKETS, ZERO) | {"total": ZERO}
    balance_of: dict[str, Decimal] = {}
    for line, row in _money_rows(extract, formats.BALANCES, accounts):
        buckets = [row[bucket] for bucket in BUCKETS]
        if None in buckets or row["total"] is None:
            continue
        if sum(buckets) != row["total"]:
            issues.error(
                name,
                line,
                "buckets_do_not_sum",
                f"The buckets sum to {sum(buckets)}, not the total {row['total']}.",
            )
            continue
        aged = buckets[1:]
        if any(amount < 0 for amount in aged) or (row["current"] < 0 and any(aged)):
            issues.error(
                name,
                line,
                "credit_in_aged_bucket",
                "A credit balance sits in current, with the older buckets zero.",
            )
            continue
        for bucket in BUCKETS:
            totals[bucket] += row[bucket]
        totals["total"] += row["total"]
        balance_of[row["account_number"]] = row["total"]
    for bucket, amount in totals.items():
        extract.totals[f"balance_{bucket}"] = amount

    deposits_total = ZERO
    for line, row in _money_rows(extract, formats.DEPOSITS, accounts):
        if row["amount"] is not None and row["amount"] <= 0:
            issues.error(formats.DEPOSITS.name, line, "amount", "A deposit held is above zero.")
        elif row["amount"] is not None:
            deposits_total += row["amount"]
    extract.totals["deposits_total"] = deposits_total

    name = formats.ARRANGEMENTS.name
    plans: dict[str, list[tuple[int, dict]]] = defaultdict(list)
    for line, row in _money_rows(extract, formats.ARRANGEMENTS, accounts):
        if row["amount"] is not None and row["amount"] <= 0:
            issues.error(name, line, "amount", "An installment is above zero.")
        plans[row["account_number"]].append((line, row))
    for number, rows in plans.items():
        first_line = rows[0][0]
        if sorted(row["installment"] or 0 for _, row in rows) != list(range(1, len(rows) + 1)):
            issues.error(
                name,
                first_line,
                "installment_numbers",
                f"Account {number}: installments are numbered 1, 2, 3, ... once each.",
            )
        if len({row["arranged_on"] for _, row in rows}) > 1:
            issues.error(
                name, first_line, "arranged_on", f"Account {number}: one arranged_on per plan."
            )
        planned = sum((row["amount"] or ZERO) for _, row in rows)
        if planned > balance_of.get(number, ZERO):
            issues.warning(
                name,
                first_line,
                "arrangement_over_balance",
                f"Account {number}: the plan ({planned}) is more than the balance "
                f"({balance_of.get(number, ZERO)}).",
            )


def _check_others(extract: Extract) -> None:
    issues = extract.issues
    meters = _ids(extract, formats.METERS, "serial")
    for line, row in extract.rows(formats.READS):
        _known(issues, formats.READS.name, line, "serial", row["serial"], meters, formats.METERS)
        if row["reading"] is not None and row["reading"] < 0:
            issues.error(formats.READS.name, line, "reading", "A reading cannot be negative.")
    customers = _ids(extract, formats.CUSTOMERS, "customer_id")
    accounts = _ids(extract, formats.ACCOUNTS, "account_number")
    for file_format in (formats.FLAGS, formats.NOTES):
        for line, row in extract.rows(file_format):
            _known(
                issues,
                file_format.name,
                line,
                "customer_id",
                row["customer_id"],
                customers,
                formats.CUSTOMERS,
            )
            if row.get("account_number"):
                row["account_number"] = normalise_old_number(row["account_number"])
                _known(
                    issues,
                    file_format.name,
                    line,
                    "account_number",
                    row["account_number"],
                    accounts,
                    formats.ACCOUNTS,
                )


def _check_control(extract: Extract, parsed: ParsedFile) -> None:
    """control.csv's totals, from the old system, against what the files hold."""
    issues, name = extract.issues, formats.CONTROL.name
    known = {*formats.CONTROL_COUNTS, *formats.CONTROL_MONEY, *formats.CONTROL_OTHER}
    lines = {}
    for line, row in parsed.rows:
        key = row["name"].lower()
        if key not in known:
            issues.warning(name, line, "unknown_total", f"{key} is not a control total we check.")
        extract.control[key] = row["value"]
        lines[key] = line
    if not parsed.present:
        return
    if "as_of" not in extract.control:
        issues.error(name, 0, "as_of", "as_of (the conversion date) is required.")
    else:
        try:
            extract.as_of = parse_date(extract.control["as_of"])
        except ValueError:
            issues.error(name, lines["as_of"], "as_of", "as_of is not a date.")
    for key, file_format in formats.CONTROL_COUNTS.items():
        extract.totals[key] = len(extract.rows(file_format))
    for key in (*formats.CONTROL_COUNTS, *formats.CONTROL_MONEY):
        if key not in extract.control:
            continue
        found = extract.totals.get(key)
        try:
            expected = (
                int(extract.control[key].replace(",", ""))
                if key in formats.CONTROL_COUNTS
                else parse_money(extract.control[key])
            )
        except (ValueError, ArithmeticError):
            issues.error(name, lines[key], "control_value", f"{key} is not a number.")
            continue
        if expected != found:
            issues.error(
                name,
                lines[key],
                "control_mismatch",
                f"{key}: the old system's total is {expected}; the files hold {found}.",
            )
