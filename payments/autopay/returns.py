"""The bank's ACH return file: returns (R codes) and notifications of change (C codes) applied.

The file is checked whole first (nacha_check: a count or hash that disagrees refuses it with
the line and the reason, nothing written) and imported once (its sha256). Then, in one
transaction, each return:
- finds its draft (or prenote) by the original trace number; none is an exception for a
  person, never a guess;
- is applied once per original trace (a unique constraint; a repeat is recorded as a duplicate);
- reverses the draft's payment through the returned-payment path (payments.returns: the
  reversal, the fee "nsf-fee" when the code's row says so, the cash-only rule, and for a
  customer on paper the contact and the notice letter), marks the draft returned, e-mails the
  customer who chose e-mail instead (one notice either way);
- suspends autopay for the codes that say the account cannot be drafted, or when the customer
  became cash only; a returned prenote suspends it too and charges nothing.
Each NOC is kept as a pending change for a CSR (payments.autopay.noc).
"""

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.contacts.services import contact_log
from accounts.languages import in_customer_language
from accounts.models import Contact, CustomerFlag
from district.attribution import acting_user
from district.customer_notes import RETURNED_PAYMENT_FEE
from district.errors import ServiceError, require
from district.ledger.models import Journal, JournalLine
from district.ledger.purposes import Purpose
from district.ledger.services import Line, journal_post, journal_reverse
from district.money import ZERO, format_money
from district.policies import policy_value
from district.roles import Perm
from district.services import nightly_user
from district.transitions import transition
from payments.autopay import crypto, noc
from payments.autopay.enrolment import autopay_suspend
from payments.autopay.nacha import AchChangeAddenda, AchFile, AchReturnAddenda
from payments.autopay.nacha_read import nacha_read
from payments.autopay.return_codes import ReturnCode, change_meaning, return_code
from payments.batches.file_common import refuse
from payments.models import (
    AchDraft,
    AchReturnEntry,
    AchReturnFile,
    AutopayEnrolment,
    Tender,
)
from payments.returns.services import returned_item_record

Kind, Outcome = AchReturnEntry.Kind, AchReturnEntry.Outcome


@dataclass
class _Item:
    line_number: int
    entry: object  # AchEntry
    addenda: AchReturnAddenda | AchChangeAddenda


@dataclass
class AchReturnsImport:
    file: AchReturnFile
    already_imported: bool = False
    entries: list[AchReturnEntry] = field(default_factory=list)

    def _of(self, kind, outcome) -> list[AchReturnEntry]:
        return [e for e in self.entries if e.kind == kind and e.outcome == outcome]

    @property
    def returned(self) -> list[AchReturnEntry]:
        return self._of(Kind.RETURN, Outcome.APPLIED)

    @property
    def changes(self) -> list[AchReturnEntry]:
        return self._of(Kind.CHANGE, Outcome.APPLIED)

    @property
    def exceptions(self) -> list[AchReturnEntry]:
        return [e for e in self.entries if e.outcome == Outcome.EXCEPTION]

    @property
    def duplicates(self) -> list[AchReturnEntry]:
        return [e for e in self.entries if e.outcome == Outcome.DUPLICATE]

    @property
    def suspended(self) -> list[AchReturnEntry]:
        return [e for e in self.entries if e.suspended]

    @property
    def fees(self) -> Decimal:
        return sum((e.fee for e in self.entries), ZERO)


def _items(ach: AchFile) -> list[_Item]:
    """The file's returns and NOCs with their lines; refuses a file of original entries."""
    items, problems, line = [], [], 1
    for batch in ach.batches:
        line += 1
        for entry in batch.entries:
            line += 1
            entry_line, line = line, line + len(entry.addenda)
            addenda = entry.addenda[0] if entry.addenda else None
            if isinstance(addenda, AchReturnAddenda | AchChangeAddenda):
                items.append(_Item(entry_line, entry, addenda))
            else:
                problems.append(
                    f"line {entry_line}: an original entry (transaction code "
                    f"{entry.transaction_code}), not a return or a notification of change (is "
                    "this one of the district's own files?)"
                )
        line += 1
    if not items and not problems:
        problems.append("the file holds no returns and no notifications of change")
    refuse(problems)
    return items


def ach_returns_import(*, content: bytes, file_name: str, by) -> AchReturnsImport:
    """Import the bank's return / NOC file once; a bad file is refused whole (ServiceError)."""
    require(by, Perm.BALANCE_CASH, doing="import the bank's ACH returns")
    return _import(content, file_name, by)


