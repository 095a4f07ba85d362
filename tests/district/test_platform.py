"""The platform: health check, security headers, request log, production checks, compose file."""

import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.apps import apps
from django.conf import settings
from django.core.management import get_commands
from django.db.models import FloatField

from district import roles
from district.sessions import IDLE_LIMIT_KEY

ROOT = Path(settings.BASE_DIR)


def test_healthz_reports_the_database(client, db):
    # when
    response = client.get("/healthz")
    # then
    assert response.status_code == 200
    body = response.json()
    assert body["database"] == "ok"
    assert body["status"] == "ok"


def test_every_page_carries_a_strict_content_security_policy(client, db):
    response = client.get("/accounts/login/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy


def test_pages_have_no_inline_scripts_or_styles(client_for):
    client = client_for(roles.SUPERVISOR)
    html = client.get("/").content.decode()
    assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html) is None, "inline <script> found"
    assert "<style" not in html
    assert " style=" not in html
    assert " onclick=" not in html.lower()


def test_request_log_has_one_line_with_user_duration_and_request_id(client_for, caplog):
    client = client_for(roles.CSR_I)
    # when
    with caplog.at_level(logging.INFO, logger="district.request"):
        response = client.get("/", HTTP_X_REQUEST_ID="trace-123")
    # then
    lines = [record for record in caplog.records if record.name == "district.request"]
    assert len(lines) == 1
    message = lines[0].getMessage()
    assert message.startswith("GET / 200 user=")
    assert client.user.username in message
    assert re.search(r"\d+\.\dms$", message)
    assert lines[0].request_id == "trace-123"
    assert response["X-Request-ID"] == "trace-123"


def _production_env(**extra):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "TESTING", "SECURE", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(
        DEBUG="false",
        TESTING="false",
        SECRET_KEY="x9!" + "k" * 30 + "Zq7#" + "m" * 30,
        ALLOWED_HOSTS="portal.example.org",
        # check --deploy does not connect; any PostgreSQL URL will do.
        DATABASE_URL="postgres://portal@db.invalid:5432/portal",
        REDIS_URL="redis://redis.invalid:6379/0",
        PAYMENT_GATEWAY="stripe",
    )
    env.update(extra)
    return env


def test_deploy_checklist_passes_with_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_deploy_checklist_fails_with_development_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_production_env(DEBUG="true"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0


def _settings_variables() -> set[str]:
    source = (ROOT / "district" / "settings.py").read_text()
    return set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z_]+)"', source))


def test_compose_services_run_real_modules_with_known_variables():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"db", "redis", "web", "worker", "beat"} <= set(services)
    known = _settings_variables()
    for name in ("web", "worker", "beat", "migrate"):
        service = services[name]
        command = service["command"]
        if command[0] == "gunicorn":
            module, _, attribute = command[1].partition(":")
            imported = __import__(module, fromlist=[attribute])
            assert callable(getattr(imported, attribute))
        elif command[0] == "celery":
            app_module = command[command.index("-A") + 1]
            assert hasattr(__import__(app_module), "celery_app")
        else:
            # A list, or one shell line of `python manage.py ...` steps joined by &&.
            steps = (
                [step.split() for step in command[2].split("&&")]
                if command[0] == "sh"
                else [command]
            )
            for step in steps:
                assert step[:2] == ["python", "manage.py"], step
                assert step[2] in get_commands(), f"{name}: no manage.py command {step[2]}"
        assert set(service["environment"]) <= known, set(service["environment"]) - known
        assert "healthcheck" in service or name in {"beat", "migrate"}
    example = (ROOT / ".env.example").read_text()
    example_variables = set(re.findall(r"^#?\s*([A-Z_]+)=", example, re.MULTILINE))
    assert example_variables <= known, example_variables - known


def test_no_float_fields_in_any_model():
    floats = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        if model._meta.app_label
        in {
            "district",
            "ledger",
            "approvals",
            "field_ops",
            "accounts",
            "billing",
            "payments",
            "hydrants",
        }
        for field in model._meta.get_fields()
        if isinstance(field, FloatField)
    ]
    assert floats == []


def test_vendor_files_are_served_locally_with_licences():
    vendor = ROOT / "static" / "vendor"
    for path in (
        "bootstrap/css/bootstrap.min.css",
        "bootstrap/js/bootstrap.bundle.min.js",
        "htmx/htmx.min.js",
        "bootstrap/LICENSE",
        "htmx/LICENSE",
    ):
        assert (vendor / path).is_file(), path
    base = (ROOT / "templates" / "base.html").read_text()
    assert "https://" not in base and "//cdn" not in base


@pytest.mark.django_db
def test_staff_sessions_expire_after_thirty_idle_minutes(client_for):
    client = client_for(roles.CSR_I)
    client.get("/")
    # The idle limit is a district policy (district.sessions), kept in the session at sign-in;
    # SESSION_COOKIE_AGE is only the ceiling.
    assert client.session[IDLE_LIMIT_KEY] == 1800
    assert settings.SESSION_SAVE_EVERY_REQUEST
