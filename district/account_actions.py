"""Account actions: links that apps above `accounts` add to pages about one account (the
account page, each counter search result, the start-of-service confirmation) without
`accounts` importing them: payments' "Take payment" and "Collect deposit now", say.

Each app registers its actions in its AppConfig.ready(); a page lists the registered actions
for its place that the viewer's role may use, in order. An action builds its URL from the
account id alone, so listing them costs no query.
"""

from collections.abc import Callable
from dataclasses import dataclass

# The places that list account actions.
ACCOUNT_PAGE = "account"
SEARCH_RESULT = "search"
SERVICE_STARTED = "service_started"


@dataclass(frozen=True)
class AccountAction:
    key: str
    label: str
    url: Callable[[int], str]  # account id -> the page that does it
    permission: str
    places: tuple[str, ...] = (ACCOUNT_PAGE,)
    order: int = 100
    # The key of the portal's single-key shortcut (data-shortcut) and the browser's access key,
    # on the account page only: a list of results would repeat it on every row.
    shortcut: str = ""


@dataclass(frozen=True)
class ActionLink:
    key: str
    label: str
    url: str
    shortcut: str = ""


_actions: list[AccountAction] = []


def register(action: AccountAction) -> None:
    if any(existing.key == action.key for existing in _actions):
        return
    _actions.append(action)
    _actions.sort(key=lambda entry: (entry.order, entry.key))


def actions_for(user, place: str = ACCOUNT_PAGE) -> list[AccountAction]:
    """The registered actions of a place that this user may take."""
    return [
        action
        for action in _actions
        if place in action.places and user.has_perm(action.permission)
    ]


def links_for(user, account_id: int, place: str = ACCOUNT_PAGE) -> list[ActionLink]:
    return [
        ActionLink(
            action.key,
            action.label,
            action.url(account_id),
            action.shortcut if place == ACCOUNT_PAGE else "",
        )
        for action in actions_for(user, place)
    ]