def ach_returns_import_scheduled(*, content: bytes, file_name: str) -> AchReturnsImport:
    """The same import run by the operator's command or a scheduled job, recorded as the
    nightly jobs user (who holds no role: the shell that runs it is the authority)."""
    return _import(content, file_name, nightly_user())


def _import(content: bytes, file_name: str, by) -> AchReturnsImport:
    sha256 = hashlib.sha256(content).hexdigest()
    earlier = AchReturnFile.objects.filter(sha256=sha256).first()
    if earlier is not None:
        return AchReturnsImport(file=earlier, already_imported=True)
    ach = nacha_read(content)
    items = _items(ach)
    today = timezone.localdate()
    try:
        with transaction.atomic(), acting_user(by):
            file = AchReturnFile.objects.create(
                file_name=(file_name or "returns.ach")[:200],
                sha256=sha256,
                size=len(content),
                content=crypto.encrypt_bytes(content),
                creation_date=ach.creation_date,
                imported_by=by,
            )
            result = AchReturnsImport(file=file)
            for item in items:
                if isinstance(item.addenda, AchReturnAddenda):
                    result.entries.append(_return_apply(file, item, by, today))
                else:
                    result.entries.append(_change_apply(file, item))
            return result
    except IntegrityError:
        # The same file imported at the same moment by someone else: theirs stands.
        earlier = AchReturnFile.objects.filter(sha256=sha256).first()
        if earlier is None:
            raise
        return AchReturnsImport(file=earlier, already_imported=True)


def _new_entry(file, item: _Item, kind: str, code: str) -> AchReturnEntry:
    addenda, entry = item.addenda, item.entry
    return AchReturnEntry(
        file=file,
        line_number=item.line_number,
        kind=kind,
        code=code,
        original_trace_number=addenda.original_trace_number,
        trace_number=entry.trace_number,
        amount=Decimal(entry.amount_cents) / 100,
        original_rdfi=addenda.original_rdfi,
        date_of_death=getattr(addenda, "date_of_death", None),
        individual_name=entry.individual_name,
        individual_id=entry.individual_id,
    )


def _finish(entry: AchReturnEntry, outcome: str, note: str) -> AchReturnEntry:
    entry.outcome, entry.note = outcome, note[:500]
    entry.save()
    return entry


def _matched(trace: str) -> tuple[AchDraft | None, AutopayEnrolment | None]:
    """The draft with this trace (locked), else the enrolment whose prenote it was."""
    draft = (
        AchDraft.objects.select_for_update()
        .select_related("enrolment__account__customer")
        .filter(trace_number=trace)
        .first()
    )
    if draft is not None:
        return draft, draft.enrolment
    enrolment = (
        AutopayEnrolment.objects.select_for_update()
        .select_related("account__customer")
        .filter(prenote_trace_number=trace)
        .first()
    )
    return None, enrolment


def _return_apply(file, item: _Item, by, today) -> AchReturnEntry:
    row = return_code(item.addenda.return_reason_code)
    entry = _new_entry(file, item, Kind.RETURN, row.code)
    trace = entry.original_trace_number
    draft, enrolment = _matched(trace)
    if enrolment is None:
        return _finish(
            entry,
            Outcome.EXCEPTION,
            f"{row.code} ({row.meaning}): no draft or prenote of ours has trace number {trace}. "
            "Find the payment (the name and id the bank gives) and record the return by hand.",
        )
    entry.draft, entry.enrolment = draft, enrolment
    earlier = (
        AchReturnEntry.objects.filter(
            kind=Kind.RETURN, outcome=Outcome.APPLIED, original_trace_number=trace
        )
        .select_related("file")
        .first()
    )
    if earlier is not None:
        return _finish(
            entry,
            Outcome.DUPLICATE,
            f"Already applied from {earlier.file.file_name} "
            f"({timezone.localtime(earlier.file.imported_at):%m/%d/%Y}): nothing done again.",
        )
    if draft is None:
        return _prenote_returned(entry, enrolment, row, by)
    return _draft_returned(entry, draft, row, by, today)


