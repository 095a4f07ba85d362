"""The ledger's panels on the account page: the balance with its aging, and the statement.

The account page passes the service account; the ledger reads only its id and, when the page's
account query carried it (`selectors.balance_annotation`), the balance cache's figure (it sits
below accounts and never imports it). One query for the aging (and one for the balance when the
account row came without it); one for the statement, however long the account's history.
"""

from district.ledger.selectors import account_activity, account_aging, balance_of
from district.roles import Perm

STATEMENT_LINES = 24


def balance_panel(request, *, account, **_context) -> dict:
    aging = account_aging(account.pk)
    return {
        "balance": balance_of(account),
        "aging": aging,
        "aging_buckets": [
            ("Current", aging.current),
            ("30 days", aging.days_30),
            ("60 days", aging.days_60),
            ("90 days", aging.days_90),
            ("120 days and over", aging.days_120_plus),
        ],
    }


def activity_panel(request, *, account, **_context) -> dict:
    lines = account_activity(account.pk, limit=STATEMENT_LINES)
    return {
        "lines": lines[::-1],  # newest first at the counter
        "limited": len(lines) == STATEMENT_LINES,
        "journal_links": request.user.has_perm(Perm.VIEW_LEDGER),
    }
