"""The collection agency's file: posted write-offs sent once, recoveries told in the next file."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from billing.writeoffs.agency import agency_export_create
from billing.writeoffs.models import AgencyExport, WriteOff
from billing.writeoffs.services import writeoff_post, writeoffs_recover
from district import roles
from district.errors import NotPermitted, ServiceError
from tests import factories
from tests.writeoffs.factories import ended_account, set_policy, stop_request

pytestmark = pytest.mark.django_db

HEADER = (
    "Record,Account number,Customer name,Mailing address,Forwarding address,Phone,"
    "Amount written off,Recovered,Still owed,Final bill date,Last payment date,Written off on\r\n"
)


@pytest.fixture
def supervisor(make_user):
    set_policy("write-off-limit", "500.00")
    return make_user(roles.SUPERVISOR)


def _customer():
    return factories.CustomerFactory(
        first_name="Ana",
        last_name="Ortega",
        phone="5595550100",
        mailing_line1="12 Oak St",
        mailing_line2="Apt 4",
        mailing_city="Visalia",
        mailing_state="CA",
        mailing_zip="93291",
    )


def test_the_file_lists_each_posted_write_off_exactly(supervisor):
    # given a final account that paid part of its final bill, moved, and was written off
    account = ended_account(
        due=datetime.date(2026, 3, 2), owed="150.00", customer=_customer(), number="90012343"
    )
    stop_request(account)
    factories.post_payment(account, "30.00", datetime.date(2026, 3, 20))
    writeoff_post(account=account, amount="120.00", by=supervisor, reason="Skipped")

    # when the agency file is made
    export = agency_export_create(by=supervisor)

    # then it holds one placement, exactly so
    today = timezone.localdate().isoformat()
    assert export.content == HEADER + (
        'placement,90012343,"Ortega, Ana","12 Oak St, Apt 4, Visalia, CA 93291",'
        '"9 Elm Ct, Fresno, CA 93701",(559) 555-0100,120.00,0.00,120.00,2026-02-09,'
        f"2026-03-20,{today}\r\n"
    )
    assert export.placement_count == 1
    assert export.placement_total == Decimal("120.00")
    assert export.recovery_count == 0
    assert export.created_by == supervisor
    assert export.write_offs.get().account == account


def test_each_write_off_is_sent_once(supervisor):
    # given a write-off sent in a file
    account = ended_account(due=datetime.date(2026, 3, 2))
    writeoff_post(account=account, amount="120.00", by=supervisor, reason="Skipped")
    first = agency_export_create(by=supervisor)

    # when another file is asked for with nothing new
    with pytest.raises(ServiceError) as refused:
        agency_export_create(by=supervisor)

    # then it is refused and only the first file exists
    assert refused.value.messages == [
        "Nothing new to send: every posted write-off was sent already."
    ]
    assert list(AgencyExport.objects.all()) == [first]

    # and a write-off posted later goes in the next file alone
    later = ended_account(due=datetime.date(2026, 3, 2), owed="80.00")
    writeoff_post(account=later, amount="80.00", by=supervisor, reason="Skipped")
    second = agency_export_create(by=supervisor)
    assert second.placement_count == 1
    assert second.placement_total == Decimal("80.00")
    assert f",{later.number}," in second.content
    assert f",{account.number}," not in second.content


def test_recoveries_after_sending_are_told_in_the_next_file(supervisor, make_user):
    # given a write-off sent to the agency, then part paid and, later, the rest
    account = ended_account(due=datetime.date(2026, 3, 2), customer=_customer())
    write_off = writeoff_post(account=account, amount="120.00", by=supervisor, reason="Skipped")
    agency_export_create(by=supervisor)
    cashier = make_user(roles.CSR_I)
    factories.post_payment(account, "50.00", timezone.localdate())
    writeoffs_recover([account.pk], by=cashier)

    # when the next file is made
    recovery_file = agency_export_create(by=supervisor)

    # then it tells the agency what was recovered and what is still owed
    (row,) = recovery_file.content.splitlines()[1:]
    assert row.startswith(f"recovery,{account.number},")
    assert ",120.00,50.00,70.00," in row
    assert recovery_file.recovery_count == 1
    assert recovery_file.recovery_total == Decimal("50.00")
    assert recovery_file.placement_count == 0

    # and once paid in full, the next file recalls it
    factories.post_payment(account, "70.00", timezone.localdate())
    writeoffs_recover([account.pk], by=cashier)
    recall = agency_export_create(by=supervisor)
    (row,) = recall.content.splitlines()[1:]
    assert row.startswith(f"recall,{account.number},")
    assert ",120.00,120.00,0.00," in row
    write_off.refresh_from_db()
    assert write_off.status == WriteOff.Status.REVERSED


def test_a_write_off_recovered_before_sending_goes_with_its_recovery(supervisor, make_user):
    account = ended_account(due=datetime.date(2026, 3, 2))
    writeoff_post(account=account, amount="120.00", by=supervisor, reason="Skipped")
    factories.post_payment(account, "20.00")
    writeoffs_recover([account.pk], by=make_user(roles.CSR_I))

    export = agency_export_create(by=supervisor)

    (row,) = export.content.splitlines()[1:]
    assert row.startswith("placement,") and ",120.00,20.00,100.00," in row
    assert export.placement_total == Decimal("100.00")
    assert export.recoveries.count() == 1
    with pytest.raises(ServiceError):
        agency_export_create(by=supervisor)


@pytest.mark.parametrize("role", [roles.FINANCE, roles.CSR_III])
def test_only_a_supervisor_sends_files_to_the_agency(supervisor, make_user, role):
    account = ended_account(due=datetime.date(2026, 3, 2))
    writeoff_post(account=account, amount="120.00", by=supervisor, reason="Skipped")

    with pytest.raises(NotPermitted) as refused:
        agency_export_create(by=make_user(role))

    assert refused.value.messages == [
        "Your role does not allow you to send write-offs to the collection agency."
    ]
    assert not AgencyExport.objects.exists()
    assert WriteOff.objects.get().agency_export is None
