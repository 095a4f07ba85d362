"""Two clerks taking tickets at the same moment, two CSRs calling next at the same moment."""

import threading

import pytest
from django.db import connection

from accounts.lobby import services
from accounts.models.lobby import LobbyTicket
from district import roles
from tests.accounts.lobby.helpers import ticket


def _run_together(works: list) -> list:
    """Run each of `works` in its own thread, released at once; returns results or exceptions."""
    barrier = threading.Barrier(len(works))
    results: list = [None] * len(works)

    def run(position):
        try:
            barrier.wait()
            results[position] = works[position]()
        except Exception as error:  # noqa: BLE001 - reported to the test
            results[position] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(works))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.django_db(transaction=True)
def test_tickets_taken_at_once_get_different_numbers(make_user):
    clerk = make_user(roles.CSR_I)
    take = lambda: services.ticket_take(reason="general", visitor_name="Walk-in", by=clerk)  # noqa: E731
    results = _run_together([lambda: take().number] * 4)
    assert sorted(results) == [1, 2, 3, 4]
    assert sorted(LobbyTicket.objects.values_list("number", flat=True)) == [1, 2, 3, 4]


@pytest.mark.django_db(transaction=True)
def test_call_next_at_once_calls_two_different_visitors(make_user):
    ticket(number=1)
    ticket(number=2)
    first, second = make_user(roles.CSR_I), make_user(roles.CSR_I)
    results = _run_together(
        [
            lambda: services.ticket_call_next(desk="Window 1", by=first).number,
            lambda: services.ticket_call_next(desk="Window 2", by=second).number,
        ]
    )
    assert sorted(results) == [1, 2]
