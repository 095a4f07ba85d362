"""Naming a person on a page: full name, else sign-in name, else a dash; never a 500."""

import re
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.template import Context, Template

PAGE = Template("{% load people %}Entered by {{ read.entered_by|person }}.")


def test_an_empty_person_reads_as_a_dash():
    assert PAGE.render(Context({"read": {"entered_by": None}})) == "Entered by —."


def test_a_person_reads_by_full_name_else_sign_in_name():
    user_model = get_user_model()
    named = user_model(pk=1, username="mgarcia", first_name="Maria", last_name="Garcia")
    unnamed = user_model(pk=2, username="mgarcia")
    assert PAGE.render(Context({"read": {"entered_by": named}})) == "Entered by Maria Garcia."
    assert PAGE.render(Context({"read": {"entered_by": unnamed}})) == "Entered by mgarcia."


def test_no_template_names_a_person_the_old_way():
    # `x.get_full_name|default:x.username` ends the page in a 500 when x is empty.
    pattern = re.compile(r"([a-z_][a-z_0-9.]*)\.get_full_name\|default:\1\.username")
    found = [
        str(path)
        for path in Path(settings.BASE_DIR, "templates").rglob("*.html")
        if pattern.search(path.read_text())
    ]
    assert found == []
