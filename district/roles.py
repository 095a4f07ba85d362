"""Staff roles and the permissions each one holds: the single place access is decided.

A role is a Django group of the same name. Permissions are codenames on the
`district.Capability` model (see models.py), referred to everywhere through `Perm`.
`sync_roles` makes the groups match this module; it is idempotent.
"""

from dataclasses import dataclass


class Perm:
    """Named staff permissions ("app_label.codename")."""

    VIEW_ACCOUNTS = "district.view_accounts"
    EDIT_ACCOUNTS = "district.edit_accounts"
    START_STOP_SERVICE = "district.start_stop_service"
    ENTER_READS = "district.enter_reads"
    TAKE_PAYMENTS = "district.take_payments"
    ADJUST_BILLS = "district.adjust_bills"
    PAYMENT_ARRANGEMENTS = "district.payment_arrangements"
    RUN_BILLING = "district.run_billing"
    HYDRANT_RENTALS = "district.hydrant_rentals"
    CREATE_WORK_ORDERS = "district.create_work_orders"
    DISPATCH_WORK_ORDERS = "district.dispatch_work_orders"
    WORK_FIELD_ORDERS = "district.work_field_orders"
    LEAD_FIELD_CREW = "district.lead_field_crew"
    APPROVE_REQUESTS = "district.approve_requests"
    MANAGE_POLICIES = "district.manage_policies"
    VIEW_REPORTS = "district.view_reports"
    VIEW_LEDGER = "district.view_ledger"
    RECONCILE_BANK = "district.reconcile_bank"
    BALANCE_CASH = "district.balance_cash"
    VIEW_HISTORY = "district.view_history"


# (codename, description) for the Capability model's Meta.permissions.
PERMISSION_DESCRIPTIONS = [
    ("view_accounts", "Look up customers, accounts, premises and meters"),
    ("edit_accounts", "Create and edit customers, accounts, premises and meters"),
    ("start_stop_service", "Start, stop and transfer service"),
    ("enter_reads", "Enter meter readings"),
    ("take_payments", "Take payments at a cash drawer and in mail batches"),
    ("adjust_bills", "Correct and adjust bills within the role's limit"),
    ("payment_arrangements", "Set up payment arrangements"),
    ("run_billing", "Schedule, audit and post bill runs"),
    ("hydrant_rentals", "Issue and bill hydrant meter rentals"),
    ("create_work_orders", "Create work orders for field crews"),
    ("dispatch_work_orders", "Assign and schedule work orders on the dispatch board"),
    ("work_field_orders", "Work assigned field orders"),
    ("lead_field_crew", "See and work every technician's field orders"),
    ("approve_requests", "Approve or reject requests in the review queue"),
    ("manage_policies", "Edit district policies, fees and limits"),
    ("view_reports", "Run customer service and finance reports"),
    ("view_ledger", "See the general ledger, trial balance and aging"),
    ("reconcile_bank", "Prepare deposits and reconcile bank files"),
    ("balance_cash", "Review every drawer of the day, approve counts and prepare bank deposits"),
    ("view_history", "See the change history of records"),
]


@dataclass(frozen=True)
class Role:
    name: str
    label: str
    permissions: frozenset[str]
    is_staff: bool = True


_CSR_I = frozenset(
    {
        Perm.VIEW_ACCOUNTS,
        Perm.EDIT_ACCOUNTS,
        Perm.START_STOP_SERVICE,
        Perm.ENTER_READS,
        Perm.TAKE_PAYMENTS,
        Perm.CREATE_WORK_ORDERS,
        Perm.VIEW_HISTORY,
    }
)
_CSR_II = _CSR_I | {
    Perm.ADJUST_BILLS,
    Perm.PAYMENT_ARRANGEMENTS,
    Perm.HYDRANT_RENTALS,
    Perm.RUN_BILLING,
}
_CSR_III = _CSR_II | {Perm.DISPATCH_WORK_ORDERS, Perm.VIEW_REPORTS, Perm.BALANCE_CASH}
_SUPERVISOR = _CSR_III | {
    Perm.APPROVE_REQUESTS,
    Perm.MANAGE_POLICIES,
    Perm.VIEW_LEDGER,
    Perm.LEAD_FIELD_CREW,
}
_FIELD = frozenset({Perm.WORK_FIELD_ORDERS, Perm.VIEW_ACCOUNTS})
_FINANCE = frozenset(
    {
        Perm.VIEW_ACCOUNTS,
        Perm.VIEW_REPORTS,
        Perm.VIEW_LEDGER,
        Perm.RECONCILE_BANK,
        Perm.BALANCE_CASH,
        Perm.VIEW_HISTORY,
    }
)

CSR_I = Role("csr1", "Customer Account Representative I", _CSR_I)
CSR_II = Role("csr2", "Customer Account Representative II", _CSR_II)
CSR_III = Role("csr3", "Customer Account Representative III (lead)", _CSR_III)
SUPERVISOR = Role("supervisor", "Customer Service Supervisor", _SUPERVISOR)
FIELD_TECHNICIAN = Role("field", "Field Technician", _FIELD)
FINANCE = Role("finance", "Finance", _FINANCE)
CUSTOMER = Role("customer", "Customer", frozenset(), is_staff=False)

STAFF_ROLES = (CSR_I, CSR_II, CSR_III, SUPERVISOR, FIELD_TECHNICIAN, FINANCE)
ALL_ROLES = (*STAFF_ROLES, CUSTOMER)
ROLES_BY_NAME = {role.name: role for role in ALL_ROLES}


def role_of(user) -> Role | None:
    """The user's role (the first of ALL_ROLES whose group they are in), or None.

    Remembered on the user object: access checks, the menu and every panel ask for it, and
    the user object lives for one request.
    """
    if user is None or not user.is_authenticated:
        return None
    if hasattr(user, "_district_role"):
        return user._district_role
    names = {group.name for group in user.groups.all()}
    user._district_role = next((role for role in ALL_ROLES if role.name in names), None)
    return user._district_role


def role_label(user) -> str:
    if user is None or not user.is_authenticated:
        return ""
    if user.is_superuser:
        return "Administrator"
    role = role_of(user)
    return role.label if role else ""


def is_staff_user(user) -> bool:
    """Staff are users in a staff role (or superusers); customers and strangers are not."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    role = role_of(user)
    return role is not None and role.is_staff
