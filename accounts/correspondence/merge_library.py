"""The only tags and filters a letter template may use (the sandbox engine's one library).

Conditions ({% if %}) and the formatting of dates and amounts; nothing that loads, includes,
reverses URLs or reaches other objects."""

from django.template import Library, defaultfilters, defaulttags

register = Library()

register.tag("if", defaulttags.do_if)
register.tag("comment", defaulttags.comment)
register.filter("date", defaultfilters.date)
register.filter("floatformat", defaultfilters.floatformat)
register.filter("default", defaultfilters.default)
