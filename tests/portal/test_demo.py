"""The demo customer: one sign-in holding two accounts with bills, made once."""

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command

from district.models import User
from portal.models import AccountLink
from tests.portal.conftest import billed_account

pytestmark = pytest.mark.django_db


def test_the_demo_customer_holds_two_billed_accounts_and_a_rerun_changes_nothing():
    # given three billed accounts
    accounts = [billed_account(3), billed_account(2), billed_account(1)]
    # when the demo customer is seeded twice
    call_command("seed_portal_demo", stdout=None)
    call_command("seed_portal_demo", stdout=None)
    # then one login, verified, with the two most billed accounts
    user = User.objects.get(username="demo-customer")
    assert EmailAddress.objects.get(user=user).verified
    linked = set(AccountLink.objects.filter(user=user).values_list("service_account", flat=True))
    assert linked == {accounts[0].pk, accounts[1].pk}


def test_a_customer_with_one_account_of_many_bills_is_not_taken_for_a_landlord():
    # given a customer whose one account has many bills, and a landlord's two accounts
    many_bills = billed_account(5)
    first = billed_account(2)
    second = billed_account(1)
    second.customer = first.customer
    second.save(update_fields=["customer"])
    # when
    call_command("seed_portal_demo", stdout=None)
    # then the landlord's two accounts, both linked
    user = User.objects.get(username="demo-customer")
    linked = set(AccountLink.objects.filter(user=user).values_list("service_account", flat=True))
    assert linked == {first.pk, second.pk}
    assert many_bills.pk not in linked
