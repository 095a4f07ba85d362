"""The account page's main actions carry the counter's single-key shortcuts and access keys
(p take payment, c log a contact, n new case, s start service), and a skip link reaches them."""

import re

import pytest
from django.urls import reverse

from district import roles
from tests.factories import ServiceAccountFactory

pytestmark = pytest.mark.django_db


def _shortcuts(html: str) -> dict[str, str]:
    """data-shortcut key -> its accesskey, for each element that has one."""
    found = {}
    for tag in re.findall(r"<(?:a|input|button)\b[^>]*data-shortcut=[^>]*>", html):
        key = re.search(r'data-shortcut="([^"]+)"', tag).group(1)
        access = re.search(r'accesskey="([^"]+)"', tag)
        found[key] = access.group(1) if access else ""
    return found


def test_a_csr_gets_the_four_shortcuts_each_with_its_access_key(client_for):
    # given
    account = ServiceAccountFactory()
    client = client_for(roles.SUPERVISOR)
    # when
    html = client.get(reverse("accounts:account_detail", args=[account.pk])).content.decode()
    # then
    assert _shortcuts(html) == {"p": "p", "c": "c", "n": "n", "s": "s"}
    assert 'href="#panel-actions-start">Skip to the account\'s actions</a>' in html
    assert 'id="panel-actions-start"' in html


def test_a_role_without_those_actions_gets_no_shortcut_for_them(client_for):
    # given: Finance researches money, it takes no payments, opens no cases, starts nothing
    account = ServiceAccountFactory()
    client = client_for(roles.FINANCE)
    # when
    html = client.get(reverse("accounts:account_detail", args=[account.pk])).content.decode()
    # then
    assert set(_shortcuts(html)) & {"p", "n", "s", "c"} == set()
