"""Schemathesis walks every /api/v1/ operation of the OpenAPI schema through the WSGI app with
an all-scopes token: no answer is a 5xx, and every answer matches the schema (status codes,
content types, bodies, headers). Few examples per operation, derandomized: the same cases on
every run."""

import hypothesis
import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator

from district.wsgi import application
from integrations.scopes import ALL_SCOPES
from integrations.services import token_create
from tests.factories import UserFactory

SCHEMA = schemathesis.openapi.from_dict(
    SchemaGenerator().get_schema(request=None, public=True)
).include(path_regex=r"^/api/v1/")
SCHEMA.app = application


@pytest.fixture
def _connection_kept():
    """The WSGI handler closes the database connection after each request; the test's
    transaction lives on it (Django's own test client keeps it open the same way)."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def bearer(db, _connection_kept):
    administrator = UserFactory(username="schema-administrator", is_superuser=True)
    issued = token_create(name="Schemathesis", scopes=list(ALL_SCOPES), by=administrator)
    return {"Authorization": f"Bearer {issued.secret}"}


@pytest.mark.django_db
@SCHEMA.parametrize()
@hypothesis.settings(
    max_examples=4,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(hypothesis.HealthCheck),
)
def test_the_api_keeps_to_its_schema(case, bearer, settings):
    settings.INTEGRATION_API_RATE = "100000/min"
    # Every check of the responses (no 5xx, status codes, content types, bodies and headers
    # as documented, auth not ignored). Left out, two checks of how strict the input is:
    # business rules beyond the schema (an unknown account, no open drawer, a file the importer
    # refuses) rightly answer 4xx to schema-valid input, and the filters ignore an empty or
    # unknown query parameter (django-filter's way) rather than refusing it.
    case.call_and_validate(
        headers=bearer,
        excluded_checks=[
            schemathesis.checks.positive_data_acceptance,
            schemathesis.checks.negative_data_rejection,
        ],
    )
