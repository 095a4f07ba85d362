"""What programs add to the shared registries: the account page panel, the menu entries, and
the starting programs (reference data, restored after migrate and flush like the app's own)."""

from django.apps import apps
from django.db.models.signals import post_migrate

from accounts.programs.reference_data import ensure_programs
from accounts.programs.views import programs_panel
from district import navigation, panels
from district.roles import Perm

post_migrate.connect(
    ensure_programs,
    sender=apps.get_app_config("accounts"),
    dispatch_uid="accounts-programs-reference-data",
)

panels.register(
    panels.Panel(
        "account", "programs", "Assistance programs", "accounts/programs/_panel_programs.html",
        programs_panel, permission=Perm.VIEW_ACCOUNTS, order=47,
    )
)  # fmt: skip
navigation.register(
    navigation.NavItem(
        "Assistance programs", "accounts:programs", Perm.MANAGE_POLICIES, order=93,
        group="supervision",
    )
)  # fmt: skip
navigation.register(
    navigation.NavItem(
        "Program outreach", "accounts:program_outreach", Perm.VIEW_REPORTS, order=72,
        group="supervision",
    )
)  # fmt: skip
