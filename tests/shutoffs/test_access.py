"""Who may open the shut-off pages (the access matrix walks them too, once every area's
samples are in)."""

import pytest
from django.urls import reverse

from district import roles
from district.roles import Perm

pytestmark = pytest.mark.django_db

PAGES = [
    ("shutoffs:index", {}, Perm.RUN_BILLING),
    ("shutoffs:day", {"day": "2026-01-15"}, Perm.RUN_BILLING),
    ("shutoffs:report", {}, Perm.VIEW_REPORTS),
    ("shutoffs:report_csv", {"year": 2026}, Perm.VIEW_REPORTS),
]


@pytest.mark.parametrize("role", roles.ALL_ROLES, ids=lambda role: role.name)
def test_each_role_sees_the_pages_its_permissions_allow(client, make_user, role):
    client.force_login(make_user(role))
    for name, kwargs, permission in PAGES:
        status = client.get(reverse(name, kwargs=kwargs)).status_code
        expected = 200 if role.is_staff and permission in role.permissions else 403
        assert status == expected, f"{name} as {role.name}: {status}"


def test_signed_out_people_are_sent_to_sign_in(client):
    for name, kwargs, _permission in PAGES:
        assert client.get(reverse(name, kwargs=kwargs)).status_code == 302


def test_the_action_urls_take_only_posts(client_for):
    client = client_for(roles.SUPERVISOR)
    for name, kwargs in (
        ("shutoffs:prepare", {"day": "2026-01-15"}),
        ("shutoffs:approve", {"day": "2026-01-15"}),
        ("shutoffs:reconnect", {"account_id": 1}),
    ):
        assert client.get(reverse(name, kwargs=kwargs)).status_code == 405