def _prenote_returned(entry, enrolment, row: ReturnCode, by) -> AchReturnEntry:
    _finish(entry, Outcome.APPLIED, f"Prenote returned: {row.code} {row.meaning}. No fee.")
    _suspend(entry, enrolment, f"Prenote returned {row.code}: {row.meaning}", by)
    _notify(entry, enrolment.account, row, by, log_contact=True)
    entry.save(update_fields=["suspended", "customer_notified_by"])
    return entry


def _draft_returned(entry, draft: AchDraft, row: ReturnCode, by, today) -> AchReturnEntry:
    what = f"{row.code} ({row.meaning})"
    if entry.amount != draft.amount:
        return _finish(
            entry,
            Outcome.EXCEPTION,
            f"{what}: the return is for {format_money(entry.amount)} but draft "
            f"{draft.trace_number} was for {format_money(draft.amount)}; ask the bank.",
        )
    account = draft.enrolment.account
    by_email = _emailed(account)
    try:
        with transaction.atomic():
            _finish(entry, Outcome.APPLIED, f"{what}: the draft of bill {draft.bill_id} reversed.")
            if draft.payment_id:
                # A customer who chose e-mail gets the e-mail below, not a letter as well.
                _through_returned_item(entry, draft, row, by, today, notice=not by_email)
            else:
                _reverse_journal(entry, draft, row, by, today)
            transition(draft, AchDraft.Status.RETURNED, verb="returned")
            draft.save(update_fields=["status"])
    except ValidationError as error:
        entry.pk = None
        entry.returned_item = entry.journal = entry.fee_journal = None
        entry.fee = ZERO
        return _finish(entry, Outcome.EXCEPTION, f"{what}: not applied: {' '.join(error.messages)}")
    suspend = row.suspends
    reason = f"ACH return {row.code}: {row.meaning}"
    if (
        not suspend
        and CustomerFlag.objects.filter(
            customer_id=account.customer_id,
            flag=CustomerFlag.Flag.CASH_ONLY,
            cleared_at__isnull=True,
        ).exists()
    ):
        suspend, reason = True, f"Cash only after ACH return {row.code}: {row.meaning}"
    if suspend:
        _suspend(entry, draft.enrolment, reason, by)
    # For a paper customer the returned-payment path logged the contact and queued the letter.
    _notify(entry, account, row, by, log_contact=by_email or not entry.returned_item_id)
    entry.save()
    return entry


def _through_returned_item(entry, draft, row: ReturnCode, by, today, *, notice: bool) -> None:
    tender = (
        Tender.objects.filter(payment_id=draft.payment_id, kind=Tender.Kind.ACH)
        .order_by("id")
        .first()
    )
    if tender is None:
        raise ServiceError("the draft's payment has no ACH tender to return")
    item = returned_item_record(
        tender_id=tender.pk,
        reason=row.reason,
        returned_on=today,
        by=by,
        bank_reference=f"ACH {row.code} trace {draft.trace_number}",
        notice=notice,
    )
    entry.returned_item = item
    entry.fee = _journal_debits(item.fee_journal_id)


def _journal_debits(journal_id) -> Decimal:
    if journal_id is None:
        return ZERO
    total = JournalLine.objects.filter(journal_id=journal_id, amount__gt=0).aggregate(
        total=Sum("amount")
    )["total"]
    return total or ZERO


def _reverse_journal(entry, draft, row: ReturnCode, by, today) -> None:
    """A draft posted without a payment record: its own journal reversed, if it is the draft's
    alone (a journal shared with other drafts is left to a person), and the fee charged."""
    account = draft.enrolment.account
    if draft.journal_id:
        journal = Journal.objects.get(pk=draft.journal_id)
        lines = list(JournalLine.objects.filter(journal=journal))
        mine = {line.service_account_id for line in lines} <= {None, account.pk}
        if not mine or _journal_debits(journal.pk) != draft.amount:
            raise ServiceError(
                f"the draft's journal J{journal.pk} also books other payments; reverse its "
                "part by hand"
            )
        entry.journal = journal_reverse(
            journal=journal,
            by=by,
            reason=f"ACH return {row.code} ({row.meaning}), trace {draft.trace_number}",
            idempotency_key=f"ach-return:{draft.trace_number}",
            effective_date=today,
        )
    fee = policy_value("nsf-fee") if row.fee else ZERO
    if fee > 0:
        entry.fee_journal = journal_post(
            kind=Journal.Kind.FEE,
            memo=f"Returned payment fee: ACH draft {draft.trace_number} ({row.code})",
            lines=[
                Line(Purpose.AR_CUSTOMERS, fee, account.pk, memo=RETURNED_PAYMENT_FEE.text()),
                Line(Purpose.FEES_NSF, -fee),
            ],
            by=by,
            idempotency_key=f"ach-return-fee:{draft.trace_number}",
            effective_date=today,
            source=entry,
        )
        entry.fee = fee
    entry.save()


