"""The header's menus: entries grouped by job, each group once, only what the role may open; the
home page does not repeat the menu."""

import pytest
from django.urls import reverse

from district import navigation, roles

pytestmark = pytest.mark.django_db


def test_an_entry_without_a_job_is_refused():
    # when / then
    with pytest.raises(ValueError, match="needs a group"):
        navigation.register(navigation.NavItem("Lost", "home", None, group=""))
    assert "Lost" not in [item.label for item in navigation.ITEMS.entries()]


def test_a_supervisor_gets_one_menu_per_job_in_order(make_user):
    # given
    supervisor = make_user(roles.SUPERVISOR)
    # when
    groups = navigation.groups_for(supervisor, reverse("payments:counter"))
    # then
    assert [group["key"] for group in groups] == list(navigation.GROUPS)
    cash = next(group for group in groups if group["key"] == "cash")
    assert cash["current"] and "Cash drawer" in [item["label"] for item in cash["items"]]
    assert not any(group["current"] for group in groups if group["key"] != "cash")


def test_a_field_technician_gets_only_the_field_menu(make_user):
    # given
    technician = make_user(roles.FIELD_TECHNICIAN)
    # when
    groups = navigation.groups_for(technician)
    # then
    assert [group["key"] for group in groups] == ["field"]


def test_the_header_shows_menus_and_the_home_page_does_not_repeat_them(client_for):
    # given
    client = client_for(roles.SUPERVISOR)
    # when
    html = client.get(reverse("home")).content.decode()
    # then: each entry once (in its menu), under five menu buttons
    assert html.count('data-bs-toggle="dropdown"') == len(navigation.GROUPS)
    assert html.count(f'href="{reverse("billing:bill_runs")}"') == 1
    assert "Your work" not in html
