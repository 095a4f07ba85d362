"""Integration tokens: stored hashed, shown once, revoked at once, their use noted."""

import datetime
import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from district import roles
from district.errors import NotPermitted
from integrations.models import IntegrationToken
from integrations.scopes import Scope
from integrations.services import token_create, token_revoke

pytestmark = pytest.mark.django_db
PREMISES = "/api/v1/premises"


def test_only_the_hash_is_stored_and_the_secret_answers(issue):
    # given
    client = issue(Scope.PREMISES_READ)
    token = IntegrationToken.objects.get()
    # then: the row holds the prefix and the SHA-256, never the secret
    assert token.key_hash == hashlib.sha256(client.secret.encode()).hexdigest()
    assert client.secret.startswith(f"wdi_{token.prefix}_")
    stored = [str(value) for value in IntegrationToken.objects.values_list().get()]
    assert client.secret not in stored
    # and the token's service user cannot sign in with a password
    assert not token.user.has_usable_password()
    assert client.get(PREMISES).status_code == 200


def test_the_administrator_sees_the_secret_once_on_creation(client, administrator):
    client.force_login(administrator)
    # when
    created = client.post(
        reverse("integrations:tokens"), {"name": "Phone IVR", "scopes": ["accounts:read"]}
    )
    listing = client.get(reverse("integrations:tokens"))
    # then
    token = IntegrationToken.objects.get()
    secret = created.context["issued"].secret
    assert secret.encode() in created.content
    assert secret.encode() not in listing.content
    assert token.prefix.encode() in listing.content
    assert token.scopes == ["accounts:read"]


@pytest.mark.parametrize("role", [roles.SUPERVISOR, roles.CSR_III])
def test_staff_roles_do_not_manage_tokens(client_for, role):
    client = client_for(role)
    response = client.post(reverse("integrations:tokens"), {"name": "X", "scopes": ["bills:read"]})
    assert response.status_code == 403
    assert not IntegrationToken.objects.exists()
    with pytest.raises(NotPermitted):
        token_create(name="X", scopes=["bills:read"], by=client.user)


def test_unknown_scope_or_no_scope_is_refused(administrator):
    with pytest.raises(ValidationError):
        token_create(name="X", scopes=["everything"], by=administrator)
    with pytest.raises(ValidationError):
        token_create(name="X", scopes=[], by=administrator)
    assert not IntegrationToken.objects.exists()


def test_a_revoked_token_answers_401_at_once(issue, client, administrator):
    # given
    api = issue(Scope.PREMISES_READ)
    assert api.get(PREMISES).status_code == 200
    # when: the administrator revokes it on the page
    client.force_login(administrator)
    client.post(reverse("integrations:token_revoke", args=[api.token.pk]))
    # then
    api.token.refresh_from_db()
    assert api.token.revoked_at is not None and api.token.revoked_by == administrator
    refused = api.get(PREMISES)
    assert refused.status_code == 401
    assert refused["Content-Type"] == "application/problem+json"
    with pytest.raises(ValidationError):
        token_revoke(token=api.token, by=administrator)


def test_last_use_is_noted_at_most_once_a_minute(issue, django_assert_max_num_queries):
    # given
    api = issue(Scope.PREMISES_READ)
    api.get(PREMISES, REMOTE_ADDR="10.1.2.3")
    api.token.refresh_from_db()
    first = api.token.last_used_at
    assert first is not None and api.token.last_used_ip == "10.1.2.3"
    # when: used again within the minute
    api.get(PREMISES, REMOTE_ADDR="10.9.9.9")
    # then: unchanged
    api.token.refresh_from_db()
    assert api.token.last_used_at == first and api.token.last_used_ip == "10.1.2.3"
    # when: a minute later
    IntegrationToken.objects.filter(pk=api.token.pk).update(
        last_used_at=timezone.now() - datetime.timedelta(minutes=2)
    )
    api.get(PREMISES, REMOTE_ADDR="10.9.9.9")
    api.token.refresh_from_db()
    assert api.token.last_used_ip == "10.9.9.9"


def test_a_wrong_secret_with_a_real_prefix_is_refused(issue):
    api = issue(Scope.PREMISES_READ)
    forged = api.secret[:-4] + "AAAA"
    response = api.get(PREMISES, headers={"Authorization": f"Bearer {forged}"})
    assert response.status_code == 401
