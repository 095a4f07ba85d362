"""docs/security.md (the OWASP ASVS 4.0.3 level 2 review) and the gaps it closed.

The review cites files and tests as evidence; a test here fails when a cited file or test is
renamed or removed, so the document cannot rot silently.
"""

import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django.urls import include, path, reverse

from district import roles
from district.urls import handler500

ROOT = Path(settings.BASE_DIR)
SECURITY_MD = ROOT / "docs" / "security.md"
CITED_PATH = re.compile(
    r"`((?:[\w.-]+/)*[\w.-]+\.(?:py|md|html|toml|lock|yml|yaml|txt|cfg))(?:::(\w+))?`"
)


# -- the document


def test_the_review_covers_every_asvs_chapter():
    text = SECURITY_MD.read_text()
    for chapter in range(1, 15):
        assert re.search(rf"^## V{chapter} ", text, re.MULTILINE), (
            f"docs/security.md lacks V{chapter}"
        )


def test_every_file_and_test_the_review_cites_exists():
    # given every `path` and `path::test_name` the review cites
    cited = CITED_PATH.findall(SECURITY_MD.read_text())
    assert len(cited) > 40, "the review should cite its evidence"
    # then each file exists, and each named test, function, class or name is defined in it
    missing = []
    for relative, name in cited:
        file = ROOT / relative
        if not file.is_file():
            missing.append(relative)
        elif name and not re.search(
            rf"^\s*(?:(?:async )?def {name}\b|class {name}\b|{name} = )",
            file.read_text(),
            re.MULTILINE,
        ):
            missing.append(f"{relative}::{name}")
    assert missing == [], f"docs/security.md cites what does not exist: {missing}"


def test_the_readme_links_the_review():
    assert "(docs/security.md)" in (ROOT / "README.md").read_text()


# -- ASVS 2.1.1 and 2.1.2: at least 12 characters, passphrases welcome, at most 128


@pytest.mark.parametrize("password", ["riverotter4", "x" * 129 + "7"])
def test_a_password_under_12_or_over_128_characters_is_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


@pytest.mark.parametrize(
    "password", ["riverotter42", "the quick brown otter swims past the weir at dawn " * 2]
)
def test_a_12_character_password_and_a_long_passphrase_are_accepted(password):
    assert 12 <= len(password) <= 128
    validate_password(password)  # raises if refused


# -- RFC 6750: a refused bearer token is named in the challenge


def test_a_refused_bearer_token_answers_invalid_token(db):
    # when a token the district never issued is sent
    response = Client(headers={"Authorization": "Bearer wdi_nope_notasecret"}).get(
        "/api/v1/premises"
    )
    # then 401 with the RFC 6750 error code
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="integrations", error="invalid_token"'


def test_a_request_without_a_token_gets_the_bare_challenge(db):
    response = Client().get("/api/v1/premises")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="integrations"'


# -- ASVS 7.4.1: the error page carries a reference to the logged error


def _boom(request):
    raise RuntimeError("the printer caught fire")


urlpatterns = [path("boom/", _boom, name="boom"), path("", include("district.urls"))]


@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
def test_the_500_page_shows_the_request_reference_and_nothing_internal(db):
    # given
    client = Client(raise_request_exception=False)
    # when
    response = client.get("/boom/", HTTP_X_REQUEST_ID="ref-4711")
    # then
    assert handler500 == "district.views.server_error"
    assert response.status_code == 500
    body = response.content.decode()
    assert "ref-4711" in body
    assert "printer" not in body and "Traceback" not in body


# -- ASVS 7.1.1: credentials in URLs are not logged


def test_a_password_reset_token_is_masked_in_the_request_log(client, db, caplog):
    # given a reset link (the token is a credential for an hour)
    url = reverse("password_reset_confirm", kwargs={"uidb64": "MQ", "token": "c7k2-9f0e1d2c3b4a"})
    # when it is opened
    with caplog.at_level(logging.INFO, logger="district.request"):
        client.get(url)
    # then the request line names the page but not the token
    lines = [r.getMessage() for r in caplog.records if r.name == "district.request"]
    assert lines and "/accounts/password/reset/MQ/***/" in lines[0]
    assert all("c7k2-9f0e1d2c3b4a" not in line for line in lines)


# -- ASVS 3.4.4: __Host- cookies over HTTPS


def test_production_cookies_carry_the_host_prefix():
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "TESTING", "SECURE", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(
        DEBUG="false",
        TESTING="false",
        SECRET_KEY="x9!" + "k" * 30 + "Zq7#" + "m" * 30,
        ALLOWED_HOSTS="portal.example.org",
        DATABASE_URL="postgres://portal@db.invalid:5432/portal",
        REDIS_URL="redis://redis.invalid:6379/0",
        PAYMENT_GATEWAY="stripe",
    )
    script = (
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, s.SESSION_COOKIE_SECURE, "
        "s.SESSION_COOKIE_DOMAIN, s.SESSION_COOKIE_PATH)"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].split() == [
        "__Host-sessionid",
        "__Host-csrftoken",
        "True",
        "None",
        "/",
    ]


# -- the staff header links the two-step sign-in page


def test_staff_find_the_two_step_sign_in_page_in_the_header(client_for):
    response = client_for(roles.CSR_I).get("/")
    assert f'href="{reverse("mfa_index")}"' in response.content.decode()


def test_customers_are_not_offered_the_staff_link(client, make_user):
    client.force_login(make_user(roles.CUSTOMER))
    response = client.get("/", follow=True)
    assert response.status_code == 200
    assert f'href="{reverse("mfa_index")}"' not in response.content.decode()
