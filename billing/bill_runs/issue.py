"""Issuing a posted bill run: the mail house's print data file, and emails to paperless customers.

The print data file is a CSV (UTF-8, a header row, one row per posted bill of the run whose
account is not paperless), written in one pass over the bills in bill-number order; the mail
house composes the printed bills from it (no PDFs are made here: DESIGN.md). Columns:

    bill_number, bill_kind, account_number (formatted, 1234567-8), customer_name,
    mail_line1, mail_line2, mail_line3 (the customer's mailing address, or the service address
        when the customer has none; line 3 is "City, ST ZIP"; empty lines are dropped, so
        line 1 is never blank),
    service_address, period_start, period_end, days, bill_date, due_date,
    previous_read_date, previous_reading, current_read_date, current_reading, estimated (Y/N),
    consumption_hcf, current_charges, previous_balance, amount_due,
    scan_line (billing.documents.scan_line), language (the customer's preferred language code),
    line_items: the bill's lines as a JSON array, in bill order, each
        {"description", "quantity", "unit", "rate", "amount", "proration"} (numbers as strings).

Dates are ISO (YYYY-MM-DD); money is plain dollars and cents (1234.50, a credit negative).

Paperless accounts whose customer has an email address get an email instead (plain text and
HTML: templates/billing/emails/bill_ready.*) with the amount due, the due date and a link to
the bill in the portal; the emails go out when the issue commits (transaction.on_commit).
Paperless accounts without an email address are printed, so every bill reaches someone.

Bills posted outside bill runs (final bills, billing.final_bills, and corrected bills) reach
the customer the same way: the nightly final-bills task calls `outside_run_bills_issue`, which
writes the day's print data file of them (a PrintFile, same columns) and emails the paperless
customers. Bill.issued_at marks a bill issued (run bills too), so each bill goes out once.
"""

import csv
import io
import json
import tempfile

from django.conf import settings
from django.core import mail
from django.core.files import File
from django.db import transaction
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext

from accounts.languages import in_customer_language
from billing.bill_runs.services.runs import lock_run
from billing.documents.scan_line import scan_line
from billing.models import Bill, BillLine, BillRun, PrintFile
from district.errors import ServiceError, require
from district.money import format_money, quantize_money
from district.roles import Perm
from district.services import nightly_user
from district.transitions import transition

PRINT_COLUMNS = (
    "bill_number",
    "bill_kind",
    "account_number",
    "customer_name",
    "mail_line1",
    "mail_line2",
    "mail_line3",
    "service_address",
    "period_start",
    "period_end",
    "days",
    "bill_date",
    "due_date",
    "previous_read_date",
    "previous_reading",
    "current_read_date",
    "current_reading",
    "estimated",
    "consumption_hcf",
    "current_charges",
    "previous_balance",
    "amount_due",
    "scan_line",
    "language",
    "line_items",
)
# Where a customer reads a bill in the portal (under settings.PORTAL_BASE_URL when it is set).
PORTAL_BILL_PATH = "/portal/bills/{bill_id}/"
ITERATOR_CHUNK = 2_000


def _money(value) -> str:
    return f"{quantize_money(value):f}"


def _plain(value) -> str:
    return "" if value is None else f"{value:f}" if hasattr(value, "as_tuple") else str(value)


def mailing_lines(bill: Bill) -> list[str]:
    """Where the paper bill goes: a final bill to the stop's forwarding address, else the
    customer's mailing address, else the service address. Empty lines are left out."""
    account = bill.account
    stop = getattr(account, "stop", None) if bill.kind == Bill.Kind.FINAL else None
    customer = account.customer
    premise = account.premise
    if stop is not None and stop.forwarding_line1:
        lines = [
            stop.forwarding_line1,
            stop.forwarding_line2,
            f"{stop.forwarding_city}, {stop.forwarding_state} {stop.forwarding_zip}",
        ]
    elif customer.mailing_line1:
        lines = [
            customer.mailing_line1,
            customer.mailing_line2,
            f"{customer.mailing_city}, {customer.mailing_state} {customer.mailing_zip}",
        ]
    else:
        lines = [premise.address_line, f"{premise.city}, {premise.state} {premise.zip_code}"]
    return [line.strip() for line in lines if line and line.strip(" ,")]


