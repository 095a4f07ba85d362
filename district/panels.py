"""Panels: how screens that gather several apps' data are built without importing upward.

Each app registers its panels (for a page such as "account" or "home") in its registrations.py;
the shell page renders the registered panels in order, each through its own selector and
template, and only those the viewer may see.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.template.loader import render_to_string

from district.registries import Registry, callable_name


@dataclass(frozen=True)
class Panel:
    page: str  # which shell shows it: "home", "account", ...
    key: str
    title: str
    template: str
    selector: Callable[..., dict]  # (request, **page_context) -> template context
    permission: str | None = None
    order: int = 100


def _describe(_key, panel: Panel) -> str:
    return (
        f"{panel.page}/{panel.key} order={panel.order} permission={panel.permission or '-'} "
        f"template={panel.template} selector={callable_name(panel.selector)}"
    )


PANELS = Registry(
    "panels", describe=_describe, order=lambda _key, panel: (panel.page, panel.order, panel.key)
)


def register(panel: Panel) -> None:
    PANELS.register((panel.page, panel.key), panel)


def panels_for(page: str, user) -> list[Panel]:
    return [
        panel
        for panel in PANELS.entries()
        if panel.page == page and (panel.permission is None or user.has_perm(panel.permission))
    ]


LAZY_TEMPLATE = "district/_lazy_panel.html"


def render_panel(panel: Panel, request, **page_context) -> str:
    """One panel's HTML: its selector's context through its template."""
    context = {"panel": panel, **page_context, **panel.selector(request, **page_context)}
    return render_to_string(panel.template, context, request=request)


def render_panels(
    page: str, request, *, lazy_urls=None, load_at_once=frozenset(), **page_context
) -> list[dict]:
    """Render each visible panel of a page to HTML; returns [{key, title, html, lazy}].

    `lazy_urls` maps the keys of panels the shell loads on demand to the URL that renders each
    one alone (`panel_for` + `render_panel`): those run no selector here, only a placeholder
    that fetches the panel when it scrolls into view (those in `load_at_once`: as soon as the
    page has loaded), with a plain link when htmx is off.
    """
    lazy_urls = lazy_urls or {}
    rendered = []
    for panel in panels_for(page, request.user):
        url = lazy_urls.get(panel.key)
        if url:
            trigger = "load" if panel.key in load_at_once else "revealed"
            html = render_to_string(
                LAZY_TEMPLATE, {"panel": panel, "url": url, "trigger": trigger}, request=request
            )
        else:
            html = render_panel(panel, request, **page_context)
        rendered.append({"key": panel.key, "title": panel.title, "html": html, "lazy": bool(url)})
    return rendered


def panel_for(page: str, key: str, user) -> Panel:
    """The registered panel of a page (404 if none), if the viewer may see it (403 if not)."""
    panel = PANELS.get((page, key))
    if panel is None:
        raise Http404("No such panel.")
    if panel.permission is not None and not user.has_perm(panel.permission):
        raise PermissionDenied("Your role does not include this panel.")
    return panel
