"""The staff menu: each app registers its entries (label, url name, permission, group) in its
registrations.py.

The header shows one dropdown menu per group, in the order of GROUPS, so that a clerk finds an
entry by the job it serves (counter, billing, cash, field, supervision) instead of scanning a
few dozen links.
"""

from dataclasses import dataclass

from django.urls import reverse

from district.registries import Registry

# The menu groups, in header order: key -> the label the header shows.
GROUPS: dict[str, str] = {
    "counter": "Counter",
    "billing": "Billing",
    "cash": "Cash",
    "field": "Field",
    "supervision": "Supervision",
}


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    permission: str | None
    order: int = 100
    group: str = ""  # one of GROUPS (required: register() refuses an entry without one)


ITEMS = Registry(
    "menu entries",
    describe=lambda _url_name, item: (
        f"{item.group}: {item.label} -> {item.url_name} order={item.order} "
        f"permission={item.permission or '-'}"
    ),
    order=lambda _url_name, item: (item.order, item.label),
)


def register(item: NavItem) -> None:
    if item.group not in GROUPS:
        raise ValueError(
            f"Menu entry {item.label!r} needs a group, one of {', '.join(GROUPS)}; "
            f"got {item.group!r}."
        )
    ITEMS.register(item.url_name, item)


def items_for(user) -> list[dict]:
    """The entries this user may use, with resolved URLs, in menu order."""
    if not user.is_authenticated or not user.is_staff:
        return []
    return [
        {
            "label": item.label,
            "url": reverse(item.url_name),
            "url_name": item.url_name,
            "group": item.group,
        }
        for item in ITEMS.entries()
        if item.permission is None or user.has_perm(item.permission)
    ]


def groups_for(user, current_path: str = "") -> list[dict]:
    """The header's menus: the groups this user has entries in, in GROUPS order, each with its
    entries (in menu order) and whether it holds the page at current_path."""
    entries = items_for(user)
    groups = []
    for key, label in GROUPS.items():
        items = [entry for entry in entries if entry["group"] == key]
        if items:
            groups.append(
                {
                    "key": key,
                    "label": label,
                    "items": items,
                    "current": any(entry["url"] == current_path for entry in items),
                }
            )
    return groups


# The global search box posts to the counter search, which the accounts app provides; only
# people whose role may search see the box. One entry at most, under the key "search".
SEARCH = Registry(
    "search box",
    describe=lambda key, entry: f"{key} -> {entry[0]} permission={entry[1] or '-'}",
)


def register_search(url_name: str, permission: str | None = None) -> None:
    SEARCH.register("search", (url_name, permission))


def search_url(user=None) -> str | None:
    """The search box's URL, or None when there is none or `user` may not search."""
    entry = SEARCH.get("search")
    if entry is None:
        return None
    url_name, permission = entry
    if user is not None and permission and not user.has_perm(permission):
        return None
    return reverse(url_name)
