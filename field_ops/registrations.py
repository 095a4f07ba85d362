"""What field_ops adds to the shared registries (imported by FieldOpsConfig.ready()): its menu
entries, the account page's consumption panel, the premise page's map, the technician's home
panel, and the records with a History tab."""

from district import navigation, panels, registers
from district.audit import register_history_model
from district.roles import Perm
from field_ops.finder import neighbours_panel
from field_ops.panels import consumption_panel
from field_ops.registers import REGISTERS as FIELD_OPS_REGISTERS
from field_ops.technician import today_panel

for item in (
    navigation.NavItem(
        "Premises", "field_ops:premise_list", Perm.VIEW_ACCOUNTS, order=20, group="field"
    ),
    navigation.NavItem(
        "Find a property",
        "field_ops:premise_finder",
        Perm.VIEW_ACCOUNTS,
        order=25,
        group="counter",
    ),
    navigation.NavItem(
        "Meters", "field_ops:meter_list", Perm.VIEW_ACCOUNTS, order=30, group="field"
    ),
    navigation.NavItem(
        "Meter stock", "field_ops:meter_stock", Perm.VIEW_ACCOUNTS, order=35, group="field"
    ),
    navigation.NavItem(
        "Dispatch",
        "field_ops:dispatch_board",
        Perm.DISPATCH_WORK_ORDERS,
        order=40,
        group="field",
    ),
    navigation.NavItem(
        "Field reports", "field_ops:field_reports", Perm.VIEW_REPORTS, order=80, group="field"
    ),
    navigation.NavItem(
        "Today's orders",
        "field_ops:technician_today",
        Perm.WORK_FIELD_ORDERS,
        order=15,
        group="field",
    ),
):
    navigation.register(item)

panels.register(
    panels.Panel(
        "account", "consumption", "Reads and consumption", "field_ops/panels/consumption.html",
        consumption_panel, permission=Perm.VIEW_ACCOUNTS, order=60,
    )
)  # fmt: skip
panels.register(
    panels.Panel(
        page="premise",
        key="neighbours",
        title="Neighbours and map",
        template="field_ops/finder/_neighbours_panel.html",
        selector=neighbours_panel,
        permission=Perm.VIEW_ACCOUNTS,
        order=40,
    )
)
panels.register(
    panels.Panel(
        page="home",
        key="field-today",
        title="Today's orders",
        template="field_ops/technician/_panel_today.html",
        selector=today_panel,
        permission=Perm.WORK_FIELD_ORDERS,
        order=10,
    )
)

register_history_model("premise", "field_ops.Premise", "field_ops:premise_detail", "premise_id")
register_history_model("meter", "field_ops.Meter", "field_ops:meter_detail", "meter_id")

registers.register_all(FIELD_OPS_REGISTERS)  # its registers (Supervision menu)
