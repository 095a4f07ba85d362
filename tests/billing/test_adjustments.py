"""Adjustments: within the person's limit they post; over it they wait for a supervisor."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from billing.corrections.services import adjustment_create
from billing.models import Adjustment
from district import roles
from district.approvals.models import ApprovalRequest
from district.approvals.services import approval_approve, approval_cancel, approval_reject
from district.ledger.models import Journal, JournalLine
from district.ledger.selectors import account_balance, ledger_problems
from tests import factories

pytestmark = pytest.mark.django_db


def _adjust(by, amount, *, key="k1", direction="credit", reason="billing_error", account=None):
    return adjustment_create(
        account=account or factories.ServiceAccountFactory(),
        direction=direction,
        reason=reason,
        amount=amount,
        memo="Billed twice for the same month",
        by=by,
        idempotency_key=key,
    )


def test_csr2_within_limit_posts_at_once(make_user):
    adjustment = _adjust(make_user(roles.CSR_II), "250")
    assert adjustment.status == Adjustment.Status.POSTED
    assert adjustment.amount == Decimal("250.00")
    assert adjustment.approval_request_id is None
    lines = {
        line.gl_account.purpose: line.amount
        for line in JournalLine.objects.filter(journal_id=adjustment.journal_id).select_related(
            "gl_account"
        )
    }
    # A credit: AR goes down, the adjusted charge's revenue account is debited.
    assert lines == {"ar_customers": Decimal("-250.00"), "water_sales_fixed": Decimal("250.00")}
    assert account_balance(adjustment.account_id) == Decimal("-250.00")
    assert ledger_problems() == []


def test_debit_raises_the_balance(make_user):
    adjustment = _adjust(make_user(roles.CSR_II), "12.5", direction="debit", reason="fee_waiver")
    assert adjustment.status == Adjustment.Status.POSTED
    assert account_balance(adjustment.account_id) == Decimal("12.50")
    assert JournalLine.objects.get(
        journal_id=adjustment.journal_id, gl_account__purpose="fees_late"
    ).amount == Decimal("-12.50")


def test_csr2_over_limit_goes_to_approval(make_user):
    adjustment = _adjust(make_user(roles.CSR_II), "250.01")
    assert adjustment.status == Adjustment.Status.PENDING_APPROVAL
    assert adjustment.journal_id is None
    request = ApprovalRequest.objects.get(pk=adjustment.approval_request_id)
    assert request.kind == "bill_adjustment"
    assert request.amount == Decimal("250.01")
    assert Journal.objects.count() == 0


def test_csr1_always_goes_to_approval(make_user):
    adjustment = _adjust(make_user(roles.CSR_I), "0.01")
    assert adjustment.status == Adjustment.Status.PENDING_APPROVAL
    assert Journal.objects.count() == 0


def test_csr3_limit_and_supervisor_unlimited(make_user):
    assert _adjust(make_user(roles.CSR_III), "1000", key="a").status == Adjustment.Status.POSTED
    assert (
        _adjust(make_user(roles.CSR_III), "1000.01", key="b").status
        == Adjustment.Status.PENDING_APPROVAL
    )
    assert _adjust(make_user(roles.SUPERVISOR), "99999", key="c").status == Adjustment.Status.POSTED


def test_approval_posts_the_journal(make_user):
    csr1, supervisor = make_user(roles.CSR_I), make_user(roles.SUPERVISOR)
    adjustment = _adjust(csr1, "40")
    approval_approve(request_id=adjustment.approval_request_id, by=supervisor)
    adjustment.refresh_from_db()
    assert adjustment.status == Adjustment.Status.POSTED
    assert adjustment.journal_id is not None
    assert account_balance(adjustment.account_id) == Decimal("-40.00")
    assert ledger_problems() == []


def test_rejection_marks_it_rejected_and_posts_nothing(make_user):
    csr2, supervisor = make_user(roles.CSR_II), make_user(roles.SUPERVISOR)
    adjustment = _adjust(csr2, "600")
    approval_reject(request_id=adjustment.approval_request_id, by=supervisor, reason="No proof")
    adjustment.refresh_from_db()
    assert adjustment.status == Adjustment.Status.REJECTED
    assert Journal.objects.count() == 0


def test_withdrawal_marks_it_rejected(make_user):
    csr2 = make_user(roles.CSR_II)
    adjustment = _adjust(csr2, "600")
    approval_cancel(request_id=adjustment.approval_request_id, by=csr2)
    adjustment.refresh_from_db()
    assert adjustment.status == Adjustment.Status.REJECTED


def test_nobody_approves_their_own(make_user):
    supervisor = make_user(roles.SUPERVISOR)
    csr2 = make_user(roles.CSR_II)
    adjustment = _adjust(csr2, "600")
    with pytest.raises(ValidationError, match="your own"):
        approval_approve(request_id=adjustment.approval_request_id, by=csr2)
    with pytest.raises(ValidationError, match="not allow you to approve"):
        approval_approve(request_id=adjustment.approval_request_id, by=make_user(roles.CSR_III))
    adjustment.refresh_from_db()
    assert adjustment.status == Adjustment.Status.PENDING_APPROVAL
    assert Journal.objects.count() == 0
    approval_approve(request_id=adjustment.approval_request_id, by=supervisor)


def test_repeated_submit_returns_the_first(make_user):
    csr2 = make_user(roles.CSR_II)
    account = factories.ServiceAccountFactory()
    first = _adjust(csr2, "20", account=account)
    again = _adjust(csr2, "20", account=account)
    assert again.pk == first.pk
    assert Adjustment.objects.count() == 1
    assert Journal.objects.count() == 1
    pending = _adjust(csr2, "900", key="k2", account=account)
    assert _adjust(csr2, "900", key="k2", account=account).pk == pending.pk
    assert ApprovalRequest.objects.count() == 1


@pytest.mark.parametrize(
    ("amount", "message"),
    [("12.345", "two decimals"), ("0", "above"), ("-5", "above"), ("abc", "not an amount")],
)
def test_bad_amounts_write_nothing(make_user, amount, message):
    with pytest.raises(ValidationError, match=message) as caught:
        _adjust(make_user(roles.CSR_II), amount)
    assert "amount" in caught.value.error_dict
    assert Adjustment.objects.count() == 0
    assert Journal.objects.count() == 0
    assert ApprovalRequest.objects.count() == 0


def test_bad_codes_and_missing_memo_write_nothing(make_user):
    with pytest.raises(ValidationError) as caught:
        adjustment_create(
            account=factories.ServiceAccountFactory(),
            direction="sideways",
            reason="whim",
            amount="5",
            memo="",
            by=make_user(roles.CSR_II),
            idempotency_key="bad",
        )
    assert set(caught.value.error_dict) == {"direction", "reason", "memo"}
    assert Adjustment.objects.count() == 0


def test_leak_reason_is_sent_to_the_leak_page(make_user):
    with pytest.raises(ValidationError, match="leak adjustment page"):
        _adjust(make_user(roles.SUPERVISOR), "5", reason="leak")
    assert Adjustment.objects.count() == 0


# -- the page


def test_adjustment_page_tells_the_clerk_what_will_happen(client_for):
    account = factories.ServiceAccountFactory()
    url = reverse("billing:account_adjustments", kwargs={"account_id": account.pk})
    page = client_for(roles.CSR_I).get(url)
    assert page.status_code == 200
    assert b"go to a supervisor for approval" in page.content
    page = client_for(roles.CSR_II).get(url)
    assert b"up to $250.00 post at once" in page.content
    page = client_for(roles.SUPERVISOR).get(url)
    assert b"post at once, whatever the amount" in page.content


def test_adjustment_page_by_role(client_for):
    account = factories.ServiceAccountFactory()
    url = reverse("billing:account_adjustments", kwargs={"account_id": account.pk})
    assert client_for(roles.FIELD_TECHNICIAN).get(url).status_code == 403
    assert client_for(roles.FINANCE).get(url).status_code == 403


def test_roles_without_account_editing_cannot_adjust(make_user):
    with pytest.raises(ValidationError, match="not allow you to adjust accounts"):
        _adjust(make_user(roles.FINANCE), "5")
    assert Adjustment.objects.count() == 0


def test_adjustment_page_posts_and_lists(client_for):
    account = factories.ServiceAccountFactory()
    client = client_for(roles.CSR_II)
    url = reverse("billing:account_adjustments", kwargs={"account_id": account.pk})
    response = client.post(
        url,
        {
            "direction": "credit",
            "reason": "goodwill",
            "amount": "12.5",
            "memo": "Sorry",
            "idempotency_key": "p1",
        },
    )
    assert response.status_code == 302
    page = client.get(url)
    assert b"$12.50" in page.content
    assert Adjustment.objects.get().status == Adjustment.Status.POSTED


def test_adjustment_page_error_next_to_the_amount(client_for):
    account = factories.ServiceAccountFactory()
    client = client_for(roles.CSR_II)
    url = reverse("billing:account_adjustments", kwargs={"account_id": account.pk})
    response = client.post(
        url,
        {
            "direction": "credit",
            "reason": "goodwill",
            "amount": "12.345",
            "memo": "x",
            "idempotency_key": "p2",
        },
    )
    assert response.status_code == 200
    assert "amount" in response.context["form"].errors
    assert Adjustment.objects.count() == 0


def test_account_page_shows_the_adjustments_panel(client_for):
    account = factories.ServiceAccountFactory()
    client = client_for(roles.CSR_II)
    _adjust(client.user, "7", account=account)
    page = client.get(reverse("accounts:account_detail", kwargs={"account_id": account.pk}))
    assert page.status_code == 200
    assert b"Adjustments" in page.content
    assert b"$7.00" in page.content
