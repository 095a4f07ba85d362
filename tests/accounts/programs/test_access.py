"""Every program page, for every role: the page opens for the roles its permission names and
answers 403 to the others (the same rule as the district's role x page matrix, with the
sample values given to it for program_id and enrolment_id)."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Enrolment, Program
from accounts.programs import urls
from district import roles
from district.access import access_of
from tests import factories

pytestmark = pytest.mark.django_db

SAMPLE_KWARGS = {
    "account_id": lambda: factories.ServiceAccountFactory().pk,
    "program_id": lambda: Program.objects.get(code="calfresh").pk,
    "enrolment_id": lambda: (
        Enrolment.objects.create(
            account=factories.ServiceAccountFactory(),
            program=Program.objects.get(code="calfresh"),
            starts_on=datetime.date(2026, 1, 1),
            expires_on=datetime.date(2027, 1, 1),
            evidence="Benefit letter",
            evidence_file=SimpleUploadedFile("letter.pdf", b"%PDF-1.4 letter"),
        ).pk
    ),
}


def _pages():
    for pattern in urls.urlpatterns:
        yield f"accounts:{pattern.name}", list(pattern.pattern.converters), pattern.callback


@pytest.mark.parametrize("role", roles.ALL_ROLES, ids=lambda role: role.name)
def test_each_program_page_opens_for_its_permission_only(client, make_user, role):
    client.force_login(make_user(role))
    for name, arguments, view in _pages():
        _kind, permission = access_of(view)
        url = reverse(name, kwargs={argument: SAMPLE_KWARGS[argument]() for argument in arguments})
        expected = 200 if role.is_staff and permission in role.permissions else 403
        assert client.get(url).status_code == expected, f"{name} as {role.name}"


def test_a_visitor_is_sent_to_sign_in(client):
    response = client.get(reverse("accounts:program_outreach"))
    assert response.status_code == 302 and "login" in response["Location"]
