"""The district's own panels on the staff home page."""

from district import navigation, panels
from district.roles import Perm, role_of

navigation.register(navigation.NavItem("Policies", "policies", Perm.VIEW_ACCOUNTS, order=90))


def _shortcuts(request, **_context) -> dict:
    return {"role": role_of(request.user), "items": navigation.items_for(request.user)}


panels.register(
    panels.Panel(
        page="home",
        key="shortcuts",
        title="Your work",
        template="district/_panel_shortcuts.html",
        selector=_shortcuts,
        order=1000,
    )
)
