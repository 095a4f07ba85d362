"""Cashiering: drawers and their sessions, payments with their tenders, batches, returned items,
bank deposits and the bank's own files.

Money rows are written once. A payment, its lines and tenders are never updated or deleted
(triggers refuse it); a void or a returned check is a new row with its own reversing journal,
and each payment is voided at most once and each tender returned at most once (unique links).
The drawer session and the batch carry the only mutable state (open -> closed / posted), and
the constraints keep one open session per drawer and per cashier, and each session and batch
in at most one bank deposit. Status moves are declared on each model (ALLOWED_TRANSITIONS).
"""

from payments.models.autopay import (  # noqa: F401
    AchDraft,
    AchFileRecord,
    AutopayEnrolment,
    AutopayReminder,
)
from payments.models.autopay_returns import (  # noqa: F401
    AchChangeNotice,
    AchReturnEntry,
    AchReturnFile,
)
from payments.models.bank import Bai2AccountReport, Bai2File, Bai2Transaction, Bai2Upload
from payments.models.deposits import BankDeposit, BankDepositItem
from payments.models.drawers import Drawer, DrawerSession
from payments.models.online import OnlinePayment, OnlinePaymentEvent, SandboxCheckout
from payments.models.receipts import (
    BatchItem,
    Payment,
    PaymentBatch,
    PaymentLine,
    PaymentVoid,
    Tender,
)
from payments.models.returns import Letter, ReturnedItem

__all__ = [
    "Bai2AccountReport",
    "Bai2File",
    "Bai2Transaction",
    "Bai2Upload",
    "BankDeposit",
    "BankDepositItem",
    "BatchItem",
    "Drawer",
    "DrawerSession",
    "Letter",
    "OnlinePayment",
    "OnlinePaymentEvent",
    "Payment",
    "PaymentBatch",
    "PaymentLine",
    "PaymentVoid",
    "ReturnedItem",
    "SandboxCheckout",
    "Tender",
]
