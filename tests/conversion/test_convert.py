"""Conversion: the example set loads and reconciles; each kind of bad input is reported with its
file, line and rule, and nothing is loaded."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import Contact, Customer, CustomerFlag, Deposit, ServiceAccount
from accounts.numbers import is_valid_luhn
from accounts.search import search_accounts
from billing.arrangements.models import Arrangement
from conversion import formats, load
from conversion.models import ConversionLoad, LegacyIdentifier
from conversion.reconcile import reconcile
from conversion.services import ConversionRefused, conversion_load, conversion_validate
from district.ledger.models import Journal, JournalLine
from district.ledger.selectors import account_aging
from field_ops.models import Meter, MeterInstallation, MeterRead, Premise
from tests.conversion.conftest import EXAMPLE, append_to, replace_in

DOCS = Path(__file__).resolve().parents[2] / "docs" / "conversion.md"
LOADED_MODELS = (
    Customer,
    Premise,
    Meter,
    MeterInstallation,
    MeterRead,
    ServiceAccount,
    Deposit,
    Arrangement,
    CustomerFlag,
    Contact,
    Journal,
    JournalLine,
    ConversionLoad,
    LegacyIdentifier,
)


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in LOADED_MODELS}


def _rules(extract) -> set[tuple[str, int, str]]:
    return {(issue.file, issue.line, issue.rule) for issue in extract.issues.errors}


def _refused_and_nothing_loaded(directory: Path) -> None:
    before = _counts()
    with pytest.raises(ConversionRefused):
        conversion_load(directory=directory)
    assert _counts() == before


# --- the example set


def test_the_documented_example_validates_cleanly():
    # when
    extract = conversion_validate(directory=EXAMPLE)
    # then
    assert extract.issues.errors == []
    assert extract.issues.warnings == []
    assert extract.totals["balance_total"] == Decimal("2773.90")


def test_validation_touches_no_database():
    # given: no database access allowed in this test (pytest-django raises on any)
    # when
    extract = conversion_validate(directory=EXAMPLE)
    # then
    assert extract.issues.ok


@pytest.mark.django_db
def test_the_example_loads_reconciles_and_is_found_by_its_old_numbers(files):
    # when
    extract, result = conversion_load(directory=files)
    # then: every control total equals the files'
    for key, loaded in result.totals.items():
        assert extract.totals[key] == loaded, key
    assert reconcile(result.load, extract.totals).reconciled
    cafe = ServiceAccount.objects.get(legacy_number__number="100-2003")
    assert is_valid_luhn(cafe.number)
    assert cafe.customer.business_name == "Harbor Cafe, LLC"  # a quoted comma
    assert cafe.premise.owner_name == "Harbor Holdings, Inc."
    aging = account_aging(cafe.pk, as_of=extract.as_of)
    assert (aging.current, aging.days_30, aging.days_120_plus) == (
        Decimal("1204.40"),
        Decimal("980.00"),
        Decimal("310.75"),
    )
    hits = search_accounts("100-2003")
    assert [hit.account_id for hit in hits] == [cafe.pk]
    assert hits[0].matched == "Former account number"
    assert search_accounts("099-1999")[0].status == "final"
    # both date forms read: 06/14/2022 and 2016-01-20
    assert MeterInstallation.objects.filter(meter__serial="M-0001").get().installed_on.year == 2022
    assert Meter.objects.get(serial="M-0005").status == Meter.Status.REMOVED
    assert Deposit.objects.filter(account=cafe).get().amount == Decimal("400.00")
    plan = Arrangement.objects.get()
    assert (plan.amount, plan.installments.count()) == (Decimal("168.25"), 3)
    assert set(CustomerFlag.objects.values_list("flag", flat=True)) == {
        "cash_only",
        "medical",
        "life_support",
    }
    note = Contact.objects.get(customer__last_name="O'Brien")
    assert 'says "paycheck on the 15th"' in note.notes


@pytest.mark.django_db
def test_a_second_load_of_the_same_files_is_refused_and_writes_nothing(files):
    # given
    conversion_load(directory=files)
    # when / then
    _refused_and_nothing_loaded(files)


@pytest.mark.django_db
def test_other_files_with_accounts_converted_before_are_refused(files):
    # given
    conversion_load(directory=files)
    append_to(files / "notes.csv", "C1001,,2026-11-29,PH,Another note")
    # when / then
    _refused_and_nothing_loaded(files)


@pytest.mark.django_db
def test_a_load_failing_half_way_leaves_nothing(files, monkeypatch):
    # given: the ledger refuses once the records are copied
    def fail(*args, **kwargs):
        raise RuntimeError("the server went away")

    monkeypatch.setattr(load, "_post_ledger", fail)
    before = _counts()
    # when
    with pytest.raises(RuntimeError):
        conversion_load(directory=files)
    # then
    assert _counts() == before


@pytest.mark.django_db
def test_the_command_validates_loads_and_prints_the_reconciliation(files, tmp_path, capsys):
    # when
    call_command("convert", "validate", str(files), "--report-dir", str(tmp_path))
    call_command("convert", "load", str(files), "--report-dir", str(tmp_path))
    # then
    out = capsys.readouterr().out
    assert "balance_total                     2773.90 =          2773.90" in out
    assert "RECONCILED to the cent" in out
    assert "VALID" in (tmp_path / "validation-report.txt").read_text()


# --- encodings, quoting, blank lines, dates


@pytest.mark.django_db
def test_latin_1_and_utf_8_with_a_byte_order_mark_are_both_read(files):
    # given
    customers = files / "customers.csv"
    customers.write_bytes(
        customers.read_text(encoding="utf-8").replace("Ana,Nguyen", "Ana,Peña").encode("latin-1")
    )
    premises = files / "premises.csv"
    premises.write_bytes(b"\xef\xbb\xbf" + premises.read_bytes())
    # when
    extract, _result = conversion_load(directory=files)
    # then
    assert [(w.file, w.rule) for w in extract.issues.warnings] == [("customers.csv", "encoding")]
    assert Customer.objects.filter(last_name="Peña").exists()
    assert Premise.objects.count() == 4


def test_blank_lines_are_skipped_and_lines_keep_their_numbers(files):
    # given: installations.csv has a blank line 5; line 6 now names an unknown premise
    replace_in(files / "installations.csv", "M-0003,P503", "M-0003,P999")
    # when
    extract = conversion_validate(directory=files)
    # then
    assert _rules(extract) == {("installations.csv", 6, "unknown_reference")}


def test_a_date_in_neither_format_is_reported_with_its_line(files):
    # given
    replace_in(files / "reads.csv", "11/01/2026", "2026.11.01")
    # when
    extract = conversion_validate(directory=files)
    # then
    assert _rules(extract) == {("reads.csv", 8, "type_date")}


def test_a_quoted_value_with_a_wrong_column_count_is_reported(files):
    # given: an unquoted comma splits a name in two
    replace_in(files / "customers.csv", '"Harbor Cafe, LLC"', "Harbor Cafe, LLC")
    # when
    extract = conversion_validate(directory=files)
    # then
    assert {
        ("customers.csv", 4, "column_count"),
        ("accounts.csv", 4, "unknown_reference"),
    } <= _rules(extract)


# --- rules per file and across files


@pytest.mark.django_db
def test_a_meter_on_two_premises_is_refused_with_its_line(files):
    # given
    append_to(files / "installations.csv", "M-0002,P504,2024-01-01,0,,")
    # when
    extract = conversion_validate(directory=files)
    # then
    assert _rules(extract) == {("installations.csv", 8, "meter_on_two_premises")}
    _refused_and_nothing_loaded(files)


@pytest.mark.django_db
def test_buckets_that_do_not_sum_to_the_balance_are_refused_with_the_line(files):
    # given
    replace_in(
        files / "balances.csv", "61.15,55.10,52.00,0,0,168.25", "61.15,55.10,52.00,0,0,168.00"
    )
    replace_in(files / "control.csv", 'balance_total,"2,773.90"', "balance_total,2773.65")
    # when
    extract = conversion_validate(directory=files)
    # then
    assert ("balances.csv", 3, "buckets_do_not_sum") in _rules(extract)
    _refused_and_nothing_loaded(files)


def test_a_credit_in_an_aged_bucket_is_refused(files):
    # given
    replace_in(files / "balances.csv", "100-2004,-25.00,0,", "100-2004,-25.00,10.00,")
    replace_in(files / "balances.csv", "0,0,0,-25.00", "0,0,0,-15.00")
    # when
    extract = conversion_validate(directory=files)
    # then
    assert ("balances.csv", 5, "credit_in_aged_bucket") in _rules(extract)


def test_an_old_code_the_mapping_does_not_translate_is_reported(files):
    # given
    replace_in(files / "accounts.csv", "100-2003,C1003,P503,C1", "100-2003,C1003,P503,XX9")
    # when
    extract = conversion_validate(directory=files)
    # then
    assert _rules(extract) == {("accounts.csv", 4, "unknown_code")}


def test_a_mapping_to_a_code_we_do_not_have_is_reported(files):
    # given
    append_to(files / "mapping.csv", "meter_size,99,7/8")
    # when
    extract = conversion_validate(directory=files)
    # then
    assert _rules(extract) == {("mapping.csv", 24, "unknown_code")}


def test_duplicates_and_dangling_references_are_reported(files):
    # given
    append_to(files / "customers.csv", "C1001,P,Maria,Lopez,,,,,9 Other St,,Mesa Verde,CA,93001,en")
    append_to(files / "deposits.csv", "999-0000,50.00,2020-01-01")
    # when
    extract = conversion_validate(directory=files)
    # then
    assert {
        ("customers.csv", 6, "duplicate_key"),
        ("deposits.csv", 4, "unknown_reference"),
    } <= _rules(extract)


def test_a_premise_with_two_active_accounts_is_refused(files):
    # given
    append_to(files / "accounts.csv", "100-2009,C1004,P501,R1,1,monthly,A,2020-01-01,,T,N,N")
    replace_in(files / "control.csv", "accounts,5", "accounts,6")
    # when
    extract = conversion_validate(directory=files)
    # then
    assert _rules(extract) == {("accounts.csv", 7, "two_active_accounts")}


@pytest.mark.django_db
def test_a_meter_installed_twice_and_a_duplicate_customer_are_warnings(files):
    # given
    append_to(files / "installations.csv", "M-0004,P504,05/05/2019,0,,")
    append_to(files / "customers.csv", "C1005,P,Maria,Lopez,,,,,120 Oak St,,Mesa Verde,CA,93001,es")
    replace_in(files / "control.csv", "customers,4", "customers,5")
    # when
    extract, _result = conversion_load(directory=files)
    # then: both loaded as warned (the repeated installation once)
    assert {(w.file, w.line, w.rule) for w in extract.issues.warnings} == {
        ("installations.csv", 8, "meter_installed_twice"),
        ("customers.csv", 6, "duplicate_customer"),
    }
    assert MeterInstallation.objects.filter(meter__serial="M-0004").count() == 1


def test_control_totals_that_differ_from_the_files_are_refused(files):
    # given
    replace_in(files / "control.csv", "deposits_total,475.00", "deposits_total,476.00")
    # when
    extract = conversion_validate(directory=files)
    # then
    assert _rules(extract) == {("control.csv", 15, "control_mismatch")}


def test_a_missing_file_and_a_missing_column_are_reported(files):
    # given
    (files / "premises.csv").unlink()
    replace_in(files / "meters.csv", "serial,size,", "serial,sise,")
    # when
    extract = conversion_validate(directory=files)
    # then
    assert {("premises.csv", 0, "missing_file"), ("meters.csv", 1, "header")} <= _rules(extract)


def test_the_command_exits_with_an_error_for_invalid_files(files, tmp_path):
    # given
    append_to(files / "installations.csv", "M-0002,P504,2024-01-01,0,,")
    # when / then
    with pytest.raises(CommandError):
        call_command("convert", "validate", str(files), "--report-dir", str(tmp_path))
    report = (tmp_path / "validation-report.txt").read_text()
    assert "error meter_on_two_premises: 1" in report
    assert "line 8:" in report


# --- the documentation


def test_the_documentation_names_every_file_column_and_code_list():
    text = DOCS.read_text(encoding="utf-8")
    for file_format in formats.ALL_FILES:
        assert f"`{file_format.name}`" in text, file_format.name
        for column in file_format.columns:
            assert f"`{column.name}`" in text, f"{file_format.name} {column.name}"
    for code_list, codes in formats.CODE_LISTS.items():
        assert f"`{code_list}`" in text, code_list
        for code in codes:
            assert f"`{code}`" in text, f"{code_list} {code}"


@pytest.mark.django_db
def test_reconcile_compares_the_files_with_the_ledger_after_the_load(files, capsys):
    # given
    conversion_load(directory=files)
    # when
    call_command("convert", "reconcile", str(files))
    # then
    out = capsys.readouterr().out
    assert "GL 3900 Opening balances (conversion)           -2,298.90        -2,298.90" in out
    assert "RECONCILED to the cent" in out


def test_reconcile_refuses_files_never_loaded(files, db):
    # when / then
    with pytest.raises(CommandError, match="not been loaded"):
        call_command("convert", "reconcile", str(files))
