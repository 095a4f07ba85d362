"""Autopay pages: the account panel, the CSR's enrolment, the ACH files (finance), and the
customer's own page (another customer's account is 404); the bank number always masked."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from district import roles
from payments.autopay import crypto
from payments.autopay.drafting import autopay_draft_run
from payments.models import AutopayEnrolment
from portal.models import AccountLink
from tests.factories import ServiceAccountFactory
from tests.payments.autopay.helpers import THURSDAY, WEDNESDAY, bill_due, enrol, make_active

pytestmark = pytest.mark.django_db
DIGITS = "123456789"  # of the sample bank account 000123456789


@pytest.fixture
def customer(client, make_user):
    user = make_user(roles.CUSTOMER)
    account = ServiceAccountFactory()
    AccountLink.objects.create(user=user, service_account=account, method="staff")
    client.force_login(user)
    client.account = account
    client.user = user
    return client


def test_the_account_panel_shows_the_enrolment_masked(client_for, make_user):
    account = ServiceAccountFactory()
    enrolment = make_active(enrol(account, make_user(roles.CSR_I)))
    bill_due(account, "80.00", THURSDAY)
    autopay_draft_run(today=WEDNESDAY, by=make_user(roles.CSR_I))
    client = client_for(roles.CSR_I)

    html = client.get(
        reverse("accounts:account_panel", args=[account.pk, "autopay"])
    ).content.decode()

    assert 'data-testid="autopay-panel"' in html
    assert "****6789" in html and DIGITS not in html
    assert "Active since 11/02/2026" in html
    assert "$80.00" in html
    assert reverse("payments:autopay_cancel", args=[enrolment.pk]) in html


def test_a_csr_enrols_from_the_signed_form(client_for):
    account = ServiceAccountFactory()
    client = client_for(roles.CSR_I)
    url = reverse("payments:autopay_enrol", args=[account.pk])
    page = client.get(url)
    assert page.status_code == 200
    response = client.post(
        url,
        {
            "holder_name": "Dana Ruiz",
            "routing_number": "231380104",
            "account_number": "000123456789",
            "account_type": "checking",
            "signed_form": SimpleUploadedFile("f.pdf", b"%PDF-1.4 x", "application/pdf"),
        },
        follow=True,
    )
    enrolment = AutopayEnrolment.objects.get(account=account)
    assert enrolment.entry_class == "PPD" and enrolment.is_pending_prenote
    assert enrolment.signed_form.name.startswith(f"autopay_forms/{account.pk}/")
    html = response.content.decode()
    assert "****6789" in html and DIGITS not in html


def test_the_enrol_form_shows_a_wrong_routing_number(client_for):
    client = client_for(roles.CSR_I)
    response = client.post(
        reverse("payments:autopay_enrol", args=[ServiceAccountFactory().pk]),
        {
            "holder_name": "Dana Ruiz",
            "routing_number": "231380105",
            "account_number": "000123456789",
            "account_type": "checking",
            "signed_form": SimpleUploadedFile("f.pdf", b"%PDF-1.4 x", "application/pdf"),
        },
    )
    assert response.status_code == 200
    assert "fails its check digit (the last digit should be 4)" in response.content.decode()
    assert DIGITS not in response.content.decode()  # the number typed is not echoed back
    assert not AutopayEnrolment.objects.exists()


@pytest.mark.parametrize(
    ("role", "status"),
    [(roles.FINANCE, 200), (roles.CSR_I, 403), (roles.CSR_III, 403), (roles.FIELD_TECHNICIAN, 403)],
)
def test_ach_files_are_finance_pages(client_for, make_user, role, status):
    account = ServiceAccountFactory()
    make_active(enrol(account, make_user(roles.CSR_I)))
    bill_due(account, "80.00", THURSDAY)
    record = autopay_draft_run(today=WEDNESDAY, by=make_user(roles.CSR_I)).file
    client = client_for(role)
    listing = client.get(reverse("payments:ach_files"))
    download = client.get(reverse("payments:ach_file_download", args=[record.pk]))
    assert (listing.status_code, download.status_code) == (status, status)
    if status == 200:
        assert DIGITS not in listing.content.decode()
        assert download.content == crypto.decrypt_bytes(record.content)
        assert "no-store" in download["Cache-Control"]


@pytest.mark.parametrize("role", [roles.FINANCE, roles.FIELD_TECHNICIAN])
def test_only_account_editors_open_the_enrol_form(client_for, role):
    client = client_for(role)
    response = client.get(reverse("payments:autopay_enrol", args=[ServiceAccountFactory().pk]))
    assert response.status_code == 403


def test_the_customer_enrols_their_own_account_online(customer):
    url = reverse("payments:portal_autopay") + f"?account={customer.account.pk}"
    assert customer.get(url).status_code == 200
    response = customer.post(
        url,
        {
            "holder_name": "Maria Lopez",
            "routing_number": "231380104",
            "account_number": "000123456789",
            "account_type": "savings",
            "agree": "on",
        },
        follow=True,
    )
    enrolment = AutopayEnrolment.objects.get(account=customer.account)
    assert (enrolment.entry_class, enrolment.authorized_by) == ("WEB", customer.user)
    assert enrolment.authorized_ip == "127.0.0.1"
    html = response.content.decode()
    assert "****6789" in html and DIGITS not in html

    customer.post(reverse("payments:portal_autopay_cancel"), {"account": customer.account.pk})
    enrolment.refresh_from_db()
    assert enrolment.is_cancelled


def test_another_customers_account_is_404(customer):
    other = ServiceAccountFactory()
    url = reverse("payments:portal_autopay") + f"?account={other.pk}"
    assert customer.get(url).status_code == 404
    form = {
        "holder_name": "X", "routing_number": "231380104", "account_number": "12345678",
        "account_type": "checking", "agree": "on",
    }  # fmt: skip
    assert customer.post(url, form).status_code == 404
    cancel = customer.post(reverse("payments:portal_autopay_cancel"), {"account": other.pk})
    assert cancel.status_code == 404
    assert not AutopayEnrolment.objects.exists()


def test_staff_do_not_open_the_customer_page(client_for):
    assert client_for(roles.CSR_I).get(reverse("payments:portal_autopay")).status_code == 403


def test_the_signed_form_is_served_to_staff_only_through_its_page(client_for, make_user):
    enrolment = enrol(ServiceAccountFactory(), make_user(roles.CSR_I))
    url = reverse("payments:autopay_signed_form", args=[enrolment.pk])
    response = client_for(roles.CSR_I).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-1.4")
    assert client_for(roles.FIELD_TECHNICIAN).get(url).status_code == 403


def test_the_files_page_reads_in_a_fixed_number_of_queries(
    client_for, make_user, django_assert_max_num_queries
):
    csr = make_user(roles.CSR_I)
    for number in ("11112222", "33334444", "55556666"):
        account = ServiceAccountFactory()
        make_active(enrol(account, csr, number=number))
        bill_due(account, "10.00", THURSDAY)
    autopay_draft_run(today=WEDNESDAY, by=csr)
    enrol(ServiceAccountFactory(), csr)
    from payments.autopay.drafting import prenotes_send

    prenotes_send(on=WEDNESDAY, by=csr)
    client = client_for(roles.FINANCE)
    with django_assert_max_num_queries(12):
        html = client.get(reverse("payments:ach_files")).content.decode()
    assert html.count("Download") == 2


def test_the_customer_page_lists_accounts_in_a_fixed_number_of_queries(
    customer, make_user, django_assert_max_num_queries
):
    csr = make_user(roles.CSR_I)
    for _ in range(3):
        account = ServiceAccountFactory(customer=customer.account.customer)
        AccountLink.objects.create(user=customer.user, service_account=account, method="staff")
        enrol(account, csr)
    with django_assert_max_num_queries(10):
        html = customer.get(reverse("payments:portal_autopay")).content.decode()
    assert html.count("****6789") == 3 and DIGITS not in html
    home = customer.get("/", follow=True).content.decode()
    assert "payments/autopay" in home or reverse("payments:portal_autopay") in home
