"""Approval kinds: which app acts on a request of each kind when it is approved or turned down.

An app that files requests registers its kind in its AppConfig.ready() (no signals):

    registry.register(
        "bill-adjustment",
        label="Bill adjustment over limit",
        approve=adjustment_approve,   # (request, decider) -> dict shown to the requester
        reject=adjustment_release,    # (request, decider) -> None, optional
        describe=adjustment_describe, # (request) -> str, optional
    )

The approve handler runs inside the decision's transaction: if it raises ValidationError,
nothing is written and the request stays pending. The reject hook runs when a request is
rejected or withdrawn by its requester (`request.status` is still "pending" when it runs;
the `by` argument is the decider or the requester). `describe` is shown on the request's
page; it must not query the database more than once.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class ApprovalKind:
    kind: str
    label: str
    approve: Callable  # (ApprovalRequest, User) -> dict
    reject: Callable | None = None  # (ApprovalRequest, User) -> None
    describe: Callable | None = None  # (ApprovalRequest) -> str


_kinds: dict[str, ApprovalKind] = {}


def register(
    kind: str,
    *,
    label: str,
    approve: Callable,
    reject: Callable | None = None,
    describe: Callable | None = None,
) -> ApprovalKind:
    """Register the handlers of a request kind; registering the same handlers again is a no-op."""
    if not kind or len(kind) > 50:
        raise ImproperlyConfigured(f"Approval kind {kind!r} must be 1 to 50 characters.")
    entry = ApprovalKind(kind=kind, label=label, approve=approve, reject=reject, describe=describe)
    existing = _kinds.get(kind)
    if existing is not None and existing != entry:
        raise ImproperlyConfigured(f"Approval kind {kind!r} is already registered differently.")
    _kinds[kind] = entry
    return entry


def unregister(kind: str) -> None:
    """Forget a kind (tests register throwaway kinds)."""
    _kinds.pop(kind, None)


def handler_for(kind: str) -> ApprovalKind | None:
    """The registered handlers of a kind, or None for a kind no app registers."""
    return _kinds.get(kind)


def kinds() -> list[ApprovalKind]:
    """Every registered kind, by label."""
    return sorted(_kinds.values(), key=lambda entry: entry.label.lower())


def label_for(kind: str) -> str:
    """A kind's label for people; the raw kind when no app registers it (any more)."""
    entry = _kinds.get(kind)
    return entry.label if entry else kind
