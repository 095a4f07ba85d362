"""Customers and their service accounts, deposits, and the contact log (app label "accounts").

Split by subject; import the models from here.
"""

from accounts.models.contacts import Case, CaseNote, Contact, Department
from accounts.models.customers import Customer, CustomerFlag, Language
from accounts.models.deposits import (
    Deposit,
    DepositGuideline,
    DepositGuidelineAmount,
    DepositInstallment,
    LetterOfCredit,
)
from accounts.models.legacy import LegacyAccountNumber
from accounts.models.lobby import LobbyTicket  # noqa: F401  (the lobby queue)
from accounts.models.programs import Enrolment, Program
from accounts.models.search_documents import SearchDocument
from accounts.models.service_accounts import (
    RevertToOwnerAgreement,
    ServiceAccount,
    ServiceAccountParties,
    StopRequest,
)

__all__ = [
    "Case",
    "CaseNote",
    "Contact",
    "Customer",
    "CustomerFlag",
    "Department",
    "Deposit",
    "DepositGuideline",
    "DepositGuidelineAmount",
    "DepositInstallment",
    "Enrolment",
    "Language",
    "LegacyAccountNumber",
    "LetterOfCredit",
    "Program",
    "RevertToOwnerAgreement",
    "SearchDocument",
    "ServiceAccount",
    "ServiceAccountParties",
    "StopRequest",
]
