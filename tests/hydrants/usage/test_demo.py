"""The demo district's hydrant meters load once and tell their three stories."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from district import roles
from district.ledger.selectors import ledger_problems
from hydrants.models import HydrantBill, HydrantMeter, HydrantPermit
from hydrants.usage import selectors
from hydrants.usage.demo import PREFIX, load_hydrant_demo

pytestmark = pytest.mark.django_db


def test_the_hydrant_demo_loads_once(make_user):
    supervisor = make_user(roles.SUPERVISOR)
    today = timezone.localdate()
    assert load_hydrant_demo(today=today, by=supervisor, out=lambda _line: None) is True
    assert load_hydrant_demo(today=today, by=supervisor, out=lambda _line: None) is False
    permits = HydrantPermit.objects.filter(number__startswith=PREFIX).order_by("number")
    assert [permit.status for permit in permits] == [
        HydrantPermit.Status.ACTIVE,
        HydrantPermit.Status.ACTIVE,
        HydrantPermit.Status.RETURNED,
    ]
    # Valley Paving's read is overdue and its months without a read were charged
    overdue = selectors.overdue_reads(today + datetime.timedelta(days=40))
    assert permits[1].number in [row.issue.permit.number for row in overdue]
    missing = HydrantBill.objects.filter(
        issue__permit=permits[1], missing_read_amount__gt=Decimal("0")
    )
    assert missing.count() >= 2
    # Mesa Pipeline's meter is back damaged, with its final bill
    damaged = permits[2].issues.get()
    assert damaged.meter.condition == HydrantMeter.Condition.DAMAGED
    assert damaged.bills.get(kind=HydrantBill.Kind.FINAL).damage_amount == Decimal("305.00")
    assert ledger_problems() == []


def test_the_demo_pages_render_for_a_supervisor(client, make_user):
    supervisor = make_user(roles.SUPERVISOR)
    load_hydrant_demo(today=timezone.localdate(), by=supervisor, out=lambda _line: None)
    client.force_login(supervisor)
    damaged = HydrantPermit.objects.get(number=f"{PREFIX}003")
    issue = damaged.issues.get()
    pages = [
        reverse("hydrants:usage_meters_out"),
        reverse("hydrants:usage_issue", args=[issue.pk]),
        reverse("hydrants:usage_settle", args=[damaged.pk]),
        reverse("hydrants:usage_inspection", args=[issue.pk]),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
    page = client.get(reverse("hydrants:usage_issue", args=[issue.pk])).content.decode()
    assert "Inlet or outlet threads damaged" in page
    assert "Final" in page
    # settling through the page: the damaged meter's permit is settled against its deposit
    response = client.post(reverse("hydrants:usage_settle", args=[damaged.pk]), {})
    assert response.status_code == 302, response.content.decode()[-3000:]
    damaged.refresh_from_db()
    assert damaged.status == HydrantPermit.Status.CLOSED
    settled = client.get(reverse("hydrants:usage_settle", args=[damaged.pk])).content.decode()
    assert "Deposit applied" in settled
