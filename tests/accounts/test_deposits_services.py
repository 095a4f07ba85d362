"""Deposit services: charge, waive by role (and through approval), letters of credit,
carry-over, apply and refund postings, and guideline versions. On refusal nothing is written."""

import datetime
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.deposits import selectors, services
from accounts.deposits.rules import deposit_quote
from accounts.models import Deposit, DepositGuideline, LetterOfCredit, ServiceAccount
from district import roles
from district.approvals.models import ApprovalRequest
from district.approvals.services import approval_approve, approval_cancel, approval_reject
from district.ledger.models import GLAccount, Journal, JournalLine
from district.ledger.purposes import Purpose
from district.ledger.selectors import account_balance
from district.models import Policy
from tests import factories

pytestmark = pytest.mark.django_db
Status = Deposit.Status
SEEDED = datetime.date(2000, 1, 1)


def _key() -> str:
    return uuid.uuid4().hex


def _new_account(**fields):
    """A new customer's pending account: no history, so the table's $100 is due."""
    fields.setdefault("status", ServiceAccount.Status.PENDING)
    fields.setdefault("start_date", timezone.localdate())
    return factories.ServiceAccountFactory(**fields)


def _quote_for(account, **overrides):
    arguments = {
        "customer": account.customer,
        "premise": account.premise,
        "customer_class": account.customer_class,
        "meter_size": "5/8",
        "is_owner": account.is_owner,
        "on_date": timezone.localdate(),
    }
    arguments.update(overrides)
    return deposit_quote(**arguments)


def _counts():
    return (
        Deposit.objects.count(),
        Journal.objects.count(),
        ApprovalRequest.objects.count(),
        LetterOfCredit.objects.count(),
    )


def _lines(journal_id):
    return {
        (line.gl_account.purpose, line.amount, line.service_account_id)
        for line in JournalLine.objects.filter(journal_id=journal_id).select_related("gl_account")
    }


def _charge(account, by, **extra):
    return services.deposit_charge(
        account=account, quote=_quote_for(account), by=by, idempotency_key=_key(), **extra
    )


def _set_refund_threshold(amount: str):
    Policy.objects.filter(key="refund-approval-threshold").update(value=amount)


# -- charge ------------------------------------------------------------------------------------


def test_a_charge_posts_receivable_against_deposits_held(make_user):
    # given
    csr = make_user(roles.CSR_I)
    account = _new_account()
    # when
    deposit = services.deposit_charge(
        account=account, quote=_quote_for(account), by=csr, installments=3, idempotency_key=_key()
    )
    # then
    deposit.refresh_from_db()
    assert deposit.status == Status.CHARGED
    assert deposit.amount == Decimal("100.00")
    assert deposit.installments == 3
    assert deposit.charged_on == timezone.localdate()
    # the first of three installments posts now; the next bills post the others (billing)
    journal = Journal.objects.get(pk=deposit.charge_journal_id)
    assert journal.kind == Journal.Kind.DEPOSIT
    assert _lines(journal.pk) == {
        (Purpose.AR_CUSTOMERS, Decimal("33.34"), account.pk),
        (Purpose.CUSTOMER_DEPOSITS, Decimal("-33.34"), account.pk),
    }
    assert account_balance(account.pk) == Decimal("33.34")
    assert selectors.deposit_held(account.pk) == Decimal("33.34")
    assert [(i.number, i.amount, i.status) for i in deposit.installment_set.all()] == [
        (1, Decimal("33.34"), "posted"),
        (2, Decimal("33.33"), "open"),
        (3, Decimal("33.33"), "open"),
    ]


def test_deposit_journals_never_touch_revenue(make_user):
    # given: a charge, a carry-over, a credit
    csr, supervisor = make_user(roles.CSR_II), make_user(roles.SUPERVISOR)
    old = _new_account()
    _charge(old, csr)
    new = _new_account(customer=old.customer)
    carried = services.deposit_carry_over(from_account=old, to_account=new, by=csr)
    services.deposit_refund(deposit=carried, by=supervisor, to="credit")
    # then
    revenue = JournalLine.objects.filter(gl_account__kind=GLAccount.Kind.REVENUE)
    assert not revenue.exists()
    assert Journal.objects.count() == 3


