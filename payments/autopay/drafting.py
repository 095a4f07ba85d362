"""The nightly ACH run: prenote files for new bank accounts, pre-draft reminders, and the draft
file for bills due on the next banking day's effective date.

Each draft is written once per bill (a unique constraint), posted as a payment pending
settlement (debit settlements due, credit the account's receivable: its own journal, keyed by
the bill) and recorded as a processor payment, then billing's follow-up runs after the commit.
A rerun finds the bills drafted and writes no second file. Files go through nacha_write, which
checks them, so no file is kept that the bank would refuse for what can be checked here.
"""

import datetime
import hashlib
import logging
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.mail import send_mail
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.languages import in_customer_language
from billing.arrangements.selectors import accounts_with_active_arrangement
from billing.collections.selectors import active_holds
from billing.models import Bill
from district.ledger.models import Journal
from district.ledger.selectors import account_balances
from district.ledger.services import journal_post
from district.money import ZERO, format_money
from district.policies import policy_value
from payments.after_posting import payments_posted
from payments.autopay import crypto
from payments.autopay.fed_calendar import effective_entry_date, next_banking_day
from payments.autopay.nacha import (
    SERVICE_CLASS_DEBITS,
    AchBatch,
    AchEntry,
    AchFile,
)
from payments.autopay.nacha_write import nacha_write
from payments.autopay.noc import enrolments_with_pending_noc
from payments.batches.services.common import batch_lines, write_payments
from payments.models import (
    AchDraft,
    AchFileRecord,
    AutopayEnrolment,
    AutopayReminder,
    PaymentBatch,
)

log = logging.getLogger(__name__)

REMINDER_DAYS_POLICY = "autopay-reminder-days"
ENTRY_DESCRIPTION = "WATER BILL"
# Development defaults (a routing number that passes the ABA check): production sets its own.
DEFAULT_ODFI_ROUTING = "121000358"
DEFAULT_COMPANY_ID = "1946000123"
DEFAULT_COMPANY_NAME = "MESA VERDE WATER"
_TRACE_LOCK = 7_340_201  # pg advisory lock: one writer of ACH trace numbers at a time
HOLD_SKIPS = {"appeal": "an appeal hold is in force"}
ARRANGEMENT_SKIP = "a payment arrangement is active"
# The bank requires a notification of change to be applied before our next entry.
PENDING_NOC_SKIP = "the bank's correction of the account details waits for a CSR to confirm it"


def odfi_routing() -> str:
    return getattr(settings, "AUTOPAY_ODFI_ROUTING", "") or DEFAULT_ODFI_ROUTING


def company_id() -> str:
    return getattr(settings, "AUTOPAY_COMPANY_ID", "") or DEFAULT_COMPANY_ID


def company_name() -> str:
    return (getattr(settings, "AUTOPAY_COMPANY_NAME", "") or DEFAULT_COMPANY_NAME)[:16]


def draft_effective_date(today: datetime.date) -> datetime.date:
    """The effective date of tonight's drafts: the next banking day."""
    return effective_entry_date(next_banking_day(today))


def _cents(amount: Decimal) -> int:
    return int((amount * 100).to_integral_value())


def _next_traces(count: int) -> list[str]:
    """`count` new trace numbers: the ODFI's eight digits and a sequence above every trace the
    district has written (drafts and prenotes), under an advisory lock held to the commit."""
    odfi = odfi_routing()[:8]
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_TRACE_LOCK])
    highest = max(
        AchDraft.objects.filter(trace_number__startswith=odfi)
        .order_by("-trace_number")
        .values_list("trace_number", flat=True)
        .first()
        or "0",
        AutopayEnrolment.objects.filter(prenote_trace_number__startswith=odfi)
        .order_by("-prenote_trace_number")
        .values_list("prenote_trace_number", flat=True)
        .first()
        or "0",
    )
    start = int(highest[8:] or 0) + 1 if highest != "0" else 1
    return [f"{odfi}{(start + n) % 10_000_000:07d}" for n in range(count)]


def _transaction_code(enrolment: AutopayEnrolment, *, prenote: bool) -> int:
    base = 37 if enrolment.is_savings else 27
    return base + 1 if prenote else base


