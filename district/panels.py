"""Panels: how screens that gather several apps' data are built without importing upward.

Each app registers its panels (for a page such as "account" or "home") in its registrations.py;
the shell page renders the registered panels in order, each through its own selector and
template, and only those the viewer may see.
"""

from collections.abc import Callable
from dataclasses import dataclass

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
