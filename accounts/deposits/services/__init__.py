"""Deposit writes, one function per business action: charge, waive (at once or through
approval), record a letter of credit, carry over on a transfer, apply to the final bill,
credit or refund (with any interest the policy pays), propose the nightly refunds, credit
yearly interest, and add or edit a version of the guidelines.
The package splits them by subject; import them from here.

Money moves only through journal_post. A deposit held is a liability ("customer deposits
held"), never revenue; its lines there are tagged with the service account, so the deposit
held per account is read from the ledger (selectors.deposits_held).

Locks: the service account first, then its deposits (a stable order for every action here).
An account has at most one standing deposit decision (selectors.current_deposit); a repeated
request key returns the first result: the charge journal's key for charged deposits, the
approval request's key for waivers sent to approval, and the standing decision itself for
decisions that move no money (a zero "none due" deposit, an immediate waiver).
"""

from accounts.deposits.rules import DepositQuote, deposit_quote
from accounts.deposits.services.charges import (
    deposit_charge,
    deposit_waive,
    deposit_waiver_deny,
    deposit_waiver_grant,
    letter_of_credit_record,
)
from accounts.deposits.services.checks import (
    REFUND_KIND,
    TAKES_DEPOSITS,
    WAIVER_KIND,
    standing_message,
)
from accounts.deposits.services.guidelines import (
    GUIDELINE_FIELDS,
    deposit_guideline_create,
    deposit_guideline_update,
)
from accounts.deposits.services.interest import deposit_interest_credit_yearly, interest_post
from accounts.deposits.services.refunds import (
    RefundProposal,
    deposit_refund_approved,
    deposit_refunds_propose,
)
from accounts.deposits.services.settlement import (
    deposit_apply_to_final_bill,
    deposit_carry_over,
    deposit_refund,
    refund_destination,
)
from accounts.deposits.services.spreading import deposit_installments_set

__all__ = [
    "GUIDELINE_FIELDS",
    "REFUND_KIND",
    "TAKES_DEPOSITS",
    "WAIVER_KIND",
    "DepositQuote",
    "RefundProposal",
    "deposit_apply_to_final_bill",
    "deposit_carry_over",
    "deposit_charge",
    "deposit_guideline_create",
    "deposit_guideline_update",
    "deposit_installments_set",
    "deposit_interest_credit_yearly",
    # deposit_quote lives in rules; re-exported so callers find it beside the charge it feeds.
    "deposit_quote",
    "deposit_refund",
    "deposit_refund_approved",
    "deposit_refunds_propose",
    "deposit_waive",
    "deposit_waiver_deny",
    "deposit_waiver_grant",
    "interest_post",
    "letter_of_credit_record",
    "refund_destination",
    "standing_message",
]
