"""manage.py import_ach_returns, and the pages by role."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from district import roles
from payments.autopay.returns import ach_returns_import
from payments.models import AchChangeNotice, AchDraft, AchReturnFile
from tests.factories import ServiceAccountFactory
from tests.payments.autopay_returns.builders import (
    changed,
    draft_paid,
    enrolment_for,
    return_bytes,
    returned,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead(make_user):
    return make_user(roles.CSR_III, username="lead")


@pytest.fixture
def draft(lead):
    return draft_paid(enrolment_for(ServiceAccountFactory(), lead), lead, "42.13")


def test_command_imports_and_reimports_nothing(tmp_path, draft, lead):
    path = tmp_path / "returns.ach"
    path.write_bytes(return_bytes([returned(draft.trace_number, "R01", 4_213)]))
    out = io.StringIO()
    call_command("import_ach_returns", str(path), "--by", "lead", stdout=out)
    assert out.getvalue().startswith(
        "returns.ach: 1 return(s) applied, $25.00 in fees, 0 autopay suspended"
    )
    draft.refresh_from_db()
    assert draft.status == AchDraft.Status.RETURNED
    again = io.StringIO()
    call_command("import_ach_returns", str(path), stdout=again)
    assert again.getvalue() == "returns.ach was already imported: nothing done.\n"


def test_command_exits_1_on_a_bad_file(tmp_path, draft):
    records = return_bytes([returned(draft.trace_number, "R01", 4_213)]).decode().split("\n")
    records[4] = records[4][:10] + "0000000001" + records[4][20:]
    path = tmp_path / "bad.ach"
    path.write_text("\n".join(records))
    with pytest.raises(CommandError, match="line 5: the batch control") as refused:
        call_command("import_ach_returns", str(path))
    assert refused.value.returncode == 1
    assert not AchReturnFile.objects.exists()


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (roles.CSR_II, 403),
        (roles.CSR_III, 200),
        (roles.FINANCE, 200),
        (roles.FIELD_TECHNICIAN, 403),
    ],
)
def test_import_page_by_role(client_for, role, status):
    assert client_for(role).get(reverse("payments:ach_returns_import")).status_code == status


def test_upload_shows_the_result(client_for, draft):
    client = client_for(roles.CSR_III)
    upload = SimpleUploadedFile(
        "returns.ach", return_bytes([returned(draft.trace_number, "R02", 4_213)])
    )
    response = client.post(reverse("payments:ach_returns_import"), {"file": upload}, follow=True)
    page = response.content.decode()
    assert "1 return(s) applied, $25.00 in fees, 1 autopay suspended" in page
    assert "R02 (Account closed): the draft of bill" in page


def test_a_bad_upload_shows_the_line(client_for, draft):
    client = client_for(roles.CSR_III)
    records = return_bytes([returned(draft.trace_number, "R01", 4_213)]).decode().split("\n")
    records[4] = records[4][:10] + "0000000001" + records[4][20:]
    upload = SimpleUploadedFile("bad.ach", "\n".join(records).encode())
    response = client.post(reverse("payments:ach_returns_import"), {"file": upload})
    assert response.status_code == 200
    assert (
        "line 5: the batch control (batch of line 2) says entry hash" in response.content.decode()
    )
    assert not AchReturnFile.objects.exists()


def _pending_notice(draft, lead) -> AchChangeNotice:
    ach_returns_import(
        content=return_bytes(changes=[changed(draft.trace_number, "C01", "98765432101")]),
        file_name="noc.ach",
        by=lead,
    )
    return AchChangeNotice.objects.get(enrolment__drafts=draft)


@pytest.mark.parametrize(
    ("role", "status"), [(roles.CSR_I, 200), (roles.FINANCE, 403), (roles.SUPERVISOR, 200)]
)
def test_change_queue_by_role(client_for, role, status, draft, lead, django_assert_max_num_queries):
    _pending_notice(draft, lead)
    other = draft_paid(enrolment_for(ServiceAccountFactory(), lead), lead)
    _pending_notice(other, lead)
    client = client_for(role)
    with django_assert_max_num_queries(9):  # the same for one notice or many
        response = client.get(reverse("payments:ach_change_queue"))
    assert response.status_code == status
    if status == 200:
        assert "Incorrect account number: account ****2101" in response.content.decode()


def test_confirm_and_decline_from_the_queue(client_for, draft, lead):
    notice = _pending_notice(draft, lead)
    finance = client_for(roles.FINANCE)
    url = reverse("payments:ach_change_confirm", kwargs={"ach_change_notice_id": notice.pk})
    assert finance.post(url).status_code == 403
    clerk = client_for(roles.CSR_I)
    clerk.post(url)
    notice.refresh_from_db()
    assert notice.is_confirmed and notice.decided_by == clerk.user


def test_account_panel_shows_the_history(client_for, draft, lead):
    _pending_notice(draft, lead)
    client = client_for(roles.CSR_I)
    account = draft.enrolment.account
    page = client.get(
        reverse(
            "accounts:account_panel", kwargs={"account_id": account.pk, "panel_key": "ach_returns"}
        )
    )
    assert "ACH returns" in page.content.decode()
    assert "C01 (Incorrect account number): waiting for a CSR" in page.content.decode()
