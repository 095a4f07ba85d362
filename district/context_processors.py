"""Values every page needs: the district's identity and the signed-in person's role and menu."""

from django.conf import settings

from district import navigation, roles


def district(request):
    """The role and menu are callables, which templates call only when they show them: the
    account page renders each panel with the request, and a panel shows neither."""
    user = getattr(request, "user", None)
    return {
        "district_name": settings.DISTRICT_NAME,
        "district_phone": settings.DISTRICT_PHONE,
        "district_address": settings.DISTRICT_ADDRESS,
        "user_role": (lambda: roles.role_label(user)) if user is not None else "",
        "nav_items": (lambda: navigation.items_for(user)) if user is not None else [],
        "search_url": (lambda: navigation.search_url(user)) if user is not None else None,
    }