def test_the_same_request_key_twice_charges_once(make_user):
    # given
    csr = make_user(roles.CSR_I)
    account = _new_account()
    key = _key()
    # when
    first = services.deposit_charge(
        account=account, quote=_quote_for(account), by=csr, idempotency_key=key
    )
    second = services.deposit_charge(
        account=account, quote=_quote_for(account), by=csr, idempotency_key=key
    )
    # then
    assert first.pk == second.pk
    assert Deposit.objects.filter(account=account).count() == 1
    assert Journal.objects.filter(kind=Journal.Kind.DEPOSIT).count() == 1
    assert account_balance(account.pk) == Decimal("100.00")


def test_a_second_deposit_while_one_is_held_is_refused(make_user):
    # given
    csr = make_user(roles.CSR_I)
    account = _new_account()
    _charge(account, csr)
    before = _counts()
    # when / then
    with pytest.raises(ValidationError, match=r"already holds a deposit of \$100.00"):
        _charge(account, csr)
    assert _counts() == before


def test_a_zero_quote_records_the_decision_without_a_journal(make_user):
    # given
    csr = make_user(roles.CSR_I)
    account = _new_account(is_owner=True)
    key = _key()
    # when
    first = services.deposit_charge(
        account=account, quote=_quote_for(account), by=csr, idempotency_key=key
    )
    again = services.deposit_charge(
        account=account, quote=_quote_for(account), by=csr, idempotency_key=key
    )
    # then
    assert first.pk == again.pk
    assert first.amount == 0
    assert first.basis == Deposit.Basis.OWNER
    assert first.charge_journal_id is None
    assert Journal.objects.count() == 0
    assert Deposit.objects.count() == 1


@pytest.mark.parametrize("installments", [0, 4])
def test_installments_outside_the_guidelines_are_refused(make_user, installments):
    # given
    csr = make_user(roles.CSR_I)
    account = _new_account()
    before = _counts()
    # when / then
    with pytest.raises(ValidationError, match="up to 3 installments"):
        _charge(account, csr, installments=installments)
    assert _counts() == before


def test_a_role_that_does_not_start_service_cannot_charge(make_user):
    # given
    field = make_user(roles.FIELD_TECHNICIAN)
    account = _new_account()
    # when / then
    with pytest.raises(ValidationError, match="not allow you to set deposits"):
        _charge(account, field)
    assert _counts() == (0, 0, 0, 0)


def test_a_final_account_is_not_charged(make_user):
    # given
    csr = make_user(roles.CSR_I)
    account = _new_account()
    quote = _quote_for(account)
    ServiceAccount.objects.filter(pk=account.pk).update(status=ServiceAccount.Status.FINAL)
    # when / then
    with pytest.raises(ValidationError, match="this account is final"):
        services.deposit_charge(account=account, quote=quote, by=csr, idempotency_key=_key())
    assert _counts() == (0, 0, 0, 0)


# -- waive -------------------------------------------------------------------------------------


def test_a_csr_ii_waives_at_once(make_user):
    # given
    csr = make_user(roles.CSR_II)
    account = _new_account()
    # when
    deposit = services.deposit_waive(
        account=account,
        quote=_quote_for(account),
        by=csr,
        reason="Long-time customer returning",
        idempotency_key=_key(),
    )
    # then
    deposit.refresh_from_db()
    assert deposit.status == Status.WAIVED
    assert deposit.waiver_reason == "Long-time customer returning"
    assert Journal.objects.count() == 0
    assert ApprovalRequest.objects.count() == 0
    assert selectors.deposit_held(account.pk) == 0


def _waiver_by_csr1(make_user, account=None):
    csr = make_user(roles.CSR_I)
    account = account or _new_account()
    deposit = services.deposit_waive(
        account=account,
        quote=_quote_for(account),
        by=csr,
        reason="Hardship",
        idempotency_key=_key(),
    )
    request = ApprovalRequest.objects.get(kind=services.WAIVER_KIND)
    return csr, account, deposit, request


