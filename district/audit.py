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

# Which records have a History tab: URL key -> (model label, the record's page, its URL argument).
# Pages are named, not imported: district sits below the apps that own them.
HISTORY_MODELS = {
    "customer": ("accounts.Customer", "accounts:customer_detail", "customer_id"),
    "account": ("accounts.ServiceAccount", "accounts:account_detail", "account_id"),
    "premise": ("field_ops.Premise", "field_ops:premise_detail", "premise_id"),
    "meter": ("field_ops.Meter", "field_ops:meter_detail", "meter_id"),
    "policy": ("district.Policy", "policy_edit", "policy_id"),
}


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
    return apps.get_model(entry[0]) if entry else None


def history_back_url(key: str, object_id: int) -> str:
    """The page of the record whose history is shown."""
    _label, url_name, argument = HISTORY_MODELS[key]
    return reverse(url_name, kwargs={argument: object_id})
