"""Importing BAI2 files: once per file, once per line, all or nothing; and the command."""

import hashlib
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import ManagementUtility, call_command
from django.core.management.base import CommandError
from django.urls import reverse

from district import roles
from district.ledger.selectors import ledger_problems
from district.models import Policy
from payments.bank.imports import bai2_import
from payments.bank.selectors import exceptions_queue
from payments.models import Bai2AccountReport, Bai2File, Bai2Transaction, BankDeposit
from tests.payments.samples_bank import ACCOUNT, bai2_bytes, detail, make_deposit
from tests.payments.shared_data import SAMPLES, needs_samples

pytestmark = pytest.mark.django_db


@pytest.fixture
def finance(make_user):
    return make_user(roles.FINANCE, username="finance")


def counts():
    return (
        Bai2File.objects.count(),
        Bai2AccountReport.objects.count(),
        Bai2Transaction.objects.count(),
    )


def test_file_written_by_the_project_imports_with_its_totals(finance):
    # given
    content = bai2_bytes(
        [
            detail("301", "1500.00", bank_reference="DEP1", text="COUNTER DEPOSIT"),
            detail("698", "12.50", text="ACCOUNT ANALYSIS FEE"),
            detail("301", "1500.00", bank_reference="DEP1", text="COUNTER DEPOSIT"),
        ]
    )
    # when
    result = bai2_import(content=content, file_name="prior-day.bai2", by=finance)
    # then
    assert result.created
    assert (result.accounts, result.lines_imported, result.lines_already) == (1, 3, 0)
    stored = result.file
    assert stored.control_total == 100000 + 150000 + 1250 + 150000
    assert stored.group_count == 1
    report = stored.accounts.get()
    assert report.control_total == stored.control_total
    assert report.summaries[0] == {
        "type_code": "010",
        "amount": 100000,
        "item_count": None,
        "funds": {"type": "Z"},
    }
    lines = list(report.transactions.order_by("id"))
    assert [(line.direction, str(line.amount)) for line in lines] == [
        ("credit", "1500.00"),
        ("debit", "12.50"),
        ("credit", "1500.00"),
    ]
    # the two identical lines are both kept: their occurrence makes their keys differ
    assert lines[0].line_key != lines[2].line_key
    assert str(result.credits) == "3000.00" and str(result.debits) == "12.50"
    assert ledger_problems() == []


def test_importing_the_same_file_twice_adds_nothing(finance):
    content = bai2_bytes([detail("301", "10.00", bank_reference="X1")])
    first = bai2_import(content=content, file_name="a.bai2", by=finance)
    before = counts()
    again = bai2_import(content=content, file_name="a-again.bai2", by=finance)
    assert not again.created
    assert again.file.pk == first.file.pk
    assert "already imported on" in again.message and f"(file {first.file.pk})" in again.message
    assert counts() == before


@pytest.mark.parametrize(
    "resend",
    [
        lambda content: content.replace(b"\n", b"\r\n"),
        lambda content: content.replace(b"/\n", b"/   \n") + b"\n\n",
        lambda content: content.replace(b"\n", b"\r") + b"\x1a",
    ],
    ids=["crlf", "trailing-blanks", "cr-and-eof-mark"],
)
def test_a_file_sent_again_with_other_line_ends_or_padding_is_the_same_file(finance, resend):
    # given
    content = bai2_bytes([detail("301", "10.00", bank_reference="X1")])
    first = bai2_import(content=content, file_name="a.bai2", by=finance)
    before = counts()
    # when
    again = bai2_import(content=resend(content), file_name="a-resent.bai2", by=finance)
    # then: no second file, no duplicate account report
    assert not again.created
    assert again.file.pk == first.file.pk
    assert counts() == before


def test_a_file_stored_by_its_bytes_hash_is_still_known(finance):
    # given: a file imported when files were known by the hash of their bytes
    content = bai2_bytes([detail("301", "10.00", bank_reference="X1")])
    first = bai2_import(content=content, file_name="a.bai2", by=finance)
    Bai2File.objects.filter(pk=first.file.pk).update(sha256=hashlib.sha256(content).hexdigest())
    # when
    again = bai2_import(content=content, file_name="a-again.bai2", by=finance)
    # then
    assert not again.created and again.file.pk == first.file.pk


def test_a_line_the_bank_repeats_in_another_file_is_skipped(finance):
    repeated = detail("301", "10.00", bank_reference="X1", text="SAME")
    bai2_import(content=bai2_bytes([repeated], file_id="F1"), file_name="1.bai2", by=finance)
    second = bai2_import(
        content=bai2_bytes([repeated, detail("301", "20.00", bank_reference="X2")], file_id="F2"),
        file_name="2.bai2",
        by=finance,
    )
    assert (second.lines_imported, second.lines_already) == (1, 1)
    assert Bai2Transaction.objects.count() == 2


