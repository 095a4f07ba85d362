"""Notifications of change: kept pending, confirmed into the stored (encrypted) bank details by
a CSR with who confirmed recorded, or declined leaving them; drafting told which to skip."""

import pytest
from django.core.exceptions import ValidationError

from district import roles
from payments.autopay import crypto
from payments.autopay.noc import (
    change_notice_confirm,
    change_notice_decline,
    enrolments_with_pending_noc,
)
from payments.autopay.returns import ach_returns_import
from payments.models import AchChangeNotice, AchReturnEntry
from tests.factories import ServiceAccountFactory
from tests.payments.autopay_returns.builders import (
    ACCOUNT_NUMBER,
    RDFI_ROUTING,
    changed,
    draft_paid,
    enrolment_for,
    return_bytes,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead(make_user):
    return make_user(roles.CSR_III, username="lead")


@pytest.fixture
def enrolment(lead):
    return enrolment_for(ServiceAccountFactory(), lead)


def _noc(enrolment, lead, code, data):
    draft = draft_paid(enrolment, lead)
    result = ach_returns_import(
        content=return_bytes(changes=[changed(draft.trace_number, code, data)]),
        file_name="noc.ach",
        by=lead,
    )
    (entry,) = result.entries
    return entry


def test_c01_is_kept_pending_and_confirmed_into_the_encrypted_number(enrolment, lead, make_user):
    # given the bank's corrected account number
    entry = _noc(enrolment, lead, "C01", "98765432101")
    notice = entry.change_notice
    assert entry.outcome == AchReturnEntry.Outcome.APPLIED and notice.is_pending
    assert (
        notice.corrected_last4 == "2101" and "98765432101" not in notice.corrected_account_encrypted
    )
    enrolment.refresh_from_db()
    assert crypto.decrypt_account_number(enrolment.account_number_encrypted) == ACCOUNT_NUMBER
    assert enrolments_with_pending_noc([enrolment.pk, 0]) == {enrolment.pk}
    # when a CSR confirms it
    clerk = make_user(roles.CSR_I, username="clerk")
    change_notice_confirm(notice_id=notice.pk, by=clerk)
    # then the stored number decrypts to the corrected value, and who confirmed is recorded
    enrolment.refresh_from_db()
    assert crypto.decrypt_account_number(enrolment.account_number_encrypted) == "98765432101"
    assert enrolment.account_last4 == "2101" and enrolment.routing_number == RDFI_ROUTING
    notice.refresh_from_db()
    assert notice.is_confirmed and notice.decided_by == clerk
    assert notice.previous_last4 == ACCOUNT_NUMBER[-4:]
    assert enrolments_with_pending_noc([enrolment.pk]) == set()
    # and it cannot be confirmed twice
    with pytest.raises(ValidationError, match="already confirmed"):
        change_notice_confirm(notice_id=notice.pk, by=clerk)


def test_c02_corrects_the_routing_number(enrolment, lead):
    notice = _noc(enrolment, lead, "C02", "121000358").change_notice
    assert notice.corrected_routing == "121000358" and not notice.corrected_account_encrypted
    change_notice_confirm(notice_id=notice.pk, by=lead)
    enrolment.refresh_from_db()
    assert enrolment.routing_number == "121000358"
    assert crypto.decrypt_account_number(enrolment.account_number_encrypted) == ACCOUNT_NUMBER


def test_c07_corrects_routing_account_and_type(enrolment, lead):
    data = "121000358" + "55550000".ljust(17) + "37"
    notice = _noc(enrolment, lead, "C07", data).change_notice
    change_notice_confirm(notice_id=notice.pk, by=lead)
    enrolment.refresh_from_db()
    assert (enrolment.routing_number, enrolment.account_last4, enrolment.account_type) == (
        "121000358",
        "0000",
        "savings",
    )


def test_decline_leaves_the_stored_number(enrolment, lead):
    notice = _noc(enrolment, lead, "C01", "98765432101").change_notice
    with pytest.raises(ValidationError):
        change_notice_decline(notice_id=notice.pk, reason="  ", by=lead)
    change_notice_decline(notice_id=notice.pk, reason="Customer says ours is right", by=lead)
    enrolment.refresh_from_db()
    assert crypto.decrypt_account_number(enrolment.account_number_encrypted) == ACCOUNT_NUMBER
    notice.refresh_from_db()
    assert notice.status == AchChangeNotice.Status.DECLINED and notice.decided_by == lead
    assert enrolments_with_pending_noc([enrolment.pk]) == set()


def test_a_bad_corrected_routing_number_is_an_exception(enrolment, lead):
    entry = _noc(enrolment, lead, "C02", "121000359")
    assert entry.outcome == AchReturnEntry.Outcome.EXCEPTION
    assert "the corrected routing number 121000359 fails its check digit" in entry.note
    assert not AchChangeNotice.objects.exists()


def test_confirming_needs_edit_accounts(enrolment, lead, make_user):
    notice = _noc(enrolment, lead, "C01", "98765432101").change_notice
    with pytest.raises(ValidationError, match="does not allow"):
        change_notice_confirm(notice_id=notice.pk, by=make_user(roles.FINANCE))
    notice.refresh_from_db()
    assert notice.is_pending


def test_drafting_skips_an_enrolment_whose_correction_waits_for_a_csr(enrolment, lead):
    # the bank requires a notification of change applied before our next entry
    from payments.autopay.drafting import PENDING_NOC_SKIP, autopay_draft_run
    from tests.payments.autopay.helpers import THURSDAY, WEDNESDAY, bill_due

    _noc(enrolment, lead, "C01", "98765432101")
    bill_due(enrolment.account, "64.00", THURSDAY)

    run = autopay_draft_run(today=WEDNESDAY, by=lead)

    assert run.drafts == []
    assert [(due.enrolment.pk, due.skip_reason) for due in run.skipped] == [
        (enrolment.pk, PENDING_NOC_SKIP)
    ]
