"""Field reports on known data: backlog by age, completions per technician per day, time to
complete by type; and their CSV exports."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from district import roles
from field_ops import reports
from field_ops.models import WorkOrder

pytestmark = pytest.mark.django_db

S = WorkOrder.Status
T = WorkOrder.Type
URL = "/field-reports/"


def _today():
    return timezone.localdate()


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _open_order(world, order_type, days_ago):
    order = world.order(order_type, status=S.NEW)
    WorkOrder.objects.filter(pk=order.pk).update(
        requested_date=_today() - datetime.timedelta(days=days_ago)
    )
    return order


def _completed(world, order_type, *, technician, created, completed, requested=None):
    """An order completed through the services, then dated as the test needs."""
    order = world.order(order_type, technician=technician, status=S.COMPLETED)
    WorkOrder.objects.filter(pk=order.pk).update(
        created_at=created,
        completed_at=completed,
        requested_date=requested or created.date(),
    )
    return order


# -- backlog


def test_the_backlog_counts_open_orders_by_type_and_age(world):
    # given: re-reads 0, 2, 3, 7, 8, 14, 15, 30 and 31 days old; one turn-on due tomorrow
    for days in (0, 2, 3, 7, 8, 14, 15, 30, 31):
        _open_order(world, T.RE_READ, days)
    _open_order(world, T.OTHER, -1)
    world.order(T.RE_READ, status=S.COMPLETED)  # done: not in the backlog
    world.order(T.RE_READ, status=S.CANCELLED)

    # when
    rows, totals = reports.open_backlog()

    # then: not yet due, 0-2, 3-7, 8-14, 15-30, over 30
    by_type = {row.order_type: row.counts for row in rows}
    assert by_type == {T.RE_READ: (0, 2, 2, 2, 2, 1), T.OTHER: (1, 0, 0, 0, 0, 0)}
    assert (totals.counts, totals.total) == ((1, 2, 2, 2, 2, 1), 10)


def test_the_backlog_is_one_query(world, django_assert_num_queries):
    # given
    for days in range(5):
        _open_order(world, T.RE_READ, days)

    # when / then
    with django_assert_num_queries(1):
        reports.open_backlog()


# -- completed per technician per day


def test_completions_are_counted_per_technician_per_day(world):
    # given
    monday = _today() - datetime.timedelta(days=7)
    tuesday = monday + datetime.timedelta(days=1)
    for technician, day, hour in (
        (world.technician, monday, 9),
        (world.technician, monday, 23),  # late evening: still Monday in the district
        (world.technician, tuesday, 8),
        (world.other_technician, tuesday, 10),
    ):
        _completed(
            world, T.OTHER, technician=technician, created=_at(monday, 7), completed=_at(day, hour)
        )
    _completed(  # outside the range
        world,
        T.OTHER,
        technician=world.technician,
        created=_at(monday, 7),
        completed=_at(monday - datetime.timedelta(days=1), 12),
    )

    # when
    rows = reports.completed_per_technician(start=monday, end=tuesday)

    # then
    assert [(row.technician, row.day, row.completed) for row in rows] == [
        ("tech-eddie", monday, 2),
        ("tech-eddie", tuesday, 1),
        ("tech-frank", tuesday, 1),
    ]


# -- time to complete


def test_the_average_time_from_request_to_completion_by_type(world):
    # given: other-type orders taking 2 h and 4 h (on time); a re-read taking 2 days (late)
    day = _today() - datetime.timedelta(days=10)
    _completed(
        world, T.OTHER, technician=world.technician, created=_at(day, 8), completed=_at(day, 10)
    )
    _completed(
        world, T.OTHER, technician=world.technician, created=_at(day, 8), completed=_at(day, 12)
    )
    _completed(
        world,
        T.RE_READ,
        technician=world.technician,
        created=_at(day, 9),
        completed=_at(day + datetime.timedelta(days=2), 9),
        requested=day,
    )

    # when
    rows = reports.turnaround_by_type(start=day, end=_today())

    # then: in the order of the types
    summary = [
        (row.order_type, row.completed, row.average_hours, row.average_days, row.on_time)
        for row in rows
    ]
    assert summary == [
        (T.RE_READ, 1, Decimal("48.0"), Decimal("2.0"), 0),
        (T.OTHER, 2, Decimal("3.0"), Decimal("0.1"), 2),
    ]
    assert rows[1].on_time_percent == 100


# -- the page and CSV


def test_the_reports_page_shows_the_three_reports(client, world, make_user):
    # given
    _open_order(world, T.RE_READ, 10)
    day = _today() - datetime.timedelta(days=2)
    _completed(
        world, T.OTHER, technician=world.technician, created=_at(day, 8), completed=_at(day, 14)
    )
    client.force_login(make_user(roles.CSR_III))

    # when
    response = client.get(URL)

    # then
    page = response.content.decode()
    assert response.status_code == 200
    assert "Open orders by age" in page and "8–14 days" in page
    assert "tech-eddie" in page
    assert "Time from request to completion" in page and "6.0" in page


def test_a_backwards_range_is_refused_beside_the_field(client, make_user):
    # given
    client.force_login(make_user(roles.SUPERVISOR))

    # when
    response = client.get(URL, {"start": "2026-03-10", "end": "2026-03-01"})

    # then
    page = response.content.decode()
    assert "The last day must be on or after the first day." in page
    assert "Completed per technician per day" not in page


def test_the_backlog_downloads_as_csv(client, world, make_user):
    # given
    _open_order(world, T.RE_READ, 1)
    _open_order(world, T.RE_READ, 40)
    client.force_login(make_user(roles.FINANCE))

    # when
    response = client.get(URL, {"format": "csv", "report": "backlog"})

    # then
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    table = list(csv.reader(io.StringIO(response.content.decode())))
    assert table[0] == [
        "Type",
        "Not yet due",
        "0–2 days",
        "3–7 days",
        "8–14 days",
        "15–30 days",
        "Over 30 days",
        "Total",
    ]
    assert table[1] == ["Re-read", "0", "1", "0", "0", "0", "1", "2"]
    assert table[-1][0] == "All types"


def test_completions_and_turnaround_download_as_csv(client, world, make_user):
    # given
    day = _today() - datetime.timedelta(days=3)
    _completed(
        world, T.OTHER, technician=world.technician, created=_at(day, 8), completed=_at(day, 11)
    )
    client.force_login(make_user(roles.CSR_III))
    days = {"start": day.isoformat(), "end": _today().isoformat()}

    # when
    completed = client.get(URL, {"format": "csv", "report": "completed", **days})
    turnaround = client.get(URL, {"format": "csv", "report": "turnaround", **days})

    # then
    assert list(csv.reader(io.StringIO(completed.content.decode()))) == [
        ["Technician", "Day", "Completed"],
        ["tech-eddie", day.isoformat(), "1"],
    ]
    rows = list(csv.reader(io.StringIO(turnaround.content.decode())))
    assert rows[1] == ["Other", "1", "3.0", "0.1", "0.1", "1", "100.0"]


def test_an_unknown_csv_report_is_a_bad_request(client, make_user):
    # given
    client.force_login(make_user(roles.CSR_III))

    # when / then
    assert client.get(URL, {"format": "csv", "report": "payroll"}).status_code == 400


def test_a_name_that_looks_like_a_formula_is_defused_in_csv():
    # when / then
    assert reports._csv_safe("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert reports._csv_safe("Ana") == "Ana"


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (roles.CSR_I, 403),
        (roles.FIELD_TECHNICIAN, 403),
        (roles.CSR_III, 200),
        (roles.SUPERVISOR, 200),
        (roles.FINANCE, 200),
    ],
)
def test_who_may_run_field_reports(client, make_user, role, status):
    # given
    client.force_login(make_user(role))

    # when / then
    assert client.get(reverse("field_ops:field_reports")).status_code == status
