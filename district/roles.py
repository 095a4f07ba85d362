"""Staff roles and the permissions each one holds: the single place access is decided.

A role is a Django group of the same name. Permissions are codenames on the
`district.Capability` model (see models.py), referred to everywhere through `Perm`.
`sync_roles` makes the groups match this module; it is idempotent.
"""

from dataclasses import dataclass


class Perm:
    """Named staff permissions ("app_label.codename")."""

    VIEW_ACCOUNTS = "district.view_accounts"
    VIEW_CUSTOMER_CONTACTS = "district.view_customer_contacts"
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
    VIEW_WORK_ORDERS = "district.view_work_orders"
    # Held by no role: administrators (superusers) create and revoke the tokens other systems
    # use (integrations app; the permission lives on its model, not on district.Capability).
    MANAGE_INTEGRATION_TOKENS = "integrations.manage_integration_tokens"


# (codename, description) for the Capability model's Meta.permissions.
PERMISSION_DESCRIPTIONS = [
    (
        "view_accounts",
        "Find accounts and see their balance, bills, payments, premises and meters",
    ),
    (
        "view_customer_contacts",
        "See customers' phone numbers, e-mail and mailing addresses, contact log and cases",
    ),
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
    ("view_work_orders", "See work orders and their photos (a technician: only their own)"),
]


@dataclass(frozen=True)
class Role:
    name: str
    label: str
    permissions: frozenset[str]
    is_staff: bool = True


# Government Code 6254.16: a utility customer's name, address, phone, e-mail and history are not
# public, and staff see what their work needs. Three levels of customer data follow from that:
#   VIEW_CUSTOMER_CONTACTS  phone, e-mail, mailing address, the contact log and cases: the people
#                           who talk to customers (CSRs and the supervisor);
#   VIEW_ACCOUNTS           find an account (number, name, service address) and see its balance,
#                           bills, payments, deposits, returned checks, premise and meter: also
#                           Finance, who researches payments and deposits but never calls anyone;
#   VIEW_WORK_ORDERS        work orders: a field technician sees only the orders assigned to them
#                           (with the premise, meter and access notes shown on the order), never
#                           the customer directory.
_CSR_I = frozenset(
    {
        Perm.VIEW_ACCOUNTS,
        Perm.VIEW_CUSTOMER_CONTACTS,
        Perm.EDIT_ACCOUNTS,
        Perm.START_STOP_SERVICE,
        Perm.ENTER_READS,
        Perm.TAKE_PAYMENTS,
        Perm.CREATE_WORK_ORDERS,
        Perm.VIEW_WORK_ORDERS,
        Perm.VIEW_HISTORY,
    }
)
_CSR_II = _CSR_I | {
    Perm.ADJUST_BILLS,
    Perm.PAYMENT_ARRANGEMENTS,
    Perm.HYDRANT_RENTALS,
    Perm.RUN_BILLING,
}
# The lead is also the head cashier: in a district office the size of ours the lead CSR checks
# every drawer of the day, recounts a rejected one and makes up the bank deposit, with Finance
# as the second head cashier. Separation of duties holds in the services, not by keeping the
# lead off the cash: no one recounts or approves their own drawer, and over/short beyond the
# tolerance and every void still go to a supervisor.
_CSR_III = _CSR_II | {Perm.DISPATCH_WORK_ORDERS, Perm.VIEW_REPORTS, Perm.BALANCE_CASH}
_SUPERVISOR = _CSR_III | {
    Perm.APPROVE_REQUESTS,
    Perm.MANAGE_POLICIES,
    Perm.VIEW_LEDGER,
    Perm.LEAD_FIELD_CREW,
}
# No VIEW_ACCOUNTS: a technician works from their own orders (field_ops.technician), which
# carry the address, meter and access notes; search and customer pages are not theirs.
_FIELD = frozenset({Perm.WORK_FIELD_ORDERS, Perm.VIEW_WORK_ORDERS})
# Money, and enough of an account to research a payment (VIEW_ACCOUNTS), but not how to reach
# the customer nor what they told us (no VIEW_CUSTOMER_CONTACTS), and no edits.
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
