"""The lobby queue's rules: numbering, calling by order and skill, finishing, no-shows."""

import datetime
from unittest import mock

import pytest
from django.utils import timezone

from accounts.lobby import services
from accounts.models import Contact
from accounts.models.lobby import LobbyTicket
from district import roles
from district.errors import NotPermitted, ServiceError
from tests.accounts.lobby.helpers import ticket
from tests.factories import ServiceAccountFactory

pytestmark = pytest.mark.django_db
Status = LobbyTicket.Status


def test_numbers_run_per_day_and_start_again_each_day(make_user):
    # given yesterday's line went up to A003
    clerk = make_user(roles.CSR_I)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    for number in (1, 2, 3):
        ticket(number=number, day=yesterday)
    # when two visitors take tickets today
    first = services.ticket_take(reason="pay_bill", visitor_name="Ana", by=clerk)
    second = services.ticket_take(reason="start", visitor_name="Bo", by=clerk)
    # then today's numbers start at A001
    assert (first.label, second.label) == ("A001", "A002")
    assert (first.day, second.day) == (timezone.localdate(), timezone.localdate())
    assert (first.skill, second.skill) == ("payments", "service")
    assert first.status == Status.WAITING and first.taken_by == clerk


def test_a_number_taken_meanwhile_is_retried_with_the_next(make_user):
    # given A001 exists, and the next-number read is stale (another clerk's insert won)
    clerk = make_user(roles.CSR_I)
    ticket(number=1)
    with mock.patch.object(services, "_next_number", side_effect=[1, 2]) as next_number:
        # when
        taken = services.ticket_take(reason="general", visitor_name="Cy", by=clerk)
    # then the unique (day, number) refused 1 and the retry took 2
    assert taken.number == 2
    assert next_number.call_count == 2
    assert LobbyTicket.objects.filter(day=timezone.localdate()).count() == 2


def test_a_ticket_needs_a_name_or_an_account(make_user):
    clerk = make_user(roles.CSR_I)
    with pytest.raises(ServiceError) as refused:
        services.ticket_take(reason="general", visitor_name="  ", by=clerk)
    assert refused.value.message_dict == {
        "visitor_name": ["Type the visitor's name or pick their account."]
    }
    assert not LobbyTicket.objects.exists()


def test_field_staff_cannot_give_out_tickets(make_user):
    with pytest.raises(NotPermitted, match="give out lobby tickets"):
        services.ticket_take(
            reason="general", visitor_name="Di", by=make_user(roles.FIELD_TECHNICIAN)
        )
    assert not LobbyTicket.objects.exists()


def test_call_next_takes_the_oldest_ticket_the_role_can_serve(make_user):
    # given a billing question waiting longest, then a payment, then another payment
    now = timezone.now()
    billing = ticket(number=1, reason="high_bill", taken=now - datetime.timedelta(minutes=30))
    payment = ticket(number=2, reason="pay_bill", taken=now - datetime.timedelta(minutes=20))
    later = ticket(number=3, reason="payment", taken=now - datetime.timedelta(minutes=10))
    csr_one = make_user(roles.CSR_I)  # takes payments, does not adjust bills
    # when a CSR I calls next
    called = services.ticket_call_next(desk="Window 2", by=csr_one)
    # then they get the oldest payment, not the billing question
    assert called.pk == payment.pk
    assert (called.status, called.desk, called.called_by) == (Status.CALLED, "Window 2", csr_one)
    assert called.called_at is not None
    # and a CSR II gets the billing question, waiting longest
    assert services.ticket_call_next(desk="Window 3", by=make_user(roles.CSR_II)).pk == billing.pk
    assert services.ticket_call_next(desk="Window 2", by=csr_one).pk == later.pk
    assert services.ticket_call_next(desk="Window 2", by=csr_one) is None


def test_skills_follow_the_role(make_user):
    assert services.skills_of(make_user(roles.CSR_I)) == ["payments", "service", "other"]
    assert services.skills_of(make_user(roles.CSR_II)) == [
        "payments", "service", "billing", "other",
    ]  # fmt: skip
    assert services.skills_of(make_user(roles.FINANCE)) == []


