"""A BAI2 upload is stored first and its import task takes only the upload's id; the outcome
(pending, imported, refused with the reason) is on the upload's page wherever the task ran."""

from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from district import roles
from payments.bank import tasks
from payments.bank.uploads import bai2_upload_import, bai2_upload_store
from payments.models import Bai2File, Bai2Transaction, Bai2Upload, BankDeposit
from tests.payments.samples_bank import bai2_bytes, detail, finance_user, make_deposit

pytestmark = pytest.mark.django_db
URL = "/payments/bank/"


def _upload(client, name, content):
    return client.post(
        reverse("payments:bank_reconciliation"), {"file": SimpleUploadedFile(name, content)}
    )


def test_the_upload_is_stored_and_the_task_gets_only_its_id(client_for):
    # given a worker that has not run yet (the task is only queued)
    client = client_for(roles.FINANCE)
    content = bai2_bytes([detail("301", "64.00")])
    with mock.patch.object(tasks.bank_bai2_upload_import, "delay") as queued:
        # when
        response = _upload(client, "day.bai2", content)
    # then the bytes are kept, the broker carries the id, and the page says it waits
    upload = Bai2Upload.objects.get()
    queued.assert_called_once_with(upload.pk)
    assert bytes(upload.content) == content and upload.size == len(content)
    assert upload.status == Bai2Upload.Status.PENDING and upload.uploaded_by == client.user
    assert not Bai2File.objects.exists()
    page_url = reverse("payments:bank_upload", kwargs={"upload_id": upload.pk})
    assert response.status_code == 302 and response.url == page_url
    page = client.get(page_url)
    assert "Waiting to be imported" in page.content.decode()
    assert 'hx-trigger="every 2s"' in page.content.decode()


def test_a_file_a_worker_refuses_shows_the_reason_on_its_page(client_for):
    # given a bad file queued for a worker
    client = client_for(roles.FINANCE)
    bad = bai2_bytes([detail("301", "64.00")]).replace(b"\n99,", b"\n99,1")
    with mock.patch.object(tasks.bank_bai2_upload_import, "delay"):
        _upload(client, "bad.bai2", bad)
    upload = Bai2Upload.objects.get()
    # when the worker runs the task (by the id, as the broker hands it over)
    status = tasks.bank_bai2_upload_import.apply(args=(upload.pk,)).get()
    # then
    assert status == Bai2Upload.Status.REFUSED
    upload.refresh_from_db()
    assert upload.refusal.startswith("bad.bai2 was refused: Line")
    assert not Bai2Transaction.objects.exists() and not Bai2File.objects.exists()
    url = reverse("payments:bank_upload", kwargs={"upload_id": upload.pk})
    page = client.get(url).content.decode()
    assert "Refused" in page and "bad.bai2 was refused: Line" in page
    assert 'hx-trigger="every 2s"' not in page
    fragment = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "bad.bai2 was refused: Line" in fragment and "<html" not in fragment
    listing = client.get(reverse("payments:bank_reconciliation")).content.decode()
    assert "bad.bai2 was refused: Line" in listing


def test_a_file_a_worker_imports_links_to_the_file(client_for):
    # given a deposit waiting for the bank, and its file queued for a worker
    client = client_for(roles.FINANCE)
    deposit = make_deposit("64.00", by=client.user)
    with mock.patch.object(tasks.bank_bai2_upload_import, "delay"):
        _upload(client, "day.bai2", bai2_bytes([detail("301", "64.00")]))
    upload = Bai2Upload.objects.get()
    # when
    tasks.bank_bai2_upload_import.apply(args=(upload.pk,))
    # then
    upload.refresh_from_db()
    deposit.refresh_from_db()
    assert upload.status == Bai2Upload.Status.IMPORTED and upload.file is not None
    assert deposit.status == BankDeposit.Status.MATCHED
    page = client.get(reverse("payments:bank_upload", kwargs={"upload_id": upload.pk}))
    assert (
        reverse("payments:bank_file", kwargs={"file_id": upload.file_id}) in page.content.decode()
    )


def test_an_upload_imported_twice_is_imported_once(role_groups):
    # given
    by = finance_user()
    upload = bai2_upload_store(
        content=bai2_bytes([detail("301", "20.00")]), file_name="twice.bai2", by=by
    )
    # when a redelivered task runs again
    first = bai2_upload_import(upload_id=upload.pk)
    again = bai2_upload_import(upload_id=upload.pk)
    # then
    assert first.status == again.status == Bai2Upload.Status.IMPORTED
    assert again.finished_at == first.finished_at
    assert Bai2File.objects.count() == 1 and Bai2Transaction.objects.count() == 1


def test_only_finance_stores_uploads(make_user):
    # when / then
    with pytest.raises(Exception, match="does not allow"):
        bai2_upload_store(content=b"01,", file_name="x.bai2", by=make_user(roles.CSR_III))
    assert not Bai2Upload.objects.exists()


def test_in_process_a_refusal_is_shown_next_to_the_field(client_for):
    # given tasks run in this process (no worker)
    client = client_for(roles.FINANCE)
    bad = bai2_bytes([detail("301", "64.00")]).replace(b"\n99,", b"\n99,1")
    # when
    response = _upload(client, "bad.bai2", bad)
    # then
    assert response.status_code == 200
    assert "bad.bai2 was refused: Line" in response.content.decode()
    assert Bai2Upload.objects.get().status == Bai2Upload.Status.REFUSED


def test_an_upload_page_of_no_upload_is_404(client_for):
    assert client_for(roles.FINANCE).get("/payments/bank/uploads/999999/").status_code == 404
