"""The GL accounts the code posts to, by purpose.

Code names a GL account by its purpose, never by its number: a district renumbers its chart to
match its own general ledger (the codes in district/reference_data.py are a starting point) and
the postings follow. A purpose is a `Purpose` member, never a string literal, so a typo is an
import error instead of a posting that fails at run time.
"""

from django.db import models


class Purpose(models.TextChoices):
    CASH_IN_BANK = "cash_in_bank", "Cash in bank"
    DEPOSITS_IN_TRANSIT = "deposits_in_transit", "Deposits in transit"
    UNDEPOSITED_FUNDS = "undeposited_funds", "Undeposited funds (cash drawers)"
    SETTLEMENTS_DUE = "settlements_due", "Card and processor settlements due"
    AR_CUSTOMERS = "ar_customers", "Accounts receivable - customers"
    CUSTOMER_DEPOSITS = "customer_deposits", "Customer deposits held"
    REFUNDS_PAYABLE = "refunds_payable", "Refunds payable"
    UNAPPLIED_PAYMENTS = "unapplied_payments", "Unapplied payments (suspense)"
    OPENING_BALANCES = "opening_balances", "Opening balances (conversion)"
    WATER_SALES_FIXED = "water_sales_fixed", "Water sales - fixed charges"
    WATER_SALES_VOLUMETRIC = "water_sales_volumetric", "Water sales - volumetric"
    SURCHARGES = "surcharges", "Surcharges"
    SEWER = "sewer", "Sewer charges"
    FEES_LATE = "fees_late", "Late fees"
    FEES_NSF = "fees_nsf", "Returned payment (NSF) fees"
    FEES_RECONNECT = "fees_reconnect", "Reconnect fees"
    FEES_TURN_ON = "fees_turn_on", "Turn-on fees"
    FEES_CONVENIENCE = "fees_convenience", "Convenience fees (online payments)"
    HYDRANT_WATER = "hydrant_water", "Hydrant water sales"
    DAMAGE_RECOVERY = "damage_recovery", "Damage recovery"
    PROGRAM_CREDITS = "program_credits", "Assistance program credits"
    CASH_OVER_SHORT = "cash_over_short", "Cash over/short"
    WRITE_OFFS = "write_offs", "Bad debt write-offs"
    DEPOSIT_INTEREST = "deposit_interest", "Interest on customer deposits"
    PROCESSOR_FEES = "processor_fees", "Payment processor fees"
