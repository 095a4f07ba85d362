import datetime
from decimal import Decimal

import pytest

from accounts.models import Contact
from billing.arrangements.models import Arrangement
from billing.arrangements.selectors import (
    accounts_with_active_arrangement,
    arrangement_active,
    arrangement_standing,
)
from billing.arrangements.services import arrangement_check_standing
from billing.arrangements.tasks import check_standing
from district.ledger.models import Journal
from district.ledger.services import journal_reverse
from district.policies import Policy
from district.services import nightly_user
from tests.arrangements.factories import active_arrangement, owing_account
from tests.factories import ServiceAccountFactory, post_bill, post_payment

pytestmark = pytest.mark.django_db
D = datetime.date
ROWS = [(D(2027, 2, 15), Decimal("100.00")), (D(2027, 3, 15), Decimal("100.00")),
        (D(2027, 4, 15), Decimal("100.00"))]  # fmt: skip


def _arrangement():
    account = owing_account("300.00", on=D(2027, 1, 5))
    return active_arrangement(account, rows=ROWS, arranged_on=D(2027, 1, 10))


def _states(standing):
    return [(i.number, i.paid, i.state) for i in standing.installments]


def test_payments_since_the_start_pay_the_installments_in_due_order():
    # given
    arrangement = _arrangement()
    post_payment(arrangement.account, Decimal("40.00"), D(2027, 1, 8))  # before it: not counted
    post_payment(arrangement.account, Decimal("150.00"), D(2027, 1, 20))
    post_bill(arrangement.account, Decimal("55.00"), D(2027, 2, 5))  # charges never count
    # when
    standing = arrangement_standing(arrangement, D(2027, 3, 20))
    # then
    assert _states(standing) == [
        (1, Decimal("100.00"), "paid"),
        (2, Decimal("50.00"), "late"),
        (3, Decimal("0.00"), "due"),
    ]
    assert standing.paid_total == Decimal("150.00")
    assert standing.late_total == Decimal("50.00")
    assert standing.due_total == Decimal("100.00")
    assert standing.days_late == 5


def test_a_part_paid_installment_not_yet_due():
    arrangement = _arrangement()
    post_payment(arrangement.account, Decimal("30.00"), D(2027, 1, 20))
    standing = arrangement_standing(arrangement, D(2027, 2, 1))
    assert _states(standing)[0] == (1, Decimal("30.00"), "part_paid")
    assert standing.due_total == Decimal("270.00")
    assert standing.late_total == Decimal("0.00")


def test_a_returned_payment_takes_its_money_back():
    arrangement = _arrangement()
    payment = post_payment(arrangement.account, Decimal("100.00"), D(2027, 1, 20))
    journal_reverse(
        journal=payment,
        by=None,
        reason="Returned",
        idempotency_key="r-1",
        effective_date=D(2027, 2, 1),
    )
    standing = arrangement_standing(arrangement, D(2027, 2, 20))
    assert standing.paid_total == Decimal("0.00")
    assert _states(standing)[0] == (1, Decimal("0.00"), "late")


def test_the_selectors_other_areas_call(django_assert_num_queries):
    arrangement = _arrangement()
    other = ServiceAccountFactory()
    with django_assert_num_queries(1):
        assert arrangement_active(arrangement.account_id) == arrangement
    assert arrangement_active(arrangement.account_id, on=D(2027, 1, 9)) is None
    assert arrangement_active(other.pk) is None
    with django_assert_num_queries(1):
        found = accounts_with_active_arrangement([arrangement.account_id, other.pk])
    assert found == {arrangement.account_id}


def _contacts(arrangement):
    return list(
        Contact.objects.filter(account=arrangement.account, reason=Contact.Reason.PAYMENT_PLAN)
        .order_by("id")
        .values_list("channel", "notes")
    )


def _check(on):
    return arrangement_check_standing(by=nightly_user(), on=on)


def test_one_missed_day_does_not_default():
    arrangement = _arrangement()
    assert _check(D(2027, 2, 16)) == {"completed": [], "warned": [], "defaulted": []}
    arrangement.refresh_from_db()
    assert arrangement.status == Arrangement.Status.ACTIVE
    assert arrangement.warning_sent_on is None
    assert _contacts(arrangement) == []


def test_a_warning_at_45_days_late_then_default_at_60():
    arrangement = _arrangement()
    # 44 days late: nothing
    assert _check(D(2027, 3, 31))["warned"] == []
    # when: 45 days late
    assert _check(D(2027, 4, 1))["warned"] == [arrangement.pk]
    # then
    arrangement.refresh_from_db()
    assert arrangement.warning_sent_on == D(2027, 4, 1)
    assert _contacts(arrangement) == [
        (
            "mail",
            "Warning letter: an installment is 45 days late ($200.00 late). The arrangement "
            "defaults if it is still unpaid 60 days after its due date.",
        )
    ]
    # 59 days late: still active
    assert _check(D(2027, 4, 15))["defaulted"] == []
    # when: 60 days late
    assert _check(D(2027, 4, 16))["defaulted"] == [arrangement.pk]
    arrangement.refresh_from_db()
    assert arrangement.status == Arrangement.Status.DEFAULTED
    assert arrangement.ended_on == D(2027, 4, 16)
    assert _contacts(arrangement)[-1] == (
        "mail",
        "Arrangement defaulted: An installment unpaid 60 days after its due date. "
        "The whole balance is due.",
    )


def test_a_default_policy_under_60_days_is_read_as_60():
    # given
    Policy.objects.filter(key="arrangement-default-days").update(value="30")
    arrangement = _arrangement()
    _check(D(2027, 4, 1))  # the warning (45 days)
    # when: 59 days late, far past the policy's 30
    assert _check(D(2027, 4, 15))["defaulted"] == []
    # then
    arrangement.refresh_from_db()
    assert arrangement.status == Arrangement.Status.ACTIVE
    assert _check(D(2027, 4, 16))["defaulted"] == [arrangement.pk]


def test_paid_in_full_completes():
    arrangement = _arrangement()
    post_payment(arrangement.account, Decimal("300.00"), D(2027, 3, 1))
    assert _check(D(2027, 3, 2))["completed"] == [arrangement.pk]
    arrangement.refresh_from_db()
    assert arrangement.status == Arrangement.Status.COMPLETED
    assert arrangement.ended_on == D(2027, 3, 2)


def test_the_task_is_idempotent():
    # given
    arrangement = _arrangement()
    # when
    first = check_standing("2027-04-01")
    second = check_standing("2027-04-01")
    # then
    assert first["warned"] == [arrangement.pk]
    assert second == {"completed": [], "warned": [], "defaulted": []}
    assert len(_contacts(arrangement)) == 1
    assert Journal.objects.count() == 1  # the bill: the check never posts money


def test_the_task_is_registered_under_its_name():
    from district.celery import app

    assert app.tasks["arrangements.check_standing"].name == check_standing.name
