"""The "Hydrant meters" panels (registered in hydrants/registrations.py): a contractor's permits
and meters out on the account page; meters out, permits awaiting approval and insurance
expiring on the supervisor's home page."""

from accounts.models import ServiceAccount
from hydrants.permits import selectors

HOME_ROWS = 10


def account_panel(request, *, account, **_context) -> dict:
    """Only temporary accounts rent meters: other accounts cost no query and show no panel."""
    if account.customer_class != ServiceAccount.CustomerClass.TEMPORARY:
        return {"show": False}
    return {
        "show": True,
        "permits": selectors.account_permits(account.pk),
        "meters_out": selectors.meters_out(account_id=account.pk),
    }


def home_panel(request, **_context) -> dict:
    out = selectors.meters_out()
    awaiting = list(selectors.permits_awaiting_approval()[: HOME_ROWS + 1])
    insured = list(selectors.insurance_expiring()[: HOME_ROWS + 1])
    return {
        "meters_out": out[:HOME_ROWS],
        "meters_out_count": len(out),
        "awaiting": awaiting[:HOME_ROWS],
        "awaiting_more": len(awaiting) > HOME_ROWS,
        "insured": insured[:HOME_ROWS],
        "insured_more": len(insured) > HOME_ROWS,
        "days": selectors.WATCH_DAYS,
    }
