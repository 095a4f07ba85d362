"""What the approvals add to the shared registries (imported by ApprovalsConfig.ready())."""

from district import navigation, panels
from district.approvals.panels import my_requests_panel, waiting_panel
from district.roles import Perm

navigation.register(
    navigation.NavItem(
        "Approvals", "approvals:queue", Perm.APPROVE_REQUESTS, order=80, group="supervision"
    )
)
panels.register(
    panels.Panel(
        page="home",
        key="approvals-waiting",
        title="Waiting for approval",
        template="district/_panel_approvals_waiting.html",
        selector=waiting_panel,
        permission=Perm.APPROVE_REQUESTS,
        order=20,
    )
)
panels.register(
    panels.Panel(
        page="home",
        key="approvals-mine",
        title="Your requests",
        template="district/_panel_approvals_mine.html",
        selector=my_requests_panel,
        order=900,
    )
)