def test_a_csr_i_waiver_waits_for_approval(make_user):
    # when
    _csr, _account, deposit, request = _waiver_by_csr1(make_user)
    # then
    deposit.refresh_from_db()
    assert deposit.status == Status.PENDING_APPROVAL
    assert request.status == ApprovalRequest.Status.PENDING
    assert request.amount == Decimal("100.00")
    assert request.payload["deposit_id"] == deposit.pk
    assert Journal.objects.count() == 0


def test_an_approved_waiver_is_waived_without_a_journal(make_user):
    # given
    _csr, _account, deposit, request = _waiver_by_csr1(make_user)
    supervisor = make_user(roles.SUPERVISOR)
    # when
    approval_approve(request_id=request.pk, by=supervisor)
    # then
    deposit.refresh_from_db()
    assert deposit.status == Status.WAIVED
    assert Journal.objects.count() == 0


def test_a_rejected_waiver_charges_the_deposit(make_user):
    # given
    _csr, account, deposit, request = _waiver_by_csr1(make_user)
    supervisor = make_user(roles.SUPERVISOR)
    # when
    approval_reject(request_id=request.pk, by=supervisor, reason="Guidelines apply")
    # then
    deposit.refresh_from_db()
    assert deposit.status == Status.CHARGED
    assert deposit.charged_on == timezone.localdate()
    assert _lines(deposit.charge_journal_id) == {
        (Purpose.AR_CUSTOMERS, Decimal("100.00"), account.pk),
        (Purpose.CUSTOMER_DEPOSITS, Decimal("-100.00"), account.pk),
    }
    assert Journal.objects.get(pk=deposit.charge_journal_id).posted_by == supervisor


def test_a_withdrawn_waiver_charges_the_deposit(make_user):
    # given
    csr, _account, deposit, request = _waiver_by_csr1(make_user)
    # when
    approval_cancel(request_id=request.pk, by=csr)
    # then
    deposit.refresh_from_db()
    assert deposit.status == Status.CHARGED
    assert deposit.charge_journal_id is not None


def test_nobody_decides_their_own_waiver(make_user):
    # given
    csr, _account, deposit, request = _waiver_by_csr1(make_user)
    # when / then
    with pytest.raises(ValidationError, match="cannot decide your own"):
        approval_approve(request_id=request.pk, by=csr)
    deposit.refresh_from_db()
    assert deposit.status == Status.PENDING_APPROVAL
    assert Journal.objects.count() == 0


def test_the_same_waiver_key_twice_files_one_request(make_user):
    # given
    csr = make_user(roles.CSR_I)
    account = _new_account()
    key = _key()
    # when
    first, second = (
        services.deposit_waive(
            account=account, quote=_quote_for(account), by=csr, reason="Hardship",
            idempotency_key=key,
        )
        for _ in range(2)
    )  # fmt: skip
    # then
    assert first.pk == second.pk
    assert Deposit.objects.count() == 1
    assert ApprovalRequest.objects.count() == 1


def test_a_charge_while_a_waiver_waits_is_refused(make_user):
    # given
    csr, account, _deposit, _request = _waiver_by_csr1(make_user)
    before = _counts()
    # when / then
    with pytest.raises(ValidationError, match="waiting for a supervisor"):
        _charge(account, csr)
    assert _counts() == before


def test_a_waiver_needs_a_reason(make_user):
    # given
    csr = make_user(roles.CSR_II)
    account = _new_account()
    # when / then
    with pytest.raises(ValidationError, match="Say why"):
        services.deposit_waive(
            account=account, quote=_quote_for(account), by=csr, reason="  ", idempotency_key=_key()
        )
    assert _counts() == (0, 0, 0, 0)


def test_nothing_to_waive_when_no_deposit_is_due(make_user):
    # given
    csr = make_user(roles.CSR_II)
    account = _new_account(is_owner=True)
    # when / then
    with pytest.raises(ValidationError, match="nothing to waive"):
        services.deposit_waive(
            account=account, quote=_quote_for(account), by=csr, reason="x", idempotency_key=_key()
        )
    assert _counts() == (0, 0, 0, 0)


