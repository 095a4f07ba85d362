"""Deposit refund letters: the deposits returned lately get one print batch (e-mail for those
who chose it, Spanish for Spanish speakers), logged to each account's contacts, written once
by the night's job or by a supervisor from the print batches page."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.correspondence.models import Letter, PrintBatch
from accounts.deposits import services
from accounts.deposits.letters import (
    LOOKBACK_DAYS,
    deposit_refund_letters,
    deposits_awaiting_letters,
)
from accounts.deposits.tasks import deposit_refund_letters_task
from accounts.models import Contact, Deposit, ServiceAccount
from district import roles
from district.errors import NotPermitted
from district.models import Policy
from district.services import NIGHTLY_USERNAME, nightly_user
from tests import factories
from tests.accounts.factories import charged_deposit, set_quote
from tests.correspondence.helpers import lopez_account

pytestmark = pytest.mark.django_db


def _today():
    return timezone.localdate()


def _returned(make_user, account=None, *, amount="100.00", status=ServiceAccount.Status.ACTIVE):
    """A deposit charged a year ago and returned today (credited, or refunded when final)."""
    Policy.objects.filter(key="refund-approval-threshold").update(value="500.00")
    account = account or factories.ServiceAccountFactory()
    deposit = charged_deposit(account, make_user(roles.CSR_II), quote=set_quote(amount))
    Deposit.objects.filter(pk=deposit.pk).update(charged_on=_today() - datetime.timedelta(days=400))
    ServiceAccount.objects.filter(pk=account.pk).update(status=status)
    account.refresh_from_db()
    deposit.refresh_from_db()
    to = services.refund_destination(account)
    return services.deposit_refund(deposit=deposit, by=make_user(roles.SUPERVISOR), to=to)


def test_the_night_writes_one_batch_of_the_deposits_returned(
    make_user, mailoutbox, django_capture_on_commit_callbacks
):
    # given: a credit in English on paper, a refund in Spanish, an e-mail customer
    paper = _returned(make_user, lopez_account())
    spanish = _returned(make_user, lopez_account(language="es"), status=ServiceAccount.Status.FINAL)
    emailed = _returned(make_user, lopez_account(paperless=True), amount="75.00")
    # when
    with django_capture_on_commit_callbacks(execute=True):
        batch_id = deposit_refund_letters_task()
    # then
    batch = PrintBatch.objects.get(pk=batch_id)
    assert (batch.key, batch.printed_count, batch.emailed_count) == ("deposit-refund", 2, 1)
    assert batch.pdf and batch.created_by.username == NIGHTLY_USERNAME
    letters = {letter.account_id: letter for letter in batch.letters.all()}
    assert "we credited your deposit of $100.00" in letters[paper.account_id].html
    assert letters[spanish.account_id].language == "es"
    assert "reembolsamos su depósito de $100.00" in letters[spanish.account_id].html
    assert letters[emailed.account_id].is_emailed
    assert [message.to for message in mailoutbox] == [["maria@example.org"]]
    assert "$75.00" in mailoutbox[0].alternatives[0][0]
    contacts = Contact.objects.filter(account_id__in=letters).order_by("account_id")
    assert [(contact.channel, contact.reason) for contact in contacts] == [
        (Contact.Channel.MAIL, Contact.Reason.BILLING),
        (Contact.Channel.MAIL, Contact.Reason.BILLING),
        (Contact.Channel.EMAIL, Contact.Reason.BILLING),
    ]


def test_each_deposit_is_written_about_once(make_user):
    # given
    first = _returned(make_user)
    first_batch = deposit_refund_letters(today=_today(), by=nightly_user())
    # when: the job runs again, then a deposit is returned and it runs once more
    again = deposit_refund_letters_task()
    second = _returned(make_user)
    second_batch = deposit_refund_letters(today=_today(), by=nightly_user())
    # then
    assert again is None
    assert [letter.account_id for letter in first_batch.letters.all()] == [first.account_id]
    assert [letter.account_id for letter in second_batch.letters.all()] == [second.account_id]
    assert Letter.objects.count() == 2


def test_a_deposit_applied_to_the_final_bill_says_so(make_user):
    # given
    account = factories.ServiceAccountFactory()
    deposit = charged_deposit(account, make_user(roles.CSR_II), quote=set_quote("60.00"))
    ServiceAccount.objects.filter(pk=account.pk).update(status=ServiceAccount.Status.PENDING_FINAL)
    services.deposit_apply_to_final_bill(deposit=deposit, by=make_user(roles.SUPERVISOR))
    # when
    batch = deposit_refund_letters(today=_today(), by=nightly_user())
    # then
    assert "we applied your deposit of $60.00 to the final bill" in batch.letters.get().html


def test_deposits_returned_before_the_lookback_get_no_letter(make_user):
    # given: returned long ago (before the letters began)
    deposit = _returned(make_user)
    Deposit.objects.filter(pk=deposit.pk).update(
        closed_on=_today() - datetime.timedelta(days=LOOKBACK_DAYS + 1)
    )
    # when / then
    assert deposits_awaiting_letters(today=_today()) == []
    assert deposit_refund_letters(today=_today(), by=nightly_user()) is None
    assert not PrintBatch.objects.exists()


def test_a_csr_may_not_write_the_batch(make_user):
    # given
    _returned(make_user)
    # when
    with pytest.raises(NotPermitted):
        deposit_refund_letters(today=_today(), by=make_user(roles.CSR_III))
    # then
    assert not PrintBatch.objects.exists() and not Letter.objects.exists()


def test_a_supervisor_writes_them_from_the_batches_page(make_user, client_for):
    # given
    deposit = _returned(make_user)
    client = client_for(roles.SUPERVISOR)
    page = client.get(reverse("correspondence:batch_list"))
    assert "Deposits returned lately and not yet written about: 1." in page.content.decode()
    # when
    response = client.post(reverse("correspondence:batch_deposit_refunds"), follow=True)
    # then
    assert "Deposit refund letters: 1 to print, 0 e-mailed." in response.content.decode()
    batch = PrintBatch.objects.get()
    assert batch.created_by == client.user
    assert batch.letters.get().account_id == deposit.account_id
    # and a second click writes nothing more
    client.post(reverse("correspondence:batch_deposit_refunds"))
    assert PrintBatch.objects.count() == 1


@pytest.mark.parametrize("role", [roles.CSR_III, roles.FINANCE])
def test_only_a_supervisor_may_post_the_batch(client_for, role):
    response = client_for(role).post(reverse("correspondence:batch_deposit_refunds"))
    assert response.status_code == 403
    assert not PrintBatch.objects.exists()


def test_interest_returned_with_the_deposit_is_in_the_letter(make_user):
    # given: the policy pays 2% a year
    Policy.objects.filter(key="deposit-interest-rate-percent").update(value="2.00")
    deposit = _returned(make_user)
    # when
    batch = deposit_refund_letters(today=_today(), by=nightly_user())
    # then
    html = batch.letters.get().html
    assert "The interest your deposit earned, $" in html
    assert deposit.amount == Decimal("100.00")