def _entry(enrolment: AutopayEnrolment, *, cents: int, trace: str, prenote: bool) -> AchEntry:
    return AchEntry(
        transaction_code=_transaction_code(enrolment, prenote=prenote),
        rdfi_routing=enrolment.routing_number,
        account_number=crypto.decrypt_account_number(enrolment.account_number_encrypted),
        amount_cents=cents,
        individual_name=enrolment.holder_name[:22],
        individual_id=enrolment.account.number[:15],
        # WEB entries name the payment type: R, a recurring authorization.
        discretionary_data="R" if enrolment.entry_class == "WEB" else "",
        trace_number=trace,
    )


def _write_file(
    *, kind: str, entries: list[tuple[AutopayEnrolment, AchEntry]], effective: datetime.date, by
) -> AchFileRecord:
    """One NACHA file, a batch per entry class (PPD, WEB), checked by nacha_write, and kept."""
    now = timezone.localtime()
    batches = []
    for sec_code in ("PPD", "WEB"):
        chosen = [entry for enrolment, entry in entries if enrolment.entry_class == sec_code]
        if chosen:
            batches.append(
                AchBatch(
                    service_class_code=SERVICE_CLASS_DEBITS,
                    company_name=company_name(),
                    company_id=company_id(),
                    sec_code=sec_code,
                    entry_description=ENTRY_DESCRIPTION,
                    effective_entry_date=effective,
                    odfi_routing=odfi_routing()[:8],
                    entries=chosen,
                )
            )
    data = nacha_write(
        AchFile(
            immediate_destination=odfi_routing(),
            immediate_origin=company_id(),
            creation_date=now.date(),
            creation_time=f"{now:%H%M}",
            immediate_destination_name="",
            immediate_origin_name=settings.DISTRICT_NAME[:23].upper(),
            batches=batches,
        )
    )
    total_cents = sum(entry.amount_cents for _, entry in entries)
    return AchFileRecord.objects.create(
        kind=kind,
        created_by=by,
        effective_date=effective,
        content=crypto.encrypt_bytes(data),
        entry_count=len(entries),
        total_debit=Decimal(total_cents) / 100,
        total_credit=ZERO,
        sha256=hashlib.sha256(data).hexdigest(),
    )


# -- prenotes ------------------------------------------------------------------------------------


@transaction.atomic
def prenotes_send(*, on: datetime.date, by) -> AchFileRecord | None:
    """A prenote file for every enrolment pending its prenote that has none out yet."""
    pending = list(
        AutopayEnrolment.objects.select_for_update(of=("self",))
        .select_related("account")
        .filter(status=AutopayEnrolment.Status.PENDING_PRENOTE, prenote_sent_on__isnull=True)
        .order_by("pk")
    )
    if not pending:
        return None
    traces = _next_traces(len(pending))
    entries = [
        (enrolment, _entry(enrolment, cents=0, trace=trace, prenote=True))
        for enrolment, trace in zip(pending, traces, strict=True)
    ]
    record = _write_file(
        kind=AchFileRecord.Kind.PRENOTE, entries=entries, effective=draft_effective_date(on), by=by
    )
    for enrolment, trace in zip(pending, traces, strict=True):
        enrolment.prenote_sent_on = on
        enrolment.prenote_file = record
        enrolment.prenote_trace_number = trace
    AutopayEnrolment.objects.bulk_update(
        pending, ["prenote_sent_on", "prenote_file", "prenote_trace_number"]
    )
    return record


# -- what each active enrolment owes -------------------------------------------------------------


@dataclass
class Due:
    enrolment: AutopayEnrolment
    bill: Bill
    amount: Decimal  # the balance now, never more than the bill's amount due
    skip_reason: str = ""


def _latest_bills(account_ids: list[int]) -> dict[int, Bill]:
    bills = (
        Bill.objects.filter(account_id__in=account_ids, status=Bill.Status.POSTED)
        .order_by("account_id", "-bill_date", "-id")
        .distinct("account_id")
    )
    return {bill.account_id: bill for bill in bills}


