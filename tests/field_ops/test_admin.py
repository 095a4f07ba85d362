"""The admin shows premises, meters, reads, customers and accounts read-only."""

import pytest

from accounts.services import customer_flag_set
from district import roles
from tests.factories import CustomerFactory, ServiceAccountFactory

pytestmark = pytest.mark.django_db


def test_supervisor_browses_every_record_in_the_admin_but_cannot_change_it(
    client_for, clerk, installed
):
    # given
    client = client_for(roles.SUPERVISOR)
    meter = installed()
    installation = meter.installations.get()
    customer = CustomerFactory()
    flag = customer_flag_set(customer=customer, flag="cash_only", reason="NSF", by=clerk)
    account = ServiceAccountFactory(customer=customer)
    records = {
        "field_ops/premise": installation.premise_id,
        "field_ops/meter": meter.pk,
        "field_ops/meterinstallation": installation.pk,
        "field_ops/meterread": meter.reads.get().pk,
        "accounts/customer": customer.pk,
        "accounts/customerflag": flag.pk,
        "accounts/serviceaccount": account.pk,
    }

    for model, pk in records.items():
        # when
        listing = client.get(f"/admin/{model}/")
        record = client.get(f"/admin/{model}/{pk}/change/")
        add = client.get(f"/admin/{model}/add/")

        # then
        assert listing.status_code == 200, model
        assert record.status_code == 200, model
        assert 'name="_save"' not in record.content.decode(), model
        assert add.status_code == 403, model


def test_a_read_cannot_be_changed_or_deleted_in_the_admin(client_for, installed):
    client = client_for(roles.SUPERVISOR)
    read = installed().reads.get()
    response = client.post(f"/admin/field_ops/meterread/{read.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert read.meter.reads.count() == 1
