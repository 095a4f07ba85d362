"""Letter templates: the sandbox refuses what letters may not use (naming it), edits keep every
version, the starting texts are seeded once and never overwrite edits, the preview renders."""

import pytest
from django.urls import reverse

from accounts.correspondence.kinds import KINDS
from accounts.correspondence.merge import template_check
from accounts.correspondence.models import LetterTemplate, LetterTemplateVersion
from accounts.correspondence.seeds import seed_letter_templates
from accounts.correspondence.services import letter_template_create, letter_template_edit
from district import roles
from district.errors import NotPermitted, ServiceError

pytestmark = pytest.mark.django_db

GENERAL = KINDS["general"]


def _refusal(body: str, kind=GENERAL, subject="Hello") -> dict:
    with pytest.raises(ServiceError) as refused:
        template_check(subject=subject, body=body, kind=kind)
    return refused.value.message_dict


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "{% load static %}<p>Hi</p>",
            "Letters may not use the {% load %} tag: only {% if %} and {% comment %}.",
        ),
        (
            '{% include "documents/_letterhead.html" %}',
            "Letters may not use the {% include %} tag: only {% if %} and {% comment %}.",
        ),
        (
            "{% url 'accounts:search' %}",
            "Letters may not use the {% url %} tag: only {% if %} and {% comment %}.",
        ),
        (
            "<p>{{ customer_name|upper }}</p>",
            'Letters may not use the filter "upper": only date, floatformat, default.',
        ),
        (
            "<p>{{ customer.email }}</p>",
            '"customer.email" is not a merge field of the "general" letter. Merge fields: '
            "customer_name, mailing_address_line1, mailing_address_line2, mailing_address_line3,"
            " account_number, service_address, balance, due_date, amount, date, district_name,"
            " district_phone, district_address.",
        ),
        (
            "{% if password %}<p>x</p>{% endif %}",
            '"password" is not a merge field of the "general" letter. Merge fields: '
            "customer_name, mailing_address_line1, mailing_address_line2, mailing_address_line3,"
            " account_number, service_address, balance, due_date, amount, date, district_name,"
            " district_phone, district_address.",
        ),
        ("<p>{{ date|default:secret }}</p>", '"secret" is not a merge field'),
        ("<script>alert(1)</script>", "Letters may not contain <script> elements."),
        (
            '<p><img src="https://example.org/x.png"></p>',
            "Letters may not contain <img> elements.",
        ),
        ('<p onclick="x()">Hi</p>', 'Letters may not use the "onclick" attribute (on <p>).'),
    ],
)
def test_the_sandbox_refuses_and_names_what_letters_may_not_use(body, message):
    errors = _refusal(body)
    assert errors["body"][0].startswith(message)


def test_a_kinds_own_fields_are_merge_fields_of_that_kind_only():
    body = "<p>{{ usage_hcf|floatformat }} HCF</p>"
    template_check(subject="High use", body=body, kind=KINDS["high-use"])  # no refusal
    assert _refusal(body)["body"][0].startswith('"usage_hcf" is not a merge field')


def test_the_subject_is_checked_too_and_is_plain_text():
    errors = _refusal("<p>Hi</p>", subject="{{ customer_name|upper }}")
    assert errors == {
        "subject": ['Letters may not use the filter "upper": only date, floatformat, default.']
    }
    assert _refusal("<p>Hi</p>", subject="<b>Hi</b>") == {
        "subject": ["The subject is plain text: no markup."]
    }


def test_the_starting_letters_are_seeded_from_the_letters_on_disk():
    # the migrate of the test database seeded them
    keys = set(LetterTemplate.objects.values_list("key", "language"))
    assert {("welcome", "en"), ("welcome", "es"), ("returned-payment", "en")} <= keys
    assert ("returned-payment", "es") in keys
    welcome = LetterTemplateVersion.objects.get(
        template__key="welcome", template__language="es", number=1
    )
    assert welcome.subject == "Bienvenido a {{ district_name }}"
    assert welcome.created_by is None and welcome.reason == "Starting text"
    # every starting text passes its own sandbox
    for version in LetterTemplateVersion.objects.select_related("template"):
        template_check(subject=version.subject, body=version.body, kind=KINDS[version.template.key])


