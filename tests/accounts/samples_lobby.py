"""Builders of the lobby queue's URL arguments and its POST-only pages (merged by the access
matrix)."""

from django.utils import timezone

from accounts.models.lobby import LobbyTicket

SAMPLE_KWARGS = {
    "ticket_id": lambda: (
        LobbyTicket.objects.create(
            day=timezone.localdate(),
            number=(LobbyTicket.objects.count() + 1000),
            reason="general",
            skill="other",
            visitor_name="Sample visitor",
        ).pk
    ),
}
POST_ONLY = {"accounts:lobby_call_next", "accounts:lobby_ticket_update"}
