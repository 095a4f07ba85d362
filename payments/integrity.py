"""Cashiering's rules added to the ledger check (check_ledger, ledger_problems).

Each query returns the ids of what breaks its rule. Together they say that no money is lost
between the counter and the bank: a payment's accounts, tenders and total agree, and each
holding account of the books (undeposited funds, deposits in transit, settlements due) holds
exactly what the drawers, batches and deposits that have not moved on say it should. A
processor's settlement batch holds its payments in settlements due from the first item, open or
closed, until the bank's credit is matched to it.
"""

from district.ledger.purposes import Purpose
from district.ledger.selectors import register_check

_NOT_VOIDED = "NOT EXISTS (SELECT 1 FROM payments_paymentvoid v WHERE v.payment_id = p.id)"


def _gl_balance(purpose: Purpose) -> str:
    return f"""COALESCE((SELECT SUM(line.amount) FROM ledger_journalline line
                         JOIN ledger_glaccount gl ON gl.id = line.gl_account_id
                         WHERE gl.purpose = '{purpose.value}'), 0)"""


def _gl_differs(purpose: Purpose, expected_sql: str) -> str:
    """The GL account's id when its balance differs from `expected_sql`."""
    return f"""SELECT gl.id FROM ledger_glaccount gl
               WHERE gl.purpose = '{purpose.value}' AND {_gl_balance(purpose)} <> ({expected_sql})"""


_UNDEPOSITED = f"""
    COALESCE((SELECT SUM(t.amount) FROM payments_tender t
              JOIN payments_payment p ON p.id = t.payment_id
              WHERE p.channel = 'counter' AND t.kind IN ('cash', 'check', 'money_order')
                AND {_NOT_VOIDED}
                AND NOT EXISTS (SELECT 1 FROM payments_bankdeposititem d
                                WHERE d.session_id = p.session_id)), 0)
    + COALESCE((SELECT SUM(s.over_short) FROM payments_drawersession s
                WHERE s.over_short_state = 'posted'
                  AND NOT EXISTS (SELECT 1 FROM payments_bankdeposititem d
                                  WHERE d.session_id = s.id)), 0)
    + COALESCE((SELECT SUM(b.control_total) FROM payments_paymentbatch b
                WHERE b.kind = 'mail' AND b.status = 'posted'
                  AND NOT EXISTS (SELECT 1 FROM payments_bankdeposititem d
                                  WHERE d.batch_id = b.id)), 0)
"""
_IN_TRANSIT = """
    COALESCE((SELECT SUM(d.total) FROM payments_bankdeposit d WHERE d.status = 'prepared'), 0)
    + COALESCE((SELECT SUM(b.control_total) FROM payments_paymentbatch b
                WHERE b.kind = 'lockbox' AND b.status = 'posted'
                  AND NOT EXISTS (SELECT 1 FROM payments_bai2transaction l
                                  WHERE l.matched_batch_id = b.id)), 0)
"""
_SETTLEMENTS_DUE = f"""
    COALESCE((SELECT SUM(t.amount) FROM payments_tender t
              JOIN payments_payment p ON p.id = t.payment_id
              WHERE p.channel = 'counter' AND t.kind IN ('card', 'ach') AND {_NOT_VOIDED}), 0)
    + COALESCE((SELECT SUM(b.control_total) FROM payments_paymentbatch b
                WHERE b.kind = 'processor' AND b.status IN ('open', 'posted')
                  AND NOT EXISTS (SELECT 1 FROM payments_bai2transaction l
                                  WHERE l.matched_batch_id = b.id)), 0)
"""

CHECKS = [
    (
        "payment's accounts do not add up to its total",
        """SELECT p.id FROM payments_payment p
           LEFT JOIN (SELECT payment_id, SUM(amount) AS total FROM payments_paymentline
                      GROUP BY payment_id) lines ON lines.payment_id = p.id
           WHERE COALESCE(lines.total, 0) <> p.total""",
        "payments",
    ),
    (
        "payment's tenders do not add up to its total",
        """SELECT p.id FROM payments_payment p
           LEFT JOIN (SELECT payment_id, SUM(amount) AS total FROM payments_tender
                      GROUP BY payment_id) tenders ON tenders.payment_id = p.id
           WHERE COALESCE(tenders.total, 0) <> p.total""",
        "payments",
    ),
    (
        "counter payment's journal does not credit its accounts as the receipt says",
        f"""SELECT DISTINCT p.id FROM payments_payment p
           JOIN payments_paymentline pl ON pl.payment_id = p.id
           LEFT JOIN (
               SELECT line.journal_id, line.service_account_id, SUM(line.amount) AS total
               FROM ledger_journalline line JOIN ledger_glaccount gl ON gl.id = line.gl_account_id
               WHERE gl.purpose = '{Purpose.AR_CUSTOMERS.value}'
               GROUP BY line.journal_id, line.service_account_id
           ) posted ON posted.journal_id = p.journal_id AND posted.service_account_id = pl.account_id
           WHERE p.channel = 'counter' AND COALESCE(posted.total, 0) <> -pl.amount""",
        "payments",
    ),
    (
        "undeposited funds differ from the drawers and mail batches not yet deposited",
        _gl_differs(Purpose.UNDEPOSITED_FUNDS, _UNDEPOSITED),
        "GL accounts",
    ),
    (
        "deposits in transit differ from the deposits and lockbox batches the bank has not credited",
        _gl_differs(Purpose.DEPOSITS_IN_TRANSIT, _IN_TRANSIT),
        "GL accounts",
    ),
    (
        "settlements due differ from the card payments and processor batches not yet settled",
        _gl_differs(Purpose.SETTLEMENTS_DUE, _SETTLEMENTS_DUE),
        "GL accounts",
    ),
]


def register() -> None:
    for rule, query, what in CHECKS:
        register_check(rule, query, what)
