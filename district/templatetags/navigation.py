"""The header's menus: {% menu_groups as groups %} (see district.navigation.groups_for)."""

from django import template

from district import navigation

register = template.Library()


@register.simple_tag(takes_context=True)
def menu_groups(context) -> list[dict]:
    request = context.get("request")
    if request is None or not hasattr(request, "user"):
        return []
    return navigation.groups_for(request.user, request.path)
