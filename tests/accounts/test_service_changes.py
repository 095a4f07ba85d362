"""Start, stop and transfer of service: the services, their refusals, and what completing the
field orders does (through field_ops' work_order_complete and the registered handlers)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import (
    Contact,
    Deposit,
    RevertToOwnerAgreement,
    ServiceAccount,
    ServiceAccountParties,
    StopRequest,
)
from accounts.service_changes import selectors
from accounts.service_changes.services import (
    DepositChoice,
    ForwardingAddress,
    OwnerInfo,
    owner_agreement_end,
    owner_agreement_record,
    service_close_if_settled,
    service_start,
    service_stop,
    service_stop_cancel,
    service_transfer,
)
from district import roles
from district.approvals.models import ApprovalRequest
from district.ledger.selectors import account_balance
from field_ops.models import MeterRead, WorkOrder
from field_ops.work_orders import work_order_complete, work_order_dispatch
from tests.factories import (
    CustomerFactory,
    MeterInstallationFactory,
    PremiseFactory,
    ServiceAccountFactory,
    metered_premise,
    post_bill,
)

pytestmark = pytest.mark.django_db

S = ServiceAccount.Status
T = WorkOrder.Type
TODAY = timezone.localdate
RESIDENTIAL_DEPOSIT = Decimal("100.00")  # reference data: residential, 5/8" meter


@pytest.fixture
def people(make_user):
    class People:
        csr1 = make_user(roles.CSR_I, "csr-ines")
        csr2 = make_user(roles.CSR_II, "csr-omar")
        dispatcher = make_user(roles.CSR_III, "dispatch-carmen")
        technician = make_user(roles.FIELD_TECHNICIAN, "tech-eddie")

    return People


def _start(by, *, premise=None, customer=None, key="start-1", **overrides):
    arguments = {
        "customer": customer or CustomerFactory(),
        "premise": premise or metered_premise(),
        "customer_class": ServiceAccount.CustomerClass.RESIDENTIAL,
        "start_date": TODAY(),
        "is_owner": False,
        "owner_info": OwnerInfo(name="Harbor Property Management", phone="(555) 201-0100"),
        "deposit": DepositChoice(),
        "by": by,
        "idempotency_key": key,
    }
    arguments.update(overrides)
    return service_start(**arguments)


def _complete(work_order, people, reading="150"):
    work_order_dispatch(work_order=work_order, by=people.dispatcher, technician=people.technician)
    return work_order_complete(
        work_order=work_order, by=people.technician, data={"reading": reading}
    )


def _active_account(people, **start):
    result = _start(people.csr1, **start)
    _complete(result.work_order, people)
    result.account.refresh_from_db()
    return result


FORWARDING = ForwardingAddress(line1="77 Harbor Way", city="Ocean Park", zip_code="92111")


def _nothing_written(before_accounts: int):
    assert ServiceAccount.objects.count() == before_accounts
    assert not Deposit.objects.exists()
    assert not WorkOrder.objects.exists()
    assert not Contact.objects.exists()
    assert not ServiceAccountParties.objects.exists()


# -- start


def test_a_new_tenant_gets_a_pending_account_a_deposit_a_turn_on_order_and_a_contact(people):
    # given: a premise never served
    premise = metered_premise(owner_name="Owner of Record")
    customer = CustomerFactory(first_name="Ana", last_name="Nguyen")

    # when
    result = _start(
        people.csr1, premise=premise, customer=customer, deposit=DepositChoice(installments=3)
    )

    # then
    account = result.account
    assert account.status == S.PENDING
    assert account.customer == customer and account.premise == premise
    assert account.start_date == TODAY()
    assert account.is_owner is False
    parties = ServiceAccountParties.objects.get(account=account)
    assert parties.owner_name == "Harbor Property Management"
    assert parties.owner_phone == "5552010100"
    assert result.deposit.status == Deposit.Status.CHARGED
    assert result.deposit.amount == RESIDENTIAL_DEPOSIT
    assert result.deposit.installments == 3
    # the first of the 3 installments is charged now; the next two bills carry the others
    assert account_balance(account.pk) == Decimal("33.34")
    assert result.work_order.order_type == T.TURN_ON
    assert result.work_order.service_account_id == account.pk
    assert result.work_order.requested_date == TODAY()
    contact = Contact.objects.get()
    assert contact.reason == Contact.Reason.START
    assert contact.account == account and contact.customer == customer
    assert contact.logged_by == people.csr1


def test_completing_the_turn_on_makes_the_account_active_with_that_read_as_its_first(people):
    # given
    result = _start(people.csr1)

    # when
    order = _complete(result.work_order, people, reading="12.5")

    # then
    result.account.refresh_from_db()
    assert result.account.status == S.ACTIVE
    read = MeterRead.objects.get(pk=order.completion["meter_read_id"])
    assert read.reading == Decimal("12.50")
    assert read.meter == order.meter
    assert read.read_on == TODAY()


def test_a_premise_whose_last_account_left_the_water_on_gets_a_start_read(people):
    # given: the last tenant's service ended with a final read only
    premise = metered_premise()
    ServiceAccountFactory(premise=premise, status=S.FINAL, end_date=TODAY())

    # when
    result = _start(people.csr1, premise=premise)
    _complete(result.work_order, people)

    # then
    assert result.work_order.order_type == T.START_READ
    result.account.refresh_from_db()
    assert result.account.status == S.ACTIVE


def test_a_premise_shut_off_after_its_last_account_gets_a_turn_on(people):
    # given: the water was turned off after the last tenant left
    premise = metered_premise()
    ServiceAccountFactory(premise=premise, status=S.CLOSED, end_date=TODAY())
    WorkOrder.objects.create(
        order_type=T.TURN_OFF,
        premise=premise,
        requested_date=TODAY(),
        status=WorkOrder.Status.COMPLETED,
        completed_at=timezone.now(),
    )

    # when
    result = _start(people.csr1, premise=premise)

    # then
    assert result.work_order.order_type == T.TURN_ON
    assert selectors.water_is_off(premise) is True


def test_an_owner_gets_no_deposit_and_no_owner_record(people):
    # when
    result = _start(people.csr1, is_owner=True, owner_info=None)

    # then
    assert result.account.is_owner is True
    assert result.deposit.amount == 0
    assert result.deposit.basis == Deposit.Basis.OWNER
    assert not ServiceAccountParties.objects.exists()


def test_the_billing_cycle_follows_the_premise_history_and_its_route(people):
    # given
    served = metered_premise(route="R07")
    ServiceAccountFactory(premise=served, status=S.CLOSED, billing_cycle="03", end_date=TODAY())
    neighbour = metered_premise(route="R07")

    # when
    first = _start(people.csr1, premise=served, key="a")
    second = _start(people.csr1, premise=neighbour, key="b")

    # then
    assert first.account.billing_cycle == "03"
    assert second.account.billing_cycle == "03"


def test_a_repeated_start_returns_the_first_and_writes_nothing_more(people):
    # given
    customer, premise = CustomerFactory(), metered_premise()
    first = _start(people.csr1, customer=customer, premise=premise)

    # when
    again = _start(people.csr1, customer=customer, premise=premise)

    # then
    assert again.repeated is True
    assert again.account == first.account
    assert again.work_order == first.work_order
    assert again.deposit == first.deposit
    assert ServiceAccount.objects.count() == 1
    assert WorkOrder.objects.count() == 1
    assert Contact.objects.count() == 1


def test_a_start_where_someone_else_has_active_service_is_refused_and_writes_nothing(people):
    # given
    premise = metered_premise()
    ServiceAccountFactory(premise=premise, status=S.ACTIVE)
    before = ServiceAccount.objects.count()

    # when
    with pytest.raises(ValidationError) as refused:
        _start(people.csr1, premise=premise)

    # then
    assert "Stop their service first" in refused.value.message_dict["premise"][0]
    _nothing_written(before)


def test_a_second_start_while_one_is_pending_for_someone_else_is_refused(people):
    # given
    premise = metered_premise()
    _start(people.csr1, premise=premise, key="first")

    # when
    with pytest.raises(ValidationError) as refused:
        _start(people.csr1, premise=premise, key="second")

    # then
    assert "already pending" in refused.value.message_dict["premise"][0]
    assert ServiceAccount.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"start_date": TODAY() - datetime.timedelta(days=6)}, "start_date"),  # policy: 5 days
        ({"start_date": TODAY() + datetime.timedelta(days=61)}, "start_date"),  # policy: 60
        ({"start_date": None}, "start_date"),
        ({"customer_class": ""}, "customer_class"),
        ({"owner_info": None}, "owner_name"),
        ({"owner_info": OwnerInfo(name="  ")}, "owner_name"),
        ({"deposit": DepositChoice(action="waive")}, "waiver_reason"),
        ({"deposit": DepositChoice(installments=4)}, "deposit_action"),
    ],
    ids=[
        "too-far-back",
        "too-far-ahead",
        "no-date",
        "no-class",
        "tenant-without-owner",
        "blank-owner",
        "waiver-without-reason",
        "four-installments",
    ],
)
def test_a_start_with_a_missing_or_out_of_policy_value_is_refused_and_writes_nothing(
    people, overrides, field
):
    # given
    premise = metered_premise()
    before = ServiceAccount.objects.count()

    # when
    with pytest.raises(ValidationError) as refused:
        _start(people.csr1, premise=premise, **overrides)

    # then
    assert field in refused.value.message_dict
    _nothing_written(before)


def test_the_start_date_may_be_back_dated_within_the_policy_and_is_read_today(people):
    # when
    result = _start(people.csr1, start_date=TODAY() - datetime.timedelta(days=5))

    # then
    assert result.account.start_date == TODAY() - datetime.timedelta(days=5)
    assert result.work_order.requested_date == TODAY()


def test_a_premise_without_a_meter_is_refused(people):
    # when
    with pytest.raises(ValidationError) as refused:
        _start(people.csr1, premise=PremiseFactory())

    # then
    assert "No meter is installed" in refused.value.message_dict["premise"][0]
    assert not ServiceAccount.objects.exists()


def test_a_role_without_start_and_stop_cannot_start_service(make_user):
    # when / then
    with pytest.raises(PermissionDenied):
        _start(make_user(roles.FINANCE))
    assert not ServiceAccount.objects.exists()


def test_the_mailing_address_and_language_are_updated_with_the_start(people):
    # given
    customer = CustomerFactory(mailing_line1="", language="en")

    # when
    _start(
        people.csr1,
        customer=customer,
        customer_changes={
            "mailing_line1": "9 Vista Ct",
            "mailing_city": "Mesa Verde",
            "mailing_state": "CA",
            "mailing_zip": "92000",
            "language": "es",
        },
    )

    # then
    customer.refresh_from_db()
    assert customer.mailing_line1 == "9 Vista Ct"
    assert customer.language == "es"


# -- deposits through the deposit services


def test_a_csr_ii_waives_the_deposit_at_once(people):
    # when
    result = _start(
        people.csr2,
        deposit=DepositChoice(action="waive", waiver_reason="Letter from the city utility"),
    )

    # then
    assert result.deposit.status == Deposit.Status.WAIVED
    assert result.deposit.waiver_reason == "Letter from the city utility"
    assert account_balance(result.account.pk) == 0
    assert not ApprovalRequest.objects.exists()


def test_a_csr_i_waiver_goes_to_a_supervisor_for_approval(people):
    # when
    result = _start(
        people.csr1, deposit=DepositChoice(action="waive", waiver_reason="Long-time customer")
    )

    # then
    assert result.deposit.status == Deposit.Status.PENDING_APPROVAL
    request = ApprovalRequest.objects.get()
    assert request.requested_by == people.csr1
    assert request.target_id == str(result.deposit.pk)
    assert account_balance(result.account.pk) == 0


# -- completion guards


def test_a_start_order_for_an_account_no_longer_pending_changes_nothing(people):
    # given: the account was activated by another order already
    result = _active_account(people)
    again = WorkOrder.objects.create(
        order_type=T.START_READ,
        premise=result.account.premise,
        requested_date=TODAY(),
        service_account_id=result.account.pk,
    )

    # when
    _complete(again, people, reading="160")

    # then
    result.account.refresh_from_db()
    assert result.account.status == S.ACTIVE


def test_a_start_read_for_no_account_changes_no_account(people):
    # given
    premise = metered_premise()
    account = ServiceAccountFactory(premise=premise, status=S.PENDING)
    order = WorkOrder.objects.create(
        order_type=T.START_READ, premise=premise, requested_date=TODAY()
    )

    # when
    _complete(order, people)

    # then
    account.refresh_from_db()
    assert account.status == S.PENDING


# -- stop


def test_a_stop_orders_a_final_read_and_leaves_the_account_pending_final(people):
    # given
    account = _active_account(people).account
    stop_date = TODAY() + datetime.timedelta(days=3)

    # when
    stop = service_stop(
        account=account,
        stop_date=stop_date,
        reason=StopRequest.Reason.MOVING,
        forwarding=FORWARDING,
        by=people.csr1,
    )

    # then
    account.refresh_from_db()
    assert account.status == S.PENDING_FINAL
    assert stop.final_read_order.order_type == T.FINAL_READ
    assert stop.final_read_order.requested_date == stop_date
    assert stop.final_read_order.service_account_id == account.pk
    assert stop.forwarding_line1 == "77 Harbor Way"
    assert stop.requested_by == people.csr1
    assert Contact.objects.filter(reason=Contact.Reason.STOP, account=account).count() == 1


def test_the_final_read_leaves_the_account_awaiting_its_final_bill(people):
    # given
    account = _active_account(people).account
    stop = service_stop(
        account=account,
        stop_date=TODAY(),
        reason=StopRequest.Reason.MOVING,
        forwarding=FORWARDING,
        by=people.csr1,
    )

    assert list(selectors.awaiting_final_bill()) == []

    # when
    _complete(stop.final_read_order, people, reading="180")

    # then
    assert list(selectors.awaiting_final_bill()) == [account]
    account.refresh_from_db()
    stop.refresh_from_db()
    assert account.status == S.PENDING_FINAL
    assert stop.reverted_to is None
    assert ServiceAccount.objects.count() == 1
    assert not WorkOrder.objects.filter(order_type__in=[T.TURN_OFF, T.SHUT_OFF]).exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"stop_date": TODAY() - datetime.timedelta(days=6)}, "stop_date"),
        ({"stop_date": TODAY() + datetime.timedelta(days=61)}, "stop_date"),
        ({"reason": "bored"}, "reason"),
        ({"forwarding": ForwardingAddress(line1="", city="", zip_code="9")}, "forwarding_line1"),
    ],
    ids=["too-far-back", "too-far-ahead", "no-reason", "no-forwarding-address"],
)
def test_a_stop_with_a_bad_value_is_refused_and_writes_nothing(people, overrides, field):
    # given
    account = ServiceAccountFactory(status=S.ACTIVE, start_date=TODAY() - datetime.timedelta(1))
    MeterInstallationFactory(premise=account.premise)
    arguments = {
        "account": account,
        "stop_date": TODAY(),
        "reason": StopRequest.Reason.MOVING,
        "forwarding": FORWARDING,
        "by": people.csr1,
    }

    # when
    with pytest.raises(ValidationError) as refused:
        service_stop(**{**arguments, **overrides})

    # then
    assert field in refused.value.message_dict
    account.refresh_from_db()
    assert account.status == S.ACTIVE
    assert not StopRequest.objects.exists()
    assert not WorkOrder.objects.exists()
    assert not Contact.objects.exists()


def test_a_stop_before_service_started_is_refused(people):
    # given
    account = ServiceAccountFactory(status=S.ACTIVE, start_date=TODAY())
    MeterInstallationFactory(premise=account.premise)

    # when
    with pytest.raises(ValidationError) as refused:
        service_stop(
            account=account,
            stop_date=TODAY() - datetime.timedelta(days=1),
            reason=StopRequest.Reason.MOVING,
            forwarding=FORWARDING,
            by=people.csr1,
        )

    # then
    assert "cannot stop before it started" in refused.value.message_dict["stop_date"][0]
    assert not StopRequest.objects.exists()


def test_only_active_service_can_be_stopped(people):
    # given
    account = _start(people.csr1).account

    # when
    with pytest.raises(ValidationError) as refused:
        service_stop(
            account=account,
            stop_date=TODAY(),
            reason=StopRequest.Reason.MOVING,
            forwarding=FORWARDING,
            by=people.csr1,
        )

    # then
    assert "only active service can be stopped" in refused.value.message_dict["account"][0]
    assert not StopRequest.objects.exists()


def test_a_stop_cancelled_before_the_final_read_cancels_the_order_and_service_continues(people):
    # given
    account = _active_account(people).account
    stop = service_stop(
        account=account,
        stop_date=TODAY(),
        reason=StopRequest.Reason.MOVING,
        forwarding=FORWARDING,
        by=people.csr1,
    )

    # when
    service_stop_cancel(account=account, reason="Lease extended", by=people.csr1)

    # then
    account.refresh_from_db()
    stop.final_read_order.refresh_from_db()
    assert account.status == S.ACTIVE
    assert stop.final_read_order.status == WorkOrder.Status.CANCELLED
    assert "Lease extended" in stop.final_read_order.cancelled_reason
    # and a later stop replaces the cancelled one
    again = service_stop(
        account=account,
        stop_date=TODAY(),
        reason=StopRequest.Reason.SOLD,
        forwarding=FORWARDING,
        by=people.csr1,
    )
    assert again.pk == stop.pk
    assert again.final_read_order != stop.final_read_order
    assert again.reason == StopRequest.Reason.SOLD


def test_a_stop_cannot_be_cancelled_once_the_final_read_is_done(people):
    # given
    account = _active_account(people).account
    stop = service_stop(
        account=account,
        stop_date=TODAY(),
        reason=StopRequest.Reason.MOVING,
        forwarding=FORWARDING,
        by=people.csr1,
    )
    _complete(stop.final_read_order, people, reading="200")

    # when
    with pytest.raises(ValidationError) as refused:
        service_stop_cancel(account=account, reason="Changed their mind", by=people.csr1)

    # then
    assert "no stop that can still be cancelled" in refused.value.message_dict["reason"][0]
    account.refresh_from_db()
    assert account.status == S.PENDING_FINAL


# -- revert to owner


def test_with_an_owner_agreement_the_final_read_reverts_service_to_the_owner(people):
    # given
    tenant_account = _active_account(people).account
    owner = CustomerFactory(first_name="Olga", last_name="Owner")
    agreement = owner_agreement_record(
        premise=tenant_account.premise, owner=owner, signed_on=TODAY(), by=people.csr1
    )
    stop_date = TODAY() + datetime.timedelta(days=2)
    stop = service_stop(
        account=tenant_account,
        stop_date=stop_date,
        reason=StopRequest.Reason.MOVING,
        forwarding=FORWARDING,
        by=people.csr1,
    )

    # when
    _complete(stop.final_read_order, people, reading="210")

    # then
    stop.refresh_from_db()
    owner_account = stop.reverted_to
    assert owner_account.customer == owner
    assert owner_account.status == S.ACTIVE
    assert owner_account.is_owner is True
    assert owner_account.start_date == stop_date
    assert owner_account.billing_cycle == tenant_account.billing_cycle
    tenant_account.refresh_from_db()
    assert tenant_account.status == S.PENDING_FINAL
    assert not WorkOrder.objects.filter(order_type__in=[T.TURN_OFF, T.SHUT_OFF]).exists()
    assert agreement.ended_on is None


def test_service_does_not_revert_to_the_owner_when_a_new_tenant_is_starting(people):
    # given
    tenant_account = _active_account(people).account
    premise = tenant_account.premise
    owner_agreement_record(
        premise=premise, owner=CustomerFactory(), signed_on=TODAY(), by=people.csr1
    )
    stop = service_stop(
        account=tenant_account,
        stop_date=TODAY(),
        reason=StopRequest.Reason.MOVING,
        forwarding=FORWARDING,
        by=people.csr1,
    )
    newcomer = _start(people.csr1, premise=premise, key="newcomer")

    # when
    _complete(stop.final_read_order, people, reading="220")

    # then
    stop.refresh_from_db()
    assert stop.reverted_to is None
    assert newcomer.work_order.order_type == T.START_READ


def test_an_ended_agreement_no_longer_reverts(people):
    # given
    tenant_account = _active_account(people).account
    agreement = owner_agreement_record(
        premise=tenant_account.premise, owner=CustomerFactory(), signed_on=TODAY(), by=people.csr1
    )
    owner_agreement_end(agreement=agreement, ended_on=TODAY(), by=people.csr1)
    stop = service_stop(
        account=tenant_account,
        stop_date=TODAY(),
        reason=StopRequest.Reason.MOVING,
        forwarding=FORWARDING,
        by=people.csr1,
    )

    # when
    _complete(stop.final_read_order, people, reading="230")

    # then
    stop.refresh_from_db()
    assert stop.reverted_to is None


def test_a_premise_has_one_open_owner_agreement(people):
    # given
    premise = metered_premise()
    owner_agreement_record(
        premise=premise, owner=CustomerFactory(), signed_on=TODAY(), by=people.csr1
    )

    # when
    with pytest.raises(ValidationError) as refused:
        owner_agreement_record(
            premise=premise, owner=CustomerFactory(), signed_on=TODAY(), by=people.csr1
        )

    # then
    assert "already has an agreement" in refused.value.message_dict["owner"][0]
    assert RevertToOwnerAgreement.objects.count() == 1


# -- transfer


def test_a_transfer_stops_the_old_service_starts_the_new_and_carries_the_deposit(people):
    # given: active service with a deposit held and paperless bills
    old = _active_account(people, paperless=True)
    new_premise = metered_premise(house_number="501", street="Cedar Ave")

    # when
    result = service_transfer(
        from_account=old.account,
        to_premise=new_premise,
        stop_date=TODAY(),
        start_date=TODAY() + datetime.timedelta(days=1),
        forwarding=ForwardingAddress(line1="501 Cedar Ave", city="Mesa Verde", zip_code="92000"),
        customer_class=ServiceAccount.CustomerClass.RESIDENTIAL,
        is_owner=False,
        owner_info=OwnerInfo(name="Cedar Homes LLC"),
        by=people.csr1,
        idempotency_key="transfer-1",
    )

    # then
    old.account.refresh_from_db()
    new_account = result.start.account
    assert old.account.status == S.PENDING_FINAL
    assert result.stop.reason == StopRequest.Reason.TRANSFER
    assert result.stop.final_read_order.order_type == T.FINAL_READ
    assert new_account.status == S.PENDING
    assert new_account.customer == old.account.customer
    assert new_account.premise == new_premise
    assert new_account.paperless is True
    assert new_account.parties.transferred_from == old.account
    assert new_account.parties.owner_name == "Cedar Homes LLC"
    carried = result.start.deposit
    assert carried.basis == Deposit.Basis.TRANSFERRED
    assert carried.amount == old.deposit.amount == RESIDENTIAL_DEPOSIT
    assert carried.carried_from == old.deposit
    contacts = Contact.objects.filter(account__in=[old.account, new_account])
    assert [contact.reason for contact in contacts.exclude(reason=Contact.Reason.START)] == [
        Contact.Reason.TRANSFER
    ]
    assert result.contact.account == new_account


def test_a_transfer_to_a_premise_served_by_someone_else_changes_nothing(people):
    # given
    old = _active_account(people)
    taken = metered_premise()
    ServiceAccountFactory(premise=taken, status=S.ACTIVE)

    # when
    with pytest.raises(ValidationError) as refused:
        service_transfer(
            from_account=old.account,
            to_premise=taken,
            stop_date=TODAY(),
            start_date=TODAY(),
            forwarding=FORWARDING,
            customer_class=ServiceAccount.CustomerClass.RESIDENTIAL,
            is_owner=True,
            owner_info=None,
            by=people.csr1,
            idempotency_key="transfer-2",
        )

    # then
    assert "premise" in refused.value.message_dict
    old.account.refresh_from_db()
    assert old.account.status == S.ACTIVE
    assert not StopRequest.objects.exists()
    assert not ServiceAccount.objects.filter(premise=taken, customer=old.account.customer).exists()


# -- close when settled


def test_a_final_account_closes_when_nothing_is_owed(people):
    # given
    account = ServiceAccountFactory(status=S.FINAL, end_date=TODAY())

    # when
    closed = service_close_if_settled(account=account, by=people.csr1)

    # then
    assert closed.status == S.CLOSED


def test_a_final_account_with_a_balance_stays_final(people):
    # given
    account = ServiceAccountFactory(status=S.FINAL, end_date=TODAY())
    post_bill(account, "42.10", memo="Final bill")

    # when
    result = service_close_if_settled(account=account, by=people.csr1)

    # then
    assert result.status == S.FINAL
    account.refresh_from_db()
    assert account.status == S.FINAL


def test_only_final_accounts_are_closed_when_settled(people):
    # given
    account = ServiceAccountFactory(status=S.PENDING_FINAL)

    # when
    result = service_close_if_settled(account=account, by=people.csr1)

    # then
    assert result.status == S.PENDING_FINAL


def test_a_tenant_of_a_landlord_billed_premise_starts_service_without_the_landlords_arrears(
    people,
):
    # given a landlord's account, tenants living there, owing $640.00 (H&S Code 116916)
    landlord = _active_account(people, is_owner=True, owner_info=None).account
    ServiceAccount.objects.filter(pk=landlord.pk).update(tenants_occupy=True)
    post_bill(landlord, Decimal("640.00"))
    service_stop(
        account=landlord,
        stop_date=TODAY(),
        reason=StopRequest.Reason.OTHER,
        forwarding=FORWARDING,
        by=people.csr1,
    )
    # when the tenant becomes the customer at the same premise
    tenant = _start(people.csr1, premise=landlord.premise, key="tenant-takes-over").account
    # then the tenant owes only the usual deposit, none of the landlord's arrears, which stay
    # the landlord's
    assert account_balance(tenant.pk) == RESIDENTIAL_DEPOSIT
    assert account_balance(landlord.pk) == Decimal("640.00")
