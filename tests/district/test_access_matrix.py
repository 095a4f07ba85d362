"""Walk every URL of the portal for every role: each page must be classified and enforce it.

A new page without an access declaration (district.access) fails here, so nobody can add
a page and forget who may open it.
"""

import datetime
import importlib
import re
import uuid
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.models import Case, DepositGuideline
from billing.models import Bill, BillException, BillingCycle, BillingPeriod, BillRun
from billing.rates.services import rate_version_load
from district import roles
from district.access import CUSTOMER, PUBLIC, SIGN_IN, SIGNED_IN, STAFF, STAFF_API, access_of
from district.approvals.models import ApprovalRequest
from district.ledger.services import Line, journal_post
from district.models import OfficeClosure, Policy
from district.roles import Perm
from field_ops.models import WorkOrder, WorkOrderAttachment
from field_ops.work_orders.selectors import EVERY_ORDER_VIEWERS
from tests import factories


def _work_order():
    return WorkOrder.objects.create(
        order_type="other",
        premise=factories.PremiseFactory(),
        requested_date=datetime.date(2026, 1, 1),
    )


def _attachment():
    attachment = WorkOrderAttachment(
        work_order=_work_order(),
        original_name="a.png",
        content_type="image/png",
        size_bytes=8,
    )
    attachment.file.save("a.png", ContentFile(b"\x89PNG\r\n\x1a\n"), save=True)
    return attachment


def _cycle():
    return BillingCycle.objects.create(
        code=uuid.uuid4().hex[:10], name="Sample cycle", frequency="monthly", routes=["R01"]
    )


def _period():
    return BillingPeriod.objects.create(
        cycle=_cycle(),
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 1, 31),
        read_window_start=datetime.date(2026, 1, 25),
        read_window_end=datetime.date(2026, 2, 2),
        bill_date=datetime.date(2026, 2, 5),
        due_date=datetime.date(2026, 2, 26),
    )


def _bill_run():
    return BillRun.objects.create(period=_period(), status="audit")


SAMPLE_RATES = Path(__file__).resolve().parents[2] / "docs" / "examples" / "district-water.yaml"

# Pages that answer 404 rather than 403 for a record that is not the viewer's (Zulip's
# access_* rule): the sample order is never assigned to the viewer, the sample bill is never
# theirs. Each names the permissions that see every record (the others get 404).
NOT_YOURS_IS_404 = {
    "field_ops:technician_order": (Perm.LEAD_FIELD_CREW,),
    "field_ops:work_order_detail": EVERY_ORDER_VIEWERS,
    "field_ops:work_order_attachment": EVERY_ORDER_VIEWERS,
    "billing:portal_bill": (),
    "billing:portal_bill_pdf": (),
}
# Pages whose sample record asks for a permission beyond the page's own: the history of a
# customer (the sample "model") holds their phone, e-mail and mailing address.
SAMPLE_NEEDS = {"history": Perm.VIEW_CUSTOMER_CONTACTS}
# Signed-in pages that send some people on to their own start page: a customer's home is the
# customer portal's.
SENDS_CUSTOMERS_ON = {"home"}

