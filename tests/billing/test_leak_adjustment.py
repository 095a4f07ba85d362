"""Leak adjustments: the quote by policy, worked by hand, and the request through approval.

The account below used 0.4 HCF a day through 2025 (a month's use is its days x 0.4: 146 HCF over
365 days). Its January 2026 bill (31 days) shows 40 HCF: typical 31 x 0.4 = 12.40 HCF, so 27.60 HCF
above typical. The bill's water lines: 8 HCF at $4.00, 12 HCF at $5.00, 20 HCF at $7.00. The water
above typical is the dearest: 20 HCF x $7.00 = $140.00 plus 7.60 HCF x $5.00 = $38.00, $178.00;
the credit at 50% is $89.00. February 2026 (28 days) shows 30 HCF at a uniform $4.00: typical
11.20 HCF, 18.80 HCF above it, $75.20, credit $37.60. Both bills: $126.60.
"""

import calendar
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from billing.corrections.leak import leak_adjustment_quote, leak_adjustment_request
from billing.models import Adjustment
from district import roles
from district.approvals.models import ApprovalRequest
from district.approvals.services import approval_approve, approval_reject
from district.ledger.models import Journal, JournalLine
from district.ledger.selectors import account_balance, ledger_problems
from district.models import Policy
from field_ops.models import WorkOrder
from tests import factories
from tests.billing.factories import posted_bill

pytestmark = pytest.mark.django_db

JANUARY_LINES = [
    ("service", None, None, Decimal("30.00")),
    ("water", Decimal(8), Decimal(4), Decimal("32.00")),
    ("water", Decimal(12), Decimal(5), Decimal("60.00")),
    ("water", Decimal(20), Decimal(7), Decimal("140.00")),
]


def _month(year, month):
    return datetime.date(year, month, 1), datetime.date(
        year, month, calendar.monthrange(year, month)[1]
    )


def _account_with_history(months=12):
    account = factories.ServiceAccountFactory()
    start_month = 13 - months
    for month in range(start_month, 13):
        start, end = _month(2025, month)
        posted_bill(
            account, start=start, end=end, consumption=Decimal("0.4") * ((end - start).days + 1)
        )
    january = posted_bill(
        account,
        start=_month(2026, 1)[0],
        end=_month(2026, 1)[1],
        consumption=40,
        lines=JANUARY_LINES,
    )
    february = posted_bill(
        account,
        start=_month(2026, 2)[0],
        end=_month(2026, 2)[1],
        consumption=30,
        lines=[
            ("service", None, None, Decimal("30.00")),
            ("water", Decimal(30), Decimal(4), Decimal("120.00")),
        ],
    )
    return account, january, february


def _leak_order(account):
    return WorkOrder.objects.create(
        order_type=WorkOrder.Type.LEAK_INVESTIGATION,
        premise=account.premise,
        requested_date=datetime.date(2026, 2, 2),
    )


def test_one_bill_credit_worked_by_hand():
    account, january, _ = _account_with_history()
    quote = leak_adjustment_quote(account=account, bills=[january])
    assert quote.reasons == []
    assert quote.eligible
    assert quote.typical_use == Decimal("12.40")
    assert quote.excess_use == Decimal("27.60")
    assert quote.credit_amount == Decimal("89.00")
    row = quote.workings["bills"][0]
    assert row["excess_charge"] == "178.00"
    assert quote.workings["typical_days"] == 365
    assert quote.workings["typical_hcf"] == "146.00"
    assert quote.workings["daily_hcf"] == "0.4000"
    assert quote.workings["history_months"] == 12


def test_two_bills_credit_worked_by_hand():
    account, january, february = _account_with_history()
    quote = leak_adjustment_quote(account=account, bills=[february, january])
    assert quote.eligible
    assert quote.typical_use == Decimal("23.60")
    assert quote.excess_use == Decimal("46.40")
    assert [row["credit"] for row in quote.workings["bills"]] == ["89.00", "37.60"]
    assert quote.credit_amount == Decimal("126.60")


