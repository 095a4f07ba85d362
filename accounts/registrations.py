"""What the accounts app adds to the shared registries (imported by AccountsConfig.ready()):
the counter search box and menu entries, the account and premise pages' panels, the records
with a History tab, and each area's own registrations (completion handlers, approval kinds,
panels, menu entries, deposit history sources) and its Celery tasks."""

import accounts.contacts.registrations  # noqa: F401
import accounts.deposits.registrations  # noqa: F401
import accounts.deposits.tasks  # noqa: F401  (Celery registers the nightly deposit tasks)
import accounts.lobby.registrations  # noqa: F401
import accounts.programs.registrations  # noqa: F401
import accounts.service_changes.registrations  # noqa: F401
from accounts.panels import PANELS
from accounts.registers import REGISTERS as ACCOUNTS_REGISTERS
from district import navigation, panels, registers
from district.audit import register_history_model
from district.roles import Perm

navigation.register_search("accounts:search", Perm.VIEW_ACCOUNTS)
navigation.register(
    navigation.NavItem("Search", "accounts:search", Perm.VIEW_ACCOUNTS, order=10, group="counter")
)
navigation.register(
    navigation.NavItem(
        "New customer", "accounts:customer_create", Perm.EDIT_ACCOUNTS, order=15, group="counter"
    )
)
for panel in PANELS:
    panels.register(panel)

# A customer's history holds how to reach them (phone, e-mail, mailing address): its History
# tab needs the customer page's permission too.
register_history_model(
    "customer",
    "accounts.Customer",
    "accounts:customer_detail",
    "customer_id",
    permission=Perm.VIEW_CUSTOMER_CONTACTS,
)
register_history_model(
    "account", "accounts.ServiceAccount", "accounts:account_detail", "account_id"
)

registers.register_all(ACCOUNTS_REGISTERS)  # its registers (Supervision menu)