def dues(*, today: datetime.date, draft_on) -> list[Due]:
    """For each active enrolment whose latest posted bill `draft_on(bill)` accepts and that is
    not drafted yet: the amount to draft and, when it must not be drafted, why."""
    enrolments = list(
        AutopayEnrolment.objects.select_related("account__customer").filter(
            status=AutopayEnrolment.Status.ACTIVE
        )
    )
    by_account = {enrolment.account_id: enrolment for enrolment in enrolments}
    bills = {
        account_id: bill
        for account_id, bill in _latest_bills(list(by_account)).items()
        if draft_on(bill)
    }
    drafted = set(
        AchDraft.objects.filter(bill_id__in=[b.pk for b in bills.values()]).values_list(
            "bill_id", flat=True
        )
    )
    bills = {account_id: bill for account_id, bill in bills.items() if bill.pk not in drafted}
    ids = sorted(bills)
    balances = account_balances(ids)
    holds = active_holds(ids, on=today)
    arranged = accounts_with_active_arrangement(ids, today)
    pending_noc = enrolments_with_pending_noc(by_account[account_id].pk for account_id in ids)
    found = []
    for account_id in ids:
        bill = bills[account_id]
        amount = min(balances.get(account_id, ZERO), bill.amount_due)
        if amount <= ZERO:
            continue  # nothing owed: nothing drafted
        reason = next(
            (HOLD_SKIPS[h.kind] for h in holds.get(account_id, []) if h.kind in HOLD_SKIPS), ""
        )
        if not reason and account_id in arranged:
            reason = ARRANGEMENT_SKIP
        if not reason and by_account[account_id].pk in pending_noc:
            reason = PENDING_NOC_SKIP
        found.append(Due(by_account[account_id], bill, amount, reason))
    return found


# -- reminders -----------------------------------------------------------------------------------


def reminders_send(*, today: datetime.date) -> list[AutopayReminder]:
    """The pre-draft e-mail, once per bill, `autopay-reminder-days` days before its draft."""
    days = int(policy_value(REMINDER_DAYS_POLICY))
    horizon = today + datetime.timedelta(days=days)
    reminded = set(AutopayReminder.objects.values_list("bill_id", flat=True))

    def in_window(bill: Bill) -> bool:
        return bill.pk not in reminded and today < effective_entry_date(bill.due_date) <= horizon

    sent = []
    for due in dues(today=today, draft_on=in_window):
        email = due.enrolment.account.customer.email
        if due.skip_reason or not email:
            continue
        draft_day = effective_entry_date(due.bill.due_date)
        with transaction.atomic():
            reminder = AutopayReminder.objects.create(
                enrolment=due.enrolment,
                bill=due.bill,
                sent_to=email,
                amount=due.amount,
                draft_on=draft_day,
            )
            with in_customer_language(due.enrolment.account.customer):
                subject = _("%(district)s: autopay of %(amount)s on %(day)s") % {
                    "district": settings.DISTRICT_NAME,
                    "amount": format_money(due.amount),
                    "day": f"{draft_day:%m/%d/%Y}",
                }
                body = _reminder_body(due, draft_day)
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [email])
        sent.append(reminder)
    return sent


def _reminder_body(due: Due, draft_day: datetime.date) -> str:
    """The reminder's text, in the active language (the customer's: see its caller)."""
    values = {
        "name": due.enrolment.account.customer,
        "bill": due.bill.number or due.bill.pk,
        "account": due.enrolment.account.number,
        "due": f"{due.bill.due_date:%m/%d/%Y}",
        "day": f"{draft_day:%m/%d/%Y}",
        "amount": format_money(due.amount),
        "masked": due.enrolment.masked_account,
        "phone": settings.DISTRICT_PHONE,
    }
    greeting = _("Hello %(name)s,") % values
    draft = (
        _(
            "Bill %(bill)s of account %(account)s is due %(due)s. On %(day)s we will debit "
            "%(amount)s from your bank account %(masked)s by autopay (what the account owes "
            "then, never more than the bill)."
        )
        % values
    )
    stop = _("To stop it, cancel autopay online or call %(phone)s before that day.") % values
    return f"{greeting}\n\n{draft}\n\n{stop}\n\n{settings.DISTRICT_NAME}\n"


# -- drafts --------------------------------------------------------------------------------------


@dataclass
class DraftRun:
    effective_date: datetime.date
    file: AchFileRecord | None = None
    drafts: list[AchDraft] = field(default_factory=list)
    skipped: list[Due] = field(default_factory=list)


