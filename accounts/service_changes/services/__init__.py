"""Writes of start, stop and transfer of service: one function per business action.

Each takes the acting user (`by`), checks the rules itself (views only parse), validates with
messages keyed by the form's fields, locks what it changes and returns the result. Lock order:
premises by primary key, then the customer, then accounts (service_account_transition).

Starting service leaves the account *pending* with a turn-on or start-read order; completing that
order activates it (`start_order_completed`, a field_ops completion handler). Stopping moves it
to *pending final* with a final-read order; billing's final bill takes it on from there, and
`service_close_if_settled` closes it once nothing is owed.
"""

from accounts.service_changes.services.start import (
    service_start,
    start_deposit_check,
    start_details_check,
    start_order_completed,
    start_owner_check,
    start_refusal,
)
from accounts.service_changes.services.stop import (
    CounterRead,
    final_read_completed,
    owner_agreement_end,
    owner_agreement_record,
    service_close_if_settled,
    service_stop,
    service_stop_cancel,
)
from accounts.service_changes.services.transfer import service_transfer
from accounts.service_changes.services.values import (
    CUSTOMER_CHANGE_FIELDS,
    DepositChoice,
    ForwardingAddress,
    OwnerInfo,
    StartResult,
    TransferResult,
)

__all__ = [
    "CUSTOMER_CHANGE_FIELDS",
    "CounterRead",
    "DepositChoice",
    "ForwardingAddress",
    "OwnerInfo",
    "StartResult",
    "TransferResult",
    "final_read_completed",
    "owner_agreement_end",
    "owner_agreement_record",
    "service_close_if_settled",
    "service_start",
    "service_stop",
    "service_stop_cancel",
    "service_transfer",
    "start_deposit_check",
    "start_details_check",
    "start_order_completed",
    "start_owner_check",
    "start_refusal",
]
