"""Status moves, declared once on the model and checked in one place.

A model lists its allowed moves as `ALLOWED_TRANSITIONS = {status: {next statuses}}` and mixes
in `Transitions`, which gives it `can_move_to(status)` and `next_statuses` for templates and
forms. Services call `transition(obj, to)`, which refuses a move the map does not allow with a
ServiceError that says where the object stands, and sets the status (the caller saves it,
inside its own transaction and lock).
"""

from district.errors import ServiceError


class Transitions:
    """Mixin for models with a `status` field and an ALLOWED_TRANSITIONS map."""

    ALLOWED_TRANSITIONS: dict = {}
    STATUS_FIELD = "status"

    @property
    def next_statuses(self) -> set:
        return set(self.ALLOWED_TRANSITIONS.get(getattr(self, self.STATUS_FIELD), set()))

    def can_move_to(self, status) -> bool:
        return status in self.next_statuses


def check_transition(obj, to, *, verb: str | None = None, field: str | None = None) -> None:
    """Refuse a move that `type(obj).ALLOWED_TRANSITIONS` does not allow.

    `verb` completes "<obj> is <status>: it cannot be <verb>." (default: "made <to>").
    `field` names the form field the refusal belongs to, when there is one.
    """
    status_field = getattr(obj, "STATUS_FIELD", "status")
    current = getattr(obj, status_field)
    if to in type(obj).ALLOWED_TRANSITIONS.get(current, set()):
        return
    current_label = _label(obj, status_field, current)
    verb = verb or f"made {_label(obj, status_field, to)}"
    message = f"{obj} is {current_label}: it cannot be {verb}."
    raise ServiceError({field: message} if field else message, code="invalid_transition")


def transition(obj, to, *, verb: str | None = None, field: str | None = None) -> None:
    """Check the move and set the new status on `obj` (not saved)."""
    check_transition(obj, to, verb=verb, field=field)
    setattr(obj, getattr(obj, "STATUS_FIELD", "status"), to)


def _label(obj, status_field: str, value) -> str:
    choices = dict(obj._meta.get_field(status_field).flatchoices)
    return str(choices.get(value, value)).lower()
