"""Panels: how screens that gather several apps' data are built without importing upward.

Each app registers its panels (for a page such as "account" or "home") in its AppConfig.ready();
the shell page renders the registered panels in order, each through its own selector and
template, and only those the viewer may see.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.template.loader import render_to_string


@dataclass(frozen=True)
class Panel:
    page: str  # which shell shows it: "home", "account", ...
    key: str
    title: str
    template: str
    selector: Callable[..., dict]  # (request, **page_context) -> template context
    permission: str | None = None
    order: int = 100


_panels: dict[str, list[Panel]] = {}


def register(panel: Panel) -> None:
    panels = _panels.setdefault(panel.page, [])
    if any(existing.key == panel.key for existing in panels):
        return
    panels.append(panel)
    panels.sort(key=lambda entry: (entry.order, entry.key))


def panels_for(page: str, user) -> list[Panel]:
    return [
        panel
        for panel in _panels.get(page, [])
        if panel.permission is None or user.has_perm(panel.permission)
    ]


def render_panels(page: str, request, **page_context) -> list[dict]:
    """Render each visible panel of a page to HTML; returns [{key, title, html}]."""
    rendered = []
    for panel in panels_for(page, request.user):
        context = {"panel": panel, **page_context, **panel.selector(request, **page_context)}
        rendered.append(
            {
                "key": panel.key,
                "title": panel.title,
                "html": render_to_string(panel.template, context, request=request),
            }
        )
    return rendered
