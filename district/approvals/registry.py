"""Approval kinds: which app acts on a request of each kind when it is approved or turned down.

An app that files requests registers its kind in its registrations.py (no signals):

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

from district.registries import Registry, callable_name


@dataclass(frozen=True)
class ApprovalKind:
    kind: str
    label: str
    approve: Callable  # (ApprovalRequest, User) -> dict
    reject: Callable | None = None  # (ApprovalRequest, User) -> None
    describe: Callable | None = None  # (ApprovalRequest) -> str


def _describe(kind: str, entry: ApprovalKind) -> str:
    hooks = [
        f"{name}={callable_name(hook)}"
        for name, hook in (
            ("approve", entry.approve),
            ("reject", entry.reject),
            ("describe", entry.describe),
        )
        if hook is not None
    ]
    return f"{kind}: {entry.label} {' '.join(hooks)}"


KINDS = Registry(
    "approval kinds", describe=_describe, order=lambda _kind, entry: entry.label.lower()
)


def register(
    kind: str,
    *,
    label: str,
    approve: Callable,
    reject: Callable | None = None,
    describe: Callable | None = None,
) -> ApprovalKind:
    """Register the handlers of a request kind (the district's rule for a repeated registration:
    the same handlers again are a no-op, different ones raise ImproperlyConfigured)."""
    if not kind or len(kind) > 50:
        raise ImproperlyConfigured(f"Approval kind {kind!r} must be 1 to 50 characters.")
    entry = ApprovalKind(kind=kind, label=label, approve=approve, reject=reject, describe=describe)
    return KINDS.register(kind, entry)


def unregister(kind: str) -> None:
    """Forget a kind (tests register throwaway kinds)."""
    KINDS.unregister(kind)


def handler_for(kind: str) -> ApprovalKind | None:
    """The registered handlers of a kind, or None for a kind no app registers."""
    return KINDS.get(kind)


def kinds() -> list[ApprovalKind]:
    """Every registered kind, by label."""
    return KINDS.entries()


def label_for(kind: str) -> str:
    """A kind's label for people; the raw kind when no app registers it (any more)."""
    entry = KINDS.get(kind)
    return entry.label if entry else kind
