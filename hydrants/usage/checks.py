"""Hydrant rentals' rule added to the ledger check (check_ledger, ledger_problems).

For every account with an open hydrant permit holding a deposit (approved or later: a draft
has none yet; not closed, cancelled or rejected), the deposits
those permits hold (charged, not settled or carried away; a renewal shares its first permit's
deposit, counted once; installments not billed yet left out) must equal what the ledger holds
in customer deposits for the account. The query returns the accounts where they differ.
"""

from accounts.models import Deposit, DepositInstallment
from district.ledger.models import GLAccount, JournalLine
from district.ledger.purposes import Purpose
from district.ledger.selectors import register_check
from hydrants.models import HydrantPermit

RULE = "hydrant deposits held differ from the customer deposits the ledger holds"
_OPEN = ", ".join(f"'{status.value}'" for status in HydrantPermit.OPEN_STATUSES) + ", 'returned'"
_PERMITS = HydrantPermit._meta.db_table
_DEPOSITS = Deposit._meta.db_table
_INSTALLMENTS = DepositInstallment._meta.db_table
_LINES = JournalLine._meta.db_table
_GL = GLAccount._meta.db_table

QUERY = f"""
SELECT accounts.account_id FROM (
    SELECT DISTINCT account_id FROM {_PERMITS}
    WHERE status IN ({_OPEN}) AND deposit_id IS NOT NULL
) accounts
LEFT JOIN (
    SELECT held.account_id, SUM(held.amount - COALESCE(unbilled.total, 0)) AS total
    FROM (
        SELECT DISTINCT deposit.id, permit.account_id, deposit.amount
        FROM {_PERMITS} permit JOIN {_DEPOSITS} deposit ON deposit.id = permit.deposit_id
        WHERE permit.status IN ({_OPEN}) AND deposit.status = '{Deposit.Status.CHARGED.value}'
          AND deposit.closed_on IS NULL
    ) held
    LEFT JOIN (
        SELECT deposit_id, SUM(amount) AS total FROM {_INSTALLMENTS}
        WHERE status = '{DepositInstallment.Status.OPEN.value}' GROUP BY deposit_id
    ) unbilled ON unbilled.deposit_id = held.id
    GROUP BY held.account_id
) expected ON expected.account_id = accounts.account_id
LEFT JOIN (
    SELECT line.service_account_id, -SUM(line.amount) AS total
    FROM {_LINES} line JOIN {_GL} gl ON gl.id = line.gl_account_id
    WHERE gl.purpose = '{Purpose.CUSTOMER_DEPOSITS.value}' AND line.service_account_id IS NOT NULL
    GROUP BY line.service_account_id
) books ON books.service_account_id = accounts.account_id
WHERE COALESCE(expected.total, 0) <> COALESCE(books.total, 0)
"""


def register() -> None:
    register_check(RULE, QUERY, "service accounts")
