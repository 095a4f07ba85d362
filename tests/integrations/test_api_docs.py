"""The API reference page: staff only, its scripts and styles all from static/vendor and
static/js (no inline script or style, no other origin), and the schema it shows complete."""

import re

import pytest
from django.contrib.staticfiles import finders

from district import roles

pytestmark = pytest.mark.django_db


def test_staff_read_the_reference_with_nothing_inline(client_for):
    response = client_for(roles.CSR_I).get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    scripts = re.findall(r"<script([^>]*)>", html)
    assert scripts and all("src=" in attributes for attributes in scripts)
    assert "<style" not in html and " style=" not in html
    assert "http://" not in html.replace("http://www.w3.org", "")
    assert "https://" not in html
    for name in ("vendor/swagger-ui/swagger-ui-bundle.js", "vendor/swagger-ui/swagger-ui.css"):
        assert f"/static/{name}" in html
        assert finders.find(name)
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_customers_do_not_get_the_reference(client_for):
    assert client_for(roles.CUSTOMER).get("/api/docs/").status_code == 403


def test_the_schema_documents_the_bearer_scheme_and_problem_details(client_for):
    schema = client_for(roles.CSR_I).get("/api/schema/?format=json").json()
    assert schema["components"]["securitySchemes"]["IntegrationToken"]["scheme"] == "bearer"
    operation = schema["paths"]["/api/v1/bills"]["get"]
    assert {"IntegrationToken": []} in operation["security"]
    assert "application/problem+json" in operation["responses"]["429"]["content"]
    assert "304" in operation["responses"]
    page = schema["components"]["schemas"]["PaginatedBillList"]  # the cursor page
    assert {"next", "previous", "results"} <= set(page["properties"])
