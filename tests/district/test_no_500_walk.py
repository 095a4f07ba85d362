"""Walk every page that takes a record over the demo district, as a supervisor and as a CSR I.

The demo district is loaded once for the module (inside a transaction rolled back at the end),
and every URL argument is filled with real rows of it: the first and the last of each kind, so
a record with an empty "installed by" or "entered by" is visited as well as a full one. Kinds
the demo does not make (bills, work orders, batches...) fall back to the role-by-page matrix's
sample builders. No page may answer 500.
"""

import re

import pytest
from django.apps import apps
from django.urls import reverse

from district import roles
from district.audit import HISTORY_MODELS
from tests.district.test_access_matrix import POST_ONLY, SAMPLE_KWARGS, _all_pages

# Which model's primary keys fill each URL argument (the rest come from SAMPLE_KWARGS).
ARGUMENT_MODELS = {
    "customer_id": "accounts.Customer",
    "account_id": "accounts.ServiceAccount",
    "premise_id": "field_ops.Premise",
    "meter_id": "field_ops.Meter",
    "read_id": "field_ops.MeterRead",
    "work_order_id": "field_ops.WorkOrder",
    "attachment_id": "field_ops.WorkOrderAttachment",
    "request_id": "approvals.ApprovalRequest",
    "policy_id": "district.Policy",
    "journal_id": "ledger.Journal",
    "case_id": "accounts.Case",
    "guideline_id": "accounts.DepositGuideline",
    "cycle_id": "billing.BillingCycle",
    "period_id": "billing.BillingPeriod",
    "run_id": "billing.BillRun",
    "exception_id": "billing.BillException",
    "bill_id": "billing.Bill",
    "version_id": "billing.RateScheduleVersion",
    "session_id": "payments.DrawerSession",
    "payment_id": "payments.Payment",
    "deposit_id": "payments.BankDeposit",
    "batch_id": "payments.PaymentBatch",
    "item_id": "payments.BatchItem",
    "returned_id": "payments.ReturnedItem",
    "letter_id": "payments.Letter",
    "file_id": "payments.Bai2File",
    "line_id": "payments.Bai2Transaction",
}


def _rows(argument):
    """Real values for one URL argument: the first and last rows of its model, else a sample."""
    label = ARGUMENT_MODELS.get(argument)
    if label:
        model = apps.get_model(label)
        ids = list(model.objects.order_by("pk").values_list("pk", flat=True)[:1])
        ids += list(model.objects.order_by("-pk").values_list("pk", flat=True)[:1])
        if ids:
            return sorted(set(ids))
    return [SAMPLE_KWARGS[argument]()]


def _urls():
    """Every GET-able page that takes arguments, with each combination of real values."""
    urls = []
    for name, route, _entry in _all_pages():
        if "<" not in route or name in POST_ONLY:
            continue
        arguments = re.findall(r"<(?:\w+:)?(\w+)>", route)
        if arguments == ["model", "object_id"]:
            for key, entry in HISTORY_MODELS.items():
                first = apps.get_model(entry.label).objects.order_by("pk").first()
                if first is not None:
                    urls.append(reverse(name, kwargs={"model": key, "object_id": first.pk}))
            continue
        # Vary one argument at a time over its rows; the others keep their first row.
        values = {argument: _rows(argument) for argument in arguments}
        combinations = {tuple(rows[0] for rows in values.values())}
        for index, rows in enumerate(values.values()):
            for value in rows[1:]:
                combination = [rows_[0] for rows_ in values.values()]
                combination[index] = value
                combinations.add(tuple(combination))
        for combination in sorted(combinations, key=str):
            urls.append(reverse(name, kwargs=dict(zip(arguments, combination, strict=True))))
    return urls


@pytest.mark.parametrize("role", [roles.SUPERVISOR, roles.CSR_I], ids=lambda role: role.name)
def test_no_page_over_the_demo_district_answers_500(demo_district, client, make_user, role):
    # given a small demo district (empty "installed by" and "entered by" included)
    client.force_login(make_user(role))
    client.raise_request_exception = False
    urls = _urls()

    # when each page is opened
    crashed = [url for url in urls if client.get(url).status_code >= 500]

    # then none crashes
    assert len(urls) > 80
    assert crashed == []


def test_a_meter_installed_and_read_by_nobody_opens(demo_district, client, make_user):
    # given a demo meter whose installation and reads name no one (loaded from the demo)
    meter_model = apps.get_model("field_ops.Meter")
    meter = meter_model.objects.filter(
        installations__installed_by__isnull=True, reads__entered_by__isnull=True
    ).first()
    assert meter is not None
    client.force_login(make_user(roles.SUPERVISOR))

    # when its page is opened
    response = client.get(reverse("field_ops:meter_detail", kwargs={"meter_id": meter.pk}))

    # then it shows a dash where the person would be
    assert response.status_code == 200
    assert "—" in response.content.decode()
