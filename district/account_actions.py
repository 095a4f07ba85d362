"""Account actions: links that apps above `accounts` add to pages about one account (the
account page, each counter search result, the start-of-service confirmation) without
`accounts` importing them: payments' "Take payment" and "Collect deposit now", say.

Each app registers its actions in its registrations.py; a page lists the registered actions
for its place that the viewer's role may use, in order. An action builds its URL from the
account id alone, so listing them costs no query.
"""

from collections.abc import Callable
from dataclasses import dataclass

from district.registries import Registry, callable_name

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


ACTIONS = Registry(
    "account actions",
    describe=lambda key, action: (
        f"{key}: {action.label} places={','.join(action.places)} order={action.order} "
        f"permission={action.permission} url={callable_name(action.url)}"
    ),
    order=lambda _key, action: (action.order, action.key),
)


def register(action: AccountAction) -> None:
    ACTIONS.register(action.key, action)


def actions_for(user, place: str = ACCOUNT_PAGE) -> list[AccountAction]:
    """The registered actions of a place that this user may take."""
    return [
        action
        for action in ACTIONS.entries()
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
