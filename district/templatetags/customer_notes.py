"""{{ line.proration_note|proration_in_language }}: a bill line's proration note as the customer
reads it (district.customer_notes); the staff pages print the note as stored."""

from django import template

from district import customer_notes

register = template.Library()


@register.filter
def proration_in_language(note: str) -> str:
    return customer_notes.proration_in_language(note or "")
