"""The scopes an integration token may carry, and the staff permissions each one lends the
token's service user (the services check those, as they do for people)."""

from django.db import models

from district.roles import Perm


class Scope(models.TextChoices):
    ACCOUNTS_READ = "accounts:read", "Account look-up and balance (IVR)"
    BILLS_READ = "bills:read", "Bills and bill PDFs"
    PAYMENTS_WRITE = "payments:write", "Post payments into the integration's drawer"
    READS_WRITE = "reads:write", "Import meter read files (AMI, handheld)"
    WORK_ORDERS_WRITE = "work_orders:write", "List, update and complete work orders"
    PREMISES_READ = "premises:read", "Premises and meters"
    PROCESSOR_NOTIFY = "processor:notify", "Payment notifications from the processor"


# What a scope lets the token's service user do in the services (district.errors.require).
SCOPE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    Scope.ACCOUNTS_READ: (Perm.VIEW_ACCOUNTS,),
    Scope.BILLS_READ: (Perm.VIEW_ACCOUNTS,),
    Scope.PAYMENTS_WRITE: (Perm.TAKE_PAYMENTS,),
    Scope.READS_WRITE: (Perm.ENTER_READS,),
    # A mobile or GIS system works every crew's orders, as a crew lead does.
    Scope.WORK_ORDERS_WRITE: (
        Perm.VIEW_WORK_ORDERS,
        Perm.WORK_FIELD_ORDERS,
        Perm.LEAD_FIELD_CREW,
    ),
    Scope.PREMISES_READ: (Perm.VIEW_ACCOUNTS,),
    Scope.PROCESSOR_NOTIFY: (Perm.TAKE_PAYMENTS,),
}
ALL_SCOPES = tuple(Scope.values)
