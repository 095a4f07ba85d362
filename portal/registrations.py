"""What the customer pages add to the shared registries (imported by the service requests
area's AppConfig.ready()): the CSRs' "View as customer" action on the staff account page."""

from django.urls import reverse

from district import account_actions
from district.roles import Perm

account_actions.register(
    account_actions.AccountAction(
        "view-as-customer",
        "View as customer",
        lambda account_id: reverse("portal:staff_view_as_customer", args=[account_id]),
        # the customer's pages show how to reach them, which Finance's research does not need
        Perm.VIEW_CUSTOMER_CONTACTS,
        order=90,
    )
)
