"""Write-off pages: who sees them, the form per proposal, the agency files, the account panel."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from billing.writeoffs import selectors
from billing.writeoffs.agency import agency_export_create
from billing.writeoffs.models import WriteOff
from billing.writeoffs.services import writeoff_post
from district import roles
from district.ledger.selectors import account_balance
from tests.writeoffs.factories import ended_account, set_policy

pytestmark = pytest.mark.django_db

PROPOSALS = reverse("writeoffs:proposals")
LIST = reverse("writeoffs:list")
EXPORTS = reverse("writeoffs:exports")


@pytest.fixture(autouse=True)
def _setup(monkeypatch):
    set_policy("write-off-limit", "500.00")
    # Arrangements answer without a query here, whether or not that area is built yet.
    monkeypatch.setattr(selectors, "ARRANGEMENTS_SELECTORS", "billing.arrangements.not_there")


def _old_due(days=200) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


@pytest.mark.parametrize(
    ("role", "proposals", "exports"),
    [
        (roles.CSR_I, 403, 403),
        (roles.CSR_II, 403, 403),
        (roles.CSR_III, 200, 403),
        (roles.SUPERVISOR, 200, 200),
        (roles.FINANCE, 200, 403),
        (roles.FIELD_TECHNICIAN, 403, 403),
    ],
)
def test_pages_open_for_the_right_roles(client_for, role, proposals, exports):
    client = client_for(role)

    assert client.get(PROPOSALS).status_code == proposals
    assert client.get(LIST).status_code == proposals
    assert client.get(EXPORTS).status_code == exports


def test_finance_sees_the_proposals_without_the_form(client_for):
    account = ended_account(due=_old_due())

    page = client_for(roles.FINANCE).get(PROPOSALS).content.decode()

    assert account.formatted_number in page
    assert "Write off</button>" not in page


def test_the_lead_proposes_from_the_list(client_for):
    # given an old balance on the proposals page
    account = ended_account(due=_old_due())
    client = client_for(roles.CSR_III)
    page = client.get(PROPOSALS).content.decode()
    assert 'value="120.00"' in page  # the amount defaults to the balance

    # when the lead writes it off
    response = client.post(
        PROPOSALS, {"account_id": account.pk, "amount": "120.00", "reason": "Moved, no address"}
    )

    # then it is proposed for a supervisor, and leaves the list
    assert response.status_code == 302
    write_off = WriteOff.objects.get(account=account)
    assert write_off.status == WriteOff.Status.PROPOSED
    assert write_off.reason == "Moved, no address"
    assert "Write off</button>" not in client.get(PROPOSALS).content.decode()


def test_a_missing_reason_is_shown_on_the_row(client_for):
    account = ended_account(due=_old_due())
    client = client_for(roles.SUPERVISOR)

    response = client.post(PROPOSALS, {"account_id": account.pk, "amount": "120.00", "reason": ""})

    assert response.status_code == 200
    assert "Say why the balance cannot be collected." in response.content.decode()
    assert not WriteOff.objects.exists()
    assert account_balance(account.pk) == Decimal("120.00")


def test_a_supervisor_writes_off_from_the_list(client_for):
    account = ended_account(due=_old_due())
    client = client_for(roles.SUPERVISOR)

    client.post(PROPOSALS, {"account_id": account.pk, "amount": "120", "reason": "Skipped"})

    assert WriteOff.objects.get(account=account).status == WriteOff.Status.POSTED
    assert account_balance(account.pk) == Decimal("0.00")


def test_the_proposals_page_queries_do_not_grow_with_rows(
    client_for, django_assert_max_num_queries
):
    client = client_for(roles.SUPERVISOR)
    for day in range(3):
        ended_account(due=_old_due(200 + day))
    with django_assert_max_num_queries(14) as few:
        client.get(PROPOSALS)
    for day in range(9):
        ended_account(due=_old_due(300 + day))

    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(PROPOSALS).content.decode()

    assert page.count("Write off</button>") == 12


def test_the_write_offs_list_shows_the_agency_state(client_for, make_user):
    supervisor = make_user(roles.SUPERVISOR)
    sent = ended_account(due=_old_due())
    writeoff_post(account=sent, amount="120.00", by=supervisor, reason="Skipped")
    export = agency_export_create(by=supervisor)
    waiting = ended_account(due=_old_due(), owed="80.00")
    writeoff_post(account=waiting, amount="80.00", by=supervisor, reason="Skipped")

    page = client_for(roles.FINANCE).get(LIST).content.decode()

    assert f"Sent in file {export.pk} on" in page
    assert "Not sent yet" in page


def test_the_agency_page_makes_and_downloads_the_file(client_for):
    client = client_for(roles.SUPERVISOR)
    account = ended_account(due=_old_due())
    writeoff_post(account=account, amount="120.00", by=client.user, reason="Skipped")
    assert "1 posted write-off not sent yet" in client.get(EXPORTS).content.decode()

    response = client.post(EXPORTS)

    assert response.status_code == 302
    export = WriteOff.objects.get().agency_export
    page = client.get(EXPORTS).content.decode()
    assert f"Download file {export.pk} (CSV)" in page
    download = client.get(reverse("writeoffs:export_download", kwargs={"export_id": export.pk}))
    assert download["Content-Type"] == "text/csv; charset=utf-8"
    assert download["Content-Disposition"] == f'attachment; filename="{export.filename}"'
    assert download.content.decode() == export.content
    # the same bytes later
    again = client.get(reverse("writeoffs:export_download", kwargs={"export_id": export.pk}))
    assert again.content == download.content


def test_the_account_page_shows_its_write_offs(client_for, make_user):
    account = ended_account(due=_old_due())
    writeoff_post(account=account, amount="120.00", by=make_user(roles.SUPERVISOR), reason="Gone")

    page = (
        client_for(roles.CSR_I)
        .get(
            reverse(
                "accounts:account_panel",
                kwargs={"account_id": account.pk, "panel_key": "write-offs"},
            )
        )
        .content.decode()
    )

    assert "Write-offs" in page
    assert f"Write-offs of account {account.formatted_number}" in page
    assert "$120.00" in page and "Gone" in page


def test_the_approver_sees_the_write_off_described_and_approves_it(client_for, make_user):
    # given a write-off over the limit, waiting for a second supervisor
    account = ended_account(due=_old_due(), owed="620.00")
    write_off = writeoff_post(
        account=account, amount="620.00", by=make_user(roles.SUPERVISOR), reason="Skipped"
    )
    client = client_for(roles.SUPERVISOR)
    url = reverse("approvals:detail", kwargs={"request_id": write_off.approval_request_id})

    # when another supervisor opens the request
    page = client.get(url).content.decode()

    # then it names the write-off, the account and what it owes
    assert (
        f"Write-off {write_off.pk} of account {account.formatted_number} "
        f"({account.customer.display_name}, owing $620.00)"
    ) in page


def test_finance_posting_the_form_is_refused(client_for):
    account = ended_account(due=_old_due())

    response = client_for(roles.FINANCE).post(
        PROPOSALS, {"account_id": account.pk, "amount": "120.00", "reason": "Skipped"}
    )

    assert response.status_code == 200
    assert "Your role does not allow you to propose write-offs." in response.content.decode()
    assert not WriteOff.objects.exists()
    assert account_balance(account.pk) == Decimal("120.00")
