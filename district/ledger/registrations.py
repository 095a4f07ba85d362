"""What the ledger adds to the shared registries (imported by LedgerConfig.ready()).

Its panels are for the account page, which the accounts app (above the ledger) renders.
"""

from district import navigation, panels
from district.ledger.panels import activity_panel, balance_panel
from district.roles import Perm

navigation.register(
    navigation.NavItem(
        label="Ledger",
        url_name="ledger:trial_balance",
        permission=Perm.VIEW_LEDGER,
        order=85,
        group="supervision",
    )
)
panels.register(
    panels.Panel(
        "account", "balance", "Balance", "ledger/panels/balance.html", balance_panel,
        permission=Perm.VIEW_ACCOUNTS, order=10,
    )
)  # fmt: skip
panels.register(
    panels.Panel(
        "account", "activity", "Activity", "ledger/panels/activity.html", activity_panel,
        permission=Perm.VIEW_ACCOUNTS, order=70,
    )
)  # fmt: skip