def test_a_called_ticket_cannot_be_called_again(make_user):
    # given A001 called to window 1
    waiting = ticket(number=1)
    first = make_user(roles.CSR_I)
    services.ticket_call(ticket=waiting, desk="Window 1", by=first)
    # when another CSR calls it
    with pytest.raises(ServiceError) as refused:
        services.ticket_call(ticket=waiting, desk="Window 4", by=make_user(roles.CSR_II))
    # then it stays with the first
    assert refused.value.messages == ["Ticket A001 is called: it cannot be called."]
    waiting.refresh_from_db()
    assert (waiting.desk, waiting.called_by) == ("Window 1", first)


def test_calling_a_ticket_outside_the_role_is_refused(make_user):
    billing = ticket(number=1, reason="billing")
    with pytest.raises(ServiceError) as refused:
        services.ticket_call(ticket=billing, desk="Window 1", by=make_user(roles.CSR_I))
    assert refused.value.messages == [
        "Ticket A001 is for billing questions, which your role does not do."
    ]
    billing.refresh_from_db()
    assert billing.status == Status.WAITING


def test_calling_needs_a_window(make_user):
    waiting = ticket(number=1)
    with pytest.raises(ServiceError) as refused:
        services.ticket_call(ticket=waiting, desk=" ", by=make_user(roles.CSR_I))
    assert refused.value.message_dict == {"desk": ["Say which window the visitor should come to."]}


def test_finishing_logs_the_visit_once(make_user):
    # given a payment visitor with an account, called and served
    account = ServiceAccountFactory()
    csr = make_user(roles.CSR_I)
    taken = services.ticket_take(reason="pay_bill", account=account, by=csr)
    services.ticket_call(ticket=taken, desk="Window 1", by=csr)
    services.ticket_start(ticket=taken, by=csr)
    # when it is finished
    done = services.ticket_finish(ticket=taken, by=csr, outcome="Paid $40 cash.")
    # then one counter contact about the account, as a payment
    contact = Contact.objects.get()
    assert (contact.channel, contact.reason, contact.account, contact.customer) == (
        "counter", "payment", account, account.customer,
    )  # fmt: skip
    assert contact.notes == "Lobby ticket A001: Paid $40 cash."
    assert contact.logged_by == csr
    assert (done.status, done.contact, done.outcome) == (Status.DONE, contact, "Paid $40 cash.")
    assert done.served_at is not None
    # and finishing again is refused without a second contact
    with pytest.raises(ServiceError, match="is served: it cannot be finished"):
        services.ticket_finish(ticket=taken, by=csr)
    assert Contact.objects.count() == 1


def test_a_ticket_for_other_reasons_logs_the_visitor_by_name(make_user):
    csr = make_user(roles.CSR_I)
    taken = services.ticket_take(reason="other", visitor_name="Ed Park", by=csr)
    services.ticket_call(ticket=taken, desk="Window 1", by=csr)
    services.ticket_finish(ticket=taken, by=csr)  # called straight to served
    contact = Contact.objects.get()
    assert (contact.reason, contact.visitor_name, contact.account) == ("other", "Ed Park", None)
    assert contact.notes == "Lobby ticket A001."


def test_only_the_caller_finishes(make_user):
    called = ticket(number=1)
    services.ticket_call(ticket=called, desk="Window 1", by=make_user(roles.CSR_I))
    with pytest.raises(ServiceError, match="was called by someone else"):
        services.ticket_finish(ticket=called, by=make_user(roles.CSR_II))
    assert not Contact.objects.exists()


def test_a_no_show_is_left_after_being_called(make_user):
    csr = make_user(roles.CSR_I)
    waiting = ticket(number=1)
    # a waiting ticket cannot be a no-show yet
    with pytest.raises(ServiceError, match="is waiting: it cannot be marked as left"):
        services.ticket_left(ticket=waiting, by=csr)
    services.ticket_call(ticket=waiting, desk="Window 1", by=csr)
    left = services.ticket_left(ticket=waiting, by=csr)
    assert left.status == Status.LEFT
    assert not Contact.objects.exists()
    with pytest.raises(ServiceError, match="cannot be served"):
        services.ticket_start(ticket=left, by=csr)