def test_credit_rate_follows_the_policy():
    Policy.objects.update_or_create(
        key="leak-credit-rate-percent",
        defaults={
            "label": "Leak credit",
            "category": "leaks",
            "value_type": "percent",
            "value": "75",
        },
    )
    account, january, _ = _account_with_history()
    assert leak_adjustment_quote(account=account, bills=[january]).credit_amount == Decimal(
        "133.50"
    )


def test_history_too_short():
    account, january, _ = _account_with_history(months=6)
    quote = leak_adjustment_quote(account=account, bills=[january])
    assert not quote.eligible
    assert any(
        "12 months of continuous billing history" in reason and "it has 6" in reason
        for reason in quote.reasons
    )


def _earlier_leak(account, *, status):
    """A leak request filed today, in the state given."""
    return Adjustment.objects.create(
        account=account,
        direction="credit",
        reason="leak",
        amount=Decimal("10.00"),
        memo="Earlier leak",
        status=status,
        idempotency_key="earlier",
    )


def test_once_per_twelve_months():
    account, january, _ = _account_with_history()
    _earlier_leak(account, status="posted")
    quote = leak_adjustment_quote(account=account, bills=[january])
    assert not quote.eligible
    assert any("one is allowed every 12 months" in reason for reason in quote.reasons)


def test_a_rejected_earlier_leak_does_not_count():
    account, january, _ = _account_with_history()
    _earlier_leak(account, status="rejected")
    assert leak_adjustment_quote(account=account, bills=[january]).eligible


def _set_policy(key, value_type, value):
    Policy.objects.update_or_create(
        key=key,
        defaults={"label": key, "category": "leaks", "value_type": value_type, "value": value},
    )


def test_the_seeded_cap_is_three_months_of_bills():
    # given: four monthly bills with the leak, the history before them still a full year
    account, january, february = _account_with_history(months=12)
    november, december = (
        account.bills.get(period_start=datetime.date(2025, month, 1)) for month in (11, 12)
    )
    # then: three months pass the cap, four do not
    three = leak_adjustment_quote(account=account, bills=[december, january, february])
    four = leak_adjustment_quote(account=account, bills=[november, december, january, february])
    assert not any("at most 3 months" in reason for reason in three.reasons)
    assert any(
        "at most 3 months of bills; the chosen bills cover 4." in reason
        for reason in four.reasons
    )


def _bimonthly_account():
    """Bimonthly bills from 01/01/2024 through 12/31/2025, then three bimonthly leak bills."""
    account = factories.ServiceAccountFactory()
    bills = []
    for year in (2024, 2025, 2026):
        for first_month in range(1, 12, 2):
            start = datetime.date(year, first_month, 1)
            end = _month(year, first_month + 1)[1]
            if year == 2026 and first_month > 5:
                break
            consumption = 40 if year == 2026 else Decimal("0.4") * ((end - start).days + 1)
            bills.append(posted_bill(account, start=start, end=end, consumption=consumption))
    return account, bills[-3:]


def test_three_bimonthly_bills_are_six_months_over_the_cap():
    # given
    account, leak_bills = _bimonthly_account()
    # when
    quote = leak_adjustment_quote(account=account, bills=leak_bills)
    one = leak_adjustment_quote(account=account, bills=leak_bills[:1])
    # then
    assert any("the chosen bills cover 6." in reason for reason in quote.reasons)
    assert one.eligible, one.reasons


def test_the_cap_counts_bills_when_the_policy_says_so():
    # given
    _set_policy("leak-cap-in-bills", "boolean", "true")
    account, january, february = _account_with_history()
    december = account.bills.get(period_start=datetime.date(2025, 12, 1))
    # when
    quote = leak_adjustment_quote(account=account, bills=[december, january, february])
    # then
    assert not quote.eligible
    assert any("at most 2 billing periods" in reason for reason in quote.reasons)


