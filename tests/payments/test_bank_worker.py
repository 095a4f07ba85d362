"""The bank file upload through the real broker and a real worker: the page answers at once,
the worker imports and matches the file (CI sets REDIS_URL; elsewhere tasks run in-process)."""

import os
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from district import roles
from district.celery import app as celery_app
from district.ledger.selectors import ledger_problems
from payments.models import Bai2File, Bai2Upload, BankDeposit
from tests.payments.samples_bank import bai2_bytes, detail, make_deposit


@pytest.mark.celery_worker
@pytest.mark.xdist_group("celery-worker")
@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL is not set (CI sets it)")
@pytest.mark.django_db(transaction=True)
def test_an_uploaded_bai2_file_is_imported_and_matched_by_a_real_worker(client_for):
    # given: a deposit waiting for the bank, and the bank's file crediting it
    client = client_for(roles.FINANCE)
    deposit = make_deposit("64.00", by=client.user)
    content = bai2_bytes([detail("301", "64.00")])
    assert not celery_app.conf.task_always_eager
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        # when
        response = client.post(
            reverse("payments:bank_reconciliation"),
            {"file": SimpleUploadedFile("day.bai2", content)},
        )
        # then: the page does not wait for the import...
        assert response.status_code == 302
        # ...which the worker does (polled; a safety limit, not a timing assertion)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not Bai2File.objects.exists():
            time.sleep(0.2)
    assert Bai2File.objects.count() == 1
    deposit.refresh_from_db()
    assert deposit.status == BankDeposit.Status.MATCHED
    assert ledger_problems() == []


@pytest.mark.celery_worker
@pytest.mark.xdist_group("celery-worker")
@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL is not set (CI sets it)")
@pytest.mark.django_db(transaction=True)
def test_a_file_a_real_worker_refuses_shows_the_reason_on_its_page(client_for):
    # given a file whose control total is wrong
    client = client_for(roles.FINANCE)
    bad = bai2_bytes([detail("301", "64.00")]).replace(b"\n99,", b"\n99,1")
    assert not celery_app.conf.task_always_eager
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        # when
        response = client.post(
            reverse("payments:bank_reconciliation"),
            {"file": SimpleUploadedFile("bad.bai2", bad)},
        )
        # then the page sends to the upload's page, which the worker's verdict reaches
        upload = Bai2Upload.objects.get()
        assert response.status_code == 302
        assert response.url == reverse("payments:bank_upload", kwargs={"upload_id": upload.pk})
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and Bai2Upload.objects.filter(status="pending").exists():
            time.sleep(0.2)
    page = client.get(response.url).content.decode()
    assert "bad.bai2 was refused: Line" in page
    assert not Bai2File.objects.exists()
