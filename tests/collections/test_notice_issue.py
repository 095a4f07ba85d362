"""The disconnection notice: pay-by date, copies for the occupant and the tenants, refusal."""

import datetime
from decimal import Decimal

from accounts.models import Contact
from billing.collections.models import CollectionAction, DisconnectionNotice, StepKind
from billing.collections.run import collections_run
from billing.collections.selectors import delinquencies
from billing.collections.services.notice_issue import earliest_shutoff, notice_issue
from field_ops.models import Premise
from tests.collections.helpers import delinquent_account
from tests.factories import CustomerFactory, PremiseFactory


def _issue(account, on):
    fact = delinquencies([account.pk], on=on)[account.pk]
    return notice_issue(account=account, delinquency=fact, on=on)


def test_pay_by_counts_seven_business_days_over_thanksgiving(db):
    # given a bill long delinquent (its 60th day is past) and a notice on the Wednesday
    # before Thanksgiving (Thursday and Friday are holidays, then a weekend)
    account, _bill = delinquent_account(datetime.date(2026, 9, 1))
    wednesday = datetime.date(2026, 11, 25)

    # when the notice is issued
    notice = _issue(account, wednesday)

    # then the customer has until the 7th business day: Tuesday, December 8
    assert notice.pay_by == datetime.date(2026, 12, 8)
    assert (notice.issued_on, notice.amount_delinquent) == (wednesday, Decimal("120.00"))


def test_pay_by_is_never_before_the_60th_delinquent_day(db):
    account, _bill = delinquent_account(datetime.date(2026, 8, 3))
    on = datetime.date(2026, 9, 17)
    assert earliest_shutoff(
        account=account, oldest_due_date=datetime.date(2026, 8, 3), issued_on=on
    ) == datetime.date(2026, 10, 2)


def test_an_occupant_copy_when_the_customer_is_mailed_elsewhere(db):
    # given a customer whose mail goes to a PO box
    customer = CustomerFactory(
        mailing_line1="PO Box 77", mailing_city="Mesa Verde", mailing_zip="92001", language="es"
    )
    account, _bill = delinquent_account(datetime.date(2026, 8, 3), customer=customer)

    # when the notice is issued
    notice = _issue(account, datetime.date(2026, 9, 17))

    # then the customer's copy goes to the box, in Spanish, and an "Occupant" copy to the house
    assert notice.occupant_copy is True
    assert notice.language == "es"
    assert notice.facts["customer"]["mailing_address"] == ["PO Box 77", "Mesa Verde, CA 92001"]
    assert notice.facts["occupant"]["addressee"] == "Occupant"
    assert notice.facts["occupant"]["mailing_address"][0] == account.premise.address_line
    assert notice.copies == ["customer", "occupant"]


def test_no_occupant_copy_when_mailed_to_the_service_address(db):
    account, _bill = delinquent_account(datetime.date(2026, 8, 3))
    notice = _issue(account, datetime.date(2026, 9, 17))
    assert notice.occupant_copy is False
    assert notice.copies == ["customer"]


def test_tenants_of_a_building_get_ten_days(db):
    # given a landlord-billed four-unit building and a notice on Monday, August 3 (the bill's
    # 60th day already past): 7 business days is Wednesday the 12th, 9 days
    premise = PremiseFactory(premise_type=Premise.PremiseType.MULTI_FAMILY, dwelling_units=4)
    account, _bill = delinquent_account(
        datetime.date(2026, 5, 1), premise=premise, customer_class="multi_family",
        tenants_occupy=True,
    )  # fmt: skip
    notice = _issue(account, datetime.date(2026, 8, 3))

    # then the tenants' 10 days decide: Thursday the 13th
    assert notice.tenant_notice_on == datetime.date(2026, 8, 3)
    assert notice.pay_by == datetime.date(2026, 8, 13)
    assert notice.facts["tenant"]["kind"] == "tenant"
    assert "tenant" in notice.copies


def test_tenants_of_a_detached_house_get_seven_days(db):
    premise = PremiseFactory(premise_type=Premise.PremiseType.SINGLE_FAMILY, dwelling_units=1)
    account, _bill = delinquent_account(
        datetime.date(2026, 5, 1), premise=premise, tenants_occupy=True
    )
    notice = _issue(account, datetime.date(2026, 8, 3))
    assert notice.pay_by == datetime.date(2026, 8, 12)  # the 7 business days decide
    assert notice.pay_by - notice.tenant_notice_on >= datetime.timedelta(days=7)


def test_an_incomplete_notice_is_not_issued_and_the_refusal_is_logged(db, nightly, settings):
    # given the district's phone number missing (every notice must print it)
    settings.DISTRICT_PHONE = ""
    account, bill = delinquent_account(datetime.date(2026, 8, 3))

    # when the ladder reaches the notice, twice
    collections_run(datetime.date(2026, 9, 17), by=nightly, account_ids=[account.pk])
    result = collections_run(datetime.date(2026, 9, 18), by=nightly, account_ids=[account.pk])

    # then no notice, no notice step, and one refusal staff can read
    assert not DisconnectionNotice.objects.exists()
    assert not CollectionAction.objects.filter(kind=StepKind.DISCONNECTION_NOTICE).exists()
    refusal = CollectionAction.objects.get(kind="notice_refused")
    assert refusal.bill_id == bill.pk
    assert refusal.notes.startswith(
        f"The disconnection notice for account {account.formatted_number} was not issued; "
        "it lacks: customer copy: "
    )
    assert result.refused[account.pk] == refusal.notes
    assert not Contact.objects.filter(notes__startswith="Disconnection notice").exists()


def test_latest_notices_follow_the_current_delinquency(db):
    from billing.collections.selectors import latest_notices
    from tests.collections.helpers import bill_due, pay

    # given a notice for the first unpaid bill
    account, _bill = delinquent_account(datetime.date(2026, 8, 3))
    notice = _issue(account, datetime.date(2026, 9, 17))
    assert latest_notices([account.pk], on=datetime.date(2026, 9, 18)) == {account.pk: notice}

    # when that bill is paid and a later bill is the oldest unpaid: a new delinquency
    bill_due(account, "60.00", datetime.date(2026, 9, 3))
    pay(account, "120.00", datetime.date(2026, 9, 20))

    # then the old notice is not the current one
    assert latest_notices([account.pk], on=datetime.date(2026, 9, 21)) == {}