# How to build a sample value for each URL argument name. A page whose argument is not here
# fails the test: add a builder for it (a factory call returning the value).
SAMPLE_KWARGS = {
    "customer_id": lambda: factories.CustomerFactory().pk,
    "account_id": lambda: factories.ServiceAccountFactory().pk,
    "premise_id": lambda: factories.PremiseFactory().pk,
    "meter_id": lambda: factories.MeterFactory().pk,
    "read_id": lambda: factories.MeterReadFactory().pk,
    "request_id": lambda: (
        ApprovalRequest.objects.create(
            kind="sample", requested_by=factories.UserFactory(), reason="Sample request"
        ).pk
    ),
    "policy_id": lambda: Policy.objects.get(key="nsf-fee").pk,
    "closure_id": lambda: (
        OfficeClosure.objects.get_or_create(
            date=datetime.date(2030, 1, 2), defaults={"reason": "Sample closure"}
        )[0].pk
    ),
    "journal_id": lambda: (
        journal_post(
            kind="adjustment",
            memo="Sample",
            lines=[Line("cash_in_bank", Decimal("1.00")), Line("surcharges", Decimal("-1.00"))],
            by=None,
            idempotency_key=uuid.uuid4().hex,
        ).pk
    ),
    "work_order_id": lambda: _work_order().pk,
    "technician_id": lambda: factories.UserFactory().pk,
    "case_id": lambda: (
        Case.objects.create(
            category="other",
            subject="Sample",
            description="Sample",
            due_date=datetime.date(2026, 1, 1),
        ).pk
    ),
    "cycle_id": lambda: _cycle().pk,
    "run_id": lambda: _bill_run().pk,
    "exception_id": lambda: (
        BillException.objects.create(
            run=_bill_run(),
            account=factories.ServiceAccountFactory(),
            kind="zero_use",
            blocking=False,
        ).pk
    ),
    "bill_id": lambda: (
        Bill.objects.create(
            account=factories.ServiceAccountFactory(),
            period_start=datetime.date(2026, 1, 1),
            period_end=datetime.date(2026, 1, 31),
            bill_date=datetime.date(2026, 2, 3),
            due_date=datetime.date(2026, 2, 24),
        ).pk
    ),
    "period_id": lambda: _period().pk,
    "route": lambda: factories.PremiseFactory().route,
    "version_id": lambda: rate_version_load(source=SAMPLE_RATES.read_text(), by=None)[0].pk,
    "guideline_id": lambda: DepositGuideline.objects.order_by("effective_from").first().pk,
    "day": lambda: "2026-01-15",
    "attachment_id": lambda: _attachment().pk,
    "model": lambda: "customer",
    "object_id": lambda: factories.CustomerFactory().pk,
    # A reset link that names no user: the page says the link no longer works.
    "uidb64": lambda: "not-a-user",
    "token": lambda: "not-a-token",
}
SKIPPED_NAMESPACES = {"admin"}  # the admin site has its own door (tested in test_sign_in)
POST_ONLY = {
    "field_ops:technician_take",
    "logout",
    "field_ops:dispatch_assign",
    "field_ops:dispatch_priority",
    "field_ops:dispatch_unassign",
    "field_ops:dispatch_send_day",
    "accounts:service_stop_cancel",
    "accounts:service_started_installments",
    "office_closure_delete",
}


# Each area keeps its builders and POST-only pages in tests/<area>/samples_<name>.py
# (SAMPLE_KWARGS, POST_ONLY), merged here.
_TESTS = Path(__file__).parents[1]
for _module in sorted(_TESTS.glob("*/samples_*.py")):
    _samples = importlib.import_module(f"tests.{_module.parent.name}.{_module.stem}")
    SAMPLE_KWARGS.update(getattr(_samples, "SAMPLE_KWARGS", {}))
    POST_ONLY |= set(getattr(_samples, "POST_ONLY", ()))


def _walk(patterns, prefix="", namespace=None):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            child_namespace = entry.namespace or namespace
            if child_namespace in SKIPPED_NAMESPACES:
                continue
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), child_namespace)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield name, prefix + str(entry.pattern), entry


def _all_pages():
    return list(_walk(get_resolver().url_patterns))


def test_every_url_is_named_and_classified():
    unclassified = [
        route for name, route, entry in _all_pages() if access_of(entry.callback) is None
    ]
    unnamed = [route for name, route, entry in _all_pages() if not name]
    assert unclassified == [], f"Pages without an access declaration: {unclassified}"
    assert unnamed == [], f"Pages without a URL name: {unnamed}"


def _expected_status(access, role):
    kind, permission = access
    if kind == SIGN_IN:
        # allauth's pages: a visitor gets the form or is sent on (to sign in, or home); a page
        # for signed-in users sends a visitor to sign in; a signed-in user gets the page, is sent
        # on (nothing to re-authenticate), or a 404 for a security key that is not theirs.
        if role is None:
            return {302} if permission == SIGNED_IN else {200, 302}
        return {200, 302, 404}
    if kind == PUBLIC:
        return {200} if role is None else {200, 302}  # sign-in sends a signed-in user home
    if role is None:
        # Programs get a 401 from the API; people are sent to the sign-in page.
        return {401} if kind == STAFF_API else {302}
    if kind == SIGNED_IN:
        return {200}
    if kind == CUSTOMER:
        return {200} if not role.is_staff else {403}
    assert kind in (STAFF, STAFF_API)
    if not role.is_staff:
        return {403}
    if permission is None or permission in role.permissions:
        return {200}
    return {403}


