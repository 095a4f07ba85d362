"""Finance researches payments: it finds an account and sees its money, not how to reach the
customer nor what they told us (Gov. Code 6254.16), and it edits nothing."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.models import Customer
from district import roles
from district.services import roles_sync
from tests import factories


@pytest.fixture
def account(db):
    customer = factories.CustomerFactory(
        phone="5305550142",
        email="maria.lopez@example.org",
        mailing_line1="PO Box 77",
        mailing_city="Quincy",
        mailing_state="CA",
        mailing_zip="95971",
    )
    return factories.ServiceAccountFactory(customer=customer)


def test_finance_finds_an_account_and_sees_its_page_without_contact_details(client_for, account):
    # given Finance signed in
    client = client_for(roles.FINANCE)

    # when it searches by account number and opens the account
    found = client.get(reverse("accounts:search"), {"q": account.formatted_number, "list": 1})
    page = client.get(reverse("accounts:account_detail", args=[account.pk]))

    # then the account is there, but not the phone, e-mail or mailing address
    assert found.status_code == page.status_code == 200
    assert account.formatted_number in found.content.decode()
    html = page.content.decode()
    assert account.formatted_number in html
    for private in ("555-0142", "5305550142", "maria.lopez@example.org", "PO Box 77"):
        assert private not in html
    assert reverse("accounts:customer_detail", args=[account.customer_id]) not in html


def test_counter_staff_still_see_the_contact_details(client_for, account):
    # given a CSR I
    client = client_for(roles.CSR_I)

    # when
    page = client.get(reverse("accounts:account_detail", args=[account.pk]))

    # then the customer panel shows how to reach the customer
    html = page.content.decode()
    assert "maria.lopez@example.org" in html
    assert "PO Box 77" in html


def test_finance_is_refused_the_customer_record_contact_log_cases_and_customer_history(
    client_for, account
):
    # given Finance signed in
    client = client_for(roles.FINANCE)
    pages = {
        "customer": reverse("accounts:customer_detail", args=[account.customer_id]),
        "contacts": reverse("accounts:account_contacts", args=[account.pk]),
        "cases": reverse("accounts:case_queue"),
        "reception": reverse("accounts:reception"),
        "customer history": reverse("history", args=["customer", account.customer_id]),
    }

    # when it opens each
    answers = {name: client.get(url).status_code for name, url in pages.items()}

    # then each is refused, while the account's own history (money, status) opens
    assert answers == dict.fromkeys(pages, 403)
    account_history = client.get(reverse("history", args=["account", account.pk]))
    assert account_history.status_code == 200


def test_finance_cannot_edit_a_customer(client_for, account):
    # given Finance signed in
    client = client_for(roles.FINANCE)

    # when it posts an edit
    response = client.post(
        reverse("accounts:customer_edit", args=[account.customer_id]),
        {"first_name": "Changed", "last_name": "Name"},
    )

    # then it is refused and nothing was written
    assert response.status_code == 403
    assert Customer.objects.get(pk=account.customer_id).first_name != "Changed"


def test_sync_roles_regroups_an_existing_install_as_roles_py_says(db):
    # given groups as they stood before: the technician with the account-viewing permission,
    # and nobody with the two new permissions
    roles_sync()
    field = Group.objects.get(name="field")
    field.permissions.add(_permission("view_accounts"))
    for group in Group.objects.all():
        group.permissions.remove(_permission("view_customer_contacts"))
        group.permissions.remove(_permission("view_work_orders"))

    # when roles are synced (an upgrade runs `manage.py sync_roles` after `migrate`)
    roles_sync()

    # then every staff group holds exactly what district/roles.py grants
    for role in roles.STAFF_ROLES:
        group = Group.objects.get(name=role.name)
        held = {
            f"district.{codename}"
            for codename in group.permissions.values_list("codename", flat=True)
        }
        assert held == set(role.permissions), role.name


def _permission(codename):
    return apps.get_model("auth", "Permission").objects.get(
        content_type__app_label="district", codename=codename
    )