# -- letters of credit -------------------------------------------------------------------------


def test_a_csr_ii_records_a_letter_that_then_waives_the_deposit(make_user):
    # given
    csr = make_user(roles.CSR_II)
    account = _new_account()
    # when
    letter = services.letter_of_credit_record(
        customer=account.customer,
        utility_name="  Southern   California Edison ",
        letter_date=timezone.localdate() - datetime.timedelta(days=10),
        by=csr,
    )
    # then
    assert letter.utility_name == "Southern California Edison"
    assert letter.recorded_by == csr
    assert _quote_for(account).basis == Deposit.Basis.LETTER_OF_CREDIT


def test_a_csr_i_cannot_record_a_letter(make_user):
    # given
    csr = make_user(roles.CSR_I)
    account = _new_account()
    # when / then
    with pytest.raises(ValidationError, match="CSR II or above"):
        services.letter_of_credit_record(
            customer=account.customer,
            utility_name="Edison",
            letter_date=timezone.localdate(),
            by=csr,
        )
    assert LetterOfCredit.objects.count() == 0


@pytest.mark.parametrize(
    ("days_ago", "message"), [(-1, "in the future"), (400, "more than 12 months old")]
)
def test_a_letter_dated_in_the_future_or_too_old_is_refused(make_user, days_ago, message):
    # given
    csr = make_user(roles.CSR_II)
    account = _new_account()
    # when / then
    with pytest.raises(ValidationError, match=message):
        services.letter_of_credit_record(
            customer=account.customer,
            utility_name="Edison",
            letter_date=timezone.localdate() - datetime.timedelta(days=days_ago),
            by=csr,
        )
    assert LetterOfCredit.objects.count() == 0


# -- carry-over on a transfer ------------------------------------------------------------------


def test_a_transfer_carries_the_held_deposit_to_the_new_account(make_user):
    # given
    csr = make_user(roles.CSR_I)
    old = _new_account()
    original = _charge(old, csr)
    Deposit.objects.filter(pk=original.pk).update(charged_on=datetime.date(2025, 2, 3))
    new = _new_account(customer=old.customer)
    # when
    carried = services.deposit_carry_over(from_account=old, to_account=new, by=csr)
    again = services.deposit_carry_over(from_account=old, to_account=new, by=csr)
    # then
    original.refresh_from_db()
    assert again.pk == carried.pk
    assert carried.basis == Deposit.Basis.TRANSFERRED
    assert carried.carried_from == original
    assert carried.amount == Decimal("100.00")
    assert carried.charged_on == datetime.date(2025, 2, 3)
    assert original.closed_on == timezone.localdate()
    assert selectors.deposit_held(old.pk) == 0
    assert selectors.deposit_held(new.pk) == Decimal("100.00")
    transfer = Journal.objects.get(pk=carried.charge_journal_id)
    assert transfer.kind == Journal.Kind.TRANSFER
    assert _lines(transfer.pk) == {
        (Purpose.CUSTOMER_DEPOSITS, Decimal("100.00"), old.pk),
        (Purpose.CUSTOMER_DEPOSITS, Decimal("-100.00"), new.pk),
    }
    assert Journal.objects.filter(kind=Journal.Kind.TRANSFER).count() == 1
    assert selectors.held_deposit(old) is None
    assert selectors.held_deposit(new) == carried


def test_nothing_held_carries_nothing(make_user):
    # given
    csr = make_user(roles.CSR_I)
    old = _new_account(is_owner=True)
    _charge(old, csr)
    new = _new_account(customer=old.customer)
    # when
    carried = services.deposit_carry_over(from_account=old, to_account=new, by=csr)
    # then
    assert carried is None
    assert Journal.objects.count() == 0


