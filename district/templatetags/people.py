"""How a person (a user) is named on a page: full name, else sign-in name, else a dash.

Many records say who did something ("installed by", "entered by", "prepared by") and the
person may be empty (imported, converted or system work). Written inline as
`x.get_full_name|default:x.username`, an empty person ended the page in a 500; this filter is
the one way to name someone.
"""

from django import template

register = template.Library()


@register.filter
def person(user, empty: str = "—") -> str:
    if user is None or not getattr(user, "pk", None):
        return empty
    return user.get_full_name() or user.get_username()
