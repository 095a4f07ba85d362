"""The lobby's pages: who opens them, what the public screen shows, the CSR's flow."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Contact
from accounts.models.lobby import LobbyTicket
from district import roles
from tests.accounts.lobby.helpers import ticket
from tests.factories import ServiceAccountFactory

pytestmark = pytest.mark.django_db
Status = LobbyTicket.Status

STAFF_PAGES = ["accounts:lobby_take", "accounts:lobby_screen", "accounts:lobby_desk"]


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (roles.CSR_I, 200),
        (roles.SUPERVISOR, 200),
        (roles.FINANCE, 403),
        (roles.FIELD_TECHNICIAN, 403),
    ],
)
def test_the_lobby_pages_are_for_people_who_talk_to_customers(client_for, role, expected):
    client = client_for(role)
    for name in STAFF_PAGES:
        assert client.get(reverse(name)).status_code == expected, name


@pytest.mark.parametrize(
    ("role", "expected"),
    [(roles.CSR_I, 403), (roles.CSR_II, 403), (roles.CSR_III, 200), (roles.SUPERVISOR, 200),
     (roles.FINANCE, 200)],
)  # fmt: skip
def test_wait_times_are_a_report(client_for, role, expected):
    assert client_for(role).get(reverse("accounts:lobby_stats")).status_code == expected


def test_the_public_screen_shows_numbers_and_reasons_but_no_names(client_for):
    # given a visitor with an account and one with a name, and one called
    account = ServiceAccountFactory()
    ticket(number=1, reason="pay_bill", account=account, visitor_name="Rosa Delgado")
    ticket(number=2, reason="leak", visitor_name="Walter Kim", status=Status.CALLED,
           called_at=timezone.now(), desk="Window 3")  # fmt: skip
    client = client_for(roles.CSR_I)
    # when the display loads, and when htmx refreshes it
    page = client.get(reverse("accounts:lobby_screen")).content.decode()
    board = client.get(reverse("accounts:lobby_screen"), HTTP_HX_REQUEST="true")
    # then
    for html in (page, board.content.decode()):
        assert "A001" in html and "Pay a bill" in html
        assert "A002" in html and "Window 3" in html
        for private in ("Rosa", "Delgado", "Walter", str(account.customer), account.number):
            assert private not in html
    assert 'hx-trigger="every 10s"' in page
    assert "<html" not in board.content.decode()  # the board alone


def test_taking_a_ticket_at_reception(client_for):
    account = ServiceAccountFactory()
    client = client_for(roles.CSR_I)
    assert (
        reverse("accounts:lobby_take") in client.get(reverse("accounts:reception")).content.decode()
    )
    response = client.post(
        reverse("accounts:lobby_take"),
        {"reason": "start", "account": account.formatted_number, "visitor_name": ""},
        follow=True,
    )
    assert "Ticket A001: start service." in response.content.decode()
    taken = LobbyTicket.objects.get()
    assert (taken.account, taken.skill, taken.taken_by) == (account, "service", client.user)


def test_taking_a_ticket_with_nobody_named_says_so(client_for):
    response = client_for(roles.CSR_I).post(
        reverse("accounts:lobby_take"), {"reason": "general", "account": "", "visitor_name": ""}
    )
    assert response.status_code == 200
    assert "Type the visitor&#x27;s name or pick their account." in response.content.decode()
    assert not LobbyTicket.objects.exists()


def test_call_next_opens_the_account_page_with_the_ticket(client_for):
    # given a payment with an account
    account = ServiceAccountFactory()
    waiting = ticket(number=1, reason="pay_bill", account=account)
    client = client_for(roles.CSR_I)
    # when
    response = client.post(reverse("accounts:lobby_call_next"), {"desk": "Window 2"})
    # then the account page, with the banner
    page = reverse("accounts:account_detail", kwargs={"account_id": account.pk})
    assert response.status_code == 302
    assert response["Location"] == f"{page}?ticket={waiting.pk}"
    html = client.get(response["Location"]).content.decode()
    assert "Serving lobby ticket" in html and "A001" in html and "Finish: served" in html
    # and the plain account page shows no banner
    assert "Serving lobby ticket" not in client.get(page).content.decode()
    # and the window is remembered for the next call
    assert 'value="Window 2"' in client.get(reverse("accounts:lobby_desk")).content.decode()


def test_call_next_without_an_account_opens_the_ticket(client_for):
    waiting = ticket(number=1, reason="general", visitor_name="Ed Park")
    client = client_for(roles.CSR_I)
    response = client.post(reverse("accounts:lobby_call_next"), {"desk": "Window 2"})
    assert response["Location"] == reverse(
        "accounts:lobby_ticket", kwargs={"ticket_id": waiting.pk}
    )


def test_call_next_with_nobody_waiting(client_for):
    response = client_for(roles.CSR_I).post(
        reverse("accounts:lobby_call_next"), {"desk": "Window 2"}, follow=True
    )
    assert "Nobody is waiting for what your role does." in response.content.decode()


def test_call_finish_through_the_pages_logs_one_contact(client_for):
    waiting = ticket(number=1, reason="general", visitor_name="Ed Park")
    client = client_for(roles.CSR_I)
    update = reverse("accounts:lobby_ticket_update", kwargs={"ticket_id": waiting.pk})
    client.post(update, {"action": "call", "desk": "Window 1"})
    client.post(update, {"action": "start"})
    response = client.post(update, {"action": "finish", "outcome": "Explained the rates."})
    assert response["Location"] == reverse("accounts:lobby_desk")
    contact = Contact.objects.get()
    assert (contact.visitor_name, contact.notes) == (
        "Ed Park",
        "Lobby ticket A001: Explained the rates.",
    )
    # a second finish is refused with the reason, nothing logged
    refused = client.post(update, {"action": "finish"}, follow=True)
    assert "Ticket A001 is served: it cannot be finished." in refused.content.decode()
    assert Contact.objects.count() == 1


def test_the_update_page_is_post_only(client_for):
    waiting = ticket(number=1)
    client = client_for(roles.CSR_I)
    url = reverse("accounts:lobby_ticket_update", kwargs={"ticket_id": waiting.pk})
    assert client.get(url).status_code == 405
    assert client.get(reverse("accounts:lobby_call_next")).status_code == 405


def test_the_home_page_shows_lobby_now(client_for):
    ticket(number=1, taken=timezone.now() - datetime.timedelta(minutes=7))
    html = client_for(roles.CSR_I).get(reverse("home")).content.decode()
    assert "Lobby now" in html
    assert '<strong class="fs-4">1</strong> waiting; the longest for 7 min.' in html
    assert "Lobby now" not in client_for(roles.FINANCE).get(reverse("home")).content.decode()


def _line(count: int):
    for number in range(1, count + 1):
        ticket(number=number, account=ServiceAccountFactory() if number % 2 else None)


# Every staff page: session, user, role, two permission reads, and the session saved (3).
REQUEST_QUERIES = 8


@pytest.mark.parametrize(
    ("name", "own_queries"), [("accounts:lobby_take", 1), ("accounts:lobby_desk", 2)]
)
def test_the_staff_lists_do_not_grow_with_the_line(
    client_for, django_assert_max_num_queries, name, own_queries
):
    _line(12)
    client = client_for(roles.CSR_II)
    client.get(reverse(name))  # warm the session and the role
    with django_assert_max_num_queries(REQUEST_QUERIES + own_queries):
        response = client.get(reverse(name))
    assert response.content.decode().count("A0") >= 12


def test_the_screen_and_the_report_are_a_fixed_number_of_queries(
    client_for, django_assert_max_num_queries
):
    _line(12)
    client = client_for(roles.SUPERVISOR)
    client.get(reverse("accounts:lobby_screen"))
    with django_assert_max_num_queries(REQUEST_QUERIES + 1):
        client.get(reverse("accounts:lobby_screen"), HTTP_HX_REQUEST="true")
    with django_assert_max_num_queries(REQUEST_QUERIES + 2):
        report = client.get(reverse("accounts:lobby_stats"), {"span": "week"})
    assert "Pay a bill" not in report.content.decode()
    assert "General inquiry" in report.content.decode()
