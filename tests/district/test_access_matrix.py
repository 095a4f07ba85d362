"""Walk every URL of the portal for every role: each page must be classified and enforce it.

A new page without an access declaration (district.access) fails here, so nobody can add
a page and forget who may open it.
"""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from district import roles
from district.access import CUSTOMER, PUBLIC, SIGNED_IN, STAFF, access_of
from tests import factories

# How to build a sample value for each URL argument name. A page whose argument is not here
# fails the test: add a builder for it (a factory call returning the value).
SAMPLE_KWARGS = {
    "customer_id": lambda: factories.CustomerFactory().pk,
    "account_id": lambda: factories.ServiceAccountFactory().pk,
    "premise_id": lambda: factories.PremiseFactory().pk,
    "meter_id": lambda: factories.MeterFactory().pk,
    "read_id": lambda: factories.MeterReadFactory().pk,
    "model": lambda: "customer",
    "object_id": lambda: factories.CustomerFactory().pk,
}
SKIPPED_NAMESPACES = {"admin"}  # the admin site has its own door (tested in test_sign_in)
POST_ONLY = {"logout"}


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
    if kind == PUBLIC:
        return {200} if role is None else {200, 302}  # sign-in sends a signed-in user home
    if role is None:
        return {302}
    if kind == SIGNED_IN:
        return {200}
    if kind == CUSTOMER:
        return {200} if not role.is_staff else {403}
    assert kind == STAFF
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
        assert response.status_code in expected, f"{name} {url} as {role}: {response.status_code}"
        checked += 1
    assert checked > 0
