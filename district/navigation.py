"""The staff menu: each app registers its entries (label, url name, permission) in ready()."""

from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    permission: str | None
    order: int = 100


_items: list[NavItem] = []


def register(item: NavItem) -> None:
    if any(existing.url_name == item.url_name for existing in _items):
        return
    _items.append(item)
    _items.sort(key=lambda entry: (entry.order, entry.label))


def items_for(user) -> list[dict]:
    """The entries this user may use, with resolved URLs, in menu order."""
    if not user.is_authenticated or not user.is_staff:
        return []
    return [
        {"label": item.label, "url": reverse(item.url_name), "url_name": item.url_name}
        for item in _items
        if item.permission is None or user.has_perm(item.permission)
    ]


# The global search box posts to the counter search, which the accounts app provides, and
# shows only to those whose role opens it (a technician's header has no customer search).
_search_url_name: str | None = None
_search_permission: str | None = None


def register_search(url_name: str, permission: str | None = None) -> None:
    global _search_url_name, _search_permission
    _search_url_name = url_name
    _search_permission = permission


def search_url(user=None) -> str | None:
    if not _search_url_name:
        return None
    if _search_permission and (user is None or not user.has_perm(_search_permission)):
        return None
    return reverse(_search_url_name)