def test_a_file_with_a_wrong_control_total_is_refused_and_writes_nothing(finance):
    content = bai2_bytes([detail("301", "10.00")]).replace(b"\n49,101000,", b"\n49,101001,")
    with pytest.raises(ValidationError) as caught:
        bai2_import(content=content, file_name="bad.bai2", by=finance)
    assert caught.value.messages == [
        "bad.bai2 was refused: Line 5: account 1234567890 control total (49): the file states "
        "1,010.01 but its records add up to 1,010.00."
    ]
    assert counts() == (0, 0, 0)


@needs_samples
@pytest.mark.parametrize(
    ("name", "total", "accounts", "lines"),
    [
        ("bai2_mojbai2_svb_us_example.bai2", 282030196, [138884258, 143145938], 2),
        ("bai2_moov_sample1_cad_returned_cheques.bai2", 1280000, [834000, 446000], 17),
    ],
)
def test_public_samples_import_with_correct_totals(finance, name, total, accounts, lines):
    result = bai2_import(content=(SAMPLES / name).read_bytes(), file_name=name, by=finance)
    assert result.file.control_total == total
    assert [report.control_total for report in result.file.accounts.order_by("id")] == accounts
    assert result.lines_imported == lines
    again = bai2_import(content=(SAMPLES / name).read_bytes(), file_name=name, by=finance)
    assert not again.created and Bai2Transaction.objects.count() == lines


@needs_samples
def test_cad_sample_lines_keep_their_funds_and_text(finance):
    name = "bai2_moov_sample1_cad_returned_cheques.bai2"
    bai2_import(content=(SAMPLES / name).read_bytes(), file_name=name, by=finance)
    first = Bai2Transaction.objects.order_by("id").first()
    assert (first.type_code, first.direction, str(first.amount)) == ("409", "debit", "25.00")
    assert first.text == "RETURNED CHEQUE"
    assert first.funds_type == {"type": "V", "value_date": "2006-03-16", "value_time": ""}


# -- the command -----------------------------------------------------------------------------


def test_command_imports_then_says_already_imported(finance, tmp_path):
    path = tmp_path / "prior-day.bai2"
    path.write_bytes(bai2_bytes([detail("301", "42.00", bank_reference="R1")]))
    out = StringIO()
    call_command("import_bai2", str(path), "--user", "finance", stdout=out)
    printed = out.getvalue()
    assert "prior-day.bai2" in printed
    assert "account 1234567890 USD" in printed
    assert "Lines imported: 1" in printed
    assert "Lines already imported: 0" in printed
    assert "Reconciliation: matched 0 deposit(s)" in printed
    again = StringIO()
    call_command("import_bai2", str(path), stdout=again)
    assert "already imported" in again.getvalue() and "Nothing imported." in again.getvalue()
    assert Bai2Transaction.objects.count() == 1


def test_command_refuses_a_bad_file_with_the_reason_and_exit_status_1(finance, tmp_path):
    path = tmp_path / "bad.bai2"
    path.write_bytes(bai2_bytes([detail("301", "42.00")]).replace(b"99,", b"99,9"))
    with pytest.raises(CommandError, match=r"file control total \(99\)") as caught:
        call_command("import_bai2", str(path))
    assert caught.value.returncode == 1
    assert counts() == (0, 0, 0)
    # run as a program, the refusal is a message and exit status 1
    with pytest.raises(SystemExit) as exited:
        ManagementUtility(["manage.py", "import_bai2", str(path)]).execute()
    assert exited.value.code == 1


# -- accounts that receive none of the district's deposits -------------------------------------


def test_lines_of_other_accounts_are_kept_but_never_matched(finance, client):
    # given: the district's deposits go to ACCOUNT (written with leading zeros in the policy);
    # the bank's file also reports the payroll account, with a credit the size of a deposit
    Policy.objects.filter(key="bank-receipts-accounts").update(value=f"00{ACCOUNT}, 555-0001")
    deposit = make_deposit("640.00", by=finance)
    payroll = bai2_bytes(
        [detail("301", "640.00", bank_reference=f"DEP{deposit.pk}")], account="7777000123"
    )
    # when
    result = bai2_import(content=payroll, file_name="payroll.bai2", by=finance)
    # then: kept, not reconciled, not an exception; the deposit still waits for its credit
    line = Bai2Transaction.objects.get()
    assert line.status == Bai2Transaction.Status.NOT_RECONCILED
    assert line.note == "Account 7777000123 is not one that receives the district's deposits."
    assert result.lines_not_reconciled == 1 and "1 of other accounts kept" in result.message
    assert exceptions_queue() == []
    deposit.refresh_from_db()
    assert deposit.status == BankDeposit.Status.PREPARED
    client.force_login(finance)
    page = client.get(reverse("payments:bank_file", args=[result.file.pk])).content.decode()
    assert "1 of other accounts not reconciled" in page and "Lines of other accounts" in page
    # and the receipts account's own credit matches as before
    ours = bai2_bytes([detail("301", "640.00", bank_reference=f"DEP{deposit.pk}")], file_id="F2")
    bai2_import(content=ours, file_name="ours.bai2", by=finance)
    deposit.refresh_from_db()
    assert deposit.status != BankDeposit.Status.PREPARED
    assert ledger_problems() == []