@pytest.mark.parametrize(
    "role", [None, *roles.ALL_ROLES], ids=lambda r: r.name if r else "anonymous"
)
def test_role_by_page_matrix(client, make_user, role):
    if role is not None:
        client.force_login(make_user(role))
    checked = 0
    for name, route, entry in _all_pages():
        if name in POST_ONLY:
            continue
        if "<" in route:
            arguments = re.findall(r"<(?:\w+:)?(\w+)>", route)
            missing = [argument for argument in arguments if argument not in SAMPLE_KWARGS]
            if missing:
                pytest.fail(f"Add a builder for {missing} ({name}: {route}) to SAMPLE_KWARGS")
            url = reverse(
                name, kwargs={argument: SAMPLE_KWARGS[argument]() for argument in arguments}
            )
        else:
            url = "/" + route.replace("^", "").replace("$", "")
        response = client.get(url)
        expected = _expected_status(access_of(entry.callback), role)
        if expected == {200} and access_of(entry.callback)[0] == CUSTOMER and "<" in route:
            # A customer page about one record: the sample record is never the customer's own,
            # and someone else's answers 404 (portal.selectors.access_account).
            expected = {404}
        if expected == {200} and name in SENDS_CUSTOMERS_ON and role is roles.CUSTOMER:
            expected = {302}
        if expected == {200} and name in SAMPLE_NEEDS:
            expected = {200} if SAMPLE_NEEDS[name] in role.permissions else {403}
        if expected == {200} and name in NOT_YOURS_IS_404:
            sees_every = set(NOT_YOURS_IS_404[name]) & role.permissions
            expected = {200} if sees_every else {404}
        assert response.status_code in expected, f"{name} {url} as {role}: {response.status_code}"
        checked += 1
    assert checked > 0


# -- the README's "Roles and demo sign-ins" section is the roles' documentation: it must say
# exactly what district/roles.py grants, so the two cannot drift apart again.

README = Path(__file__).resolve().parents[2] / "README.md"
TICK = "✓"


def _readme_tables() -> list[list[list[str]]]:
    """The tables of the README's roles section, each a list of rows of cell texts."""
    text = README.read_text()
    start = text.index("## Roles and demo sign-ins")
    end = text.find("\n## ", start + 1)
    tables, current = [], []
    for line in text[start : end if end != -1 else None].splitlines():
        if line.startswith("|"):
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            if not all(set(cell) <= {"-", ":"} for cell in cells):  # skip the |---| rule
                current.append(cells)
        elif current:
            tables.append(current)
            current = []
    if current:
        tables.append(current)
    return tables


def _table_headed(first_column: str) -> list[list[str]]:
    tables = [table for table in _readme_tables() if table[0][0] == first_column]
    assert len(tables) == 1, f"The README's roles section needs one table headed {first_column!r}"
    return tables[0]


def test_readme_roles_table_names_every_staff_role_and_its_demo_sign_in():
    # given the README's table of sign-ins
    header, *rows = _table_headed("sign-in")

    # when it is read as (sign-in, role label)
    documented = [(row[0].strip("`"), row[1]) for row in rows]

    # then it lists each staff role of district/roles.py, in order, with its demo user
    assert header[:2] == ["sign-in", "role"]
    assert documented == [(f"demo-{role.name}", role.label) for role in roles.STAFF_ROLES]


def test_readme_permission_table_is_what_roles_py_grants():
    # given the README's permission by role table
    header, *rows = _table_headed("permission")
    role_columns = header[2:]

    # when it is read as {role name: {permission}}
    documented = {name: set() for name in role_columns}
    for row in rows:
        codename = row[0].strip("`")
        for name, cell in zip(role_columns, row[2:], strict=True):
            assert cell in ("", TICK), f"README: {codename}/{name} holds {cell!r}, not {TICK}"
            if cell == TICK:
                documented[name].add(f"district.{codename}")

    # then every permission is listed once, with every staff role as a column, and the ticks
    # are exactly the permissions each role holds
    codenames = [row[0].strip("`") for row in rows]
    assert sorted(codenames) == sorted(code for code, _ in roles.PERMISSION_DESCRIPTIONS)
    assert role_columns == [role.name for role in roles.STAFF_ROLES]
    assert documented == {role.name: set(role.permissions) for role in roles.STAFF_ROLES}
