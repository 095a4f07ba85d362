"""Billing's models: rate schedules, the billing calendar, read files, bill runs, bills and
adjustments, one module each; everyone imports them from here."""

from billing.models.adjustments import Adjustment
from billing.models.bills import BILL_TITLES, Bill, BillLine, PrintFile
from billing.models.calendar import BillingCycle, BillingPeriod
from billing.models.rates import RateSchedule, RateScheduleVersion
from billing.models.reads import ReadImport
from billing.models.runs import BillException, BillRun, TypicalBills

__all__ = [
    "BILL_TITLES",
    "Adjustment",
    "Bill",
    "BillException",
    "BillLine",
    "BillRun",
    "BillingCycle",
    "BillingPeriod",
    "PrintFile",
    "RateSchedule",
    "RateScheduleVersion",
    "ReadImport",
    "TypicalBills",
]
