"""Staff pages of start, stop and transfer of service (see each module)."""

from accounts.service_changes.views.changes import (
    owner_agreement,
    service_started,
    service_started_installments,
    service_stop,
    service_stop_cancel,
    service_transfer,
    welcome_letter,
)
from accounts.service_changes.views.panels import account_service_panel, premise_agreement_panel
from accounts.service_changes.views.start import service_start

__all__ = [
    "account_service_panel",
    "owner_agreement",
    "premise_agreement_panel",
    "service_start",
    "service_started",
    "service_started_installments",
    "service_stop",
    "service_stop_cancel",
    "service_transfer",
    "welcome_letter",
]
