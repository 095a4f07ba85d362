"""The checks of shutoff_eligibility, each refusing with the reason staff see."""

import datetime

import pytest

from billing.collections.models import PhoneAttempt
from billing.shutoffs.eligibility import shutoff_eligibility
from district.models import OfficeClosure
from tests.shutoffs import builders

pytestmark = pytest.mark.django_db


def _check(eligibility, name):
    return next(check for check in eligibility.checks if check.name == name)


def test_a_bill_59_days_delinquent_is_not_eligible_60_is():
    # given
    on = builders.shut_day()
    young, _ = builders.eligible_account(on, days_delinquent=59)
    old, _ = builders.eligible_account(on, days_delinquent=60)
    # when
    results = shutoff_eligibility([young.pk, old.pk], on=on)
    # then
    assert not results[young.pk].eligible
    due = on - datetime.timedelta(days=59)
    pay_by = young.disconnection_notices.get().pay_by  # the notice waits for the 60th day
    assert pay_by > on
    assert results[young.pk].reasons == [
        f"The oldest unpaid bill was due {due:%m/%d/%Y}: 59 days delinquent, under the 60 required.",
        f"The notice asks for payment by {pay_by:%m/%d/%Y}: {on:%m/%d/%Y} is before it.",
    ]
    assert results[old.pk].eligible, results[old.pk].reasons
    assert _check(results[old.pk], "Days delinquent").passed


def test_a_notice_6_business_days_before_is_refused_7_accepted():
    on = builders.shut_day()
    short, short_bill = builders.eligible_account(on)
    enough, enough_bill = builders.eligible_account(on)
    six, seven = builders.business_days_before(on, 6), builders.business_days_before(on, 7)
    for account, bill, issued in ((short, short_bill, six), (enough, enough_bill, seven)):
        account.disconnection_notices.all().delete()
        builders.notice(account, bill, issued_on=issued, pay_by=issued)
        builders.phone_attempt(account, on=issued)

    results = shutoff_eligibility([short.pk, enough.pk], on=on)

    assert results[short.pk].reasons == [
        f"Notice issued {six:%m/%d/%Y}, 6 business days before {on:%m/%d/%Y}: 7 are required."
    ]
    assert results[enough.pk].eligible, results[enough.pk].reasons


def test_the_day_must_not_be_before_the_notice_pay_by_date():
    on = builders.shut_day()
    account, bill = builders.eligible_account(on)
    account.disconnection_notices.all().delete()
    pay_by = on + datetime.timedelta(days=1)
    builders.notice(account, bill, issued_on=builders.business_days_before(on, 8), pay_by=pay_by)

    result = shutoff_eligibility([account.pk], on=on)[account.pk]

    assert result.reasons == [
        f"The notice asks for payment by {pay_by:%m/%d/%Y}: {on:%m/%d/%Y} is before it."
    ]


@pytest.mark.parametrize(
    ("day", "because"),
    [
        (datetime.date(2026, 11, 26), "Thanksgiving Day"),
        (datetime.date(2026, 11, 28), "Saturday"),
    ],
)
def test_a_holiday_or_a_weekend_is_refused(day, because):
    account, _ = builders.eligible_account(day)
    # The notice's own pay-by date moves past a closed day; keep it out of this check.
    account.disconnection_notices.update(pay_by=day - datetime.timedelta(days=3))

    result = shutoff_eligibility([account.pk], on=day)[account.pk]

    assert result.reasons == [
        f"{day:%m/%d/%Y} is not a business day ({because}): water is not shut off then."
    ]


def test_an_office_closure_is_refused_with_its_reason():
    on = builders.shut_day()
    account, _ = builders.eligible_account(on)
    OfficeClosure.objects.create(date=on, reason="Office closed for the winter storm")

    result = shutoff_eligibility([account.pk], on=on)[account.pk]

    assert result.reasons == [
        f"{on:%m/%d/%Y} is not a business day (Office closed for the winter storm): "
        "water is not shut off then."
    ]


