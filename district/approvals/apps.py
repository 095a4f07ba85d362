from django.apps import AppConfig


class ApprovalsConfig(AppConfig):
    name = "district.approvals"
    label = "approvals"
    verbose_name = "Approvals"

    def ready(self):
        # Registries, not signals (DESIGN.md): the menu entry and the home page panels.
        from district import navigation, panels
        from district.approvals import views
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
                selector=views.waiting_panel,
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
                selector=views.my_requests_panel,
                order=900,
            )
        )
