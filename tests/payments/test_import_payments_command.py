"""manage.py import_payments: a lockbox file imported from the command line into a posted
batch through the import service; a refused file exits with status 1 and writes nothing."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from district import roles
from district.ledger.selectors import account_balance
from payments.models import BatchItem, PaymentBatch
from tests.factories import ServiceAccountFactory
from tests.payments.lockbox_bai_samples import batch_block, detail, transmission

pytestmark = pytest.mark.django_db


@pytest.fixture
def head_cashier(make_user):
    return make_user(roles.CSR_III, username="head-cashier")


def _import(path, *extra):
    out = StringIO()
    call_command("import_payments", "lockbox-bai", str(path), *extra, stdout=out)
    return out.getvalue()


def test_lockbox_file_is_imported_into_a_posted_batch(tmp_path, head_cashier):
    # given
    first, second = ServiceAccountFactory(), ServiceAccountFactory()
    path = tmp_path / "lbx-1204.txt"
    path.write_bytes(
        transmission(
            batch_block(
                "001",
                [
                    [detail("001", 1, 4_213, "1001", first.number)],
                    [detail("001", 2, 10_000, "1002", second.formatted_number)],
                    [detail("001", 3, 2_500, "1003", "")],
                ],
            )
        )
    )
    # when
    output = _import(path, "--by", "head-cashier")
    # then
    batch = PaymentBatch.objects.get()
    assert (batch.kind, batch.status, batch.file_format, batch.created_by) == (
        "lockbox",
        "posted",
        "lockbox-bai",
        head_cashier,
    )
    assert batch.control_total == Decimal("167.13")
    assert list(BatchItem.objects.order_by("position").values_list("status", "account")) == [
        ("posted", first.pk),
        ("posted", second.pk),
        ("exception", None),
    ]
    assert account_balance(first.pk) == Decimal("-42.13")
    assert output.splitlines() == [
        f"Batch {batch.pk} (Bank lockbox file, lbx-1204.txt): 3 payment(s) for $167.13 "
        "imported and posted; 2 matched an account, 1 unmatched.",
        "  unmatched: item 3, $25.00: “” is not an account number",
    ]


def test_refused_file_exits_with_status_1_and_writes_nothing(tmp_path, head_cashier):
    # given: the batch total says $42.00 for a check of $42.13
    path = tmp_path / "lbx-bad.txt"
    path.write_bytes(
        transmission(batch_block("001", [[detail("001", 1, 4_213, "1001", "")]], total=4_200))
    )
    # when
    with pytest.raises(CommandError) as refusal:
        _import(path, "--by", "head-cashier")
    # then: manage.py exits with the error's return code
    assert refusal.value.returncode == 1
    assert str(refusal.value) == (
        "The file was not imported: the batch total of batch 001 (line 5) says $42.00 but the "
        "payments add up to $42.13 (a difference of $0.13)."
    )
    assert not PaymentBatch.objects.exists() and not BatchItem.objects.exists()


def test_a_role_that_may_not_import_files_is_refused(tmp_path, make_user):
    make_user(roles.CSR_I, username="new-csr")
    path = tmp_path / "lbx.txt"
    path.write_bytes(transmission(batch_block("001", [[detail("001", 1, 4_213, "1", "")]])))
    with pytest.raises(CommandError, match="Your role does not allow you to import payment"):
        _import(path, "--by", "new-csr")
    assert not PaymentBatch.objects.exists()


def test_the_same_file_twice_is_refused(tmp_path, head_cashier):
    account = ServiceAccountFactory()
    path = tmp_path / "lbx.txt"
    path.write_bytes(
        transmission(batch_block("001", [[detail("001", 1, 4_213, "1001", account.number)]]))
    )
    _import(path, "--by", "head-cashier")
    with pytest.raises(CommandError, match="This file was already imported on .* as batch"):
        _import(path, "--by", "head-cashier")
    assert PaymentBatch.objects.count() == 1
