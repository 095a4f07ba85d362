"""Registrations of this feature (completion handlers, approval kinds, panels, menu entries),
imported by accounts/registrations.py."""

from accounts.deposits import rules, services, tasks  # noqa: F401  (tasks: Celery finds it here)
from accounts.deposits.views import deposit_panel
from district import navigation, panels
from district.approvals import registry
from district.money import format_money
from district.roles import Perm

# -- payment history: field_ops' shut-offs (billing and payments register theirs)
rules.register_history_source("field_ops.shut_offs", rules.shut_offs_from_work_orders)


# -- approval kinds


def _waiver_approve(request, decider) -> dict:
    deposit = services.deposit_waiver_grant(deposit_id=request.payload["deposit_id"], by=decider)
    return {"message": f"Deposit of {format_money(deposit.amount)} waived."}


def _waiver_reject(request, by) -> None:
    services.deposit_waiver_deny(
        deposit_id=request.payload["deposit_id"], by=by, charge_key=request.payload["charge_key"]
    )


def _waiver_describe(request) -> str:
    payload = request.payload
    return (
        f"Waive the deposit on account {payload.get('account', '?')}: "
        f"{payload.get('explanation', '')} If rejected, the deposit is charged."
    )


def _refund_approve(request, decider) -> dict:
    deposit = services.deposit_refund_approved(deposit_id=request.payload["deposit_id"], by=decider)
    verb = "credited to the account" if deposit.status == "credited" else "refunded"
    return {
        "message": f"Deposit of {format_money(deposit.amount)} {verb}.",
        "journal_id": deposit.settle_journal_id,
    }


def _refund_describe(request) -> str:
    payload = request.payload
    how = "Refund to the customer" if payload.get("to") == "refund" else "Credit to the account"
    return (
        f"{how}: the deposit on account {payload.get('account', '?')}, held since "
        f"{payload.get('since', '?')} with good payment history. "
        "If rejected, the deposit stays held and is not proposed again."
    )


registry.register(
    services.WAIVER_KIND,
    label="Deposit waiver",
    approve=_waiver_approve,
    reject=_waiver_reject,
    describe=_waiver_describe,
)
registry.register(
    services.REFUND_KIND,
    label="Deposit refund",
    approve=_refund_approve,
    describe=_refund_describe,
)

# -- the account page's Deposit panel and the supervisor's menu entry
panels.register(
    panels.Panel(
        "account", "deposit", "Deposit", "accounts/deposits/_panel_deposit.html", deposit_panel,
        permission=Perm.VIEW_ACCOUNTS, order=45,
    )
)  # fmt: skip
navigation.register(
    navigation.NavItem(
        "Deposit guidelines",
        "accounts:deposit_guidelines",
        Perm.MANAGE_POLICIES,
        order=92,
        group="supervision",
    )
)
