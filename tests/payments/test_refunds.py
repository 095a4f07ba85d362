"""Refunds: credit balance refund requests through approval, and the refund register (CSV)."""

import csv
import io
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.deposits import services as deposit_services
from accounts.models import ServiceAccount
from billing.refunds import services as refund_services
from billing.refunds.kinds import FINAL_CREDIT_KIND, REFUND_KIND
from billing.refunds.services import credit_refund_request as refund_request
from district import roles
from district.approvals import registry
from district.approvals.models import ApprovalRequest
from district.approvals.services import approval_approve
from district.ledger.models import Journal, JournalLine
from district.ledger.selectors import account_balance, ledger_problems
from district.ledger.services import Line, journal_post, journal_reverse
from payments.refunds import selectors
from payments.refunds.views import CSV_COLUMNS
from tests.accounts.factories import charged_deposit, set_quote
from tests.factories import ServiceAccountFactory, post_bill

pytestmark = pytest.mark.django_db
# Called in each test: a value taken at import goes stale when a run passes local midnight.
TODAY = timezone.localdate


def credit(account, amount: str, key: str | None = None):
    """Leave a credit on the account (an overpayment)."""
    amount = Decimal(amount)
    return journal_post(
        kind=Journal.Kind.PAYMENT,
        memo="Overpayment",
        lines=[Line("cash_in_bank", amount), Line("ar_customers", -amount, account.pk)],
        by=None,
        idempotency_key=key or uuid.uuid4().hex,
    )


@pytest.fixture
def csr(make_user):
    return make_user(roles.CSR_II, username="csr", first_name="Cory", last_name="Rep")


@pytest.fixture
def credit_account(db):
    account = ServiceAccountFactory(
        customer__mailing_line1="12 Oak St",
        customer__mailing_city="Mesa Verde",
        customer__mailing_zip="92001",
    )
    credit(account, "80.00")
    return account


def test_a_refund_over_the_credit_is_refused(credit_account, csr):
    for amount, message in [("80.01", "credit is \\$80.00"), ("0", "above"), ("-5", "above")]:
        with pytest.raises(ValidationError, match=message):
            refund_request(account_id=credit_account.pk, amount=amount, reason="Moved", by=csr)
    owing = ServiceAccountFactory()
    post_bill(owing, "10.00")
    with pytest.raises(ValidationError, match="credit is \\$0.00"):
        refund_request(account_id=owing.pk, amount="1.00", reason="Asked", by=csr)
    assert not ApprovalRequest.objects.filter(kind=REFUND_KIND).exists()


def test_a_closed_account_is_not_refunded_here(csr):
    account = ServiceAccountFactory(status=ServiceAccount.Status.PENDING)
    credit(account, "10.00")
    with pytest.raises(ValidationError, match="only an active or final"):
        refund_request(account_id=account.pk, amount="10.00", reason="Asked", by=csr)


def test_an_approved_refund_moves_the_credit_to_refunds_payable(credit_account, csr, supervisor):
    # given
    request = refund_request(
        account_id=credit_account.pk, amount="50.00", reason="Customer asked", by=csr
    )
    assert request.payload["payee"] == credit_account.customer.display_name
    # a second request while one waits is refused
    with pytest.raises(ValidationError, match="already waiting"):
        refund_request(account_id=credit_account.pk, amount="10.00", reason="Again", by=csr)
    # when
    approval_approve(request_id=request.pk, by=supervisor)
    # then
    assert account_balance(credit_account.pk) == Decimal("-30.00")
    journal = Journal.objects.get(idempotency_key=f"credit-balance-refund:{request.pk}")
    assert journal.kind == Journal.Kind.REFUND and journal.posted_by == supervisor
    payable = JournalLine.objects.get(journal=journal, gl_account__purpose="refunds_payable")
    assert payable.amount == Decimal("-50.00")
    assert ledger_problems() == []