def test_a_deposit_does_not_move_to_another_customer(make_user):
    # given
    csr = make_user(roles.CSR_I)
    old = _new_account()
    _charge(old, csr)
    stranger = _new_account()
    before = _counts()
    # when / then
    with pytest.raises(ValidationError, match="same customer"):
        services.deposit_carry_over(from_account=old, to_account=stranger, by=csr)
    assert _counts() == before


# -- final bill and refunds --------------------------------------------------------------------


def test_applying_to_the_final_bill_credits_the_receivable(make_user):
    # given
    csr = make_user(roles.CSR_I)
    account = _new_account()
    deposit = _charge(account, csr)
    ServiceAccount.objects.filter(pk=account.pk).update(status=ServiceAccount.Status.PENDING_FINAL)
    # when
    applied = services.deposit_apply_to_final_bill(deposit=deposit, by=None)
    again = services.deposit_apply_to_final_bill(deposit=deposit, by=None)
    # then
    assert applied.status == Status.APPLIED == again.status
    assert applied.closed_on == timezone.localdate()
    assert _lines(applied.settle_journal_id) == {
        (Purpose.CUSTOMER_DEPOSITS, Decimal("100.00"), account.pk),
        (Purpose.AR_CUSTOMERS, Decimal("-100.00"), account.pk),
    }
    assert account_balance(account.pk) == 0
    assert selectors.deposit_held(account.pk) == 0
    assert Journal.objects.count() == 2


def test_an_active_accounts_deposit_is_not_applied_to_a_final_bill(make_user):
    # given
    csr = make_user(roles.CSR_I)
    deposit = _charge(_new_account(), csr)
    before = _counts()
    # when / then
    with pytest.raises(ValidationError, match="applied to the final bill"):
        services.deposit_apply_to_final_bill(deposit=deposit, by=None)
    deposit.refresh_from_db()
    assert deposit.status == Status.CHARGED
    assert _counts() == before


def test_a_credit_within_the_threshold_moves_the_deposit_to_the_balance(make_user):
    # given
    _set_refund_threshold("500.00")
    csr = make_user(roles.CSR_I)
    account = _new_account()
    deposit = _charge(account, csr)
    # when
    credited = services.deposit_refund(deposit=deposit, by=None, to="credit")
    # then
    assert credited.status == Status.CREDITED
    assert _lines(credited.settle_journal_id) == {
        (Purpose.CUSTOMER_DEPOSITS, Decimal("100.00"), account.pk),
        (Purpose.AR_CUSTOMERS, Decimal("-100.00"), account.pk),
    }
    assert Journal.objects.get(pk=credited.settle_journal_id).kind == Journal.Kind.REFUND
    assert account_balance(account.pk) == 0


def test_a_refund_of_a_final_account_goes_to_refunds_payable(make_user):
    # given
    supervisor = make_user(roles.SUPERVISOR)
    account = _new_account()
    deposit = _charge(account, supervisor)
    ServiceAccount.objects.filter(pk=account.pk).update(status=ServiceAccount.Status.FINAL)
    # when
    refunded = services.deposit_refund(deposit=deposit, by=supervisor, to="refund")
    # then
    assert refunded.status == Status.REFUNDED
    assert _lines(refunded.settle_journal_id) == {
        (Purpose.CUSTOMER_DEPOSITS, Decimal("100.00"), account.pk),
        (Purpose.REFUNDS_PAYABLE, Decimal("-100.00"), account.pk),
    }


def test_an_open_accounts_deposit_is_credited_not_refunded(make_user):
    # given
    supervisor = make_user(roles.SUPERVISOR)
    deposit = _charge(_new_account(), supervisor)
    before = _counts()
    # when / then
    with pytest.raises(ValidationError, match="credit it to the account instead"):
        services.deposit_refund(deposit=deposit, by=supervisor, to="refund")
    assert _counts() == before


def test_over_the_threshold_only_an_approver_returns_a_deposit(make_user):
    # given: the threshold is $0.00
    csr = make_user(roles.CSR_III)
    deposit = _charge(_new_account(), csr)
    before = _counts()
    # when / then
    with pytest.raises(ValidationError, match="needs a supervisor's approval"):
        services.deposit_refund(deposit=deposit, by=csr, to="credit")
    deposit.refresh_from_db()
    assert deposit.status == Status.CHARGED
    assert _counts() == before


