"""The customer's pay and return pages (sandbox gateway) and the staff list."""

import re

import pytest
from django.urls import reverse

from district import roles
from payments.models import OnlinePayment, SandboxCheckout
from tests.factories import ServiceAccountFactory
from tests.payments.online.conftest import set_policy

pytestmark = pytest.mark.django_db


def pay_url(account_id):
    return reverse("portal:pay", kwargs={"account_id": account_id})


def test_the_pay_page_defaults_to_the_balance_due(payer_client, payer):
    response = payer_client.get(pay_url(payer.account.pk))
    assert response.status_code == 200
    assert response.context["form"].initial["amount"] == "120.50"


def test_another_customers_account_is_404(payer_client):
    other = ServiceAccountFactory()
    assert payer_client.get(pay_url(other.pk)).status_code == 404
    assert payer_client.post(pay_url(other.pk), {"amount": "5"}).status_code == 404
    assert not OnlinePayment.objects.exists()


def test_the_pay_page_csp_allows_only_the_portal_for_the_sandbox(payer_client, payer):
    policy = payer_client.get(pay_url(payer.account.pk)).headers["Content-Security-Policy"]
    assert re.search(r"form-action 'self'(;|$)", policy)
    assert "frame-src 'none'" in policy


def test_a_bad_amount_is_explained_and_nothing_written(payer_client, payer):
    response = payer_client.post(pay_url(payer.account.pk), {"step": "review", "amount": "12.345"})
    assert response.status_code == 200
    assert "dollars and cents" in response.content.decode()
    response = payer_client.post(pay_url(payer.account.pk), {"step": "review", "amount": "9000"})
    assert "limited to $5,000.00" in response.content.decode()
    assert not OnlinePayment.objects.exists()


def test_the_fee_is_shown_as_its_own_line_before_confirming(payer_client, payer):
    # given
    set_policy("online-payment-convenience-fee", "1.95")
    # when
    first = payer_client.get(pay_url(payer.account.pk)).content.decode()
    review = payer_client.post(pay_url(payer.account.pk), {"step": "review", "amount": "40"})
    # then
    assert "$1.95" in first
    page = review.content.decode()
    assert 'data-testid="fee-line"' in page and "$1.95" in page and "$41.95" in page
    assert not OnlinePayment.objects.exists()  # nothing until the customer confirms


def test_no_fee_line_when_the_fee_is_zero(payer_client, payer):
    review = payer_client.post(pay_url(payer.account.pk), {"step": "review", "amount": "40"})
    assert 'data-testid="fee-line"' not in review.content.decode()


def test_confirm_goes_to_the_sandbox_and_its_success_comes_back_paid(payer_client, payer):
    # when the customer confirms
    response = payer_client.post(
        pay_url(payer.account.pk), {"step": "confirm", "amount": "40.00", "fee_shown": "0.00"}
    )
    # then they are sent to the processor's page
    assert response.status_code == 303
    checkout = SandboxCheckout.objects.get()
    assert response["Location"] == reverse(
        "payments:online_sandbox", kwargs={"sandbox_token": checkout.token}
    )
    # when they pay there, the processor calls back and sends them to the return page
    back = payer_client.post(response["Location"], {"outcome": "succeed"})
    payment = OnlinePayment.objects.get()
    assert payment.status == OnlinePayment.Status.SUCCEEDED  # the callback came first
    returned = payer_client.get(back["Location"])
    assert 'data-status="succeeded"' in returned.content.decode()


def test_the_return_page_before_any_answer_shows_unknown(payer_client, payer):
    response = payer_client.post(
        pay_url(payer.account.pk), {"step": "confirm", "amount": "40.00", "fee_shown": "0.00"}
    )
    back = payer_client.post(response["Location"], {"outcome": "silent"})
    page = payer_client.get(back["Location"]).content.decode()
    assert 'data-status="unknown"' in page and "do not pay again" in page


def test_a_declined_payment_says_nothing_was_charged(payer_client, payer):
    response = payer_client.post(
        pay_url(payer.account.pk), {"step": "confirm", "amount": "40.00", "fee_shown": "0.00"}
    )
    back = payer_client.post(response["Location"], {"outcome": "fail"})
    page = payer_client.get(back["Location"]).content.decode()
    assert 'data-status="failed"' in page and "Nothing was charged" in page


def test_another_customers_return_page_is_404(client, payer, make_user):
    client.force_login(payer)
    client.post(pay_url(payer.account.pk), {"step": "confirm", "amount": "5.00", "fee_shown": "0"})
    payment = OnlinePayment.objects.get()
    other = make_user(roles.CUSTOMER, username="other")
    client.force_login(other)
    url = reverse(
        "portal:pay_return",
        kwargs={"account_id": payer.account.pk, "online_payment_id": payment.pk},
    )
    assert client.get(url).status_code == 404


def test_staff_list_shows_states_and_the_review_queue(
    client, payer, make_user, django_assert_max_num_queries
):
    # given a few payments, one unknown in review
    for _ in range(3):
        client.force_login(payer)
        client.post(
            pay_url(payer.account.pk), {"step": "confirm", "amount": "5.00", "fee_shown": "0"}
        )
    OnlinePayment.objects.filter(pk=OnlinePayment.objects.order_by("pk").first().pk).update(
        status="unknown", review_since="2026-01-01T00:00:00Z"
    )
    client.force_login(make_user(roles.FINANCE, username="fin"))
    # when
    with django_assert_max_num_queries(12):
        everything = client.get(reverse("payments:online_payments"))
    review = client.get(reverse("payments:online_payments") + "?review=1")
    # then
    assert everything.status_code == 200
    assert everything.content.decode().count('data-testid="online-payment"') == 3
    assert review.content.decode().count('data-testid="online-payment"') == 1
    assert "In review since" in review.content.decode()


def test_csr_cannot_see_the_online_payments_list(client, make_user):
    client.force_login(make_user(roles.CSR_III))
    assert client.get(reverse("payments:online_payments")).status_code == 403


def test_the_sandbox_page_is_off_with_another_gateway(client, payer_client, payer, settings):
    payer_client.post(
        pay_url(payer.account.pk), {"step": "confirm", "amount": "5.00", "fee_shown": "0"}
    )
    token = SandboxCheckout.objects.get().token
    settings.PAYMENT_GATEWAY = "stripe"
    assert (
        client.get(reverse("payments:online_sandbox", kwargs={"sandbox_token": token})).status_code
        == 404
    )
