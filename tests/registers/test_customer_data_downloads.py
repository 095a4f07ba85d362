"""Downloads of registers holding customer data ask why and are logged (Gov. Code 6254.16),
with the contacts masked for a role that does not talk to customers; registers without
customer data download as before, unlogged."""

import pytest
from django.urls import reverse

from accounts.correspondence.models import DataExportLog
from accounts.models import Customer
from district import roles
from district.registers.definitions import (
    ACCOUNT_DATA,
    PHONE,
    REGISTERS,
    TEXT,
    Column,
    Register,
    fill,
)
from hydrants.permits.services import meter_issue
from hydrants.registers import HYDRANT_METERS_OUT
from tests import factories
from tests.hydrants.builders import paid_permit, stocked_meter

pytestmark = pytest.mark.django_db


def _meter_out(make_user):
    """A meter out on a permit whose contractor's phone is (951) 555-0123."""
    csr, supervisor = make_user(roles.CSR_II), make_user(roles.SUPERVISOR)
    issue = meter_issue(
        permit=paid_permit(csr, supervisor),
        meter=stocked_meter(serial="HM-88001"),
        start_read="10",
        accessories=[],
        received_by_name="Pat Doe",
        acknowledged=True,
        by=csr,
    )
    Customer.objects.filter(pk=issue.permit.account.customer_id).update(phone="9515550123")
    return issue


def test_a_download_of_customer_data_asks_why_and_writes_nothing_without_it(client_for, make_user):
    # given
    _meter_out(make_user)
    client = client_for(roles.SUPERVISOR)
    # when
    response = client.get(reverse("registers:hydrant-meters-out_csv"), {"purpose": "  "})
    # then: the page again, asking why; no file, no log
    html = response.content.decode()
    assert response["Content-Type"].startswith("text/html")
    assert "Say why you download customer data (the export log keeps it)." in html
    assert 'aria-invalid="true"' in html
    assert not DataExportLog.objects.exists()


def test_the_download_is_logged_with_who_what_and_why(client_for, make_user):
    # given
    _meter_out(make_user)
    client = client_for(roles.SUPERVISOR)
    # when
    response = client.get(
        reverse("registers:hydrant-meters-out_xlsx"),
        {"out_at_least": "0", "purpose": "Hydrant meter recovery"},
    )
    # then
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd")
    log = DataExportLog.objects.get()
    assert (log.by, log.why, log.row_count) == (client.user, "Hydrant meter recovery", 1)
    assert log.what.startswith("Hydrant meters out (XLSX): Hydrant meters out as of ")
    assert "contractor_phone" in log.columns and log.masked_columns == []


def test_finance_gets_the_contractor_phone_masked_in_every_format(client_for, make_user):
    # given
    _meter_out(make_user)
    client = client_for(roles.FINANCE)
    # when
    page = client.get(reverse("registers:hydrant-meters-out"))
    csv = client.get(reverse("registers:hydrant-meters-out_csv"), {"purpose": "Deposits audit"})
    # then: the account number is Finance's to see, the phone is not
    body = csv.content.decode()
    assert "***-***-0123" in body and "555-0123" not in body.replace("***-***-0123", "")
    assert "***-***-0123" in page.content.decode()
    assert "(951) 555-0123" not in page.content.decode()
    log = DataExportLog.objects.get()
    assert (log.by, log.masked_columns) == (client.user, ["contractor_phone"])


def test_a_supervisor_sees_the_phone(make_user):
    # given
    _meter_out(make_user)
    table = fill(HYDRANT_METERS_OUT, {"out_at_least": None})
    # when
    supervisor_view, masked = table.masked_for(make_user(roles.SUPERVISOR))
    finance_view, finance_masked = table.masked_for(make_user(roles.FINANCE))
    # then
    assert (supervisor_view.rows[0]["contractor_phone"], masked) == ("(951) 555-0123", [])
    assert finance_view.rows[0]["contractor_phone"] == "***-***-0123"
    assert finance_masked == ["contractor_phone"]
    assert finance_view.rows[0]["account"] == table.rows[0]["account"]


def test_the_page_asks_the_purpose_beside_the_downloads(client_for):
    # given
    factories.ServiceAccountFactory()
    # when
    html = client_for(roles.FINANCE).get(reverse("registers:deposits-held")).content.decode()
    # then
    assert '<label class="form-label" for="download-purpose">Why you download it</label>' in html
    assert 'formaction="/registers/deposits-held.pdf"' in html


def test_registers_without_customer_data_download_unlogged(client_for):
    # given
    client = client_for(roles.FINANCE)
    # when
    responses = [
        client.get(reverse(name), params)
        for name, params in (
            ("registers:aging-trend_csv", {"months": 6}),
            ("registers:billing_xlsx", {}),
            ("registers:work-order-backlog_csv", {}),
        )
    ]
    # then
    assert [response.status_code for response in responses] == [200, 200, 200]
    assert not responses[0]["Content-Type"].startswith("text/html")
    assert not DataExportLog.objects.exists()
    html = client.get(reverse("registers:aging-trend")).content.decode()
    assert "download-purpose" not in html


def test_the_registers_naming_customers_declare_it():
    # Every register column that names a customer or an account says so, so its downloads
    # are logged; a new register holding customer data must mark its columns the same way.
    marked = {
        register.slug: sorted(
            column.key
            for column in register.columns_for({})
            if not callable(register.columns) and column.customer_data
        )
        for register in REGISTERS.entries()
        if not callable(register.columns)
    }
    assert marked["deposits-held"] == ["account", "customer"]
    assert marked["adjustments-refunds"] == ["account"]
    assert marked["hydrant-meters-out"] == ["account", "contractor", "contractor_phone"]
    assert marked["aging-trend"] == []


def test_customer_data_is_text_of_a_known_kind():
    with pytest.raises(ValueError):
        Column("Phone", "phone", customer_data="shoe size")
    assert Column("Phone", "phone", TEXT, customer_data=PHONE).customer_data == PHONE
    table = fill(
        Register(
            slug="sample",
            title="Sample",
            columns=(Column("Account", "account", customer_data=ACCOUNT_DATA),),
            rows=lambda filters: [{"account": "1000001-8"}],
        ),
        {},
    )
    assert [column.key for column in table.customer_columns] == ["account"]
