"""Reconciliation: the files' totals against the ledger, per age bucket and GL account, to the cent.

The ledger side reads the journals the load posted (keys "conversion:...", sourced to the
load's accounts), so later bills and payments do not blur it; balances are put in buckets by
the age of their effective date, as the ledger's aging does (0-29, 30-59, 60-89, 90-119, 120+).
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import connection

from conversion.formats import BUCKETS
from conversion.models import ConversionLoad, LegacyIdentifier
from district.ledger.models import GLAccount, Journal, JournalLine
from district.ledger.purposes import Purpose

ZERO = Decimal("0.00")

_BUCKET_SQL = """
    SUM(l.amount) FILTER (WHERE g.purpose = %(ar)s AND %(as_of)s::date - l.effective_date < 30),
    SUM(l.amount) FILTER (WHERE g.purpose = %(ar)s
                          AND %(as_of)s::date - l.effective_date BETWEEN 30 AND 59),
    SUM(l.amount) FILTER (WHERE g.purpose = %(ar)s
                          AND %(as_of)s::date - l.effective_date BETWEEN 60 AND 89),
    SUM(l.amount) FILTER (WHERE g.purpose = %(ar)s
                          AND %(as_of)s::date - l.effective_date BETWEEN 90 AND 119),
    SUM(l.amount) FILTER (WHERE g.purpose = %(ar)s AND %(as_of)s::date - l.effective_date >= 120),
    SUM(l.amount) FILTER (WHERE g.purpose = %(ar)s),
    -SUM(l.amount) FILTER (WHERE g.purpose = %(deposits)s)
"""


def _conversion_lines(select: str, group: str = "") -> str:
    return f"""
        SELECT {select}
        FROM {JournalLine._meta.db_table} l
        JOIN {Journal._meta.db_table} j ON j.id = l.journal_id
        JOIN {GLAccount._meta.db_table} g ON g.id = l.gl_account_id
        WHERE j.idempotency_key LIKE 'conversion:%%'
          AND j.source_id IN (
              SELECT new_id::text FROM {LegacyIdentifier._meta.db_table}
              WHERE load_id = %(load)s AND kind = 'account')
        {group}
    """


def _params(load: ConversionLoad) -> dict:
    return {
        "load": load.pk,
        "as_of": load.as_of,
        "ar": Purpose.AR_CUSTOMERS.value,
        "deposits": Purpose.CUSTOMER_DEPOSITS.value,
    }


def ledger_totals(load: ConversionLoad) -> dict[str, Decimal]:
    """What the ledger holds from a load: receivable per age bucket, total, deposits held."""
    with connection.cursor() as cursor:
        cursor.execute(_conversion_lines(_BUCKET_SQL), _params(load))
        row = cursor.fetchone()
    names = [*(f"balance_{bucket}" for bucket in BUCKETS), "balance_total", "deposits_total"]
    return {name: (value or ZERO) for name, value in zip(names, row, strict=True)}


def ledger_by_gl_account(load: ConversionLoad) -> list[tuple[str, str, str, Decimal]]:
    """(code, name, purpose, balance) of every GL account the load's journals touched."""
    with connection.cursor() as cursor:
        cursor.execute(
            _conversion_lines(
                "g.code, g.name, COALESCE(g.purpose, ''), SUM(l.amount)",
                "GROUP BY g.code, g.name, g.purpose ORDER BY g.code",
            ),
            _params(load),
        )
        return list(cursor.fetchall())


@dataclass(frozen=True)
class ReconciliationRow:
    what: str
    files: Decimal
    ledger: Decimal

    @property
    def difference(self) -> Decimal:
        return self.ledger - self.files


@dataclass(frozen=True)
class Reconciliation:
    load: ConversionLoad
    rows: list[ReconciliationRow]

    @property
    def reconciled(self) -> bool:
        return all(row.difference == 0 for row in self.rows)

    def lines(self) -> list[str]:
        out = [
            f"Reconciliation of load {self.load.pk} as of {self.load.as_of:%m/%d/%Y}",
            f"{'':40} {'files':>16} {'ledger':>16} {'difference':>12}",
        ]
        for row in self.rows:
            out.append(
                f"{row.what:40} {row.files:>16,.2f} {row.ledger:>16,.2f} {row.difference:>12,.2f}"
            )
        out.append("RECONCILED to the cent" if self.reconciled else "NOT RECONCILED")
        return out


def reconcile(load: ConversionLoad, file_totals: dict[str, Decimal]) -> Reconciliation:
    """The files' totals (validate's Extract.totals) against what the ledger holds."""
    ledger = ledger_totals(load)
    labels = {
        "balance_current": "Receivable, current (0-29 days)",
        "balance_days_30": "Receivable, 30-59 days",
        "balance_days_60": "Receivable, 60-89 days",
        "balance_days_90": "Receivable, 90-119 days",
        "balance_days_120_plus": "Receivable, 120 days and over",
        "balance_total": "Receivable, total",
        "deposits_total": "Deposits held",
    }
    rows = [
        ReconciliationRow(label, file_totals.get(key, ZERO), ledger[key])
        for key, label in labels.items()
    ]
    # Per GL account: what the files say each should hold from the conversion.
    expected = {
        Purpose.AR_CUSTOMERS.value: file_totals.get("balance_total", ZERO),
        Purpose.CUSTOMER_DEPOSITS.value: -file_totals.get("deposits_total", ZERO),
        Purpose.OPENING_BALANCES.value: -file_totals.get("balance_total", ZERO)
        + file_totals.get("deposits_total", ZERO),
    }
    found = {
        purpose: (code, name, balance)
        for code, name, purpose, balance in ledger_by_gl_account(load)
    }
    for purpose in sorted(set(expected) | set(found)):
        code, name, balance = found.get(purpose, ("", purpose, ZERO))
        rows.append(
            ReconciliationRow(f"GL {code} {name}"[:40], expected.get(purpose, ZERO), balance)
        )
    return Reconciliation(load=load, rows=rows)
