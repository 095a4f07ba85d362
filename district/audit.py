"""Audit trail: who changed which field from what to what, and attribution outside requests.

django-pghistory's triggers record every change of a tracked model (bulk writes included).
Requests attach the user, URL and IP (district.middleware); Celery tasks and management
commands attach their own name and a run id through `audited_context`, so nothing is
unattributed.
"""

from dataclasses import dataclass
from datetime import datetime

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.urls import reverse
from pghistory.models import Events

from district.attribution import audited_context
from district.registries import Registry


@dataclass(frozen=True)
class HistoryModel:
    """A record with a History tab: its model, its page, and that page's URL argument."""

    label: str  # "app_label.Model"
    url_name: str
    argument: str
    # What the tab needs besides Perm.VIEW_HISTORY: the permission of the record's own page when
    # its history holds what that page guards (a customer's phone, e-mail, mailing address).
    permission: str | None = None


# URL key -> HistoryModel. Each app registers its own records in its registrations.py; pages
# are named, not imported, because district sits below the apps that own them.
HISTORY_MODELS = Registry(
    "history models",
    describe=lambda key, entry: (
        f"{key}: {entry.label} -> {entry.url_name}({entry.argument}) "
        f"permission={entry.permission or '-'}"
    ),
)


def register_history_model(
    key: str, label: str, url_name: str, argument: str, *, permission: str | None = None
) -> None:
    HISTORY_MODELS.register(key, HistoryModel(label, url_name, argument, permission))


def history_permission(key: str) -> str | None:
    """The permission a record's History tab needs besides viewing history, if any."""
    entry = HISTORY_MODELS.get(key)
    return entry.permission if entry else None


class AuditedCommand(BaseCommand):
    """A management command whose changes are attributed to it (command name and run id)."""

    def execute(self, *args, **options):
        name = self.__module__.rsplit(".", 1)[-1]
        with audited_context(command=name):
            return super().execute(*args, **options)


@dataclass(frozen=True)
class FieldChange:
    field: str
    before: object
    after: object


@dataclass(frozen=True)
class HistoryEntry:
    when: datetime
    action: str  # "created" or "changed"
    who: str
    where: str  # URL, task or command
    ip: str
    reason: str
    changes: list[FieldChange]

    @property
    def is_creation(self) -> bool:
        return self.action == "created"


def _who(context: dict, users: dict) -> str:
    if context.get("user"):
        return users.get(context["user"], f"user #{context['user']}")
    if context.get("task"):
        return f"task {context['task']}"
    if context.get("command"):
        return f"command {context['command']}"
    return "system"


def history_for(obj, *, limit: int = 200) -> list[HistoryEntry]:
    """A record's changes, newest first, with field-level before/after values."""
    events = list(Events.objects.tracks(obj).order_by("-pgh_created_at", "-pgh_id")[:limit])
    # On the Events view, pgh_context is the context's metadata (a dict) or None.
    user_ids = {(event.pgh_context or {}).get("user") for event in events} - {None}
    users = {
        user.pk: user.get_full_name() or user.get_username()
        for user in get_user_model().objects.filter(pk__in=user_ids)
    }
    labels = {field.name: str(field.verbose_name) for field in obj._meta.fields}
    entries = []
    for event in events:
        context = event.pgh_context or {}
        if event.pgh_label == "insert":
            action, changes = "created", []
        else:
            action = "changed"
            changes = [
                FieldChange(labels.get(name, name), before, after)
                for name, (before, after) in sorted((event.pgh_diff or {}).items())
            ]
            if not changes:
                continue
        entries.append(
            HistoryEntry(
                when=event.pgh_created_at,
                action=action,
                who=_who(context, users),
                where=context.get("url") or context.get("task") or context.get("command") or "",
                ip=context.get("ip", ""),
                reason=context.get("reason", ""),
                changes=changes,
            )
        )
    return entries


def history_model(key: str):
    """The model class behind a History URL key, or None."""
    entry = HISTORY_MODELS.get(key)
    return apps.get_model(entry.label) if entry else None


def history_back_url(key: str, object_id: int) -> str:
    """The page of the record whose history is shown."""
    entry = HISTORY_MODELS.get(key)
    return reverse(entry.url_name, kwargs={entry.argument: object_id})
