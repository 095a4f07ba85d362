"""The README's roles section against what district/access.py declares: every permission a page
asks for is documented, and the integration scopes' table names exactly the operations each
scope opens, so the README cannot drift from the URL declarations."""

import re
from pathlib import Path

from django.urls import URLPattern, URLResolver, get_resolver

from district import roles
from district.access import SCOPE_PREFIX, STAFF, STAFF_API, access_of
from integrations.scopes import ALL_SCOPES

README = Path(__file__).resolve().parents[2] / "README.md"
ANY_TOKEN = "any"  # /api/v1/'s catch-all 404: any valid token, nothing opened


def _declared() -> list[tuple[str, str, str]]:
    """(route as the API reference writes it, kind, permission) of every URL that names one."""

    def walk(patterns, prefix=""):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern):
                access = access_of(entry.callback)
                if access and access[1]:
                    route = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", prefix + str(entry.pattern))
                    yield "/" + route, access[0], access[1]

    return list(walk(get_resolver().url_patterns))


def _roles_section() -> str:
    text = README.read_text()
    start = text.index("## Roles and demo sign-ins")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else None]


def _table_rows(first_column: str) -> list[list[str]]:
    """The rows (cell texts, header and rule left out) of the section's table headed so."""
    rows, inside = [], False
    for line in _roles_section().splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("|") and cells[0] == first_column:
            inside = True
        elif inside and line.startswith("|"):
            if not all(set(cell) <= {"-", ":"} for cell in cells):
                rows.append(cells)
        elif inside:
            break
    assert rows, f"The README's roles section needs a table headed {first_column!r}"
    return rows


def test_every_permission_a_page_asks_for_is_in_the_readme():
    # given the permissions the README documents: its table's rows, and what it says
    # administrators alone hold
    section = _roles_section()
    tabled = {f"district.{row[0].strip('`')}" for row in _table_rows("permission")}
    # when the pages' declarations are read
    asked = {
        permission
        for _, kind, permission in _declared()
        if kind in (STAFF, STAFF_API) and not permission.startswith(SCOPE_PREFIX)
    }
    # then each is a row of the table, or held by no role and named as the administrators'
    granted = {permission for role in roles.ALL_ROLES for permission in role.permissions}
    undocumented = [
        permission
        for permission in sorted(asked - tabled)
        if permission in granted or f"`{permission.split('.', 1)[1]}`" not in section
    ]
    assert undocumented == [], f"Pages ask for permissions the README omits: {undocumented}"


def test_the_readme_scopes_table_is_what_the_api_urls_declare():
    # given the README's scopes table as {scope: [operations]}
    documented = {
        row[0].strip("`"): [path.strip().strip("`") for path in row[2].split(",")]
        for row in _table_rows("scope")
    }
    # when the API's URL declarations are gathered the same way
    declared: dict[str, list[str]] = {}
    for route, kind, permission in _declared():
        scope = permission.removeprefix(SCOPE_PREFIX)
        if kind == STAFF_API and permission.startswith(SCOPE_PREFIX) and scope != ANY_TOKEN:
            declared.setdefault(scope, []).append(route)
    # then every scope is documented, in the order of integrations/scopes.py, with exactly the
    # operations it opens
    assert list(documented) == list(ALL_SCOPES)
    assert documented == declared
