"""What correspondence adds to the shared registries (imported by CorrespondenceConfig.ready()):
the staff menu's entries of letter templates, print batches and the export log, and the export
log of registers' downloads."""

from accounts.correspondence.services import export_log_record
from district import navigation
from district.registers.definitions import register_export_log
from district.roles import Perm

for item in (
    navigation.NavItem(
        "Letter templates",
        "correspondence:template_list",
        Perm.MANAGE_POLICIES,
        order=90,
        group="supervision",
    ),
    navigation.NavItem(
        "Letter print batches",
        "correspondence:batch_list",
        Perm.VIEW_CUSTOMER_CONTACTS,
        order=67,
        group="counter",
    ),
    navigation.NavItem(
        "Data export log",
        "correspondence:export_log",
        Perm.MANAGE_POLICIES,
        order=91,
        group="supervision",
    ),
):
    navigation.register(item)

# Registers' downloads of customer data are logged here (district.registers cannot import us).
register_export_log(export_log_record)
