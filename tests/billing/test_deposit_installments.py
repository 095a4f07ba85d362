"""A deposit in installments bills in installments: the charge posts the first, each later bill
of the account carries the next ("Deposit, installment 2 of 3"), posted once by its own journal
(debit ar_customers / credit customer_deposits), and the pages show the installments left."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.deposits import selectors as deposit_selectors
from accounts.deposits import services as deposit_services
from accounts.models import DepositInstallment, ServiceAccount
from billing.bill_runs import posting, services
from billing.documents.pdf import bill_pdf_html
from billing.models import Bill, BillingCycle, BillingPeriod, BillRun
from district import roles
from district.ledger.models import Journal, JournalLine
from district.ledger.purposes import Purpose
from district.ledger.selectors import account_balance, ledger_problems
from portal.models import AccountLink
from tests import factories
from tests.accounts.factories import charged_deposit

D = datetime.date


@pytest.fixture
def cycle(db):
    return BillingCycle.objects.create(
        code="M1", name="Monthly 1", frequency="monthly", routes=["R01"]
    )


def _period(cycle, month: int) -> BillingPeriod:
    start = D(2026, month, 1)
    end = D(2026, month + 1, 1) - datetime.timedelta(days=1)
    return BillingPeriod.objects.create(
        cycle=cycle,
        period_start=start,
        period_end=end,
        read_window_start=end - datetime.timedelta(days=4),
        read_window_end=end,
        bill_date=end + datetime.timedelta(days=3),
        due_date=end + datetime.timedelta(days=24),
        status=BillingPeriod.Status.SCHEDULED,
    )


def _account_with_deposit(by, installments=3):
    premise = factories.PremiseFactory(route="R01")
    installation = factories.MeterInstallationFactory(premise=premise)
    for day, reading in ((D(2025, 12, 30), 100), (D(2026, 1, 29), 110), (D(2026, 2, 26), 119),
                         (D(2026, 3, 30), 127)):  # fmt: skip
        factories.MeterReadFactory(meter=installation.meter, read_on=day, reading=reading)
    # a new customer (no history: the table's $100.00 is due), active once the deposit is set
    account = factories.ServiceAccountFactory(premise=premise, status=ServiceAccount.Status.PENDING)
    deposit = charged_deposit(account, by, installments=installments)
    ServiceAccount.objects.filter(pk=account.pk).update(status=ServiceAccount.Status.ACTIVE)
    account.refresh_from_db()
    return account, deposit


def _bill_run(period, by) -> BillRun:
    run = services.bill_run_create(period=period, by=by)
    run = services.bill_run_calculate(run_id=run.pk)
    for exception in run.exceptions.all():
        services.bill_exception_accept(exception_id=exception.pk, by=by)
    services.bill_run_post(run_id=run.pk, by=by)
    return services.bill_run_post_bills(run_id=run.pk, by=by)


def test_each_bill_carries_the_next_installment_once(rates, cycle, biller):
    # given a $100.00 deposit in 3 installments: the charge posted the first
    account, deposit = _account_with_deposit(biller)
    first, second, third = deposit.installment_set.order_by("number")
    assert (first.amount, second.amount, third.amount) == (
        Decimal("33.34"),
        Decimal("33.33"),
        Decimal("33.33"),
    )
    assert deposit_selectors.deposit_held(account.pk) == first.amount
    # when the January bill run posts
    run = _bill_run(_period(cycle, 1), biller)
    # then the bill carries installment 2 as its last line, in its charges
    assert run.status == BillRun.Status.POSTED
    bill = Bill.objects.get(account=account, run=run)
    line = bill.lines.order_by("position").last()
    assert line.description == "Deposit, installment 2 of 3"
    assert line.category == "deposit" and line.amount == second.amount
    assert sum(line.amount for line in bill.lines.all()) == bill.current_charges
    # posted once by its own journal, keyed per deposit and number
    journal = Journal.objects.get(idempotency_key=f"deposit-installment:{deposit.pk}:2")
    assert journal.kind == Journal.Kind.DEPOSIT
    assert {
        (row.gl_account.purpose, row.amount, row.service_account_id)
        for row in JournalLine.objects.filter(journal=journal).select_related("gl_account")
    } == {
        (Purpose.AR_CUSTOMERS, second.amount, account.pk),
        (Purpose.CUSTOMER_DEPOSITS, -second.amount, account.pk),
    }
    second.refresh_from_db()
    assert second.status == "posted" and second.bill_id == bill.pk
    assert second.journal_id == journal.pk
    # the bill's own journal is the water charges; the balance owes both
    assert bill.amount_due == account_balance(account.pk)
    assert deposit_selectors.deposit_held(account.pk) == first.amount + second.amount
    # and the February bill carries the third; March none
    february = _bill_run(_period(cycle, 2), biller)
    assert (
        Bill.objects.get(run=february)
        .lines.filter(description="Deposit, installment 3 of 3")
        .exists()
    )
    march = _bill_run(_period(cycle, 3), biller)
    assert not Bill.objects.get(run=march).lines.filter(category="deposit").exists()
    assert deposit_selectors.deposit_held(account.pk) == deposit.amount
    assert Journal.objects.filter(idempotency_key__startswith="deposit-installment:").count() == 2
    assert ledger_problems() == []


def test_posting_again_posts_no_installment_twice(rates, cycle, biller):
    # given a posted run with an installment
    account, deposit = _account_with_deposit(biller, installments=2)
    run = _bill_run(_period(cycle, 1), biller)
    # when its posting runs again (a redelivered task)
    assert posting.post_chunk(run=run, by=biller) == 0
    services.bill_run_post_bills(run_id=run.pk, by=biller)
    # then the installment posted once
    assert (
        Journal.objects.filter(idempotency_key=f"deposit-installment:{deposit.pk}:2").count() == 1
    )
    assert not DepositInstallment.objects.filter(deposit=deposit, status="open").exists()
    assert ledger_problems() == []


def test_a_deposit_at_once_adds_no_line(rates, cycle, biller):
    account, _deposit = _account_with_deposit(biller, installments=1)
    run = _bill_run(_period(cycle, 1), biller)
    assert not Bill.objects.get(run=run).lines.filter(category="deposit").exists()


def test_the_bill_and_the_account_page_show_the_installments_left(
    rates, cycle, biller, client_for, make_user, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    account, deposit = _account_with_deposit(biller)
    run = _bill_run(_period(cycle, 1), biller)
    bill = Bill.objects.get(run=run)
    # the PDF's HTML and the staff bill page
    html = bill_pdf_html(bill)
    assert "Deposit, installment 2 of 3" in html
    assert "1 deposit installment left ($33.33)" in html
    client = client_for(roles.CSR_I)
    page = client.get(reverse("billing:bill_detail", args=[bill.pk])).content.decode()
    assert "1 deposit installment left ($33.33)" in page
    # the account page's deposit panel
    deposit_panel = client.get(reverse("accounts:account_panel", args=[account.pk, "deposit"]))
    assert "3 installments; 1 deposit installment left ($33.33)" in deposit_panel.content.decode()
    # and the customer's bill page
    user = make_user(roles.CUSTOMER)
    AccountLink.objects.create(user=user, service_account=account, method="staff")
    client.force_login(user)
    portal = client.get(reverse("billing:portal_bill", args=[bill.pk])).content.decode()
    assert "1 deposit installment left ($33.33)" in portal


def test_settling_the_deposit_cancels_the_installments_not_billed(rates, cycle, biller, make_user):
    # given a deposit with two installments not billed yet
    account, deposit = _account_with_deposit(biller)
    # when it is credited back to the account (a supervisor)
    deposit_services.deposit_refund(deposit=deposit, by=make_user(roles.SUPERVISOR), to="credit")
    # then what was charged is returned, and nothing more is billed
    assert deposit_selectors.deposit_held(account.pk) == 0
    assert account_balance(account.pk) == 0
    assert not DepositInstallment.objects.filter(deposit=deposit, status="open").exists()
    run = _bill_run(_period(cycle, 1), biller)
    assert not Bill.objects.get(run=run).lines.filter(category="deposit").exists()
    assert ledger_problems() == []


def test_a_carried_deposit_takes_its_unbilled_installments_along(rates, cycle, biller):
    # given a deposit with two installments not billed, and the customer's new account
    old, deposit = _account_with_deposit(biller)
    new = factories.ServiceAccountFactory(
        customer=old.customer, status=ServiceAccount.Status.PENDING
    )
    # when the deposit is carried over (a transfer of service)
    carried = deposit_services.deposit_carry_over(from_account=old, to_account=new, by=biller)
    # then what was charged moves, and the new account's bills carry the rest
    assert deposit_selectors.deposit_held(old.pk) == 0
    assert deposit_selectors.deposit_held(new.pk) == Decimal("33.34")
    assert carried.installments == 3
    assert list(
        DepositInstallment.objects.filter(status="open").values_list("account_id", "number")
    ) == [(new.pk, 2), (new.pk, 3)]
    assert ledger_problems() == []