def test_an_edit_adds_a_version_and_keeps_the_old_one(make_user):
    # given
    supervisor = make_user(roles.SUPERVISOR)
    template = LetterTemplate.objects.get(key="general", language="en")
    first = template.versions.get()

    # when
    version = letter_template_edit(
        template_id=template.pk,
        subject="About account {{ account_number }}",
        body="<p>Dear {{ customer_name }},</p><p>Please call us.</p>",
        by=supervisor,
        reason="Shorter",
    )

    # then
    assert version.number == 2 and version.created_by == supervisor
    assert version.reason == "Shorter"
    assert list(template.versions.order_by("number").values_list("number", flat=True)) == [1, 2]
    first.refresh_from_db()
    assert "This letter is about your water account" in first.body
    # the seed again (another migrate) leaves the edit as it is
    assert seed_letter_templates() == 0
    assert template.versions.count() == 2


def test_a_refused_edit_writes_nothing(make_user):
    template = LetterTemplate.objects.get(key="general", language="en")
    with pytest.raises(ServiceError) as refused:
        letter_template_edit(
            template_id=template.pk,
            subject="Hi",
            body="{% load static %}",
            by=make_user(roles.SUPERVISOR),
            reason="Try",
        )
    assert "{% load %}" in refused.value.message_dict["body"][0]
    assert template.versions.count() == 1


def test_only_a_supervisor_edits_letters(make_user):
    template = LetterTemplate.objects.get(key="general", language="en")
    with pytest.raises(NotPermitted):
        letter_template_edit(
            template_id=template.pk,
            subject="Hi",
            body="<p>Hi</p>",
            by=make_user(roles.CSR_III),
            reason="Try",
        )
    assert template.versions.count() == 1


def test_a_letter_in_a_new_language_and_not_twice(make_user):
    supervisor = make_user(roles.SUPERVISOR)
    template = letter_template_create(
        key="general",
        language="vi",
        subject="Về tài khoản nước của quý vị",
        body="<p>{{ customer_name }}</p>",
        by=supervisor,
        reason="Vietnamese customers",
    )
    assert template.versions.get().number == 1
    with pytest.raises(ServiceError) as refused:
        letter_template_create(
            key="general",
            language="vi",
            subject="x",
            body="<p>x</p>",
            by=supervisor,
            reason="again",
        )
    assert refused.value.message_dict == {
        "language": ["That letter already exists in that language: edit it instead."]
    }


# -- pages


def test_the_preview_renders_the_text_being_edited(client_for):
    client = client_for(roles.SUPERVISOR)
    template = LetterTemplate.objects.get(key="general", language="en")
    url = reverse("correspondence:template_preview", args=[template.pk])

    shown = client.post(
        url,
        {"subject": "Hello {{ customer_name }}", "body": "<p>Call {{ district_phone }}.</p>"},
    ).content.decode()
    assert "Call (555) 555-0100." in shown
    assert "Merged with sample values." in shown and "Hello Maria Lopez" in shown

    refused = client.post(url, {"subject": "Hi", "body": "{% url 'x' %}"}).content.decode()
    assert "Letters may not use the {% url %} tag" in refused


def test_the_edit_page_saves_a_version_and_the_history_shows_the_change(client_for):
    client = client_for(roles.SUPERVISOR)
    template = LetterTemplate.objects.get(key="general", language="en")
    edit = reverse("correspondence:template_edit", args=[template.pk])
    assert client.get(edit).status_code == 200

    response = client.post(
        edit,
        {
            "subject": "About your water account",
            "body": "<p>Dear {{ customer_name }},</p>\n<p>New line.</p>",
            "reason": "Simpler",
        },
    )

    assert response.status_code == 302
    history = client.get(reverse("correspondence:template_history", args=[template.pk]))
    page = history.content.decode()
    assert "Version 2 (current)" in page and "Simpler" in page
    assert "+ &lt;p&gt;New line.&lt;/p&gt;" in page


def test_the_edit_page_shows_a_refusal_next_to_the_body(client_for):
    client = client_for(roles.SUPERVISOR)
    template = LetterTemplate.objects.get(key="general", language="en")
    response = client.post(
        reverse("correspondence:template_edit", args=[template.pk]),
        {"subject": "Hi", "body": "<p>{{ customer_name|upper }}</p>", "reason": "x"},
    )
    assert response.status_code == 200
    assert "Letters may not use the filter &quot;upper&quot;" in response.content.decode()
    assert template.versions.count() == 1


@pytest.mark.parametrize(
    ("role", "status"),
    [(roles.SUPERVISOR, 200), (roles.CSR_III, 403), (roles.FINANCE, 403)],
)
def test_template_pages_are_the_supervisors(
    client_for, role, status, django_assert_max_num_queries
):
    client = client_for(role)
    client.get("/")  # the session and the menu
    with django_assert_max_num_queries(10):
        response = client.get(reverse("correspondence:template_list"))
    assert response.status_code == status
    if status == 200:
        assert "Returned payment" in response.content.decode()
