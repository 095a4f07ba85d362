"""Hostile strings in searches, forms and API bodies: cleaned or refused with a message, never a 500.

Every POST form that the pages of a small demo district show a supervisor is found by reading
the pages' HTML, then sent back with a hostile value in every typed field; each must answer 400
with a message and write nothing (every table's rows are counted before and after).
"""

import json
from html.parser import HTMLParser
from urllib.parse import quote, quote_from_bytes, urlencode, urlsplit

import pytest
from django.apps import apps
from django.db import connection
from django.urls import resolve, reverse

from accounts.models import Customer, ServiceAccount
from district import roles
from district.input_guard import MAX_JSON_DEPTH, clean_text, json_depth, text_problem
from payments.counter.services import drawer_open
from payments.models import Drawer
from tests.district.test_access_matrix import POST_ONLY, _all_pages
from tests.district.test_no_500_walk import _urls

ONE_MEGABYTE = "x" * (1024 * 1024)
HOSTILE_TEXT = {
    "nul": "Main St\x00 DROP",
    "escape": "Main St\x1b[2J",
    "rtl override": "Smith\u202egpj.exe",
    "one megabyte": ONE_MEGABYTE,
}
# A lone surrogate cannot be written as UTF-8 text: it is sent as its raw (CESU) bytes.
LONE_SURROGATE_BYTES = b"Smith\xed\xa0\x80"
TYPED_INPUTS = {
    "text",
    "search",
    "email",
    "tel",
    "number",
    "hidden",
    "date",
    "time",
    "url",
    "password",
}
CSRF = "csrfmiddlewaretoken"
# Forms whose purpose is elsewhere: signing out ends the walk's session.
SKIPPED_ACTIONS = {"logout"}
# The staff forms that must be among those found (the rest are whatever the pages show).
REQUIRED_FORMS = {
    "accounts:customer_create",
    "accounts:customer_edit",
    "accounts:account_contacts",
    "accounts:case_open",
    "accounts:case_update",
    "accounts:service_start",
    "accounts:service_stop",
    "field_ops:read_create",
    "billing:account_adjustments",
    "billing:calculator",
    "payments:counter_pay",
}