def test_history_counts_only_the_continuous_run_before_the_leak():
    # given: one bill in January 2024, then nothing until November 2025
    account = factories.ServiceAccountFactory()
    posted_bill(account, start=_month(2024, 1)[0], end=_month(2024, 1)[1], consumption=12)
    for month in (11, 12):
        posted_bill(account, start=_month(2025, month)[0], end=_month(2025, month)[1],
                    consumption=12)  # fmt: skip
    january = posted_bill(
        account, start=_month(2026, 1)[0], end=_month(2026, 1)[1], consumption=40,
        lines=JANUARY_LINES,
    )  # fmt: skip
    # when
    quote = leak_adjustment_quote(account=account, bills=[january])
    # then: two months of history, not twenty-four
    assert quote.workings["history_months"] == 2
    assert quote.workings["history_from"] == "11/01/2025"
    assert any(
        "12 months of continuous billing history" in reason and "it has 2" in reason
        for reason in quote.reasons
    )


def test_a_rejected_request_counts_when_the_policy_says_so():
    # given
    _set_policy("leak-rejected-requests-count", "boolean", "true")
    account, january, _ = _account_with_history()
    _earlier_leak(account, status="rejected")
    # when
    quote = leak_adjustment_quote(account=account, bills=[january])
    # then
    assert not quote.eligible
    assert any("(rejected); one is allowed every 12 months" in r for r in quote.reasons)


def test_the_new_leak_policies_are_seeded():
    seeded = {policy.key: policy.value for policy in Policy.objects.filter(category="leaks")}
    assert seeded["leak-max-months"] == "3"
    assert seeded["leak-cap-in-bills"] == "false"
    assert seeded["leak-rejected-requests-count"] == "false"


def test_no_use_above_typical():
    account, _, _ = _account_with_history()
    december = account.bills.get(period_start=datetime.date(2025, 12, 1))
    quote = leak_adjustment_quote(account=account, bills=[december])
    assert not quote.eligible
    assert quote.credit_amount == 0


def test_bills_of_another_account_refused():
    account, january, _ = _account_with_history()
    other = factories.ServiceAccountFactory()
    quote = leak_adjustment_quote(account=other, bills=[january])
    assert not quote.eligible
    assert any("another account" in reason for reason in quote.reasons)


def test_request_goes_to_approval_with_workings_and_evidence(make_user):
    account, january, _ = _account_with_history()
    csr2, supervisor = make_user(roles.CSR_II), make_user(roles.SUPERVISOR)
    order = _leak_order(account)
    adjustment = leak_adjustment_request(
        account=account,
        bills=[january],
        by=csr2,
        evidence_work_order=order,
        idempotency_key="leak-1",
    )
    assert adjustment.status == Adjustment.Status.PENDING_APPROVAL
    assert adjustment.reason == Adjustment.Reason.LEAK
    assert adjustment.amount == Decimal("89.00")
    assert adjustment.calculation["bills"][0]["credit"] == "89.00"
    assert adjustment.evidence_work_order == order
    request = ApprovalRequest.objects.get(pk=adjustment.approval_request_id)
    assert request.kind == "leak_adjustment"
    balance = account_balance(account.pk)
    again = leak_adjustment_request(
        account=account,
        bills=[january],
        by=csr2,
        evidence_work_order=order,
        idempotency_key="leak-1",
    )
    assert again.pk == adjustment.pk
    approval_approve(request_id=request.pk, by=supervisor)
    adjustment.refresh_from_db()
    assert adjustment.status == Adjustment.Status.POSTED
    assert account_balance(account.pk) == balance - Decimal("89.00")
    assert JournalLine.objects.get(
        journal_id=adjustment.journal_id, gl_account__purpose="water_sales_volumetric"
    ).amount == Decimal("89.00")
    assert ledger_problems() == []


