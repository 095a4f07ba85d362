"""Registrations of the lobby queue, imported by accounts/registrations.py.

The account page: the ticket being served (a banner, only when the page is opened with
?ticket=, so it costs the ordinary account page no query). The staff home: "Lobby now".
"""

from accounts.lobby import selectors
from accounts.models.lobby import LobbyTicket
from district import navigation, panels
from district.roles import Perm


def _ticket_banner(request, *, account, **_context) -> dict:
    ticket_id = request.GET.get("ticket", "")
    if not ticket_id.isdigit():
        return {}
    ticket = (
        LobbyTicket.objects.filter(pk=ticket_id, account=account, status__in=LobbyTicket.WITH_A_CSR)
        .select_related("called_by")
        .first()
    )
    return {"ticket": ticket, "back": request.get_full_path()}


def _lobby_now(request, **_context) -> dict:
    return selectors.lobby_now()


for panel in (
    panels.Panel(
        "account", "lobby-ticket", "Lobby ticket", "accounts/lobby/_panel_ticket.html",
        _ticket_banner, permission=Perm.VIEW_CUSTOMER_CONTACTS, order=1,
    ),
    panels.Panel(
        "home", "lobby-now", "Lobby now", "accounts/lobby/_panel_lobby_now.html",
        _lobby_now, permission=Perm.VIEW_CUSTOMER_CONTACTS, order=11,
    ),
):  # fmt: skip
    panels.register(panel)

navigation.register(
    navigation.NavItem(
        "Lobby desk", "accounts:lobby_desk", Perm.VIEW_CUSTOMER_CONTACTS, order=13,
        group="counter",
    )
)  # fmt: skip
navigation.register(
    navigation.NavItem(
        "Lobby wait times", "accounts:lobby_stats", Perm.VIEW_REPORTS, order=74,
        group="supervision",
    )
)  # fmt: skip
