"""Returns imported: reversal once through the returned-payment path, the fee, the notice, the
suspension table, returned prenotes, unknown traces, and a file refused whole."""

from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from accounts.models import Contact, CustomerFlag
from district import roles
from district.ledger.selectors import account_balance
from payments.autopay import crypto
from payments.autopay.returns import ach_returns_import
from payments.models import AchDraft, AchReturnEntry, AchReturnFile, Letter, ReturnedItem
from tests.factories import ServiceAccountFactory
from tests.payments.autopay_returns.builders import (
    draft_paid,
    enrolment_for,
    our_trace,
    return_bytes,
    returned,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead(make_user):
    return make_user(roles.CSR_III, username="lead")


@pytest.fixture
def enrolment(lead):
    account = ServiceAccountFactory()
    return enrolment_for(account, lead)


def _import(content, by, name="returns.ach"):
    return ach_returns_import(content=content, file_name=name, by=by)


def test_r01_reverses_once_charges_the_fee_and_reimport_does_nothing(
    enrolment, lead, django_capture_on_commit_callbacks
):
    # given a settled draft of $42.13 paid by its payment
    draft = draft_paid(enrolment, lead, "42.13")
    account = enrolment.account
    before = account_balance(account.pk)
    content = return_bytes([returned(draft.trace_number, "R01", 4_213)])
    # when the bank's return file is imported
    result = _import(content, lead)
    # then the payment is reversed and the $25.00 fee charged, through a returned item
    assert account_balance(account.pk) == before + Decimal("42.13") + Decimal("25.00")
    (entry,) = result.returned
    assert entry.code == "R01" and entry.fee == Decimal("25.00")
    item = ReturnedItem.objects.get(tender__payment=draft.payment)
    assert item.reason == ReturnedItem.Reason.NSF and item.fee_journal_id
    assert entry.returned_item == item
    draft.refresh_from_db()
    assert draft.status == AchDraft.Status.RETURNED
    enrolment.refresh_from_db()
    assert enrolment.status == "active" and not entry.suspended  # R01 alone does not suspend
    contact = Contact.objects.get(account=account, reason=Contact.Reason.RETURNED_PAYMENT)
    assert "Insufficient funds" in contact.notes
    assert result.fees == Decimal("25.00")
    # and the file is kept, encrypted (it holds account numbers)
    assert crypto.decrypt_bytes(result.file.content) == content
    assert b"000123456789" not in result.file.content.encode()
    # when the same file comes again: nothing imported
    again = _import(content, lead)
    assert again.already_imported and again.file == result.file
    # and the same return in another file is a duplicate that moves no money
    other = _import(
        return_bytes([returned(draft.trace_number, "R01", 4_213)], reference="AGAIN"), lead
    )
    assert [e.outcome for e in other.entries] == [AchReturnEntry.Outcome.DUPLICATE]
    assert "Already applied from returns.ach" in other.entries[0].note
    assert account_balance(account.pk) == before + Decimal("67.13")
    assert ReturnedItem.objects.count() == 1


@pytest.mark.parametrize("code", ["R02", "R03", "R04", "R07", "R10", "R16", "R29"])
def test_account_level_codes_suspend_autopay(code, enrolment, lead):
    draft = draft_paid(enrolment, lead, "30.00")
    result = _import(return_bytes([returned(draft.trace_number, code, 3_000)]), lead)
    (entry,) = result.returned
    enrolment.refresh_from_db()
    assert entry.suspended and result.suspended == [entry]
    assert enrolment.status == "suspended"
    assert enrolment.suspended_reason.startswith(f"ACH return {code}: ")
    # only account closed (R02) and payment stopped (R08) are the customer's doing among these
    assert entry.fee == (Decimal("25.00") if code == "R02" else Decimal("0.00"))


def test_repeated_insufficient_funds_makes_cash_only_and_suspends(enrolment, lead):
    # given the policy's two returns in 12 months
    first = draft_paid(enrolment, lead, "20.00")
    second = draft_paid(enrolment, lead, "21.00")
    _import(return_bytes([returned(first.trace_number, "R01", 2_000)]), lead)
    enrolment.refresh_from_db()
    assert enrolment.status == "active"
    result = _import(return_bytes([returned(second.trace_number, "R09", 2_100)]), lead)
    # then the customer is cash only and autopay suspended with that reason
    assert CustomerFlag.objects.filter(
        customer=enrolment.account.customer, flag=CustomerFlag.Flag.CASH_ONLY
    ).exists()
    enrolment.refresh_from_db()
    assert enrolment.status == "suspended"
    assert enrolment.suspended_reason == "Cash only after ACH return R09: Uncollected funds"
    assert result.returned[0].suspended


def test_returned_prenote_suspends_without_a_fee(lead):
    trace = our_trace()
    account = ServiceAccountFactory()
    enrolment = enrolment_for(account, lead, status="pending_prenote", prenote_trace=trace)
    before = account_balance(account.pk)
    result = _import(return_bytes([returned(trace, "R03", 0, transaction_code=26)]), lead)
    (entry,) = result.returned
    enrolment.refresh_from_db()
    assert enrolment.status == "suspended"
    assert enrolment.suspended_reason == (
        "Prenote returned R03: No account, or unable to locate the account"
    )
    assert entry.fee == Decimal("0.00") and entry.draft is None
    assert account_balance(account.pk) == before
    assert (
        Contact.objects.filter(account=account, reason=Contact.Reason.RETURNED_PAYMENT).count() == 1
    )


def test_unknown_trace_is_an_exception_for_a_person(enrolment, lead):
    draft = draft_paid(enrolment, lead, "42.13")
    stranger = "121000359999999"
    result = _import(
        return_bytes(
            [returned(draft.trace_number, "R01", 4_213), returned(stranger, "R01", 1_000)]
        ),
        lead,
    )
    (exception,) = result.exceptions
    assert exception.original_trace_number == stranger
    assert exception.draft is None and exception.line_number == 5
    assert f"no draft or prenote of ours has trace number {stranger}" in exception.note
    assert len(result.returned) == 1


def test_amount_that_differs_from_the_draft_is_an_exception(enrolment, lead):
    draft = draft_paid(enrolment, lead, "42.13")
    result = _import(return_bytes([returned(draft.trace_number, "R01", 4_000)]), lead)
    (exception,) = result.exceptions
    assert "the return is for $40.00 but draft" in exception.note
    draft.refresh_from_db()
    assert draft.status == "sent"
    assert not ReturnedItem.objects.exists()


def test_a_draft_without_a_payment_record_has_its_own_journal_reversed(enrolment, lead):
    draft = draft_paid(enrolment, lead, "42.13", with_payment=False)
    before = account_balance(enrolment.account.pk)
    result = _import(return_bytes([returned(draft.trace_number, "R01", 4_213)]), lead)
    (entry,) = result.returned
    assert entry.journal.reverses_id == draft.journal_id
    assert account_balance(enrolment.account.pk) == before + Decimal("67.13")


def test_customer_who_chose_email_is_emailed(enrolment, lead, django_capture_on_commit_callbacks):
    account = enrolment.account
    account.paperless = True
    account.save(update_fields=["paperless"])
    draft = draft_paid(enrolment, lead, "42.13")
    with django_capture_on_commit_callbacks(execute=True):
        result = _import(return_bytes([returned(draft.trace_number, "R02", 4_213)]), lead)
    assert result.returned[0].customer_notified_by == "email"
    (message,) = mail.outbox
    assert message.to == [account.customer.email]
    assert "Account closed (R02)" in message.body
    assert "Autopay is suspended" in message.body
    # One notice, one contact: the e-mail, not a letter as well.
    (contact,) = Contact.objects.filter(account=account, reason=Contact.Reason.RETURNED_PAYMENT)
    assert contact.channel == Contact.Channel.EMAIL
    assert not Letter.objects.filter(account=account, kind=Letter.Kind.RETURNED_PAYMENT).exists()


def test_customer_on_paper_gets_one_letter_and_no_email(
    enrolment, lead, django_capture_on_commit_callbacks
):
    account = enrolment.account
    draft = draft_paid(enrolment, lead, "42.13")
    with django_capture_on_commit_callbacks(execute=True):
        result = _import(return_bytes([returned(draft.trace_number, "R01", 4_213)]), lead)
    assert result.returned[0].customer_notified_by == "letter"
    assert mail.outbox == []
    (contact,) = Contact.objects.filter(account=account, reason=Contact.Reason.RETURNED_PAYMENT)
    assert contact.channel == Contact.Channel.MAIL
    (letter,) = Letter.objects.filter(account=account, kind=Letter.Kind.RETURNED_PAYMENT)
    assert letter.returned_item == result.returned[0].returned_item


def test_bad_control_refuses_the_file_whole_naming_the_line(enrolment, lead):
    draft = draft_paid(enrolment, lead, "42.13")
    content = return_bytes([returned(draft.trace_number, "R01", 4_213)])
    records = content.decode().split("\n")
    # line 5 is the batch control: its entry hash made wrong
    records[4] = records[4][:10] + "0000000001" + records[4][20:]
    with pytest.raises(ValidationError) as refused:
        _import("\n".join(records).encode(), lead)
    assert "line 5: the batch control (batch of line 2) says entry hash" in str(refused.value)
    assert not AchReturnFile.objects.exists() and not ReturnedItem.objects.exists()


def test_a_file_of_our_own_drafts_is_refused(lead):
    from payments.autopay.nacha_write import nacha_write
    from tests.payments.nacha_samples import draft_batch, draft_entry, draft_file

    content = nacha_write(draft_file([draft_batch([draft_entry(4_213)])]))
    with pytest.raises(ValidationError) as refused:
        _import(content, lead)
    assert "line 3: an original entry (transaction code 27)" in str(refused.value)
    assert not AchReturnFile.objects.exists()


def test_importing_needs_the_cash_permission(make_user, enrolment):
    with pytest.raises(ValidationError):
        _import(return_bytes([returned(our_trace(), "R01", 100)]), make_user(roles.CSR_II))
    assert not AchReturnFile.objects.exists()