def test_a_settled_deposit_is_not_returned_twice(make_user):
    # given
    supervisor = make_user(roles.SUPERVISOR)
    account = _new_account()
    deposit = _charge(account, supervisor)
    services.deposit_refund(deposit=deposit, by=supervisor, to="credit")
    ServiceAccount.objects.filter(pk=account.pk).update(status=ServiceAccount.Status.FINAL)
    before = _counts()
    # when / then
    with pytest.raises(ValidationError, match="No deposit is held here"):
        services.deposit_refund(deposit=deposit, by=supervisor, to="refund")
    assert _counts() == before


# -- guideline versions ------------------------------------------------------------------------


def _terms(**overrides):
    terms = {
        "effective_from": timezone.localdate() + datetime.timedelta(days=1),
        "minimum": Decimal("60.00"),
        "average_bill_multiple": Decimal("2.00"),
        "good_history_months": 12,
        "max_late_payments": 1,
        "max_installments": 3,
        "refund_after_months": 12,
        "notes": "Rate study 2026",
    }
    terms.update(overrides)
    return terms


def test_a_supervisor_adds_a_version_with_its_table(make_user):
    # given
    supervisor = make_user(roles.SUPERVISOR)
    # when
    guideline = services.deposit_guideline_create(
        by=supervisor,
        amounts={("residential", "5/8"): Decimal("120.00"), ("commercial", "2"): None},
        **_terms(),
    )
    # then
    assert guideline.created_by == supervisor
    assert selectors.amount_table(guideline) == {("residential", "5/8"): Decimal("120.00")}
    assert DepositGuideline.objects.count() == 2


def test_a_back_dated_version_is_refused(make_user):
    # given
    supervisor = make_user(roles.SUPERVISOR)
    # when / then
    with pytest.raises(ValidationError, match="never back-dated"):
        services.deposit_guideline_create(
            by=supervisor,
            amounts={},
            **_terms(effective_from=timezone.localdate() - datetime.timedelta(days=1)),
        )
    assert DepositGuideline.objects.count() == 1


def test_a_csr_cannot_change_the_guidelines(make_user):
    # given
    csr = make_user(roles.CSR_III)
    # when / then
    with pytest.raises(ValidationError, match="not allow you to change the deposit guidelines"):
        services.deposit_guideline_create(by=csr, amounts={}, **_terms())
    assert DepositGuideline.objects.count() == 1


def test_a_version_in_use_is_never_edited(make_user):
    # given: a deposit was set under the seeded version
    supervisor = make_user(roles.SUPERVISOR)
    _charge(_new_account(), supervisor)
    seeded = DepositGuideline.objects.get(effective_from=SEEDED)
    table_before = selectors.amount_table(seeded)
    # when / then
    with pytest.raises(ValidationError, match="can no longer be changed"):
        services.deposit_guideline_update(
            guideline=seeded,
            by=supervisor,
            amounts={("residential", "5/8"): Decimal("1.00")},
            **_terms(effective_from=SEEDED, minimum=Decimal("1.00")),
        )
    seeded.refresh_from_db()
    assert seeded.minimum == Decimal("50.00")
    assert selectors.amount_table(seeded) == table_before


def test_a_version_not_yet_used_can_be_corrected(make_user):
    # given
    supervisor = make_user(roles.SUPERVISOR)
    future = services.deposit_guideline_create(
        by=supervisor, amounts={("residential", "5/8"): Decimal("120.00")}, **_terms()
    )
    # when
    services.deposit_guideline_update(
        guideline=future,
        by=supervisor,
        amounts={("residential", "5/8"): Decimal("110.00")},
        **_terms(minimum=Decimal("55.00")),
    )
    # then
    future.refresh_from_db()
    assert future.minimum == Decimal("55.00")
    assert selectors.amount_table(future) == {("residential", "5/8"): Decimal("110.00")}
