"""The nightly draft: on the due date's effective date, once per bill, never more than the
bill, skipped under an appeal hold or an arrangement; the NACHA file, the ledger and the
pre-draft reminder."""

from decimal import Decimal

import pytest
from django.core import mail

from billing.collections.models import CollectionHold
from district import roles
from district.ledger.models import Journal
from district.ledger.selectors import account_balance, ledger_problems
from district.services import NIGHTLY_USERNAME
from payments.autopay import crypto
from payments.autopay.drafting import (
    ARRANGEMENT_SKIP,
    autopay_draft_run,
    autopay_nightly,
    reminders_send,
)
from payments.autopay.nacha_check import nacha_check
from payments.autopay.nacha_read import nacha_read
from payments.models import (
    AchDraft,
    AchFileRecord,
    AutopayReminder,
    Payment,
    PaymentBatch,
    Tender,
)
from tests.arrangements.factories import active_arrangement
from tests.factories import ServiceAccountFactory, post_payment
from tests.payments.autopay.helpers import THURSDAY, WEDNESDAY, D, bill_due, enrol, make_active

pytestmark = pytest.mark.django_db


@pytest.fixture
def csr(make_user):
    return make_user(roles.CSR_I)


@pytest.fixture
def enrolled(csr):
    account = ServiceAccountFactory()
    return make_active(enrol(account, csr))


def test_the_bill_is_drafted_on_its_effective_date_exactly_once(enrolled, csr):
    bill = bill_due(enrolled.account, "80.00", THURSDAY)
    assert autopay_draft_run(today=D(2026, 12, 8), by=csr).drafts == []  # Tuesday: not yet

    run = autopay_draft_run(today=WEDNESDAY, by=csr)

    (draft,) = run.drafts
    assert (draft.bill, draft.amount, draft.effective_date) == (bill, Decimal("80.00"), THURSDAY)
    assert draft.file == run.file
    assert draft.status == AchDraft.Status.SENT
    again = autopay_draft_run(today=WEDNESDAY, by=csr)
    assert (again.file, again.drafts) == (None, [])
    assert AchDraft.objects.count() == 1
    assert AchFileRecord.objects.filter(kind="draft").count() == 1


def test_a_friday_run_drafts_bills_due_over_the_weekend_and_monday(enrolled, csr):
    bill = bill_due(enrolled.account, "42.00", D(2026, 12, 13))  # a Sunday
    run = autopay_draft_run(today=D(2026, 12, 11), by=csr)
    assert [(d.bill, d.effective_date) for d in run.drafts] == [(bill, D(2026, 12, 14))]


@pytest.mark.parametrize(
    ("owed", "drafted"),
    [("150.00", "80.00"), ("30.00", "30.00")],
    ids=["an older balance is not drafted", "a part paid is not drafted again"],
)
def test_the_draft_is_the_balance_never_more_than_the_bill(enrolled, csr, owed, drafted):
    bill_due(enrolled.account, "80.00", THURSDAY, owed=owed)
    (draft,) = autopay_draft_run(today=WEDNESDAY, by=csr).drafts
    assert draft.amount == Decimal(drafted)


def test_nothing_is_drafted_when_nothing_is_owed(enrolled, csr):
    bill = bill_due(enrolled.account, "80.00", THURSDAY)
    post_payment(enrolled.account, "80.00", bill.bill_date)
    run = autopay_draft_run(today=WEDNESDAY, by=csr)
    assert (run.file, run.drafts, run.skipped) == (None, [], [])


def test_only_the_latest_posted_bill_and_only_active_enrolments(enrolled, csr):
    bill_due(enrolled.account, "80.00", THURSDAY)
    bill_due(enrolled.account, "20.00", D(2026, 12, 30))  # a later bill: the latest
    pending = enrol(ServiceAccountFactory(), csr)  # its prenote has not matured
    bill_due(pending.account, "55.00", THURSDAY)
    assert autopay_draft_run(today=WEDNESDAY, by=csr).drafts == []


def test_an_appeal_hold_or_an_arrangement_skips_the_draft(enrolled, csr):
    held = enrolled
    arranged = make_active(enrol(ServiceAccountFactory(), csr))
    bill_due(held.account, "80.00", THURSDAY)
    bill_due(arranged.account, "60.00", THURSDAY)
    CollectionHold.objects.create(
        account=held.account, kind="appeal", evidence="Appeal letter", starts_on=D(2026, 12, 1),
        created_at="2026-12-01T10:00Z",
    )  # fmt: skip
    active_arrangement(arranged.account, arranged_on=D(2026, 12, 1))

    run = autopay_draft_run(today=WEDNESDAY, by=csr)

    assert run.drafts == [] and run.file is None
    assert sorted((due.enrolment.pk, due.skip_reason) for due in run.skipped) == sorted(
        [(held.pk, "an appeal hold is in force"), (arranged.pk, ARRANGEMENT_SKIP)]
    )