def test_the_requester_cannot_approve_their_own_refund(credit_account, supervisor):
    request = refund_request(
        account_id=credit_account.pk, amount="20.00", reason="Asked", by=supervisor
    )
    with pytest.raises(ValidationError, match="your own request"):
        approval_approve(request_id=request.pk, by=supervisor)
    assert account_balance(credit_account.pk) == Decimal("-80.00")


def test_approval_rechecks_the_credit(credit_account, csr, supervisor):
    request = refund_request(account_id=credit_account.pk, amount="80.00", reason="Moved", by=csr)
    post_bill(credit_account, "30.00")  # a bill used part of the credit meanwhile
    with pytest.raises(ValidationError, match="credit is now \\$50.00"):
        approval_approve(request_id=request.pk, by=supervisor)
    request.refresh_from_db()
    assert request.status == ApprovalRequest.Status.PENDING
    assert not JournalLine.objects.filter(gl_account__purpose="refunds_payable").exists()


def _deposit_refund(supervisor, csr) -> ServiceAccount:
    """A final account's $100 deposit refunded to the customer by accounts' own service."""
    account = ServiceAccountFactory(customer__business_name="", customer__last_name="Depositor")
    deposit = charged_deposit(account, csr, quote=set_quote("100.00", on_date=TODAY()))
    ServiceAccount.objects.filter(pk=account.pk).update(status=ServiceAccount.Status.FINAL)
    deposit_services.deposit_refund(deposit=deposit, by=supervisor, to="refund")
    return account


def _final_credit_refund(supervisor, csr) -> ServiceAccount:
    """A final account's $35 credit refunded through billing's final-bill request."""
    account = ServiceAccountFactory(status=ServiceAccount.Status.FINAL)
    credit(account, "35.00")
    request = refund_services.final_credit_refund_request(
        account=account, amount=Decimal("35.00"), by=csr
    )
    approval_approve(request_id=request.pk, by=supervisor)
    return account


def test_the_register_lists_every_kind_of_refund_with_its_total(
    credit_account, csr, supervisor, make_user, django_assert_max_num_queries
):
    # given: a deposit refund, a final-bill credit refund and a credit balance refund
    deposit_account = _deposit_refund(supervisor, csr)
    final_account = _final_credit_refund(supervisor, csr)
    request = refund_request(account_id=credit_account.pk, amount="80.00", reason="Moved", by=csr)
    approval_approve(request_id=request.pk, by=supervisor)
    # and a refund reversed (a debit to refunds payable shows as a negative row)
    reversed_one = journal_post(
        kind=Journal.Kind.REFUND,
        memo="Refund posted by mistake",
        lines=[
            Line("ar_customers", Decimal("5.00"), credit_account.pk),
            Line("refunds_payable", Decimal("-5.00"), credit_account.pk),
        ],
        by=supervisor,
        idempotency_key="mistake",
    )
    journal_reverse(journal=reversed_one, by=supervisor, reason="mistake", idempotency_key="undo")
    # when
    with django_assert_max_num_queries(3):
        register = selectors.refund_register(start=TODAY().replace(day=1), end=TODAY())
    # then
    by_source = {}
    for row in register.rows:
        by_source.setdefault(row.source, []).append(row)
    assert [row.amount for row in by_source["Deposit refund"]] == [Decimal("100.00")]
    assert by_source["Deposit refund"][0].account == deposit_account
    assert by_source["Final bill credit"][0].account == final_account
    assert by_source["Final bill credit"][0].amount == Decimal("35.00")
    credit_row = by_source["Credit balance"][0]
    assert credit_row.amount == Decimal("80.00")
    assert credit_row.payee == credit_account.customer.display_name
    assert credit_row.address[0] == "12 Oak St"
    assert credit_row.approved_by == supervisor.get_full_name()
    assert [row.amount for row in by_source["Reversal"]] == [Decimal("-5.00")]
    assert register.total == Decimal("215.00")
    payable_balance = -sum(
        JournalLine.objects.filter(gl_account__purpose="refunds_payable").values_list(
            "amount", flat=True
        )
    )
    assert register.total == payable_balance
    assert ledger_problems() == []


