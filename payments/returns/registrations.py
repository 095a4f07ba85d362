"""Registrations of returns (imported from payments/registrations.py): the menu entries and the
returned payments' part of a customer's payment history (deposit guidelines)."""

from accounts.deposits.rules import register_history_source
from district import navigation
from district.roles import Perm
from payments.returns.history import returned_payments_since

register_history_source("payments.returned_items", returned_payments_since)

# The list is open to anyone who views accounts (linked from the account's history); the menu
# entry is for those who record returns.
navigation.register(
    navigation.NavItem(
        "Returned payments", "payments:returned_list", Perm.BALANCE_CASH, order=64, group="cash"
    )
)
navigation.register(
    navigation.NavItem(
        "Letters to mail", "payments:letter_queue", Perm.TAKE_PAYMENTS, order=66, group="cash"
    )
)
