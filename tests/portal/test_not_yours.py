"""Every customer-scoped URL answers 404 for an object that is not the signed-in customer's.

Walks the URL resolver for every view declared `customer_view` (district.access CUSTOMER) that
takes an argument, fills it with another customer's record, and expects 404 on GET (or POST for
pages that only take POST). An argument without a builder below gets an id nobody has.
"""

import datetime
from decimal import Decimal

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from billing.models import Bill
from district.access import CUSTOMER, access_of
from tests.portal.conftest import billed_account

pytestmark = pytest.mark.django_db
NO_SUCH_ID = 10**9


def _customer_patterns(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _customer_patterns(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            access = access_of(entry.callback)
            if access and access[0] == CUSTOMER:
                yield f"{namespace}{entry.name}", entry


def _other_customers_records():
    account = billed_account(1)
    return {
        "account_id": account.pk,
        "bill_id": Bill.objects.filter(account=account).values_list("pk", flat=True).first(),
        # a meter out on another contractor's permit: none exists, so any id is not theirs
        "meter_issue_id": NO_SUCH_ID,
    }


def test_every_customer_url_with_an_argument_answers_404_for_another_customers_record(
    customer_client,
):
    others = _other_customers_records()
    checked = []
    for name, pattern in _customer_patterns():
        arguments = list(pattern.pattern.regex.groupindex)
        arguments = [argument for argument in arguments if argument not in pattern.default_args]
        if not arguments:
            continue
        # An argument without a builder here (another area's record) gets an id that exists for
        # no one, which must answer 404 too; add a builder to check "someone else's" as well.
        kwargs = {argument: others.get(argument, NO_SUCH_ID) for argument in arguments}
        url = reverse(name, kwargs=kwargs)
        response = customer_client.get(url)
        if response.status_code == 405:
            response = customer_client.post(url, {})
        assert response.status_code == 404, f"{name} answered {response.status_code}"
        checked.append(name)
    assert {"portal:account", "portal:settings", "billing:portal_bill_pdf"} <= set(checked)


def test_pages_choosing_the_account_by_query_answer_404_for_another_customers(customer_client):
    other = billed_account(1)
    url = reverse("payments:portal_autopay")
    assert customer_client.get(url, {"account": other.pk}).status_code == 404
    cancel = reverse("payments:portal_autopay_cancel")
    assert customer_client.post(cancel, {"account": other.pk}).status_code == 404


def test_a_bill_of_mine_still_opens(customer_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    bill = Bill.objects.filter(account=customer_client.user.accounts[0]).first()
    assert customer_client.get(reverse("billing:portal_bill", args=[bill.pk])).status_code == 200
    assert Decimal(bill.amount_due) > 0 and bill.period_end < datetime.date(2030, 1, 1)