def print_row(bill: Bill) -> dict:
    """One bill as a print data file row (the bill with its account, customer, premise, reads
    and lines already loaded)."""
    account = bill.account
    mail_lines = (mailing_lines(bill) + ["", "", ""])[:3]
    previous, current = bill.previous_read, bill.current_read
    return {
        "bill_number": bill.number,
        "bill_kind": bill.kind,
        "account_number": account.formatted_number,
        "customer_name": account.customer.display_name,
        "mail_line1": mail_lines[0],
        "mail_line2": mail_lines[1],
        "mail_line3": mail_lines[2],
        "service_address": account.premise.full_address,
        "period_start": bill.period_start.isoformat(),
        "period_end": bill.period_end.isoformat(),
        "days": (bill.period_end - bill.period_start).days + 1,
        "bill_date": bill.bill_date.isoformat(),
        "due_date": bill.due_date.isoformat(),
        "previous_read_date": previous.read_on.isoformat() if previous else "",
        "previous_reading": _plain(previous.reading) if previous else "",
        "current_read_date": current.read_on.isoformat() if current else "",
        "current_reading": _plain(current.reading) if current else "",
        "estimated": "Y" if bill.estimated else "N",
        "consumption_hcf": _plain(bill.consumption),
        "current_charges": _money(bill.current_charges),
        "previous_balance": _money(bill.previous_balance),
        "amount_due": _money(bill.amount_due),
        "scan_line": scan_line(account.number, bill.amount_due),
        "language": account.customer.language,
        "line_items": json.dumps(
            [
                {
                    "description": line.description,
                    "quantity": _plain(line.quantity),
                    "unit": line.unit,
                    "rate": _plain(line.rate),
                    "amount": _money(line.amount),
                    "proration": line.proration_note,
                }
                for line in bill.lines.all()
            ],
            ensure_ascii=False,
        ),
    }


def run_bills(run: BillRun):
    """The run's posted bills with everything a print row or an email needs, by bill number
    (a fixed number of queries per chunk of bills)."""
    return _with_print_data(Bill.objects.filter(run=run, status=Bill.Status.POSTED))


def _with_print_data(bills):
    return (
        bills.select_related(
            "account",
            "account__customer",
            "account__premise",
            "account__stop",
            "previous_read",
            "current_read",
        )
        .prefetch_related(Prefetch("lines", queryset=BillLine.objects.order_by("position")))
        .order_by("number")
    )


def bill_link(bill: Bill) -> str:
    """The bill in the customer portal: absolute with settings.PORTAL_BASE_URL, else a path."""
    path = PORTAL_BILL_PATH.format(bill_id=bill.pk)
    base = (getattr(settings, "PORTAL_BASE_URL", "") or "").rstrip("/")
    return f"{base}{path}"


def bill_email(bill: Bill) -> mail.EmailMultiAlternatives:
    """The "your bill is ready" email of a paperless customer (plain text with an HTML part),
    in the customer's language."""
    account = bill.account
    context = {
        "bill": bill,
        "account": account,
        "customer": account.customer,
        "link": bill_link(bill),
        "district_name": settings.DISTRICT_NAME,
        "district_phone": settings.DISTRICT_PHONE,
    }
    with in_customer_language(account.customer):
        subject = gettext("Your water bill for account %(account)s: %(amount)s due %(due)s") % {
            "account": account.formatted_number,
            "amount": format_money(bill.amount_due),
            "due": f"{bill.due_date:%m/%d/%Y}",
        }
        message = mail.EmailMultiAlternatives(
            subject=subject,
            body=render_to_string("billing/emails/bill_ready.txt", context),
            to=[account.customer.email],
        )
        message.attach_alternative(
            render_to_string("billing/emails/bill_ready.html", context), "text/html"
        )
    return message


