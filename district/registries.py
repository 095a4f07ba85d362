"""Registries: how an app adds entries to a list that a lower layer owns, without being imported.

Every registry (panels, menu entries, account actions, approval kinds, completion handlers,
history sources, ledger checks, history models, ...) is a `Registry` and keeps one rule for a
repeated registration:

- the same key with an equal entry again is a no-op (a test or a second `ready()` may repeat it);
- the same key with a different entry raises ImproperlyConfigured at start-up, because two apps
  claiming one name is a mistake that a silent winner would hide.

Apps register in one place: their `registrations.py`, which their `AppConfig.ready()` imports.
`manage.py registries` prints what every registry holds, in the order it is used.
"""

from collections.abc import Callable, Hashable, Iterator
from typing import Any

from django.core.exceptions import ImproperlyConfigured

_registries: dict[str, "Registry"] = {}


class Registry:
    """Entries by key. `order(key, entry)` sorts entries for use (default: the order they were
    registered); `describe(key, entry)` is the entry's line in `manage.py registries`."""

    def __init__(
        self,
        name: str,
        *,
        describe: Callable[[Any, Any], str],
        order: Callable[[Any, Any], Any] | None = None,
        listed: bool = True,
    ):
        self.name = name
        self._describe = describe
        self._order = order
        self._entries: dict[Hashable, Any] = {}
        if listed:
            if name in _registries:
                raise ImproperlyConfigured(f"Two registries are named {name!r}.")
            _registries[name] = self

    def register(self, key: Hashable, entry: Any) -> Any:
        """Add `entry` under `key`; returns the entry registered under that key."""
        existing = self._entries.get(key)
        if existing is not None:
            if existing == entry:
                return existing
            raise ImproperlyConfigured(
                f"{self.name}: {key!r} is already registered with a different entry."
            )
        self._entries[key] = entry
        return entry

    def unregister(self, key: Hashable) -> None:
        """Forget an entry (tests register throwaway ones)."""
        self._entries.pop(key, None)

    def get(self, key: Hashable, default: Any = None) -> Any:
        return self._entries.get(key, default)

    def __contains__(self, key: Hashable) -> bool:
        return key in self._entries

    def __len__(self) -> int:
        return len(self._entries)

    def items(self) -> list[tuple[Hashable, Any]]:
        """(key, entry) pairs in the order they are used."""
        pairs = list(self._entries.items())
        if self._order is not None:
            pairs.sort(key=lambda pair: self._order(*pair))
        return pairs

    def entries(self) -> list[Any]:
        return [entry for _key, entry in self.items()]

    def __iter__(self) -> Iterator[Any]:
        return iter(self.entries())

    def lines(self) -> list[str]:
        """One line per entry, in order: what `manage.py registries` prints."""
        return [self._describe(key, entry) for key, entry in self.items()]


def all_registries() -> list[Registry]:
    """Every listed registry, by name."""
    return [_registries[name] for name in sorted(_registries)]


def callable_name(function: Callable) -> str:
    """`module.qualname` of a function: how a registry names a handler in its listing."""
    module = getattr(function, "__module__", "?")
    return f"{module}.{getattr(function, '__qualname__', repr(function))}"
