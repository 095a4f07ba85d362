"""Online enrolment: proving an account with facts from the bill, e-mail verification, the
throttle on wrong facts, and adding a second account to the same sign-in."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from accounts.models import ServiceAccount
from accounts.numbers import with_check_digit
from district import roles
from portal.enrolment import throttle
from portal.enrolment.services import ALREADY_ENROLLED, CLOSED, NO_MATCH
from portal.models import AccountLink
from portal.selectors import linked_accounts
from tests.portal.enrolment_helpers import PASSWORD, billed_account, enrol_data

pytestmark = pytest.mark.django_db

ENROL = "/portal/enrol/"


@pytest.fixture(autouse=True)
def _empty_throttle():
    cache.clear()
    yield
    cache.clear()


def _nothing_written():
    assert not get_user_model().objects.filter(username="pat@example.com").exists()
    assert not EmailAddress.objects.exists()
    assert not AccountLink.objects.exists()


def test_enrolment_makes_a_login_and_sends_the_verification_email(
    client, django_capture_on_commit_callbacks
):
    # given an account whose last bill was $58.20
    account = billed_account("58.20")

    # when the customer enrols with its number (no dash) and that amount
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(ENROL, enrol_data(account, account_number=account.number))

    # then a customer login holds the account through an enrolment link, unverified so far,
    # and allauth's verification e-mail went to the address
    assert response.status_code == 302 and response.url == reverse("portal:enrol_sent")
    user = get_user_model().objects.get(username="pat@example.com")
    assert roles.is_staff_user(user) is False
    assert user.groups.filter(name=roles.CUSTOMER.name).exists()
    link = AccountLink.objects.get(user=user)
    assert link.service_account == account and link.method == AccountLink.Method.ENROLMENT
    address = EmailAddress.objects.get(user=user)
    assert address.email == "pat@example.com" and address.primary and not address.verified
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["pat@example.com"]
    assert "/auth/" in mail.outbox[0].body

    # and the login sees no account until the address is verified
    assert list(linked_accounts(user)) == []
    address.verified = True
    address.save()
    assert list(linked_accounts(user)) == [account]


def test_the_zip_and_last_four_of_the_phone_also_prove_the_account(client):
    account = billed_account()

    response = client.post(
        ENROL,
        enrol_data(account, last_bill_amount="", service_zip="92000", phone_last_four="4321"),
    )

    assert response.status_code == 302
    assert AccountLink.objects.filter(service_account=account).count() == 1


@pytest.mark.parametrize(
    "overrides",
    [
        {"last_bill_amount": "58.21"},
        {"last_bill_amount": "", "service_zip": "92001", "phone_last_four": "4321"},
        {"last_bill_amount": "", "service_zip": "92000", "phone_last_four": "1234"},
        {"account_number": "1234566"},  # a valid check digit, but no such account
    ],
    ids=["amount", "zip", "phone", "unknown-account"],
)
def test_each_wrong_fact_gets_the_same_answer_and_writes_nothing(client, overrides):
    # given an account
    account = billed_account("58.20")

    # when one fact is wrong
    response = client.post(ENROL, enrol_data(account, **overrides))

    # then the page says only that the details do not match, and nothing is written
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [str(NO_MATCH)]
    _nothing_written()


def test_a_mistyped_check_digit_is_caught_with_a_clear_message(client):
    account = billed_account()
    wrong = account.number[:-1] + str((int(account.number[-1]) + 1) % 10)

    response = client.post(ENROL, enrol_data(account, account_number=wrong))

    assert "check digit" in str(response.context["form"].errors["account_number"])
    _nothing_written()


def test_a_second_fact_is_required(client):
    account = billed_account()

    response = client.post(ENROL, enrol_data(account, last_bill_amount=""))

    assert "last bill" in response.context["form"].non_field_errors()[0]
    _nothing_written()


def test_wrong_facts_are_throttled_per_account(client):
    # given as many wrong tries on one account as the throttle allows, from many addresses
    account = billed_account("58.20")
    for attempt in range(throttle.FAILURES_PER_ACCOUNT):
        client.post(
            ENROL, enrol_data(account, last_bill_amount="1.00"), REMOTE_ADDR=f"10.0.0.{attempt}"
        )

    # when the right facts come next, from yet another address
    response = client.post(ENROL, enrol_data(account), REMOTE_ADDR="10.0.1.1")

    # then the account's tries are spent: a clear message, and nothing is written
    assert str(throttle.THROTTLED_MESSAGE) in response.context["form"].non_field_errors()
    _nothing_written()


def test_wrong_facts_are_throttled_per_client_address(client):
    # given a caller who guessed at many account numbers from one address
    account = billed_account()
    for attempt in range(throttle.FAILURES_PER_ADDRESS):
        guess = with_check_digit(str(8_000_000 + attempt))
        client.post(ENROL, enrol_data(account, account_number=guess), REMOTE_ADDR="10.9.9.9")

    # when they try a real account with the right facts from that address
    refused = client.post(ENROL, enrol_data(account), REMOTE_ADDR="10.9.9.9")

    # then the address is throttled; another address still enrols
    assert str(throttle.THROTTLED_MESSAGE) in refused.context["form"].non_field_errors()
    assert not AccountLink.objects.exists()
    assert client.post(ENROL, enrol_data(account), REMOTE_ADDR="10.1.1.1").status_code == 302


def test_an_account_already_enrolled_says_to_sign_in_or_ask_the_office(client, make_user):
    # given an account someone already holds online
    account = billed_account()
    AccountLink.objects.create(
        user=make_user(roles.CUSTOMER), service_account=account, method="staff"
    )

    # when another enrolment proves it
    response = client.post(ENROL, enrol_data(account))

    # then it is refused with a pointer to sign-in or the office, and no login is made
    assert response.context["form"].non_field_errors() == [str(ALREADY_ENROLLED)]
    assert AccountLink.objects.count() == 1
    assert not get_user_model().objects.filter(username="pat@example.com").exists()


def test_a_closed_account_cannot_be_enrolled_but_a_final_one_can(client):
    closed = billed_account(status=ServiceAccount.Status.CLOSED)
    final = billed_account(status=ServiceAccount.Status.FINAL)

    refused = client.post(ENROL, enrol_data(closed))
    accepted = client.post(ENROL, enrol_data(final, email="final@example.com"))

    assert refused.context["form"].non_field_errors() == [str(CLOSED)]
    assert accepted.status_code == 302
    assert list(AccountLink.objects.values_list("service_account", flat=True)) == [final.pk]


def test_an_email_already_in_use_is_refused(client, make_user):
    account = billed_account()
    make_user(roles.CUSTOMER, username="pat@example.com")

    response = client.post(ENROL, enrol_data(account))

    assert "already uses this e-mail" in str(response.context["form"].errors["email"])
    assert not AccountLink.objects.exists()


def test_a_customer_adds_a_second_account_the_same_way(client, make_user):
    # given a signed-in customer holding one account
    user = make_user(roles.CUSTOMER)
    first, second = billed_account(), billed_account("12.34")
    AccountLink.objects.create(user=user, service_account=first, method="enrolment")
    client.force_login(user)

    # when they prove a second account, first with a wrong amount, then the right one
    wrong = client.post(
        "/portal/accounts/add/",
        {"account_number": second.formatted_number, "last_bill_amount": "58.20"},
    )
    right = client.post(
        "/portal/accounts/add/",
        {"account_number": second.formatted_number, "last_bill_amount": "12.34"},
    )

    # then the wrong try changed nothing and the right one added the account to the login
    assert wrong.context["form"].non_field_errors() == [str(NO_MATCH)]
    assert right.status_code == 302
    assert set(linked_accounts(user)) == {first, second}


def test_adding_an_account_already_held_says_so(client, make_user):
    user = make_user(roles.CUSTOMER)
    account = billed_account()
    AccountLink.objects.create(user=user, service_account=account, method="enrolment")
    client.force_login(user)

    response = client.post(
        "/portal/accounts/add/",
        {"account_number": account.number, "last_bill_amount": "58.20"},
    )

    assert "already in your list" in response.context["form"].non_field_errors()[0]
    assert AccountLink.objects.count() == 1


def test_changing_the_password_signs_out_the_other_sessions(client, make_user):
    # given a customer signed in on two devices
    user = make_user(roles.CUSTOMER, username="pat@example.com")
    user.set_password("Old-password-for-pat-1")
    user.save()
    EmailAddress.objects.create(user=user, email="pat@example.com", primary=True, verified=True)
    other_device = Client()
    client.force_login(user)
    other_device.force_login(user)

    # when they change the password on one device (allauth's page)
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": "Old-password-for-pat-1", "password1": PASSWORD, "password2": PASSWORD},
    )

    # then that device stays signed in and the other is signed out
    assert response.status_code == 302
    assert client.get(reverse("portal:sign_in_security")).status_code == 200
    assert other_device.get(reverse("portal:sign_in_security")).status_code == 302
