"""Final bills reach the customer like run bills: the nightly day's print data file for the
mail house, an email with the portal link for paperless customers, and each bill only once."""

import csv
import io

import pytest
from django.core import mail
from django.urls import reverse

from billing import tasks
from billing.bill_runs import issue
from billing.models import Bill, PrintFile
from district import roles
from district.ledger.selectors import ledger_problems
from tests.billing.test_final_bills import TODAY, _pending_final

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.PORTAL_BASE_URL = "https://portal.example.org"


def _rows(print_file: PrintFile) -> list[dict]:
    with print_file.file.open("rb") as handle:
        return list(csv.DictReader(io.StringIO(handle.read().decode("utf-8"))))


def test_the_nightly_task_prints_final_bills_and_emails_paperless_customers(
    rates, django_capture_on_commit_callbacks
):
    # given two accounts waiting for their final bills, one of them paperless
    mailed = _pending_final()
    paperless = _pending_final()
    paperless.paperless = True
    paperless.save(update_fields=["paperless"])
    # when the nightly final-bills task runs
    with django_capture_on_commit_callbacks(execute=True):
        made = tasks.final_bills_run(on_date=TODAY.isoformat())
    # then both are billed; the mailed one is in the day's print file, to the forwarding address
    assert len(made) == 2
    print_file = PrintFile.objects.get()
    assert print_file.issued_on == TODAY and print_file.bill_count == 1
    (row,) = _rows(print_file)
    mailed_bill = Bill.objects.get(account=mailed)
    assert row["bill_number"] == mailed_bill.number and row["bill_kind"] == "final"
    assert row["mail_line1"] == "9 New Rd"
    assert row["account_number"] == mailed.formatted_number
    # and the paperless customer got an email with the portal link
    paperless_bill = Bill.objects.get(account=paperless)
    (message,) = mail.outbox
    assert message.to == [paperless.customer.email]
    assert f"https://portal.example.org/portal/bills/{paperless_bill.pk}/" in message.body
    # both are marked issued; only the printed one points at the file
    mailed_bill.refresh_from_db()
    paperless_bill.refresh_from_db()
    assert mailed_bill.issued_at and mailed_bill.print_file == print_file
    assert paperless_bill.issued_at and paperless_bill.print_file is None
    assert ledger_problems() == []


def test_a_final_bill_is_issued_once(rates, django_capture_on_commit_callbacks):
    # given a final bill issued by last night's run
    _pending_final()
    paperless = _pending_final()
    paperless.paperless = True
    paperless.save(update_fields=["paperless"])
    with django_capture_on_commit_callbacks(execute=True):
        tasks.final_bills_run(on_date=TODAY.isoformat())
    assert len(mail.outbox) == 1
    # when the task (or the issue) runs again
    with django_capture_on_commit_callbacks(execute=True):
        tasks.final_bills_run(on_date=TODAY.isoformat())
        again = issue.outside_run_bills_issue(on_date=TODAY)
    # then nothing is printed or sent twice
    assert again is None
    assert PrintFile.objects.count() == 1
    assert len(mail.outbox) == 1


def test_nothing_to_issue_writes_no_file(db):
    assert issue.outside_run_bills_issue(on_date=TODAY) is None
    assert not PrintFile.objects.exists()


def test_paperless_without_email_is_printed(rates, django_capture_on_commit_callbacks):
    account = _pending_final()
    account.paperless = True
    account.save(update_fields=["paperless"])
    account.customer.email = ""
    account.customer.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        tasks.final_bills_run(on_date=TODAY.isoformat())
    assert mail.outbox == []
    (row,) = _rows(PrintFile.objects.get())
    assert row["account_number"] == account.formatted_number


def test_staff_download_the_day_s_print_file(rates, client_for, django_capture_on_commit_callbacks):
    _pending_final()
    with django_capture_on_commit_callbacks(execute=True):
        tasks.final_bills_run(on_date=TODAY.isoformat())
    print_file = PrintFile.objects.get()
    client = client_for(roles.CSR_II)
    page = client.get(reverse("billing:print_files"))
    assert page.status_code == 200
    assert f"?file={print_file.pk}" in page.content.decode()
    download = client.get(reverse("billing:print_files"), {"file": print_file.pk})
    assert download.status_code == 200
    assert b"bill_number" in b"".join(download.streaming_content)
    assert client.get(reverse("billing:print_files"), {"file": "999"}).status_code == 404
    assert client_for(roles.CSR_I).get(reverse("billing:print_files")).status_code == 403
