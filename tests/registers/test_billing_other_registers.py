"""Adjustments and refunds (who asked, who approved, by dates and status) and arrangements and
collections (arrangements by status, accounts by collection step, shut-offs by month)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Deposit, DepositGuideline
from billing.arrangements.models import Arrangement
from billing.collections.models import CollectionAction
from billing.models import Adjustment
from billing.registers import (
    ADJUSTMENTS_AND_REFUNDS,
    ARRANGEMENTS_AND_COLLECTIONS,
    COLLECTIONS,
    SHUTOFFS,
)  # fmt: skip
from district import roles
from district.approvals.models import ApprovalRequest
from district.registers.definitions import fill
from tests import factories
from tests.billing.factories import posted_bill

pytestmark = pytest.mark.django_db
D = datetime.date
DAY = D(2026, 3, 10)


def _at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


def _request(kind, by, decider=None, *, amount, payload, status="pending", on=DAY, reason=""):
    request = ApprovalRequest.objects.create(
        kind=kind, requested_by=by, reason=reason or "Refund", amount=Decimal(amount),
        payload=payload, status=status, decided_by=decider,
    )  # fmt: skip
    ApprovalRequest.objects.filter(pk=request.pk).update(requested_at=_at(on))
    return request


def _adjustment(account, by, *, direction, amount, status, request=None, on=DAY):
    adjustment = Adjustment.objects.create(
        account=account, direction=direction, reason="goodwill", amount=Decimal(amount),
        memo="Leak under the slab", status=status, idempotency_key=factories.new_key("adj"),
        requested_by=by, approval_request_id=request.pk if request else None,
    )  # fmt: skip
    Adjustment.objects.filter(pk=adjustment.pk).update(requested_at=_at(on))
    return adjustment


def _corrections(make_user):
    csr = make_user(roles.CSR_II, first_name="Cam", last_name="Ortiz")
    boss = make_user(roles.SUPERVISOR, first_name="Sam", last_name="Lee")
    account = factories.ServiceAccountFactory(number="200000015")
    approval = _request("adjustment", csr, boss, amount="25.00", payload={}, status="approved")
    _adjustment(account, csr, direction="credit", amount="25.00", status="posted", request=approval)
    _adjustment(account, csr, direction="debit", amount="10.00", status="pending_approval")
    _adjustment(
        account, csr, direction="credit", amount="99.00", status="rejected", on=D(2026, 2, 1)
    )
    _request(
        "credit-balance-refund", csr, boss, amount="40.00", status="approved",
        payload={"account_id": account.pk}, reason="Overpaid twice",
    )  # fmt: skip
    _request(
        "deposit_refund", make_user(roles.FINANCE), amount="100.00",
        payload={"account": "3000000-2", "deposit_id": 1}, reason="Held 12 months",
    )  # fmt: skip
    refunded = Deposit.objects.create(
        account=factories.ServiceAccountFactory(number="400000019"),
        guideline=DepositGuideline.objects.order_by("effective_from").first(),
        basis=Deposit.Basis.MINIMUM, amount=Decimal("75.00"), explanation="Minimum",
        status=Deposit.Status.REFUNDED, charged_on=D(2025, 1, 2), closed_on=D(2026, 3, 12),
    )  # fmt: skip
    return csr, boss, refunded


def test_adjustments_and_refunds_of_the_days_with_who_asked_and_who_approved(make_user):
    # given
    _corrections(make_user)
    # when
    table = fill(
        ADJUSTMENTS_AND_REFUNDS,
        {"start": D(2026, 3, 1), "end": D(2026, 3, 31), "kind": "", "outcome": ""},
    )
    # then
    assert [
        (row["kind"], row["account"], row["amount"], row["status"], row["requested_by"],
         row["approved_by"])
        for row in table.rows
    ] == [
        ("Adjustment", "20000001-5", Decimal("-25.00"), "Posted or approved", "Cam Ortiz",
         "Sam Lee"),
        ("Adjustment", "20000001-5", Decimal("10.00"), "Waiting for approval", "Cam Ortiz", ""),
        ("Credit refund", "20000001-5", Decimal("40.00"), "Posted or approved", "Cam Ortiz",
         "Sam Lee"),
        ("Deposit refund", "3000000-2", Decimal("100.00"), "Waiting for approval",
         table.rows[3]["requested_by"], ""),
        ("Deposit refund", "40000001-9", Decimal("75.00"), "Posted or approved", "",
         "Within the refund limit"),
    ]  # fmt: skip
    assert table.totals["amount"] == Decimal("200.00")


def test_the_status_and_kind_filters(make_user):
    # given
    _corrections(make_user)
    days = {"start": D(2026, 1, 1), "end": D(2026, 3, 31)}
    # when
    refused = fill(ADJUSTMENTS_AND_REFUNDS, {**days, "kind": "", "outcome": "refused"})
    deposits = fill(ADJUSTMENTS_AND_REFUNDS, {**days, "kind": "deposit_refund", "outcome": ""})
    # then
    assert [(row["date"], row["amount"]) for row in refused.rows] == [
        (D(2026, 2, 1), Decimal("-99.00"))
    ]
    assert [row["amount"] for row in deposits.rows] == [Decimal("100.00"), Decimal("75.00")]


def test_a_range_that_ends_before_it_starts_is_refused(client_for):
    response = client_for(roles.FINANCE).get(
        reverse("registers:adjustments-refunds"), {"start": "2026-03-10", "end": "2026-03-01"}
    )
    assert "The last day must be on or after the first day." in response.content.decode()


def test_arrangements_by_status_with_their_amounts(client_for):
    # given
    for status, amount in (("active", "120.00"), ("active", "80.50"), ("defaulted", "60.00")):
        Arrangement.objects.create(
            account=factories.ServiceAccountFactory(), status=status, amount=Decimal(amount),
            arranged_on=D(2026, 1, 5),
        )  # fmt: skip
    # when
    response = client_for(roles.FINANCE).get(reverse("registers:arrangements-collections_csv"))
    # then
    assert response.content.decode() == (
        "Status,Arrangements,Amount arranged\r\n"
        "Active,2,200.50\r\n"
        "Defaulted,1,60.00\r\n"
        "Total,3,260.50\r\n"
    )


def test_accounts_in_collections_by_the_last_step_reached():
    # given: an unpaid bill due long ago, two steps taken on it
    account = factories.ServiceAccountFactory()
    today = timezone.localdate()
    bill = posted_bill(
        account, consumption=5, start=today - datetime.timedelta(days=90),
        end=today - datetime.timedelta(days=60),
    )  # fmt: skip
    for days_ago, kind in ((30, "reminder"), (10, "disconnection_notice")):
        CollectionAction.objects.create(
            account=account, bill=bill, kind=kind,
            taken_on=today - datetime.timedelta(days=days_ago), taken_at=timezone.now(),
        )  # fmt: skip
    # when
    table = fill(ARRANGEMENTS_AND_COLLECTIONS, {"view": COLLECTIONS, "year": today.year})
    # then
    assert table.rows == [
        {"group": "Written disconnection notice", "count": 1, "amount": Decimal("50.00")}
    ]


def test_shutoffs_by_month_are_the_annual_report_months(client_for):
    # when
    table = fill(ARRANGEMENTS_AND_COLLECTIONS, {"view": SHUTOFFS, "year": 2026})
    page = client_for(roles.SUPERVISOR).get(
        reverse("registers:arrangements-collections"), {"view": "shutoffs", "year": "2026"}
    )
    # then
    assert [row["group"] for row in table.rows][:2] == ["Jan 2026", "Feb 2026"]
    assert len(table.rows) == 12 and table.totals["shutoffs"] == 0
    assert "Residential shut-offs and reconnections by month, 2026" in page.content.decode()
