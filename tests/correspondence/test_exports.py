"""Exports of customer data are logged (Gov. Code 6254.16), with phone and e-mail masked for a
role that does not see customers' contacts; the outreach labels file is logged; the log page."""

import pytest
from django.urls import reverse

from accounts.correspondence.models import DataExportLog
from accounts.correspondence.services import export_logged
from district import roles
from district.errors import ServiceError

pytestmark = pytest.mark.django_db

COLUMNS = ["account", "name", "phone", "email"]
ROWS = [["1000001-8", "Maria Lopez", "5555550123", "maria@example.org"]]


def test_an_export_is_logged_and_a_csr_sees_the_contacts(make_user):
    csr = make_user(roles.CSR_I)
    rows = export_logged(by=csr, what="Mailing list", why="Rate hearing notice", rows=ROWS,
                         columns=COLUMNS)  # fmt: skip
    assert rows == ROWS
    log = DataExportLog.objects.get()
    assert (log.by, log.what, log.why, log.row_count) == (csr, "Mailing list",
                                                          "Rate hearing notice", 1)  # fmt: skip
    assert log.columns == COLUMNS and log.masked_columns == []


def test_finance_gets_phone_and_e_mail_masked(make_user):
    finance = make_user(roles.FINANCE)
    rows = export_logged(by=finance, what="Mailing list", why="Audit", rows=ROWS, columns=COLUMNS)
    assert rows == [["1000001-8", "Maria Lopez", "***-***-0123", "m***@example.org"]]
    assert DataExportLog.objects.get().masked_columns == ["phone", "email"]


def test_an_export_says_what_and_why(make_user):
    with pytest.raises(ServiceError) as refused:
        export_logged(by=make_user(roles.CSR_I), what="List", why=" ", rows=ROWS, columns=COLUMNS)
    assert refused.value.messages == [
        "An export of customer data says what it is and why it is made."
    ]
    assert not DataExportLog.objects.exists()


def test_the_outreach_labels_file_is_logged(client_for):
    client = client_for(roles.CSR_III)
    response = client.get(reverse("accounts:program_outreach_labels"))
    assert response.status_code == 200
    log = DataExportLog.objects.get()
    assert log.by == client.user and log.what.startswith("Outreach mailing labels")
    assert log.row_count == 0 and log.columns[0] == "name"


@pytest.mark.parametrize(
    ("role", "status"), [(roles.SUPERVISOR, 200), (roles.CSR_III, 403), (roles.FINANCE, 403)]
)
def test_the_export_log_page_is_the_supervisors(client_for, make_user, role, status):
    export_logged(by=make_user(roles.CSR_I), what="Mailing list", why="Rate hearing",
                  rows=ROWS, columns=COLUMNS)  # fmt: skip
    response = client_for(role).get(reverse("correspondence:export_log"))
    assert response.status_code == status
    if status == 200:
        assert "Rate hearing" in response.content.decode()
