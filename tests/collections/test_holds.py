"""Holds stop the ladder: evidence, who may add and release them, expiry by date."""

import datetime

import pytest

from accounts.models import Contact
from billing.collections.models import CollectionAction, CollectionHold
from billing.collections.run import collections_run
from billing.collections.selectors import active_holds
from billing.collections.services import hold_add, hold_release
from district.errors import NotPermitted, ServiceError
from tests.collections.helpers import delinquent_account

DUE = datetime.date(2026, 8, 3)


def day(n: int) -> datetime.date:
    return DUE + datetime.timedelta(days=n)


def test_a_hold_stops_the_ladder_and_is_noted_once(db, nightly, csr1):
    # given a delinquent account with a payment on its way (a CSR I may record it)
    account, bill = delinquent_account(DUE)
    hold = hold_add(
        account=account,
        kind=CollectionHold.Kind.PAYMENT_IN_FLIGHT,
        evidence="Customer mailed check 1042 on 08/06.",
        by=csr1,
        starts_on=day(4),
    )

    # when the ladder runs on the reminder's day, twice
    collections_run(day(5), by=nightly, account_ids=[account.pk])
    result = collections_run(day(6), by=nightly, account_ids=[account.pk])

    # then no step is taken; the hold is noted once
    assert result.held == [account.pk]
    action = CollectionAction.objects.get(account=account)
    assert (action.kind, action.key, action.bill_id) == ("held", f"hold:{hold.pk}", bill.pk)
    assert not Contact.objects.filter(account=account).exists()


def test_a_payment_in_flight_expires_by_its_date(db, nightly, csr1):
    # given the policy's 5 days for a payment on its way, from day 4
    account, _bill = delinquent_account(DUE)
    hold = hold_add(
        account=account,
        kind=CollectionHold.Kind.PAYMENT_IN_FLIGHT,
        evidence="Paid online, confirmation 889",
        by=csr1,
        starts_on=day(4),
        expires_on=day(30),  # asked for longer: the policy caps it
    )
    assert hold.expires_on == day(9)

    # then it holds through day 9 and no longer on day 10, with no job run in between
    assert [h.kind for h in active_holds([account.pk], on=day(9))[account.pk]] == [
        "payment_in_flight"
    ]
    assert active_holds([account.pk], on=day(10)) == {}
    collections_run(day(10), by=nightly, account_ids=[account.pk])
    assert CollectionAction.objects.get(account=account).kind == "reminder"


def test_a_medical_hold_needs_all_three_documents(db, csr2):
    account, _bill = delinquent_account(DUE)

    # when a CSR II records a certificate and the financial statement, but no willingness
    with pytest.raises(ServiceError) as refused:
        hold_add(
            account=account,
            kind=CollectionHold.Kind.MEDICAL,
            evidence="Dr. Chen's letter of 08/10, scanned to the account.",
            by=csr2,
            provider_certificate=True,
            financial_inability=True,
        )

    # then it is refused, naming what is missing, and nothing is written
    assert refused.value.message_dict["provider_certificate"] == [
        "A medical hold needs all three of: the certificate from a primary care provider; "
        "the statement that the household cannot pay within the normal billing cycle; "
        "the customer's agreement to enter a payment arrangement. Missing: the customer's "
        "agreement to enter a payment arrangement."
    ]
    assert not CollectionHold.objects.exists()

    # and with all three it holds
    hold = hold_add(
        account=account,
        kind=CollectionHold.Kind.MEDICAL,
        evidence="Dr. Chen's letter of 08/10, scanned to the account.",
        by=csr2,
        provider_certificate=True,
        financial_inability=True,
        arrangement_willing=True,
    )
    assert hold.is_active_on(hold.starts_on)


def test_a_csr_one_may_not_add_a_medical_hold_nor_release_one(db, csr1, csr2):
    account, _bill = delinquent_account(DUE)
    with pytest.raises(NotPermitted):
        hold_add(
            account=account,
            kind=CollectionHold.Kind.MEDICAL,
            evidence="Letter",
            by=csr1,
            provider_certificate=True,
            financial_inability=True,
            arrangement_willing=True,
        )
    appeal = hold_add(
        account=account, kind=CollectionHold.Kind.APPEAL, evidence="Appeal filed 08/12", by=csr1
    )
    with pytest.raises(NotPermitted):
        hold_release(hold=appeal, reason="Decided", by=csr1)
    assert CollectionHold.objects.get().released_at is None

    released = hold_release(hold=appeal, reason="Appeal decided 09/01: bill upheld.", by=csr2)
    assert released.is_released
    assert active_holds([account.pk], on=datetime.date.today()) == {}


def test_a_hold_needs_evidence(db, csr1):
    account, _bill = delinquent_account(DUE)
    with pytest.raises(ServiceError) as refused:
        hold_add(account=account, kind=CollectionHold.Kind.APPEAL, evidence="  ", by=csr1)
    assert refused.value.message_dict["evidence"] == [
        "Say what the customer showed or told us, and where it is filed."
    ]
    assert not CollectionHold.objects.exists()