def test_the_register_page_and_its_csv(client_for, credit_account, csr, supervisor):
    request = refund_request(account_id=credit_account.pk, amount="80.00", reason="Moved", by=csr)
    journal_id = approval_approve(request_id=request.pk, by=supervisor).result["journal_id"]
    client = client_for(roles.FINANCE)
    page = client.get(reverse("payments:refund_register"))
    assert page.status_code == 200
    assert credit_account.formatted_number in page.content.decode()
    response = client.get(
        reverse("payments:refund_register"),
        {"start": TODAY().replace(day=1).isoformat(), "end": TODAY().isoformat(), "format": "csv"},
    )
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert list(rows[0].keys()) == CSV_COLUMNS
    assert rows == [
        {
            "date": TODAY().isoformat(),
            "journal_id": str(journal_id),
            "account": credit_account.formatted_number,
            "payee": credit_account.customer.display_name,
            "address_1": "12 Oak St",
            "address_2": "Mesa Verde, CA 92001",
            "address_3": "",
            "amount": "80.00",
            "source": "Credit balance",
            "approved_by": supervisor.get_full_name(),
        }
    ]


def test_a_csr_asks_for_a_refund_from_the_account_page(client_for, credit_account):
    client = client_for(roles.CSR_II)
    account_page = client.get(
        reverse("accounts:account_panel", args=[credit_account.pk, "refunds"])
    )
    new_url = reverse("payments:refund_new", args=[credit_account.pk])
    assert new_url in account_page.content.decode()
    form = client.get(new_url)
    assert "$80.00" in form.content.decode()
    too_much = client.post(new_url, {"amount": "90", "reason": "Moved", "idempotency_key": "k1"})
    assert too_much.status_code == 200
    assert "more than that" in too_much.content.decode()
    done = client.post(new_url, {"amount": "80", "reason": "Moved", "idempotency_key": "k1"})
    assert done.status_code == 302
    again = client.post(new_url, {"amount": "80", "reason": "Moved", "idempotency_key": "k1"})
    assert again.status_code == 302
    assert ApprovalRequest.objects.filter(kind=REFUND_KIND).count() == 1
    panel = client.get(reverse("accounts:account_panel", args=[credit_account.pk, "refunds"]))
    assert "waiting for approval" in panel.content.decode()


def test_a_csr_i_cannot_ask_for_a_refund(client_for, credit_account):
    client = client_for(roles.CSR_I)
    response = client.get(reverse("payments:refund_new", args=[credit_account.pk]))
    assert response.status_code == 403
    page = client.get(reverse("accounts:account_panel", args=[credit_account.pk, "refunds"]))
    assert reverse("payments:refund_new", args=[credit_account.pk]) not in page.content.decode()


def test_the_account_panel_reads_refunds_and_balance_in_one_query(
    csr, supervisor, django_assert_num_queries
):
    # given: billing's final-credit refund tags only the receivable line with the account
    account = _final_credit_refund(supervisor, csr)
    credit(account, "12.00")
    # when
    with django_assert_num_queries(1):
        found = selectors.account_refunds(account.pk)
    # then
    assert found.balance == Decimal("-12.00")
    assert [(refund.amount, refund.source) for refund in found.refunds] == [
        (Decimal("35.00"), "Final bill credit")
    ]
    assert selectors.account_refunds(ServiceAccountFactory().pk).balance == Decimal("0.00")


def test_a_final_account_refunded_to_zero_is_closed_and_the_request_describes_it(csr, supervisor):
    account = ServiceAccountFactory(status=ServiceAccount.Status.FINAL)
    credit(account, "18.25")
    request = refund_request(account_id=account.pk, amount="18.25", reason="Moved away", by=csr)
    described = registry.handler_for(REFUND_KIND).describe(request)
    assert "$18.25" in described and account.formatted_number in described
    assert account.customer.display_name in described
    approval_approve(request_id=request.pk, by=supervisor)
    account.refresh_from_db()
    assert account.status == ServiceAccount.Status.CLOSED
    assert account_balance(account.pk) == Decimal("0.00")
    assert ledger_problems() == []