def test_the_file_passes_the_check_and_its_totals_are_the_drafts(enrolled, csr):
    web = make_active(enrol(ServiceAccountFactory(), csr, number="55554444"), entry_class="WEB")
    savings = make_active(enrol(ServiceAccountFactory(), csr, number="1234", kind="savings"))
    bill_due(enrolled.account, "80.00", THURSDAY)
    bill_due(web.account, "12.34", THURSDAY)
    bill_due(savings.account, "100.01", THURSDAY)

    run = autopay_draft_run(today=WEDNESDAY, by=csr)

    data = crypto.decrypt_bytes(run.file.content)
    assert nacha_check(data) == []
    assert b"123456789" not in run.file.content.encode()  # encrypted at rest, as the numbers
    parsed = nacha_read(data)
    assert [batch.sec_code for batch in parsed.batches] == ["PPD", "WEB"]
    entries = [entry for batch in parsed.batches for entry in batch.entries]
    assert sum(entry.amount_cents for entry in entries) == 19_235
    assert sorted(entry.transaction_code for entry in entries) == [27, 27, 37]
    assert {entry.trace_number for entry in entries} == {d.trace_number for d in run.drafts}
    assert parsed.batches[1].entries[0].discretionary_data.strip() == "R"
    assert parsed.batches[0].effective_entry_date == THURSDAY
    assert (run.file.entry_count, run.file.total_debit) == (3, Decimal("192.35"))
    assert sum(draft.amount for draft in run.drafts) == run.file.total_debit


def test_the_file_posts_one_batch_settlements_due_against_each_receivable_once(enrolled, csr):
    # one batch and one journal for the file, so the bank's one settlement credit matches it
    other = make_active(enrol(ServiceAccountFactory(), csr, number="55554444"))
    bill_due(enrolled.account, "80.00", THURSDAY)
    bill_due(other.account, "12.50", THURSDAY)

    run = autopay_draft_run(today=WEDNESDAY, by=csr)

    journal = Journal.objects.get(pk=run.drafts[0].journal_id)
    assert {draft.journal_id for draft in run.drafts} == {journal.pk}
    assert journal.kind == "payment"
    assert journal.idempotency_key == f"autopay-file:{run.file.pk}"
    assert sorted(
        (line.gl_account.purpose, line.amount, line.service_account_id or 0)
        for line in journal.lines.select_related("gl_account")
    ) == sorted(
        [
            ("settlements_due", Decimal("92.50"), 0),
            ("ar_customers", Decimal("-80.00"), enrolled.account_id),
            ("ar_customers", Decimal("-12.50"), other.account_id),
        ]
    )
    assert account_balance(enrolled.account_id) == Decimal("0.00")
    batch = PaymentBatch.objects.get(journal=journal)
    assert (batch.kind, batch.status, batch.control_count, batch.control_total) == (
        "processor", "posted", 2, Decimal("92.50")
    )  # fmt: skip
    draft = next(draft for draft in run.drafts if draft.enrolment_id == enrolled.pk)
    payment = Payment.objects.get(pk=draft.payment_id)
    assert (payment.channel, payment.total, payment.journal_id, payment.batch_id) == (
        "processor", Decimal("80.00"), journal.pk, batch.pk
    )  # fmt: skip
    assert list(payment.tenders.values_list("kind", "reference")) == [
        (Tender.Kind.ACH, draft.trace_number)
    ]
    assert ledger_problems() == []
    autopay_draft_run(today=WEDNESDAY, by=csr)
    assert Journal.objects.filter(idempotency_key__startswith="autopay-file:").count() == 1


def test_the_reminder_goes_once_three_days_ahead(enrolled, csr):
    bill = bill_due(enrolled.account, "80.00", THURSDAY)
    assert reminders_send(today=D(2026, 12, 6)) == []  # four days ahead: not yet

    (reminder,) = reminders_send(today=D(2026, 12, 7))
    assert reminders_send(today=D(2026, 12, 8)) == []

    assert (reminder.bill, reminder.amount, reminder.draft_on) == (bill, Decimal("80.00"), THURSDAY)
    (message,) = mail.outbox
    assert message.to == [enrolled.account.customer.email]
    assert "$80.00" in message.subject and "12/10/2026" in message.subject
    assert "****6789" in message.body and "123456789" not in message.body
    assert AutopayReminder.objects.count() == 1


def test_the_nightly_run_activates_sends_prenotes_and_drafts(csr):
    fresh = enrol(ServiceAccountFactory(), csr)
    result = autopay_nightly(today=WEDNESDAY, by=csr)
    assert result["prenote_file"] is not None and result["drafts"] == 0
    fresh.refresh_from_db()
    assert fresh.prenote_sent_on == WEDNESDAY


def test_the_nightly_task_drafts_as_the_nightly_user_and_twice_is_once(enrolled):
    from payments.autopay.tasks import autopay_draft

    bill_due(enrolled.account, "80.00", THURSDAY)
    first = autopay_draft.delay(on_date=WEDNESDAY.isoformat()).get()
    second = autopay_draft.delay(on_date=WEDNESDAY.isoformat()).get()
    assert (first["drafts"], second["drafts"], second["draft_file"]) == (1, 0, None)
    draft = AchDraft.objects.get()
    assert Payment.objects.get(pk=draft.payment_id).taken_by.username == NIGHTLY_USERNAME
