"""Registrations of the counter: the void and over/short approval kinds."""

from district.approvals import registry
from payments.counter import services

registry.register(
    services.VOID_KIND,
    label="Void of a counter payment",
    approve=services.void_approve,
    describe=services.void_describe,
)
registry.register(
    services.OVER_SHORT_KIND,
    label="Drawer over/short beyond tolerance",
    approve=services.over_short_approve,
    describe=services.over_short_describe,
)
