"""Permit writes, one function per business action: make, renew, cancel, send for approval,
the approval kinds' handlers, and issuing a meter. Import them from here.

Locks: the permit first, then its meter, then its hydrant, then the deposits services' own
(the account, then its deposits).
"""

from hydrants.permits.services.approvals import (
    FIRE_KIND,
    OPERATIONS_KIND,
    permit_approval_approve,
    permit_approval_describe,
    permit_approval_reject,
    permit_submit,
)
from hydrants.permits.services.charges import FEE_PURPOSE, permit_charges_post
from hydrants.permits.services.creating import (
    lock_permit,
    permit_cancel,
    permit_create,
    permit_renew,
)
from hydrants.permits.services.issuing import meter_issue, set_order_instructions

__all__ = [
    "FEE_PURPOSE",
    "FIRE_KIND",
    "OPERATIONS_KIND",
    "lock_permit",
    "meter_issue",
    "permit_approval_approve",
    "permit_approval_describe",
    "permit_approval_reject",
    "permit_cancel",
    "permit_charges_post",
    "permit_create",
    "permit_renew",
    "permit_submit",
    "set_order_instructions",
]