class _Forms(HTMLParser):
    """The POST forms of a page: action and the fields with their default values."""

    def __init__(self):
        super().__init__()
        self.forms = []
        self._select = None

    def handle_starttag(self, tag, attributes):
        attributes = dict(attributes)
        if tag == "form":
            method = (attributes.get("method") or "get").lower()
            self.forms.append(
                {"post": method == "post", "action": attributes.get("action"), "fields": []}
            )
        if not self.forms:
            return
        fields = self.forms[-1]["fields"]
        name = attributes.get("name")
        if tag == "input" and name:
            kind = (attributes.get("type") or "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in attributes:
                return
            if kind not in ("submit", "button", "file", "image", "reset"):
                fields.append((name, attributes.get("value") or "", kind in TYPED_INPUTS))
        elif tag == "textarea" and name:
            fields.append((name, "", True))
        elif tag == "select" and name:
            self._select = name
            fields.append((name, "", False))
        elif tag == "option" and self._select:
            position = next(
                i for i, field in reversed(list(enumerate(fields))) if field[0] == self._select
            )
            if not fields[position][1] or "selected" in attributes:
                fields[position] = (self._select, attributes.get("value") or "", False)

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def _row_counts() -> dict:
    """Rows in every table of the portal (sessions and sign-in records aside)."""
    tables = sorted(
        {
            model._meta.db_table
            for model in apps.get_models()
            if model._meta.managed
            and not model._meta.proxy
            and model._meta.app_label not in {"sessions", "axes", "admin"}
        }
    )
    query = " UNION ALL ".join(f"SELECT '{table}', count(*) FROM \"{table}\"" for table in tables)
    with connection.cursor() as cursor:
        cursor.execute(query)
        return dict(cursor.fetchall())


def _post_forms(client, page_urls):
    """{(url name, action, field names): fields} of every POST form on the pages."""
    found = {}
    for url in page_urls:
        if "pdf" in url or "print-file" in url:
            continue  # documents, not pages: no forms, and slow to render
        response = client.get(url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        parser = _Forms()
        parser.feed(response.content.decode())
        for form in parser.forms:
            action = form["action"] or url
            path = urlsplit(action).path or urlsplit(url).path
            match = resolve(path)
            if not form["post"] or match.url_name in SKIPPED_ACTIONS:
                continue
            if not any(typed and name != CSRF for name, _value, typed in form["fields"]):
                continue  # nothing typed to make hostile (a button, a file upload alone)
            key = (match.view_name, action, tuple(name for name, _v, _t in form["fields"]))
            found.setdefault(key, form["fields"])
    return found


def _hostile_bodies(fields):
    """(what, urlencoded body) with a hostile value in every typed field."""
    for what, text in HOSTILE_TEXT.items():
        pairs = [(name, text if typed and name != CSRF else value) for name, value, typed in fields]
        yield what, urlencode(pairs)
    parts = []
    for name, value, typed in fields:
        raw = LONE_SURROGATE_BYTES if typed and name != CSRF else value.encode()
        parts.append(f"{quote(name)}={quote_from_bytes(raw)}")
    yield "lone surrogate", "&".join(parts)


def test_clean_text_keeps_tabs_and_line_breaks_and_drops_the_rest():
    # given text with control characters, line breaks and a direction override
    text = "a\x00b\tc\r\nd\x1b\u202ee\x7f"

    # when it is cleaned
    cleaned = clean_text(text)

    # then only the harmless characters stay
    assert cleaned == "ab\tc\r\nde"


def test_text_problem_names_each_kind_of_hostile_value():
    # given / when / then
    assert text_problem("O'Brien, 12 Main St\r\nApt 4\t(rear)") is None
    assert "control character" in text_problem("a\x00b")
    assert "direction override" in text_problem("a\u202eb")
    assert "not valid text" in text_problem("a\ud800b")
    assert "not valid text" in text_problem("a\ufffdb")
    assert "longer than" in text_problem(ONE_MEGABYTE)


def test_json_depth_counts_brackets_outside_strings():
    # given / when / then
    assert json_depth(b'{"a": [1, {"b": "[[[[["}]}') == 3
    assert json_depth(b"[" * 5000) == 5000
    assert json_depth(b'"\\"[[["') == 0


@pytest.mark.parametrize("query", ["%00abc", "abc%1B%5B2J", "%E2%80%AEabc", "%ED%A0%80abc"])
def test_the_search_box_answers_a_hostile_query_without_a_500(client_for, query):
    # given a signed-in CSR and a customer named Abc
    client = client_for(roles.CSR_I)

    # when the global search and the counter's find box get a query with hostile characters
    search = client.get(f"/search/?q={query}")
    find = client.get(f"{reverse('payments:counter_pay')}?find={query}")

    # then both pages answer (the characters removed)
    assert search.status_code == 200
    assert find.status_code == 200


def test_the_search_box_strips_a_nul_byte_before_searching(client_for):
    # given a CSR
    client = client_for(roles.CSR_I)

    # when the search gets a NUL byte in its query
    response = client.get("/search/?q=%00abc")

    # then it searched for what was left
    assert response.status_code == 200
    assert response.wsgi_request.GET["q"] == "abc"


def test_a_megabyte_query_string_is_refused_with_a_message(client_for):
    # given a CSR
    client = client_for(roles.CSR_I)

    # when a search of a megabyte is sent
    response = client.get("/search/", {"q": ONE_MEGABYTE})

    # then it is refused with a message
    assert response.status_code == 400
    assert "longer than" in response.content.decode()


@pytest.mark.parametrize("what", [*HOSTILE_TEXT, "lone surrogate"])
def test_the_customer_form_refuses_a_hostile_name_and_writes_nothing(client_for, what):
    # given a CSR at the new-customer form
    client = client_for(roles.CSR_I)
    fields = [("first_name", "", True), ("last_name", "", True), ("phone", "", True)]
    body = dict(_hostile_bodies(fields))[what]
    before = Customer.objects.count()

    # when the form is sent with a hostile value
    response = client.post(
        reverse("accounts:customer_create"), body, content_type="application/x-www-form-urlencoded"
    )

    # then it is refused with a message naming the field, and no customer is created
    assert response.status_code == 400
    assert "Nothing was saved" in response.content.decode()
    assert Customer.objects.count() == before


def test_every_post_form_refuses_hostile_values_and_writes_nothing(
    demo_district, client, make_user
):
    # given a supervisor with an open drawer, and every POST form of the demo district's pages
    user = make_user(roles.SUPERVISOR)
    client.force_login(user)
    drawer_open(drawer=Drawer.objects.order_by("pk").first(), cashier=user, opening_count={})
    account = ServiceAccount.objects.order_by("pk").first()
    pages = [
        "/" + route.replace("^", "").replace("$", "")
        for name, route, _entry in _all_pages()
        if "<" not in route and name not in POST_ONLY and not route.startswith("api/")
    ]
    pages += _urls()
    pages.append(f"{reverse('payments:counter_pay')}?account={account.pk}")
    forms = _post_forms(client, pages)
    found = {view_name for view_name, _action, _names in forms}
    assert REQUIRED_FORMS - found == set()

    # when each is sent back with each hostile value in every typed field
    wrong = []
    for (view_name, action, _names), fields in forms.items():
        before = _row_counts()
        for what, body in _hostile_bodies(fields):
            response = client.post(action, body, content_type="application/x-www-form-urlencoded")
            text = response.content.decode(errors="replace")
            if response.status_code != 400 or "Nothing was saved" not in text:
                wrong.append((view_name, what, response.status_code))
        after = _row_counts()
        if after != before:
            changed = sorted(table for table in after if after[table] != before.get(table))
            wrong.append((view_name, "wrote", changed))

    # then every one was refused with a message and nothing was written
    assert len(forms) > 40
    assert wrong == [], "\n".join(map(str, wrong))


def _calculator_body(**overrides):
    body = {
        "schedule": "DW",
        "customer_class": "residential",
        "meter_size": "5/8",
        "consumption": "12",
        "period_start": "2026-01-01",
        "period_end": "2026-01-31",
    }
    body.update(overrides)
    return body


def test_a_deeply_nested_json_body_is_refused_before_it_is_parsed(client_for):
    # given a CSR calling the calculator API
    client = client_for(roles.CSR_I)

    # when the body is 5,000 opening brackets
    response = client.post(
        reverse("billing:api_calculate"), "[" * 5000, content_type="application/json"
    )

    # then it is refused with a JSON message
    assert response.status_code == 400
    assert f"more than {MAX_JSON_DEPTH} levels" in response.json()["errors"]["body"][0]


@pytest.mark.parametrize(
    "rates_yaml",
    [
        "[" * 5000,
        "schedule: " + "[" * 5000,
        "a:\n" + "".join(f"{' ' * i}k{i}:\n" for i in range(60)),
    ],
    ids=["brackets", "brackets under a key", "indentation"],
)
def test_deeply_nested_yaml_to_the_calculator_is_refused_with_a_400(client_for, rates_yaml):
    # given a CSR calling the calculator API
    client = client_for(roles.CSR_I)

    # when the rate schedule text nests thousands of levels deep
    body = _calculator_body(rates_yaml=rates_yaml)
    del body["schedule"]
    response = client.post(
        reverse("billing:api_calculate"), json.dumps(body), content_type="application/json"
    )

    # then it is refused with a message about the nesting
    assert response.status_code == 400
    assert "levels deep" in json.dumps(response.json()["errors"])


API_ENDPOINTS = ["billing:api_calculate", "payments:api_counter_payment"]
# The integration API (/api/v1/) takes tokens, not a staff sign-in: tests/integrations sends
# its operations hostile and non-UTF-8 bodies with a token. Its reference page takes no body.
INTEGRATION_API = "integrations:"


@pytest.mark.parametrize("endpoint", API_ENDPOINTS)
@pytest.mark.parametrize(
    "value",
    ["Main St\x00", "Main St\x1b", "Smith\u202egpj", "Smith\ud800", ONE_MEGABYTE],
    ids=["nul", "escape", "rtl override", "lone surrogate", "one megabyte"],
)
def test_every_api_refuses_hostile_strings_with_a_json_message(client_for, endpoint, value):
    # given a supervisor calling the API, and every table's rows counted
    client = client_for(roles.SUPERVISOR)
    body = json.dumps(
        {"customer_class": value, "memo": value, "account": value, "zone": value},
        ensure_ascii=True,  # a lone surrogate travels as the escape \ud800
    )
    before = _row_counts()

    # when the body carries the hostile string
    response = client.post(reverse(endpoint), body, content_type="application/json")

    # then it is refused with a JSON message and nothing is written
    assert response.status_code == 400
    assert response.json()["errors"]
    assert _row_counts() == before


def test_every_api_endpoint_is_covered():
    # given the URL patterns
    api_names = {
        name
        for name, route, _entry in _all_pages()
        if route.startswith("api/")
        and "schema" not in route
        and not name.startswith(INTEGRATION_API)
    }

    # then the hostile-body test calls each
    assert api_names == set(API_ENDPOINTS)


@pytest.mark.parametrize("endpoint", API_ENDPOINTS)
def test_an_api_body_that_is_not_utf8_is_refused_with_a_400(client_for, endpoint):
    # given a supervisor calling the API with bytes that are not UTF-8
    client = client_for(roles.SUPERVISOR)
    before = _row_counts()

    # when the body is sent
    response = client.post(
        reverse(endpoint), b'{"zone": "caf\xe9 \xed\xa0\x80"}', content_type="application/json"
    )

    # then it is refused with a message and nothing is written
    assert response.status_code == 400
    assert response.json()
    assert _row_counts() == before
