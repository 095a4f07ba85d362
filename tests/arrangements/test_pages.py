import datetime
from decimal import Decimal

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from billing.arrangements.models import Arrangement
from billing.arrangements.selectors import account_panel
from district import roles
from tests.arrangements.factories import active_arrangement, owing_account

pytestmark = pytest.mark.django_db


def _future(days):
    return timezone.localdate() + datetime.timedelta(days=days)


def _arranged(count=3):
    account = owing_account("300.00", on=timezone.localdate())
    rows = [(_future(30 * n), Decimal("300.00") / count) for n in range(1, count + 1)]
    return active_arrangement(account, rows=rows, arranged_on=timezone.localdate())


def _new_url(account):
    return reverse("arrangements:new", kwargs={"account_id": account.pk})


def _detail_url(arrangement):
    return reverse("arrangements:detail", kwargs={"arrangement_id": arrangement.pk})


def test_the_account_page_shows_the_arrangement_and_its_installments(client_for):
    arrangement = _arranged()
    client = client_for(roles.CSR_I)
    response = client.get(
        reverse(
            "accounts:account_panel",
            kwargs={"account_id": arrangement.account_id, "panel_key": "payment-arrangement"},
        )
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Payment arrangement" in html
    assert "Installments of $300.00" in html
    assert _detail_url(arrangement) in html
    assert "Installments and their standing" in html


def test_the_panel_offers_a_set_up_link_to_csrs_not_finance(client_for, make_user):
    account = owing_account("50.00")
    request = RequestFactory().get("/")
    request.user = make_user(roles.CSR_I)
    assert account_panel(request, account=account)["can_set_up"] is True
    request.user = make_user(roles.FINANCE)
    assert account_panel(request, account=account)["can_set_up"] is False


def test_the_panel_takes_three_queries_however_many_installments(
    make_user, django_assert_num_queries
):
    request = RequestFactory().get("/")
    request.user = make_user(roles.CSR_II)
    request.user.has_perm(roles.Perm.EDIT_ACCOUNTS)  # warm the permission cache
    few, many = _arranged(count=2), _arranged(count=12)
    for arrangement in (few, many):
        with django_assert_num_queries(3):
            context = account_panel(request, account=arrangement.account)
        assert len(context["standing"].installments) in (2, 12)
    without = owing_account("10.00")
    with django_assert_num_queries(1):  # no arrangement: one query
        account_panel(request, account=without)


def test_a_csr2_previews_then_sets_up_an_active_arrangement(client_for):
    account = owing_account("300.00", on=timezone.localdate())
    client = client_for(roles.CSR_II)
    form = {
        "kind": "installments",
        "amount": "300",
        "count": "3",
        "first_due": _future(10).isoformat(),
        "every": "month",
        "channel": "counter",
        "idempotency_key": "page-1",
    }
    # preview
    response = client.post(_new_url(account), {**form, "preview": "1"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "The installments, $300.00 in all" in html
    assert html.count("$100.00") >= 3
    assert not Arrangement.objects.exists()
    # create
    response = client.post(_new_url(account), {**form, "create": "1"})
    arrangement = Arrangement.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _detail_url(arrangement)
    assert arrangement.status == Arrangement.Status.ACTIVE


def test_a_csr1_is_told_it_goes_to_review(client_for):
    account = owing_account("300.00")
    response = client_for(roles.CSR_I).get(_new_url(account))
    html = response.content.decode()
    assert response.status_code == 200
    assert "will go to a supervisor for review" in html


def test_errors_show_next_to_the_fields(client_for):
    account = owing_account("100.00")
    response = client_for(roles.CSR_II).post(
        _new_url(account),
        {
            "kind": "installments", "amount": "", "count": "3", "every": "month",
            "channel": "counter", "idempotency_key": "k", "preview": "1",
        },
    )  # fmt: skip
    form = response.context["form"]
    assert form.errors["amount"] == ["Enter the amount to arrange."]
    assert form.errors["first_due"] == ["Enter the first due date."]


def test_installments_by_hand_over_the_balance_are_refused_on_the_form(client_for):
    account = owing_account("100.00")
    response = client_for(roles.CSR_II).post(
        _new_url(account),
        {
            "kind": "reduced",
            "by_hand": f"{_future(5):%m/%d/%Y} 60.00\n{_future(12):%m/%d/%Y} 70.00",
            "every": "month", "channel": "phone", "idempotency_key": "k2", "create": "1",
        },
    )  # fmt: skip
    assert response.status_code == 200
    assert response.context["form"].errors["by_hand"] == [
        "The installments add up to $130.00, more than the $100.00 the account owes."
    ]
    assert not Arrangement.objects.exists()


@pytest.mark.parametrize("role", [roles.FINANCE, roles.FIELD_TECHNICIAN])
def test_the_set_up_page_refuses_other_roles(client_for, role):
    account = owing_account("100.00")
    assert client_for(role).get(_new_url(account)).status_code == 403


def test_the_arrangement_page_and_cancel(client_for):
    arrangement = _arranged()
    client = client_for(roles.CSR_II)
    response = client.get(_detail_url(arrangement))
    assert response.status_code == 200
    assert "Cancel the arrangement" in response.content.decode()
    # when
    response = client.post(
        _detail_url(arrangement), {"reason": "Paid by a relative", "channel": "phone"}
    )
    # then
    assert response.status_code == 302
    arrangement.refresh_from_db()
    assert arrangement.status == Arrangement.Status.CANCELLED


def test_a_csr1_sees_the_arrangement_but_cannot_cancel(client_for):
    arrangement = _arranged()
    client = client_for(roles.CSR_I)
    response = client.get(_detail_url(arrangement))
    assert response.status_code == 200
    assert "Cancel the arrangement" not in response.content.decode()
    response = client.post(_detail_url(arrangement), {"reason": "x", "channel": "phone"})
    assert response.status_code == 403
    arrangement.refresh_from_db()
    assert arrangement.status == Arrangement.Status.ACTIVE


def test_the_arrangement_page_refuses_a_technician(client_for):
    arrangement = _arranged()
    assert client_for(roles.FIELD_TECHNICIAN).get(_detail_url(arrangement)).status_code == 403
