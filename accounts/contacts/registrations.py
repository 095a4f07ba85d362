"""Registrations of this feature (completion handlers, approval kinds, panels, menu entries),
imported by accounts/registrations.py.

The account page: "Log a contact" (quick entry, one query) and the "Timeline" (three queries).
The staff home: "Referred to you", "Your cases" and, for supervisors, "Overdue cases".
"""

from django.utils import timezone

from accounts.contacts import selectors
from accounts.contacts.views import log_panel_context, timeline_panel_context
from district import navigation, panels
from district.roles import Perm

HOME_PANEL_SIZE = 5
OVERDUE_PANEL_SIZE = 10


def _log_panel(request, *, account, **_context) -> dict:
    return log_panel_context(request, account=account)


def _timeline_panel(request, *, account, **_context) -> dict:
    return timeline_panel_context(request, account=account)


def _referrals_panel(request, **_context) -> dict:
    referrals = selectors.referrals_for(request.user, limit=HOME_PANEL_SIZE)
    total = (
        len(referrals)
        if len(referrals) < HOME_PANEL_SIZE
        else selectors.referral_count_for(request.user)
    )
    return {
        "referrals": referrals,
        "total": total,
        "referred_cases": selectors.referred_cases_for(request.user, limit=HOME_PANEL_SIZE),
        "today": timezone.localdate(),
    }


def _my_cases_panel(request, **_context) -> dict:
    today = timezone.localdate()
    return {
        "counts": selectors.my_case_counts(request.user, today=today),
        "cases": list(selectors.my_cases(request.user, today=today)[:HOME_PANEL_SIZE]),
        "today": today,
    }


def _overdue_cases_panel(request, **_context) -> dict:
    today = timezone.localdate()
    overdue = selectors.overdue_cases(request.user, today=today)
    cases = list(overdue[:OVERDUE_PANEL_SIZE])
    total = len(cases) if len(cases) < OVERDUE_PANEL_SIZE else overdue.count()
    return {"cases": cases, "total": total, "today": today}


for panel in (
    panels.Panel(
        "account", "contact_log", "Log a contact", "accounts/contacts/_panel_log.html",
        _log_panel, permission=Perm.VIEW_CUSTOMER_CONTACTS, order=12,
    ),
    panels.Panel(
        "account", "timeline", "Timeline", "accounts/contacts/_panel_timeline.html",
        _timeline_panel, permission=Perm.VIEW_CUSTOMER_CONTACTS, order=75,
    ),
    panels.Panel(
        "home", "referrals", "Referred to you", "accounts/contacts/_panel_referrals.html",
        _referrals_panel, permission=Perm.VIEW_CUSTOMER_CONTACTS, order=12,
    ),
    panels.Panel(
        "home", "cases-mine", "Your cases", "accounts/contacts/_panel_my_cases.html",
        _my_cases_panel, permission=Perm.VIEW_CUSTOMER_CONTACTS, order=15,
    ),
    panels.Panel(
        "home", "cases-overdue", "Overdue cases", "accounts/contacts/_panel_overdue_cases.html",
        _overdue_cases_panel, permission=Perm.APPROVE_REQUESTS, order=22,
    ),
):  # fmt: skip
    panels.register(panel)

navigation.register(
    navigation.NavItem(
        "Reception", "accounts:reception", Perm.VIEW_CUSTOMER_CONTACTS, order=12, group="counter"
    )
)
navigation.register(
    navigation.NavItem(
        "Cases", "accounts:case_queue", Perm.VIEW_CUSTOMER_CONTACTS, order=50, group="counter"
    )
)
