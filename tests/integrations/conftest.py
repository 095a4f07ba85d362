"""Tokens for the integration API tests: `issue(*scopes)` gives (token, client sending it)."""

import pytest
from django.core.cache import cache
from django.test import Client

from integrations.scopes import ALL_SCOPES
from integrations.services import token_create
from tests.factories import UserFactory


@pytest.fixture
def administrator(db):
    return UserFactory(username="administrator", is_superuser=True, is_staff=True)


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()  # the per-token throttle counts in the cache
    yield
    cache.clear()


@pytest.fixture
def issue(administrator):
    def make(*scopes, name="Test system"):
        issued = token_create(name=name, scopes=list(scopes or ALL_SCOPES), by=administrator)
        client = Client(headers={"Authorization": f"Bearer {issued.secret}"})
        client.token = issued.token
        client.secret = issued.secret
        return client

    return make