def _suspend(entry, enrolment, reason: str, by) -> None:
    locked = AutopayEnrolment.objects.select_for_update().get(pk=enrolment.pk)
    if locked.can_move_to(AutopayEnrolment.Status.SUSPENDED) and not locked.is_suspended:
        autopay_suspend(enrolment_id=locked.pk, reason=reason, by=by)
        entry.suspended = True


def _emailed(account) -> bool:
    """Whether a return's notice goes by e-mail: the customer chose e-mail and has an address."""
    return bool(account.paperless and account.customer.email)


def _notify(entry, account, row: ReturnCode, by, *, log_contact: bool) -> None:
    """E-mail the customer who chose e-mail and has an address; otherwise a letter (queued by
    the returned-payment path, or logged here for the mail room)."""
    customer = account.customer
    by_email = _emailed(account)
    entry.customer_notified_by = "email" if by_email else "letter"
    what = "autopay bank account test (prenote)" if entry.draft_id is None else "autopay payment"
    amount = f" of {format_money(entry.amount)}" if entry.amount else ""
    fee = f" A returned payment fee of {format_money(entry.fee)} was charged." if entry.fee else ""
    stopped = " Autopay is suspended." if entry.suspended else ""
    how = f"Notice e-mailed to {customer.email}." if by_email else "Notice letter to mail."
    if by_email or log_contact:
        contact_log(
            channel=Contact.Channel.EMAIL if by_email else Contact.Channel.MAIL,
            reason=Contact.Reason.RETURNED_PAYMENT,
            account=account,
            by=by,
            notes=f"The bank returned the {what}{amount} ({entry.code}: "
            f"{row.meaning}).{fee}{stopped} {how}",
        )
    if by_email:
        entry_id = entry.pk
        transaction.on_commit(lambda: return_notice_send(entry_id=entry_id))


def return_notice_send(*, entry_id: int) -> bool:
    """E-mail the returned-payment notice of one return entry (after the import commits)."""
    entry = (
        AchReturnEntry.objects.select_related("enrolment__account__customer")
        .filter(pk=entry_id)
        .first()
    )
    if entry is None or entry.enrolment is None:
        return False
    account = entry.enrolment.account
    if not account.customer.email:
        return False
    context = {
        "entry": entry,
        "row": return_code(entry.code),
        "account": account,
        "customer": account.customer,
        "district_name": settings.DISTRICT_NAME,
        "district_phone": settings.DISTRICT_PHONE,
    }
    with in_customer_language(account.customer):
        subject = render_to_string("payments/autopay/returns/notice_subject.txt", context)
        body = render_to_string("payments/autopay/returns/notice_email.txt", context)
    send_mail(
        " ".join(subject.split()), body, settings.DEFAULT_FROM_EMAIL, [account.customer.email]
    )
    return True


def _change_apply(file, item: _Item) -> AchReturnEntry:
    code = item.addenda.change_code
    entry = _new_entry(file, item, Kind.CHANGE, code)
    trace = entry.original_trace_number
    draft, enrolment = _matched(trace)
    what = f"{code} ({change_meaning(code)})"
    if enrolment is None:
        return _finish(
            entry,
            Outcome.EXCEPTION,
            f"{what}: no draft or prenote of ours has trace number {trace}; find the enrolment.",
        )
    entry.draft, entry.enrolment = draft, enrolment
    try:
        correction = noc.correction_parse(code, item.addenda.corrected_data)
    except ValidationError as error:
        return _finish(entry, Outcome.EXCEPTION, f"{what}: {' '.join(error.messages)}.")
    if enrolment.is_cancelled:
        return _finish(entry, Outcome.APPLIED, f"{what}: autopay was cancelled; nothing to do.")
    if noc.same_notice_pending(enrolment.pk, code, correction):
        return _finish(
            entry, Outcome.DUPLICATE, f"{what}: the same correction already waits for a CSR."
        )
    _finish(entry, Outcome.APPLIED, f"{what}: waiting for a CSR to confirm the correction.")
    noc.change_notice_record(entry=entry, correction=correction)
    return entry
