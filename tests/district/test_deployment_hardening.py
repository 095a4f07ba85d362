"""Deployment hardening: secret keys, who the client is behind a proxy, request ids, API refusals."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import RequestFactory, override_settings
from django.urls import resolve

from district import roles
from district.access import access_of
from district.audit import history_for
from district.client_ip import client_ip
from tests import factories

ROOT = Path(settings.BASE_DIR)
STRONG_KEY = "x9!" + "k" * 30 + "Zq7#" + "m" * 30


def _manage(*arguments, **environment):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "TESTING", "SECURE", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(
        ALLOWED_HOSTS="portal.example.org",
        DATABASE_URL="postgres://portal@db.invalid:5432/portal",
        REDIS_URL="redis://redis.invalid:6379/0",
        # A real processor, as production has (the sandbox is refused with DEBUG off).
        PAYMENT_GATEWAY="stripe",
    )
    env.update(environment)
    return subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    "secret_key",
    [None, settings.DEVELOPMENT_SECRET_KEY, settings.EXAMPLE_SECRET_KEY],
    ids=["unset", "development-fallback", "env-example-placeholder"],
)
def test_production_refuses_to_start_with_a_public_secret_key(secret_key):
    # given
    environment = {"DEBUG": "false", "TESTING": "false"}
    if secret_key is not None:
        environment["SECRET_KEY"] = secret_key
    # when
    result = _manage("check", "--deploy", **environment)
    # then
    assert result.returncode != 0
    assert "SECRET_KEY is unset or is the repository's example value" in result.stderr


def test_deploy_check_names_a_public_secret_key_even_with_debug_on():
    # when: DEBUG=true starts with the development key, but the deploy checklist says no
    result = _manage("check", "--deploy", "--fail-level", "ERROR", DEBUG="true", TESTING="false")
    # then
    assert result.returncode != 0
    assert "district.E001" in result.stdout + result.stderr


def test_deploy_check_accepts_a_private_secret_key():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "ERROR",
        DEBUG="false",
        TESTING="false",
        SECRET_KEY=STRONG_KEY,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_env_example_placeholder_is_the_one_the_settings_refuse():
    example = (ROOT / ".env.example").read_text()
    placeholder = re.search(r"^SECRET_KEY=(.*)$", example, re.MULTILINE).group(1)
    assert placeholder == settings.EXAMPLE_SECRET_KEY


def test_an_unlisted_trusted_proxy_entry_fails_the_checks():
    result = _manage("check", DEBUG="true", TESTING="false", TRUSTED_PROXIES="10.0.0.1,gateway")
    assert result.returncode != 0
    assert "district.E002" in result.stdout + result.stderr


def _request(remote_addr, forwarded=None):
    meta = {"REMOTE_ADDR": remote_addr}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


def test_forwarded_for_is_ignored_without_trusted_proxies():
    # given: a client claims to be someone else
    request = _request("203.0.113.9", forwarded="10.9.9.9")
    # then
    assert client_ip(request) == "203.0.113.9"


@override_settings(TRUSTED_PROXIES=["10.0.0.5", "172.18.0.0/16"])
def test_behind_trusted_proxies_the_client_is_the_last_untrusted_hop():
    # a spoofed first hop, then the real client as our proxies saw it
    request = _request("10.0.0.5", forwarded="1.2.3.4, 198.51.100.7, 172.18.3.4")
    assert client_ip(request) == "198.51.100.7"


@override_settings(TRUSTED_PROXIES=["10.0.0.5"])
def test_an_untrusted_caller_cannot_use_forwarded_for_even_when_proxies_are_listed():
    request = _request("198.51.100.7", forwarded="10.1.1.1")
    assert client_ip(request) == "198.51.100.7"


@override_settings(TRUSTED_PROXIES=["10.0.0.5"])
def test_a_malformed_hop_stops_the_chain_at_the_proxy():
    request = _request("10.0.0.5", forwarded="<script>, not-an-address")
    assert client_ip(request) == "10.0.0.5"


def test_the_audit_history_records_the_real_address_not_the_claimed_one(client_for):
    # given
    client = client_for(roles.CSR_I)
    customer = factories.CustomerFactory(first_name="Ana")
    # when
    client.post(
        f"/customers/{customer.pk}/edit/",
        {
            "kind": "person",
            "first_name": "Anabel",
            "last_name": customer.last_name,
            "phone": "(555) 555-0199",
            "language": "en",
            "mailing_state": "CA",
        },
        REMOTE_ADDR="203.0.113.9",
        HTTP_X_FORWARDED_FOR="10.66.66.66",
    )
    # then
    entry = next(entry for entry in history_for(customer) if entry.action == "changed")
    assert entry.ip == "203.0.113.9"


@pytest.mark.parametrize(
    "incoming",
    ["a" * 65, "trace\r\nSet-Cookie: x=1", "<script>alert(1)</script>", "id with spaces", "é"],
)
def test_a_request_id_that_is_not_a_plain_token_is_replaced(client, db, incoming):
    response = client.get("/healthz", HTTP_X_REQUEST_ID=incoming)
    assert response["X-Request-ID"] != incoming
    assert re.fullmatch(r"[0-9a-f]{16}", response["X-Request-ID"])


def test_a_plain_request_id_is_kept(client, db):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="lb-7f3a.2026:42")
    assert response["X-Request-ID"] == "lb-7f3a.2026:42"


API_ENDPOINTS = [
    ("get", "/api/billing/calculate"),
    ("post", "/api/billing/calculate"),
    ("post", "/api/payments/counter"),
    ("get", "/api/schema/"),
    ("get", "/api/v1/premises"),
    ("post", "/api/v1/payments"),
]


def _staff_may(role, url) -> bool:
    _kind, permission = access_of(resolve(url).func)
    return role.is_staff and (permission is None or permission in role.permissions)


@pytest.mark.parametrize(("method", "url"), API_ENDPOINTS)
def test_an_anonymous_api_call_gets_401_json_not_the_sign_in_page(client, db, method, url):
    # when
    response = getattr(client, method)(url, data={}, content_type="application/json")
    # then
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"]["access"]
    assert "WWW-Authenticate" in response


@pytest.mark.parametrize(("method", "url"), API_ENDPOINTS)
@pytest.mark.parametrize(
    "role", [roles.CUSTOMER, roles.FIELD_TECHNICIAN], ids=["customer", "field"]
)
def test_a_wrong_role_api_call_gets_403_json(client_for, method, url, role):
    if _staff_may(role, url):
        pytest.skip(f"{role.label} may call {url}")
    client = client_for(role)
    # when
    response = getattr(client, method)(url, data={}, content_type="application/json")
    # then
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"]["access"]


def test_staff_read_the_api_schema(client_for):
    response = client_for(roles.CSR_I).get("/api/schema/")
    assert response.status_code == 200
    assert b"/api/billing/calculate" in response.content


def test_the_sandbox_processor_is_refused_with_debug_off():
    # when: a production site left on the offline stand-in processor
    result = _manage(
        "check", "--deploy", "--fail-level", "ERROR",
        DEBUG="false", TESTING="false", SECRET_KEY=STRONG_KEY, PAYMENT_GATEWAY="sandbox",
    )  # fmt: skip
    # then
    assert result.returncode != 0
    assert "district.E003" in result.stdout + result.stderr


def test_the_sandbox_processor_is_allowed_on_a_debug_site():
    result = _manage(
        "check", "--deploy", "--fail-level", "ERROR",
        DEBUG="true", TESTING="false", SECRET_KEY=STRONG_KEY, PAYMENT_GATEWAY="sandbox",
    )  # fmt: skip
    assert "district.E003" not in result.stdout + result.stderr
