"""Every billing page a supervisor or a CSR II reaches from the menu, and each billing detail
page with sample objects (a posted run, its bills, a scheduled period, a rate version), answers
200 for the supervisor; the CSR II gets 200 or 403 (never a server error)."""

import pytest
from django.urls import reverse

from billing.models import Bill, BillRun, RateScheduleVersion
from district import navigation, roles
from tests.billing.factories import BILLED_ROUTE, build_billed_route

BILLING_MENU = {
    "billing:read_routes",
    "billing:read_import",
    "billing:calendar",
    "billing:cycle_list",
    "billing:bill_runs",
    "billing:rates",
    "billing:calculator",
}


@pytest.fixture
def world(db, make_user):
    return build_billed_route(make_user)


def _detail_urls(world) -> list[str]:
    run = BillRun.objects.get(status=BillRun.Status.POSTED)
    bill = Bill.objects.filter(run=run).order_by("pk").first()
    account = bill.account
    version = RateScheduleVersion.objects.order_by("pk").first()
    period, cycle = world["period"], world["cycle"]
    return [
        reverse("billing:bill_run", kwargs={"run_id": run.pk}),
        reverse("billing:bill_run_progress", kwargs={"run_id": run.pk}),
        reverse("billing:bill_detail", kwargs={"bill_id": bill.pk}),
        reverse("billing:bill_why_high", kwargs={"bill_id": bill.pk}),
        reverse("billing:bill_rebill", kwargs={"bill_id": bill.pk}),
        reverse("billing:account_adjustments", kwargs={"account_id": account.pk}),
        reverse("billing:leak_adjustment", kwargs={"account_id": account.pk}),
        reverse("billing:period_detail", kwargs={"period_id": period.pk}),
        reverse("billing:period_schedule", kwargs={"period_id": period.pk}),
        reverse("billing:period_estimate", kwargs={"period_id": period.pk}),
        reverse("billing:cycle_detail", kwargs={"cycle_id": cycle.pk}),
        reverse("billing:cycle_edit", kwargs={"cycle_id": cycle.pk}),
        reverse("billing:cycle_create"),
        reverse("billing:rate_version", kwargs={"version_id": version.pk}),
        reverse("billing:rate_compare"),
        reverse("billing:rate_impact"),
        reverse("billing:rate_load"),
        reverse("billing:read_route", kwargs={"route": BILLED_ROUTE}) + "?date=2026-01-28",
        reverse("accounts:account_detail", kwargs={"account_id": account.pk}),  # bills panel
    ]


@pytest.mark.parametrize("role", [roles.SUPERVISOR, roles.CSR_II], ids=lambda role: role.name)
def test_every_billing_menu_page_renders(client_for, world, role):
    # given
    client = client_for(role)
    user = client.get("/").wsgi_request.user
    menu = [item for item in navigation.items_for(user) if item["url_name"] in BILLING_MENU]
    assert menu, "no billing entry in the menu"

    # when
    answers = {item["url"]: client.get(item["url"]).status_code for item in menu}

    # then: every entry the menu shows opens
    assert answers == {item["url"]: 200 for item in menu}


@pytest.mark.parametrize("role", [roles.SUPERVISOR, roles.CSR_II], ids=lambda role: role.name)
def test_every_billing_detail_page_renders(client_for, world, role):
    # given
    client = client_for(role)

    # when
    answers = {url: client.get(url).status_code for url in _detail_urls(world)}

    # then
    allowed = {200} if role == roles.SUPERVISOR else {200, 403}
    assert {url: status for url, status in answers.items() if status not in allowed} == {}