def _post_file(drafts: list[AchDraft], enrolments: list, file: AchFileRecord, by) -> None:
    """The file's drafts as one processor batch: one journal (debit settlements due for the
    file's total, credit each account's receivable) and a payment per draft, so the bank's one
    ACH settlement credit for the file matches the batch in the BAI2 reconciliation, as a
    processor's settlement file does. A returned draft undoes only its own payment
    (payments.returns), like a returned check of a lockbox batch."""
    total = sum((draft.amount for draft in drafts), ZERO)
    batch = PaymentBatch.objects.create(
        kind=PaymentBatch.Kind.PROCESSOR,
        status=PaymentBatch.Status.OPEN,
        control_count=len(drafts),
        control_total=total,
        description=f"Autopay ACH drafts, file {file.file_name}"[:120],
        created_by=by,
        file_name=file.file_name,
        file_format="nacha-autopay",
    )
    items = [
        {
            "position": position,
            "account_id": enrolment.account_id,
            "amount": draft.amount,
            "check_number": "",
            "payer_name": enrolment.holder_name,
            "entered_by_id": getattr(by, "pk", None),
            "method": "ach",
            "reference": draft.trace_number,
        }
        for position, (draft, enrolment) in enumerate(zip(drafts, enrolments, strict=True), 1)
    ]
    journal = journal_post(
        kind=Journal.Kind.PAYMENT,
        memo=f"Autopay ACH drafts, file {file.file_name}: {len(drafts)} payments"[:255],
        lines=batch_lines(batch, items, suspense=ZERO),
        by=by,
        idempotency_key=f"autopay-file:{file.pk}",
        source=batch,
    )
    payments = write_payments(batch, items, journal=journal)
    batch.status = PaymentBatch.Status.POSTED
    batch.posted_by = by
    batch.posted_at = timezone.now()
    batch.journal = journal
    batch.save(update_fields=["status", "posted_by", "posted_at", "journal"])
    for draft, payment in zip(drafts, payments, strict=True):
        draft.journal_id = journal.pk
        draft.payment = payment
        draft.status = AchDraft.Status.SENT
    AchDraft.objects.bulk_update(drafts, ["journal_id", "payment", "status"])


@transaction.atomic
def autopay_draft_run(*, today: datetime.date, by) -> DraftRun:
    """Draft every active enrolment's latest posted bill due on the next banking day's
    effective date, in one NACHA file; a rerun drafts nothing twice and writes no file."""
    effective = draft_effective_date(today)
    run = DraftRun(effective_date=effective)
    # Lock the run: two at once would both see the bills undrafted (the constraint refuses the
    # second, but the lock makes it wait and then find them drafted).
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_TRACE_LOCK + 1])
    due_now = dues(
        today=today, draft_on=lambda bill: effective_entry_date(bill.due_date) == effective
    )
    run.skipped = [due for due in due_now if due.skip_reason]
    to_draft = [due for due in due_now if not due.skip_reason]
    for due in run.skipped:
        log.info("Autopay: bill %s not drafted: %s", due.bill.pk, due.skip_reason)
    if not to_draft:
        return run
    traces = _next_traces(len(to_draft))
    drafts = AchDraft.objects.bulk_create(
        [
            AchDraft(
                enrolment=due.enrolment,
                bill=due.bill,
                amount=due.amount,
                effective_date=effective,
                trace_number=trace,
            )
            for due, trace in zip(to_draft, traces, strict=True)
        ]
    )
    entries = [
        (due.enrolment, _entry(due.enrolment, cents=_cents(draft.amount), trace=draft.trace_number,
                               prenote=False))
        for due, draft in zip(to_draft, drafts, strict=True)
    ]  # fmt: skip
    run.file = _write_file(
        kind=AchFileRecord.Kind.DRAFT, entries=entries, effective=effective, by=by
    )
    AchDraft.objects.filter(pk__in=[draft.pk for draft in drafts]).update(file=run.file)
    for draft in drafts:
        draft.file = run.file
    _post_file(drafts, [due.enrolment for due in to_draft], run.file, by)
    run.drafts = drafts
    payments_posted((due.enrolment.account_id for due in to_draft), by=by)
    return run


def autopay_nightly(*, today: datetime.date, by) -> dict:
    """The night's autopay work, each step in its own transaction, in an order that lets a
    prenote that matured today draft a bill tonight. Returns what it did, for the task log."""
    from payments.autopay.enrolment import prenotes_mature

    activated = prenotes_mature(on=today)
    prenote_file = prenotes_send(on=today, by=by)
    reminders = reminders_send(today=today)
    run = autopay_draft_run(today=today, by=by)
    return {
        "activated": len(activated),
        "prenote_file": prenote_file.pk if prenote_file else None,
        "reminders": len(reminders),
        "draft_file": run.file.pk if run.file else None,
        "drafts": len(run.drafts),
        "skipped": [f"bill {due.bill.pk}: {due.skip_reason}" for due in run.skipped],
    }