def _journal_lines(journal_id):
    return {
        (line.gl_account.purpose, line.amount, line.service_account_id, line.memo)
        for line in JournalLine.objects.filter(journal_id=journal_id).select_related("gl_account")
    }


def test_the_final_bill_step_and_the_counter_file_one_kind_of_request(credit_account, csr):
    # given a final account's credit left by its final bill
    final_account = ServiceAccountFactory(status=ServiceAccount.Status.FINAL)
    credit(final_account, "35.00")
    # when the final-bill step and the counter each ask
    final_request = refund_services.final_credit_refund_request(
        account=final_account, amount=Decimal("35.00"), by=csr
    )
    counter_request = refund_request(
        account_id=credit_account.pk, amount="80.00", reason="Moved", by=csr
    )
    # then both are one kind, told apart by their origin; the final step's asks once
    assert (final_request.kind, counter_request.kind) == (REFUND_KIND, REFUND_KIND)
    assert (final_request.payload["origin"], counter_request.payload["origin"]) == (
        "final_bill",
        "counter",
    )
    again = refund_services.final_credit_refund_request(
        account=final_account, amount=Decimal("35.00"), by=csr
    )
    assert again == final_request


def test_a_request_of_the_former_final_credit_kind_still_posts_as_before(csr, supervisor):
    # given a request the final-bill step filed under its former kind (no origin recorded)
    account = ServiceAccountFactory(status=ServiceAccount.Status.FINAL)
    credit(account, "35.00")
    request = ApprovalRequest.objects.create(
        kind=FINAL_CREDIT_KIND,
        requested_by=csr,
        reason="Final with a credit",
        amount=Decimal("35.00"),
        payload={"account_id": account.pk, "account": account.formatted_number},
        idempotency_key=f"final-credit-refund:{account.pk}",
    )
    assert "after its final bill and deposit" in registry.handler_for(FINAL_CREDIT_KIND).describe(
        request
    )
    # when
    approved = approval_approve(request_id=request.pk, by=supervisor)
    # then the journal is the final credit's: its key, its memo, only the receivable tagged
    journal = Journal.objects.get(pk=approved.result["journal_id"])
    assert journal.idempotency_key == f"credit-refund:{request.pk}"
    assert journal.memo == f"Refund of the final credit of account {account.formatted_number}"
    assert _journal_lines(journal.pk) == {
        ("ar_customers", Decimal("35.00"), account.pk, ""),
        ("refunds_payable", Decimal("-35.00"), None, ""),
    }
    account.refresh_from_db()
    assert account.status == ServiceAccount.Status.CLOSED


def test_a_counter_request_filed_before_origins_were_recorded_posts_as_before(
    credit_account, csr, supervisor
):
    # given a credit balance request without an origin in its details
    request = ApprovalRequest.objects.create(
        kind=REFUND_KIND,
        requested_by=csr,
        reason="Moved",
        amount=Decimal("20.00"),
        payload={"account_id": credit_account.pk, "account": "x", "payee": "Pat Payee"},
    )
    # when
    approved = approval_approve(request_id=request.pk, by=supervisor)
    # then
    journal = Journal.objects.get(pk=approved.result["journal_id"])
    assert journal.idempotency_key == f"credit-balance-refund:{request.pk}"
    assert _journal_lines(journal.pk) == {
        ("ar_customers", Decimal("20.00"), credit_account.pk, "Credit balance refunded"),
        ("refunds_payable", Decimal("-20.00"), credit_account.pk, "Refund payable to Pat Payee"),
    }
    credit_account.refresh_from_db()
    assert credit_account.status == ServiceAccount.Status.ACTIVE


def test_a_role_without_adjustments_cannot_ask_for_a_refund(credit_account, make_user):
    with pytest.raises(PermissionDenied, match="ask for a refund"):
        refund_request(
            account_id=credit_account.pk,
            amount="10.00",
            reason="Asked",
            by=make_user(roles.CSR_I),
        )
    assert not ApprovalRequest.objects.exists()
