"""What the hydrant meter rentals add to the shared registries (imported by
HydrantsConfig.ready()): the menu entries, the "Hydrant meters" panels, and the permit's two
approval kinds; usage (reads, bills, returns) registers its own below."""

from district import navigation, panels, registers
from district.approvals import registry
from district.roles import Perm
from hydrants.permits.panels import account_panel, home_panel
from hydrants.permits.services import (
    FIRE_KIND,
    OPERATIONS_KIND,
    permit_approval_approve,
    permit_approval_describe,
    permit_approval_reject,
)
from hydrants.registers import REGISTERS as HYDRANT_REGISTERS

for item in (
    navigation.NavItem(
        "Hydrant permits", "hydrants:permit_list", Perm.HYDRANT_RENTALS, order=57,
        group="counter",
    ),
    navigation.NavItem(
        "Hydrant meter fleet", "hydrants:meter_list", Perm.HYDRANT_RENTALS, order=58,
        group="counter",
    ),
    navigation.NavItem(
        "Hydrants", "hydrants:hydrant_list", Perm.HYDRANT_RENTALS, order=59, group="counter"
    ),
):  # fmt: skip
    navigation.register(item)

panels.register(
    panels.Panel(
        "account", "hydrant-meters", "Hydrant meters", "hydrants/panels/account.html",
        account_panel, permission=Perm.VIEW_ACCOUNTS, order=70,
    )
)  # fmt: skip
panels.register(
    panels.Panel(
        "home", "hydrant-meters", "Hydrant meters", "hydrants/panels/home.html", home_panel,
        permission=Perm.APPROVE_REQUESTS, order=40,
    )
)  # fmt: skip

registry.register(
    OPERATIONS_KIND,
    label="Hydrant permit: water operations approval",
    approve=permit_approval_approve,
    reject=permit_approval_reject,
    describe=permit_approval_describe,
)
registry.register(
    FIRE_KIND,
    label="Hydrant permit: fire department approval",
    approve=permit_approval_approve,
    reject=permit_approval_reject,
    describe=permit_approval_describe,
)

import hydrants.usage.registrations  # noqa: E402, F401  (reads, bills, returns, settlement)

registers.register_all(HYDRANT_REGISTERS)  # its registers (Supervision menu)