def test_supervisor_request_also_goes_to_approval(make_user):
    account, january, _ = _account_with_history()
    supervisor = make_user(roles.SUPERVISOR)
    adjustment = leak_adjustment_request(
        account=account,
        bills=[january],
        by=supervisor,
        evidence_file=SimpleUploadedFile("receipt.pdf", b"%PDF-1.4 receipt"),
        idempotency_key="leak-s",
    )
    assert adjustment.status == Adjustment.Status.PENDING_APPROVAL
    assert adjustment.evidence_file.name.startswith("adjustments/")
    with pytest.raises(ValidationError, match="your own"):
        approval_approve(request_id=adjustment.approval_request_id, by=supervisor)
    approval_reject(
        request_id=adjustment.approval_request_id, by=make_user(roles.SUPERVISOR), reason="No leak"
    )
    adjustment.refresh_from_db()
    assert adjustment.status == Adjustment.Status.REJECTED


def test_request_without_evidence_writes_nothing(make_user):
    account, january, _ = _account_with_history()
    journals = Journal.objects.count()
    with pytest.raises(ValidationError, match="leak investigation order or the repair receipt"):
        leak_adjustment_request(
            account=account, bills=[january], by=make_user(roles.CSR_II), idempotency_key="x"
        )
    assert not Adjustment.objects.exists()
    assert not ApprovalRequest.objects.exists()
    assert Journal.objects.count() == journals


def test_ineligible_request_writes_nothing(make_user):
    account, january, _ = _account_with_history(months=3)
    with pytest.raises(ValidationError, match="billing history"):
        leak_adjustment_request(
            account=account,
            bills=[january],
            by=make_user(roles.CSR_II),
            evidence_work_order=_leak_order(account),
            idempotency_key="x",
        )
    assert not Adjustment.objects.exists()
    assert not ApprovalRequest.objects.exists()


def test_evidence_order_must_be_a_leak_order_here(make_user):
    account, january, _ = _account_with_history()
    elsewhere = _leak_order(factories.ServiceAccountFactory())
    with pytest.raises(ValidationError, match="leak investigation at this account"):
        leak_adjustment_request(
            account=account,
            bills=[january],
            by=make_user(roles.CSR_II),
            evidence_work_order=elsewhere,
            idempotency_key="x",
        )
    assert not Adjustment.objects.exists()


# -- the page


def test_leak_page_shows_the_workings_and_files_the_request(client_for):
    account, january, _ = _account_with_history()
    order = _leak_order(account)
    client = client_for(roles.CSR_I)
    url = reverse("billing:leak_adjustment", kwargs={"account_id": account.pk})
    assert client.get(url).status_code == 200
    page = client.post(url, {"bills": [january.pk], "idempotency_key": "pg", "quote": "1"})
    assert page.status_code == 200
    assert b"$178.00" in page.content and b"$89.00" in page.content
    assert not Adjustment.objects.exists()
    response = client.post(
        url,
        {
            "bills": [january.pk],
            "idempotency_key": "pg",
            "request": "1",
            "evidence_work_order": order.pk,
        },
    )
    assert response.status_code == 302
    assert Adjustment.objects.get().status == Adjustment.Status.PENDING_APPROVAL


def test_leak_page_needs_evidence_next_to_the_field(client_for):
    account, january, _ = _account_with_history()
    client = client_for(roles.CSR_II)
    url = reverse("billing:leak_adjustment", kwargs={"account_id": account.pk})
    page = client.post(url, {"bills": [january.pk], "idempotency_key": "pg", "request": "1"})
    assert page.status_code == 200
    assert "evidence_work_order" in page.context["form"].errors
    assert not Adjustment.objects.exists()


def test_leak_page_by_role(client_for):
    account = factories.ServiceAccountFactory()
    url = reverse("billing:leak_adjustment", kwargs={"account_id": account.pk})
    assert client_for(roles.FIELD_TECHNICIAN).get(url).status_code == 403
