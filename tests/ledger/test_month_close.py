"""The month-end close: a closed month takes no journal dated in it, until a supervisor reopens it.

The months used lie well in the past (2025), so "has the month ended" holds whatever the clock.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from district import roles
from district.errors import NotPermitted, ServiceError
from district.ledger.models import ClosedPeriod, Journal
from district.ledger.periods import (
    CheckResult,
    Month,
    close_checklist,
    close_checks,
    period_close,
    period_reopen,
)
from district.ledger.purposes import Purpose
from district.ledger.selectors import account_balance
from district.ledger.services import JournalDraft, Line, journal_reverse, journals_post_many
from payments.models import BatchItem, PaymentBatch
from tests.factories import new_key, post_bill, post_payment

JULY = Month(2025, 7)
CLOSED_MESSAGE = "July 2025 is closed: post it dated in an open month."
FRAMEWORK_QUERIES = 9  # session, user, groups, permissions, session save (see test_views)


@pytest.fixture
def finance(make_user):
    return make_user(roles.FINANCE)


@pytest.fixture
def supervisor(make_user):
    return make_user(roles.SUPERVISOR)


@pytest.fixture
def closed_july(finance):
    return period_close(month=JULY, by=finance, reason="July reconciled")


def test_closing_records_who_when_and_why(finance):
    # when
    closed = period_close(month=JULY, by=finance, reason="  July reconciled ")
    # then
    closed.refresh_from_db()
    assert closed.month == date(2025, 7, 1)
    assert closed.closed_by == finance
    assert closed.reason == "July reconciled"
    assert closed.is_closed
    assert timezone.localtime(closed.closed_at).date() == timezone.localdate()


def test_a_back_dated_posting_into_the_closed_month_is_refused(service_account, closed_july):
    # given
    journals = Journal.objects.count()
    # when
    with pytest.raises(ServiceError) as refused:
        post_bill(service_account.pk, "50.00", date(2025, 7, 31))
    # then
    assert refused.value.messages == [CLOSED_MESSAGE]
    assert refused.value.code == "period_closed"
    assert Journal.objects.count() == journals
    assert account_balance(service_account.pk) == Decimal("0.00")


def test_posting_into_an_open_month_still_works(service_account, closed_july):
    # when
    journal = post_bill(service_account.pk, "50.00", date(2025, 8, 1))
    post_bill(service_account.pk, "20.00", date(2025, 6, 30))
    # then
    assert journal.effective_date == date(2025, 8, 1)
    assert account_balance(service_account.pk) == Decimal("70.00")


def test_a_retry_of_a_journal_posted_before_the_close_returns_it(service_account, finance):
    # given
    key = new_key("bill")
    first = post_bill(service_account.pk, "50.00", date(2025, 7, 10), key=key)
    period_close(month=JULY, by=finance, reason="July reconciled")
    # when
    again = post_bill(service_account.pk, "50.00", date(2025, 7, 10), key=key)
    # then
    assert again.pk == first.pk
    assert account_balance(service_account.pk) == Decimal("50.00")


def test_reversing_a_closed_month_journal_is_dated_today(service_account, finance):
    # given
    payment = post_payment(service_account.pk, "30.00", date(2025, 7, 10))
    period_close(month=JULY, by=finance, reason="July reconciled")
    # when
    reversal = journal_reverse(
        journal=payment, by=finance, reason="Returned check", idempotency_key=new_key("rev")
    )
    # then
    assert reversal.effective_date == timezone.localdate()
    assert account_balance(service_account.pk) == Decimal("0.00")


def test_a_reversal_dated_in_the_closed_month_is_refused(service_account, finance):
    # given
    payment = post_payment(service_account.pk, "30.00", date(2025, 7, 10))
    period_close(month=JULY, by=finance, reason="July reconciled")
    # when
    with pytest.raises(ServiceError) as refused:
        journal_reverse(
            journal=payment,
            by=finance,
            reason="Returned check",
            idempotency_key=new_key("rev"),
            effective_date=date(2025, 7, 15),
        )
    # then
    assert refused.value.messages == [CLOSED_MESSAGE]
    assert not Journal.objects.filter(reverses=payment).exists()
    assert account_balance(service_account.pk) == Decimal("-30.00")


def _draft(account_id, amount, on):
    return JournalDraft(
        kind=Journal.Kind.BILL,
        memo="Bill",
        lines=[
            Line(Purpose.AR_CUSTOMERS, Decimal(amount), account_id),
            Line(Purpose.WATER_SALES_VOLUMETRIC, -Decimal(amount)),
        ],
        idempotency_key=new_key("bulk"),
        effective_date=on,
    )


def test_bulk_posting_with_a_journal_in_the_closed_month_writes_nothing(
    service_account, closed_july
):
    # given
    drafts = [
        _draft(service_account.pk, "10.00", date(2025, 8, 1)),
        _draft(service_account.pk, "20.00", date(2025, 7, 31)),
    ]
    journals = Journal.objects.count()
    # when
    with pytest.raises(ServiceError) as refused:
        journals_post_many(drafts, by=None)
    # then
    assert refused.value.messages == [CLOSED_MESSAGE]
    assert Journal.objects.count() == journals
    assert account_balance(service_account.pk) == Decimal("0.00")


def test_bulk_posting_into_open_months_works(service_account, closed_july):
    # when
    posted = journals_post_many(
        [
            _draft(service_account.pk, "10.00", date(2025, 8, 1)),
            _draft(service_account.pk, "5.00", date(2025, 6, 1)),
        ],
        by=None,
    )
    # then
    assert len(posted.new) == 2
    assert account_balance(service_account.pk) == Decimal("15.00")


def test_reopening_allows_postings_again_and_records_why(service_account, closed_july, supervisor):
    # when
    reopened = period_reopen(month=JULY, by=supervisor, reason="Late utility credit")
    journal = post_bill(service_account.pk, "50.00", date(2025, 7, 31))
    # then
    reopened.refresh_from_db()
    assert reopened.reopened_by == supervisor
    assert reopened.reopen_reason == "Late utility credit"
    assert not reopened.is_closed
    assert journal.effective_date == date(2025, 7, 31)


def test_a_month_can_be_closed_again_after_reopening(closed_july, supervisor, finance):
    # given
    period_reopen(month=JULY, by=supervisor, reason="Late utility credit")
    # when
    period_close(month=JULY, by=finance, reason="Credit posted")
    # then
    assert ClosedPeriod.objects.filter(month=JULY.first).count() == 2
    assert ClosedPeriod.objects.filter(month=JULY.first, reopened_at__isnull=True).count() == 1


@pytest.mark.parametrize("role", [roles.FINANCE, roles.SUPERVISOR], ids=["finance", "supervisor"])
def test_finance_and_the_supervisor_may_close(make_user, role):
    # when
    closed = period_close(month=JULY, by=make_user(role), reason="Done")
    # then
    assert closed.is_closed


@pytest.mark.parametrize(
    "role", [roles.CSR_I, roles.CSR_II, roles.CSR_III], ids=["csr1", "csr2", "csr3"]
)
def test_counter_roles_may_not_close(make_user, role):
    # when
    with pytest.raises(NotPermitted) as refused:
        period_close(month=JULY, by=make_user(role), reason="Done")
    # then
    assert refused.value.messages == ["Your role does not allow you to close a month."]
    assert not ClosedPeriod.objects.exists()


def test_only_a_supervisor_may_reopen(closed_july, finance):
    # when
    with pytest.raises(NotPermitted) as refused:
        period_reopen(month=JULY, by=finance, reason="Late credit")
    # then
    assert refused.value.messages == ["Your role does not allow you to reopen a closed month."]
    assert ClosedPeriod.objects.get().is_closed


def test_refusals_of_the_close(finance, supervisor, closed_july):
    this_month = Month.of(timezone.localdate())
    with pytest.raises(ServiceError) as not_ended:
        period_close(month=this_month, by=finance, reason="Early")
    assert not_ended.value.messages == [
        f"{this_month.label} has not ended yet; close it from the 1st of the next month."
    ]
    with pytest.raises(ServiceError) as twice:
        period_close(month=JULY, by=finance, reason="Again")
    assert twice.value.messages == ["July 2025 is already closed."]
    with pytest.raises(ServiceError) as no_reason:
        period_close(month=Month(2025, 8), by=finance, reason="  ")
    assert no_reason.value.message_dict == {"reason": ["Give a reason."]}
    with pytest.raises(ServiceError) as not_closed:
        period_reopen(month=Month(2025, 8), by=supervisor, reason="Why not")
    assert not_closed.value.messages == ["August 2025 is not closed."]
    assert ClosedPeriod.objects.count() == 1


def test_month_parsing_and_labels():
    assert Month.parse("2026-07").label == "July 2026"
    assert Month.parse("2026-12").next == Month(2027, 1)
    assert Month.parse("2026-01").previous == Month(2025, 12)
    assert Month(2024, 2).last == date(2024, 2, 29)
    with pytest.raises(ServiceError):
        Month.parse("2026-13")


# --- the checklist and the page -------------------------------------------------------------


def test_the_checklist_shows_open_payment_exceptions(finance, service_account):
    # given
    batch = PaymentBatch.objects.create(
        kind=PaymentBatch.Kind.MAIL,
        business_date=date(2025, 7, 20),
        control_count=1,
        control_total=Decimal("12.00"),
        created_by=finance,
    )
    BatchItem.objects.create(
        batch=batch,
        position=1,
        status=BatchItem.Status.EXCEPTION,
        amount=Decimal("12.00"),
        exception_reason="No such account",
        entered_by=finance,
    )
    # when
    items = {item.key: item for item in close_checklist(JULY)}
    # then
    assert list(items) == ["bill_runs", "deposits", "exceptions"]
    assert items["exceptions"].result.done is False
    assert items["exceptions"].result.summary == "1 payment batch item(s) in exception."
    assert items["bill_runs"].result.done is True
    assert items["deposits"].result.done is True


@pytest.fixture
def extra_check():
    close_checks.register(
        "test_item",
        "Meter reads uploaded",
        lambda month: CheckResult(done=False, summary=f"3 routes missing in {month.label}"),
        order=99,
    )
    yield
    close_checks.unregister("test_item")


@pytest.mark.parametrize(
    ("role", "status"),
    [(roles.FINANCE, 200), (roles.SUPERVISOR, 200), (roles.CSR_III, 403), (roles.CSR_I, 403)],
    ids=["finance", "supervisor", "csr3", "csr1"],
)
def test_close_page_by_role(client_for, role, status):
    # when
    response = client_for(role).get(reverse("ledger:month_close", args=["2025-07"]))
    # then
    assert response.status_code == status


def test_close_page_shows_the_checklist_and_the_close_form(
    client_for, extra_check, django_assert_max_num_queries
):
    # given
    client = client_for(roles.FINANCE)
    # when
    # The page: closed period, 3 registered checks (bill runs, deposits, 2 exception counts),
    # the test item (none), the history.
    with django_assert_max_num_queries(FRAMEWORK_QUERIES + 6):
        response = client.get(reverse("ledger:month_close", args=["2025-07"]))
    # then
    content = response.content.decode()
    assert response.status_code == 200
    assert "Month-end close: July 2025" in content
    assert "Meter reads uploaded" in content
    assert "3 routes missing in July 2025" in content
    assert "Close the month" in content
    assert "Reopen the month" not in content  # Finance does not reopen


def test_finance_closes_from_the_page_and_the_supervisor_reopens(client_for):
    # given
    client = client_for(roles.FINANCE)
    # when
    response = client.post(
        reverse("ledger:month_close_action", args=["2025-07"]), {"close-reason": "Reconciled"}
    )
    # then
    assert response.status_code == 302
    assert ClosedPeriod.objects.get().reason == "Reconciled"
    # and Finance may not reopen
    refused = client.post(
        reverse("ledger:month_reopen_action", args=["2025-07"]), {"reopen-reason": "Oops"}
    )
    assert refused.status_code == 403
    # when the supervisor reopens
    client = client_for(roles.SUPERVISOR)
    page = client.get(reverse("ledger:month_close", args=["2025-07"])).content.decode()
    assert "Reopen the month" in page
    response = client.post(
        reverse("ledger:month_reopen_action", args=["2025-07"]), {"reopen-reason": "Late credit"}
    )
    # then
    assert response.status_code == 302
    assert ClosedPeriod.objects.get().reopen_reason == "Late credit"


def test_closing_without_a_reason_shows_the_form_again(client_for):
    # when
    response = client_for(roles.FINANCE).post(
        reverse("ledger:month_close_action", args=["2025-07"]), {"close-reason": ""}
    )
    # then
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not ClosedPeriod.objects.exists()


def test_the_close_start_page_shows_the_month_asked_for_or_the_last_one(client_for):
    # given
    client = client_for(roles.FINANCE)
    last_month = Month.of(timezone.localdate()).previous
    # when
    asked = client.get(reverse("ledger:month_close_start"), {"month": "2025-07"})
    default = client.get(reverse("ledger:month_close_start"))
    # then
    assert "Month-end close: July 2025" in asked.content.decode()
    assert f"Month-end close: {last_month.label}" in default.content.decode()
