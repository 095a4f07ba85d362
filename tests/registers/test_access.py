"""Every register opens for the roles with VIEW_REPORTS (Finance, CSR III, Supervisor) and for
nobody else, in every format; the menu lists them under Supervision."""

import pytest
from django.urls import reverse

from district import navigation, roles
from district.registers.definitions import REGISTERS

pytestmark = pytest.mark.django_db
SLUGS = [register.slug for register in REGISTERS.entries()]


@pytest.mark.parametrize("role", [roles.FINANCE, roles.CSR_III, roles.SUPERVISOR])
def test_the_roles_with_reports_open_every_register(client_for, role):
    client = client_for(role)
    for slug in SLUGS:
        assert client.get(reverse(f"registers:{slug}")).status_code == 200, slug
        csv = client.get(reverse(f"registers:{slug}_csv"), {"purpose": "Access check"})
        assert csv.status_code == 200 and csv["Content-Type"].startswith("text/csv"), slug


@pytest.mark.parametrize("role", [roles.CSR_I, roles.CSR_II, roles.FIELD_TECHNICIAN])
def test_other_roles_are_refused_every_register_and_download(client_for, role):
    client = client_for(role)
    for slug in SLUGS:
        for suffix in ("", "_csv", "_xlsx", "_pdf"):
            response = client.get(reverse(f"registers:{slug}{suffix}"))
            assert response.status_code == 403, f"{slug}{suffix}"


def test_the_registers_are_in_the_supervision_menu_for_finance(make_user):
    # when
    groups = navigation.groups_for(make_user(roles.FINANCE))
    # then
    supervision = next(group for group in groups if group["key"] == "supervision")
    labels = [item["label"] for item in supervision["items"]]
    assert [register.title for register in REGISTERS.entries()] == [
        label for label in labels if label in {r.title for r in REGISTERS.entries()}
    ]
    assert "Billing register" in labels


HOSTILE = {
    "run": "1 OR 1=1", "month": "2026-13", "group_by": "<script>", "as_of": "9999-99-99",
    "customer_class": "nobody", "months": "7", "through": "yesterday", "order_type": "x",
    "out_at_least": "-1", "start": "2026-02-30", "end": "", "kind": "all", "outcome": "?",
    "view": "everything", "year": "1e9",
}  # fmt: skip


def test_hostile_filters_are_refused_with_a_message_never_a_500(client_for):
    client = client_for(roles.FINANCE)
    for slug in SLUGS:
        page = client.get(reverse(f"registers:{slug}"), HOSTILE)
        download = client.get(reverse(f"registers:{slug}_csv"), HOSTILE)
        assert page.status_code == 200, slug
        assert "Correct the filters to see the register." in page.content.decode(), slug
        assert download.status_code == 400 and download.content, slug
