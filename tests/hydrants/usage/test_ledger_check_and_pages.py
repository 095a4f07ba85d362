"""The hydrant deposits ledger check, the lists, and the pages for each role."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from district import roles
from district.ledger.models import Journal
from district.ledger.purposes import Purpose
from district.ledger.selectors import ledger_problems
from district.ledger.services import Line, journal_post
from hydrants.models import HydrantRead
from hydrants.usage import selectors
from hydrants.usage.checks import RULE
from hydrants.usage.reads import hydrant_read_record
from portal.models import AccountLink
from tests.hydrants.usage.builders import meter_out

pytestmark = pytest.mark.django_db


def _hydrant_problems():
    return [problem for problem in ledger_problems() if problem.startswith(RULE)]


def test_the_ledger_check_passes_when_the_books_hold_the_permits_deposits(capsys):
    meter_out(deposit="1000.00")
    meter_out(deposit="2500.00")
    assert _hydrant_problems() == []
    call_command("check_ledger")
    assert "ledger OK" in capsys.readouterr().out


def test_the_ledger_check_fails_when_the_books_differ(make_user):
    # given two permits' deposits, one of them moved out of deposits held by a stray entry
    kept = meter_out(deposit="1000.00")
    moved = meter_out(deposit="2500.00")
    journal_post(
        kind=Journal.Kind.ADJUSTMENT,
        memo="Stray entry",
        lines=[
            Line(Purpose.CUSTOMER_DEPOSITS, Decimal("25.00"), moved.permit.account_id),
            Line(Purpose.CASH_IN_BANK, Decimal("-25.00")),
        ],
        by=make_user(roles.SUPERVISOR),
        idempotency_key="stray-hydrant-deposit",
    )
    # then the check names that account alone, and check_ledger fails
    assert _hydrant_problems() == [f"{RULE}: service accounts {moved.permit.account_id}"]
    assert str(kept.permit.account_id) not in _hydrant_problems()[0].split(": ")[-1].split(", ")
    with pytest.raises(CommandError, match="ledger check failed"):
        call_command("check_ledger")


def test_the_deposits_held_list_matches_the_ledger():
    meter_out(deposit="1000.00")
    meter_out(deposit="2500.00")
    held = selectors.hydrant_deposits_held()
    assert (held.total, held.books_total, held.matches) == (
        Decimal("3500.00"),
        Decimal("3500.00"),
        True,
    )
    assert sorted(row.deposit.amount for row in held.rows) == [
        Decimal("1000.00"),
        Decimal("2500.00"),
    ]


def _read(issue, day, reading, by):
    hydrant_read_record(
        issue_id=issue.pk,
        read_on=day,
        reading=reading,
        source=HydrantRead.Source.COUNTER,
        by=by,
    )


def test_the_overdue_reads_list(make_user):
    # given two meters read in February, one of them read in March too, and a meter out
    # since 03/27
    clerk = make_user(roles.CSR_I)
    read = meter_out(issued_on=datetime.date(2026, 1, 2))
    unread = meter_out(issued_on=datetime.date(2026, 1, 2))
    late_starter = meter_out(issued_on=datetime.date(2026, 3, 27))
    for issue in (read, unread):
        _read(issue, datetime.date(2026, 2, 20), "5", clerk)
    _read(read, datetime.date(2026, 3, 20), "6", clerk)
    # on the due day (the 25th) February's reads still count: nothing is overdue
    assert selectors.overdue_reads(datetime.date(2026, 3, 25)) == []
    # after it, the meter not read in March is overdue (not the one out since 03/27)
    rows = selectors.overdue_reads(datetime.date(2026, 3, 28))
    assert [(row.issue.pk, row.due_on) for row in rows] == [(unread.pk, datetime.date(2026, 3, 25))]
    assert late_starter.pk not in [row.issue.pk for row in rows]
    # early in April, March's due day is the one passed: the same meter, still overdue
    assert [row.issue.pk for row in selectors.overdue_reads(datetime.date(2026, 4, 3))] == [
        unread.pk
    ]


LIST_PAGES = [
    "hydrants:usage_meters_out",
    "hydrants:usage_overdue_reads",
    "hydrants:usage_deposits_held",
]


@pytest.mark.parametrize("name", LIST_PAGES)
def test_list_pages_render_with_a_fixed_number_of_queries(
    client_for, name, django_assert_max_num_queries
):
    client = client_for(roles.CSR_I)
    for _ in range(3):
        meter_out()
    with django_assert_max_num_queries(12):
        response = client.get(reverse(name))
    assert response.status_code == 200
    assert b"<caption>" in response.content


def test_the_meter_page_shows_the_read_form_to_a_csr_i_and_not_the_return(client_for):
    issue = meter_out()
    response = client_for(roles.CSR_I).get(reverse("hydrants:usage_issue", args=[issue.pk]))
    assert response.status_code == 200
    assert b"Record the read" in response.content
    assert b"Report the meter lost" not in response.content


def test_a_read_posted_on_the_page_is_recorded(client_for):
    issue = meter_out(start_read="10")
    client = client_for(roles.CSR_I)
    url = reverse("hydrants:usage_issue", args=[issue.pk])
    response = client.post(
        url, {"read_on": "2026-01-20", "reading": "15.5", "source": "counter", "notes": ""}
    )
    assert response.status_code == 302
    assert issue.reads.get().reading == Decimal("15.50")
    refused = client.post(url, {"read_on": "2026-01-21", "reading": "9", "source": "counter"})
    assert refused.status_code == 400
    assert "is lower than the last reading" in refused.content.decode()
    assert issue.reads.count() == 1


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (roles.CSR_I, 403),
        (roles.CSR_II, 200),
        (roles.SUPERVISOR, 200),
        (roles.FINANCE, 403),
        (roles.FIELD_TECHNICIAN, 403),
    ],
)
def test_the_return_pages_are_for_hydrant_rentals(client_for, role, status):
    issue = meter_out()
    client = client_for(role)
    for name, args in (
        ("hydrants:usage_inspection", [issue.pk]),
        ("hydrants:usage_lost", [issue.pk]),
        ("hydrants:usage_settle", [issue.permit_id]),
    ):
        assert client.get(reverse(name, args=args)).status_code == status, name


@pytest.mark.parametrize(
    ("role", "status"),
    [(roles.FINANCE, 200), (roles.CSR_I, 200), (roles.FIELD_TECHNICIAN, 403)],
)
def test_the_deposits_list_is_for_those_who_see_accounts(client_for, role, status):
    meter_out()
    response = client_for(role).get(reverse("hydrants:usage_deposits_held"))
    assert response.status_code == status


def test_a_csr_i_cannot_start_a_return(client_for):
    issue = meter_out()
    response = client_for(roles.CSR_I).post(reverse("hydrants:usage_return_start", args=[issue.pk]))
    assert response.status_code == 403
    issue.refresh_from_db()
    assert issue.pickup_work_order_id is None


def test_the_contractor_reports_a_read_online_and_cannot_read_anothers_meter(client, make_user):
    # given a contractor signed in to the portal with a meter out, and another's meter
    mine = meter_out(start_read="3")
    theirs = meter_out()
    contractor = make_user(roles.CUSTOMER)
    AccountLink.objects.create(user=contractor, service_account=mine.permit.account, method="staff")
    client.force_login(contractor)
    page = client.get(reverse("hydrants:usage_my_meters"))
    assert page.status_code == 200
    assert mine.meter.serial in page.content.decode()
    assert theirs.meter.serial not in page.content.decode()
    # when they send a read of their meter
    response = client.post(
        reverse("hydrants:usage_my_meter_read", args=[mine.pk]),
        {f"m{mine.pk}-read_on": "2026-01-20", f"m{mine.pk}-reading": "8.25"},
    )
    # then it is recorded as theirs, online; another's meter answers 404
    assert response.status_code == 302
    read = mine.reads.get()
    assert (read.reading, read.source, read.entered_by) == (
        Decimal("8.25"),
        HydrantRead.Source.CONTRACTOR_ONLINE,
        contractor,
    )
    other = client.post(
        reverse("hydrants:usage_my_meter_read", args=[theirs.pk]),
        {f"m{theirs.pk}-read_on": "2026-01-20", f"m{theirs.pk}-reading": "8"},
    )
    assert other.status_code == 404
    assert theirs.reads.count() == 0


def test_the_ledger_check_leaves_out_permits_without_a_deposit_yet():
    # a draft permit on an account that holds a deposit of its own (not the permit's yet)
    issue = meter_out(deposit="1000.00")
    permit = issue.permit
    permit.deposit = None
    permit.status = permit.Status.DRAFT
    permit.save(update_fields=["deposit", "status"])
    assert _hydrant_problems() == []