def _send(messages: list) -> None:
    if messages:
        with mail.get_connection() as connection:
            connection.send_messages(messages)


def _emailed(bill: Bill) -> bool:
    return bool(bill.account.paperless and bill.account.customer.email)


@transaction.atomic
def bill_run_issue(*, run_id: int, by) -> BillRun:
    """Issue a posted run: write its print data file, email its paperless customers, mark it
    issued. Issuing an issued run again returns it as it is (nothing rewritten or re-sent)."""
    require(by, Perm.RUN_BILLING, doing="issue bill runs")
    run = lock_run(run_id)
    if run.status == BillRun.Status.ISSUED:
        return run
    if not run.can_move_to(BillRun.Status.ISSUED):
        raise ServiceError(
            f"Only a posted bill run can be issued; this one is {run.get_status_display().lower()}."
        )
    with tempfile.TemporaryFile() as raw:
        messages, _printed = _write_print_data(run_bills(run), raw)
        run.print_file.save(f"bill-run-{run.pk}-print.csv", File(raw), save=False)
    transition(run, BillRun.Status.ISSUED, verb="issued")
    run.issued_at = timezone.now()
    run.save(update_fields=["status", "issued_at", "print_file"])
    Bill.objects.filter(run=run, status=Bill.Status.POSTED, issued_at__isnull=True).update(
        issued_at=run.issued_at
    )
    transaction.on_commit(lambda: _send(messages))
    return run


def _write_print_data(bills, raw) -> tuple[list, list[int]]:
    """Write the print data file of `bills` (by bill number) into the binary file `raw`, left at
    its start; returns (emails of the paperless customers, ids of the bills printed)."""
    messages, printed = [], []
    text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
    writer = csv.DictWriter(text, fieldnames=PRINT_COLUMNS)
    writer.writeheader()
    for bill in bills.iterator(chunk_size=ITERATOR_CHUNK):
        if _emailed(bill):
            messages.append(bill_email(bill))
        else:
            writer.writerow(print_row(bill))
            printed.append(bill.pk)
    text.flush()
    raw.seek(0)
    text.detach()
    return messages, printed


# -- bills posted outside bill runs ------------------------------------------------------------

OUTSIDE_RUN_KINDS = (Bill.Kind.FINAL, Bill.Kind.REBILL)


def unissued_outside_runs():
    """Posted final and corrected bills that have not gone to the customer yet."""
    return Bill.objects.filter(
        run__isnull=True,
        kind__in=OUTSIDE_RUN_KINDS,
        status=Bill.Status.POSTED,
        issued_at__isnull=True,
    )


@transaction.atomic
def outside_run_bills_issue(*, on_date, by=None) -> PrintFile | None:
    """Issue the bills posted outside bill runs that have not gone out: one print data file of
    the day for the mail house (a PrintFile; None when no bill needs printing) and emails to
    paperless customers (sent when this commits). Each bill is issued once: the bills are
    locked and marked issued in this transaction, so running it again issues nothing twice."""
    by = by or nightly_user()
    bill_ids = list(
        unissued_outside_runs()
        .select_for_update(skip_locked=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not bill_ids:
        return None
    now = timezone.now()
    print_file = None
    with tempfile.TemporaryFile() as raw:
        messages, printed = _write_print_data(
            _with_print_data(Bill.objects.filter(pk__in=bill_ids)), raw
        )
        if printed:
            print_file = PrintFile(
                issued_on=on_date,
                bill_count=len(printed),
                emailed_count=len(messages),
                created_by=by,
            )
            print_file.file.save(f"final-bills-{on_date:%Y-%m-%d}.csv", File(raw), save=False)
            print_file.save()
    Bill.objects.filter(pk__in=printed).update(issued_at=now, print_file=print_file)
    Bill.objects.filter(pk__in=bill_ids).exclude(pk__in=printed).update(issued_at=now)
    transaction.on_commit(lambda: _send(messages))
    return print_file
