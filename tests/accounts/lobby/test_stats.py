"""Wait and service times, computed in SQL, exact for a constructed day."""

import datetime

import pytest

from accounts.lobby.selectors import lobby_now, screen, wait_stats
from accounts.models.lobby import LobbyTicket
from tests.accounts.lobby.helpers import DAY, at, ticket

pytestmark = pytest.mark.django_db
Status = LobbyTicket.Status


def _served(number, *, reason, waited, served_for, taken_minute=0):
    taken = at(DAY, 9, taken_minute)
    called = taken + datetime.timedelta(minutes=waited)
    return ticket(
        number=number,
        reason=reason,
        day=DAY,
        taken=taken,
        status=Status.DONE,
        called_at=called,
        served_at=called + datetime.timedelta(minutes=served_for),
        desk="Window 1",
    )


def test_waits_of_5_10_and_15_minutes_average_10_with_a_90th_percentile_of_14(
    django_assert_num_queries,
):
    # given three bill payers served after waits of 5, 10 and 15 minutes, for 2, 4 and 6 minutes
    _served(1, reason="pay_bill", waited=5, served_for=2)
    _served(2, reason="pay_bill", waited=10, served_for=4)
    _served(3, reason="pay_bill", waited=15, served_for=6)
    # a start-service visitor who left after 20 minutes' wait, and one still waiting (no wait)
    ticket(number=4, reason="start", day=DAY, taken=at(DAY, 10), status=Status.LEFT,
           called_at=at(DAY, 10, 20))  # fmt: skip
    ticket(number=5, reason="start", day=DAY, taken=at(DAY, 11))
    # and a ticket of the next day, outside the period
    ticket(number=1, reason="pay_bill", day=DAY + datetime.timedelta(days=1),
           taken=at(DAY + datetime.timedelta(days=1), 9))  # fmt: skip
    # when
    with django_assert_num_queries(2):
        stats = wait_stats(DAY, DAY)
    # then
    payments, starts = stats["by_reason"]
    assert (payments.reason, payments.tickets, payments.called, payments.no_shows) == (
        "Pay a bill", 3, 3, 0,
    )  # fmt: skip
    assert payments.average_wait_minutes == 10.0
    assert payments.p90_wait_minutes == 14.0
    assert payments.average_service_minutes == 4.0
    assert (starts.reason, starts.tickets, starts.called, starts.no_shows) == (
        "Start service", 2, 1, 1,
    )  # fmt: skip
    assert (starts.average_wait_minutes, starts.p90_wait_minutes) == (20.0, 20.0)
    assert starts.average_service_minutes is None
    total = stats["total"]
    assert (total.tickets, total.called, total.no_shows) == (5, 4, 1)
    assert total.average_wait_minutes == 12.5  # (5 + 10 + 15 + 20) / 4
    assert total.p90_wait_minutes == 18.5  # 15 + 0.7 * 5
    assert total.average_service_minutes == 4.0


def test_the_screen_shows_numbers_reasons_and_windows_only(django_assert_num_queries):
    # given two waiting and one called
    ticket(number=1, reason="pay_bill", day=DAY, taken=at(DAY, 9), visitor_name="Ana Ruiz")
    ticket(number=2, reason="leak", day=DAY, taken=at(DAY, 9, 5), visitor_name="Bo Chen",
           status=Status.CALLED, called_at=at(DAY, 9, 20), desk="Window 3")  # fmt: skip
    ticket(number=3, reason="start", day=DAY, taken=at(DAY, 9, 10), visitor_name="Cy Diaz")
    # when
    with django_assert_num_queries(1):
        board = screen(DAY, now=at(DAY, 9, 30))
    # then
    assert [(line.label, line.reason, line.minutes) for line in board["line"]] == [
        ("A001", "Pay a bill", 30),
        ("A003", "Start service", 20),
    ]
    assert [(line.label, line.desk) for line in board["called"]] == [("A002", "Window 3")]


def test_lobby_now_counts_the_waiting_and_the_longest_wait(django_assert_num_queries):
    ticket(number=1, day=DAY, taken=at(DAY, 9))
    ticket(number=2, day=DAY, taken=at(DAY, 9, 12))
    ticket(number=3, day=DAY, taken=at(DAY, 8), status=Status.LEFT, called_at=at(DAY, 8, 1))
    with django_assert_num_queries(1):
        now = lobby_now(DAY, now=at(DAY, 9, 25))
    assert now == {"waiting_count": 2, "longest_minutes": 25}
    assert lobby_now(DAY + datetime.timedelta(days=1)) == {
        "waiting_count": 0,
        "longest_minutes": None,
    }
