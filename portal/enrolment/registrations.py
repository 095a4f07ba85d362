"""What enrolment adds to the shared registries (imported by PortalConfig.ready()): the account
page's "Online access" panel, loaded on demand so the account page runs no query for it."""

from django.urls import reverse

from district import panels
from district.roles import Perm


def _online_access(request, *, account, **_context) -> dict:
    return {"online_access_url": reverse("portal:online_access", args=[account.pk])}


panels.register(
    panels.Panel(
        page="account",
        key="online_access",
        title="Online access",
        template="portal/online_access/_lazy.html",
        selector=_online_access,
        permission=Perm.VIEW_CUSTOMER_CONTACTS,
        order=25,
    )
)