def test_a_multi_unit_tenant_notice_9_days_before_is_refused_10_accepted():
    on = builders.shut_day()
    nine = builders.tenant_building_account()
    ten = builders.tenant_building_account()
    for account, days in ((nine, 9), (ten, 10)):
        _, bill = builders.eligible_account(on, account=account)
        account.disconnection_notices.update(tenant_notice_on=on - datetime.timedelta(days=days))

    results = shutoff_eligibility([nine.pk, ten.pk], on=on)

    nine_on = on - datetime.timedelta(days=9)
    assert results[nine.pk].reasons == [
        f"Tenants of a multi-unit building were notified {nine_on:%m/%d/%Y}, 9 days before: "
        "10 are required."
    ]
    assert results[ten.pk].eligible, results[ten.pk].reasons


def test_a_detached_house_needs_7_days_of_tenant_notice():
    on = builders.shut_day()
    house = builders.residential_account(tenants_occupy=True)
    builders.eligible_account(on, account=house)
    house.disconnection_notices.update(tenant_notice_on=on - datetime.timedelta(days=7))

    assert shutoff_eligibility([house.pk], on=on)[house.pk].eligible


def test_no_one_reached_by_phone_needs_a_door_hanger_before_the_day():
    on = builders.shut_day()
    account, bill = builders.eligible_account(on)
    account.phone_attempts.update(outcome=PhoneAttempt.Outcome.NO_ANSWER)

    before = shutoff_eligibility([account.pk], on=on)[account.pk]
    builders.door_hanger(account, bill, on=on - datetime.timedelta(days=2))
    after = shutoff_eligibility([account.pk], on=on)[account.pk]

    assert before.reasons == [
        "No one was reached by phone and no door hanger was left before the day."
    ]
    assert after.eligible, after.reasons


def test_no_phone_attempt_at_all_is_refused():
    on = builders.shut_day()
    account, _ = builders.eligible_account(on)
    account.phone_attempts.all().delete()

    result = shutoff_eligibility([account.pk], on=on)[account.pk]

    assert result.reasons == ["No phone call to the customer is logged."]


def test_each_hold_is_named():
    on = builders.shut_day()
    account, _ = builders.eligible_account(on)
    builders.hold(account, on=on - datetime.timedelta(days=1))

    result = shutoff_eligibility([account.pk], on=on)[account.pk]

    assert result.reasons == [
        "On hold: Bill appeal pending (H&S Code 116918) (Appeal letter received)."
    ]


def test_under_the_minimum_past_due_is_not_eligible():
    on = builders.shut_day()
    account, _ = builders.eligible_account(on, amount="49.99")

    result = shutoff_eligibility([account.pk], on=on)[account.pk]

    assert result.reasons == ["$49.99 past due, under the $50.00 minimum."]


def test_every_check_is_listed_when_eligible():
    on = builders.shut_day()
    account, _ = builders.eligible_account(on)

    result = shutoff_eligibility([account.pk], on=on)[account.pk]

    assert result.eligible
    assert [check.name for check in result.checks] == [
        "Days delinquent",
        "Past due",
        "Written notice",
        "Pay-by date passed",
        "Phone attempt",
        "No hold",
        "Business day",
        "No open shut-off order",
    ]
    assert result.past_due == builders.Decimal("180.00")


def test_a_phone_call_before_the_accounts_own_notice_does_not_count():
    on = builders.shut_day()
    early, _ = builders.eligible_account(on)
    early.disconnection_notices.update(issued_on=builders.business_days_before(on, 20))
    late, _ = builders.eligible_account(on)
    late_notice = late.disconnection_notices.get()
    late.phone_attempts.update(attempted_on=late_notice.issued_on - datetime.timedelta(days=1))

    results = shutoff_eligibility([early.pk, late.pk], on=on)

    assert results[early.pk].eligible, results[early.pk].reasons
    assert results[late.pk].reasons == ["No phone call to the customer is logged."]
