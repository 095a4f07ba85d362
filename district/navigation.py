"""The staff menu: each app registers its entries (label, url name, permission, group) in ready().

The header shows one dropdown menu per group, in the order of GROUPS, so that a clerk finds an
entry by the job it serves (counter, billing, cash, field, supervision) instead of scanning a
few dozen links.
"""

from dataclasses import dataclass

from django.urls import reverse

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


_items: list[NavItem] = []


def register(item: NavItem) -> None:
    if item.group not in GROUPS:
        raise ValueError(
            f"Menu entry {item.label!r} needs a group, one of {', '.join(GROUPS)}; "
            f"got {item.group!r}."
        )
    if any(existing.url_name == item.url_name for existing in _items):
        return
    _items.append(item)
    _items.sort(key=lambda entry: (entry.order, entry.label))


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
        for item in _items
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
# people whose role may search see the box.
_search_url_name: str | None = None
_search_permission: str | None = None


def register_search(url_name: str, permission: str | None = None) -> None:
    global _search_url_name, _search_permission
    _search_url_name = url_name
    _search_permission = permission


def search_url(user=None) -> str | None:
    """The search box's URL, or None when there is none or `user` may not search."""
    if not _search_url_name:
        return None
    if user is not None and _search_permission and not user.has_perm(_search_permission):
        return None
    return reverse(_search_url_name)
