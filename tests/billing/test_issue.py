"""Issuing a posted bill run: the print data file (CSV), emails to paperless customers, once."""

import csv
import datetime
import io
import json
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from billing.bill_runs import issue, services
from billing.models import Bill, BillRun
from district import roles
from tests import factories

D = datetime.date


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.PORTAL_BASE_URL = "https://portal.example.org/"


def _account(customer=None, **fields):
    premise = factories.PremiseFactory(route="R01", house_number="12", street="Oak Ave")
    installation = factories.MeterInstallationFactory(premise=premise)
    factories.MeterReadFactory(meter=installation.meter, read_on=D(2025, 12, 30), reading=100)
    factories.MeterReadFactory(meter=installation.meter, read_on=D(2026, 1, 29), reading=112)
    customer = customer or factories.CustomerFactory()
    return factories.ServiceAccountFactory(premise=premise, customer=customer, **fields)


def _posted_run(period, biller):
    run = services.bill_run_create(period=period, by=biller)
    services.bill_run_calculate(run_id=run.pk)
    for exception in run.exceptions.all():
        services.bill_exception_accept(exception_id=exception.pk, by=biller)
    services.bill_run_post(run_id=run.pk, by=biller)
    return services.bill_run_post_bills(run_id=run.pk, by=biller)


def _rows(run):
    run.refresh_from_db()
    with run.print_file.open("rb") as handle:
        return list(csv.DictReader(io.StringIO(handle.read().decode("utf-8"))))


@pytest.fixture
def three_accounts(rates, period):
    mailed = _account(
        customer=factories.CustomerFactory(
            first_name="José",
            last_name="Núñez",
            mailing_line1="PO Box 77",
            mailing_city="Mesa Verde",
            mailing_zip="92001",
            language="es",
        )
    )
    paperless = _account(paperless=True)
    no_email = _account(paperless=True, customer=factories.CustomerFactory(email=""))
    return mailed, paperless, no_email


def test_issue_writes_the_print_file_and_emails_paperless_customers(
    three_accounts, period, biller, django_capture_on_commit_callbacks
):
    # given a posted run of three accounts, one of them paperless with an email
    mailed, paperless, no_email = three_accounts
    run = _posted_run(period, biller)
    assert run.status == BillRun.Status.POSTED
    # when
    with django_capture_on_commit_callbacks(execute=True):
        issued = issue.bill_run_issue(run_id=run.pk, by=biller)
    # then the run is issued with a print row for each account not emailed
    assert issued.status == BillRun.Status.ISSUED and issued.issued_at is not None
    rows = _rows(issued)
    assert [row["account_number"] for row in rows] == sorted(
        [mailed.formatted_number, no_email.formatted_number],
        key=lambda number: Bill.objects.get(account__number=number.replace("-", "")).number,
    )
    row = next(row for row in rows if row["account_number"] == mailed.formatted_number)
    bill = Bill.objects.get(account=mailed)
    assert row["bill_number"] == bill.number
    assert row["customer_name"] == "Núñez, José"
    assert (row["mail_line1"], row["mail_line2"]) == ("PO Box 77", "Mesa Verde, CA 92001")
    assert row["service_address"].startswith("12 Oak Ave")
    assert (row["period_start"], row["period_end"], row["days"]) == (
        "2026-01-01",
        "2026-01-31",
        "31",
    )
    assert (row["previous_reading"], row["current_reading"]) == ("100.00", "112.00")
    assert row["consumption_hcf"] == "12.00"
    assert Decimal(row["amount_due"]) == bill.amount_due
    assert row["due_date"] == "2026-02-24"
    assert row["scan_line"].startswith(mailed.number.rjust(12, "0"))
    assert row["language"] == "es"
    items = json.loads(row["line_items"])
    assert sum(Decimal(item["amount"]) for item in items) == bill.current_charges
    # a paperless customer without an email is printed, with the service address
    printed = next(row for row in rows if row["account_number"] == no_email.formatted_number)
    assert printed["mail_line1"].startswith("12 Oak Ave")
    # the paperless customer got an email with the amount, due date and a link
    (message,) = mail.outbox
    paperless_bill = Bill.objects.get(account=paperless)
    assert message.to == [paperless.customer.email]
    assert f"${paperless_bill.amount_due:,.2f}" in message.subject
    assert "02/24/2026" in message.subject
    assert f"https://portal.example.org/portal/bills/{paperless_bill.pk}/" in message.body
    assert message.alternatives and message.alternatives[0][1] == "text/html"


def test_issuing_again_changes_nothing_and_sends_nothing(
    three_accounts, period, biller, django_capture_on_commit_callbacks
):
    # given an issued run
    run = _posted_run(period, biller)
    with django_capture_on_commit_callbacks(execute=True):
        issue.bill_run_issue(run_id=run.pk, by=biller)
    run.refresh_from_db()
    file_name, issued_at = run.print_file.name, run.issued_at
    # when
    with django_capture_on_commit_callbacks(execute=True):
        again = issue.bill_run_issue(run_id=run.pk, by=biller)
    # then
    assert again.status == BillRun.Status.ISSUED
    assert (again.print_file.name, again.issued_at) == (file_name, issued_at)
    assert len(mail.outbox) == 1


def test_a_run_in_audit_cannot_be_issued(three_accounts, period, biller):
    # given
    run = services.bill_run_create(period=period, by=biller)
    run = services.bill_run_calculate(run_id=run.pk)
    assert run.status == BillRun.Status.AUDIT
    # when / then
    with pytest.raises(ValidationError, match="Only a posted bill run can be issued"):
        issue.bill_run_issue(run_id=run.pk, by=biller)
    run.refresh_from_db()
    assert run.status == BillRun.Status.AUDIT and not run.print_file
    assert mail.outbox == []


def test_a_role_without_billing_cannot_issue(three_accounts, period, biller, make_user):
    # given
    run = _posted_run(period, biller)
    # when / then
    with pytest.raises(ValidationError, match="does not allow"):
        issue.bill_run_issue(run_id=run.pk, by=make_user(roles.FIELD_TECHNICIAN))
    run.refresh_from_db()
    assert run.status == BillRun.Status.POSTED and not run.print_file


def test_the_issue_button_issues_and_the_print_file_downloads(
    three_accounts, period, biller, client, django_capture_on_commit_callbacks
):
    # given
    run = _posted_run(period, biller)
    client.force_login(biller)
    page = client.get(reverse("billing:bill_run", kwargs={"run_id": run.pk}))
    assert reverse("billing:bill_run_issue", kwargs={"run_id": run.pk}) in page.content.decode()
    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("billing:bill_run_issue", kwargs={"run_id": run.pk}))
    # then
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.status == BillRun.Status.ISSUED
    download = client.get(reverse("billing:bill_run_print_file", kwargs={"run_id": run.pk}))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"bill_number,")
