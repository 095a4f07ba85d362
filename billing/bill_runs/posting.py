"""Posting a bill run's bills to the ledger in chunks: a bulk path that keeps every invariant.

For each bill one journal of kind "bill": debit ar_customers for the account, credit the revenue
GL accounts by line category. Idempotency key "bill:<id>" (the unique constraint decides, as in
journal_post); the fingerprint is district.ledger.services.journal_fingerprint of the same lines,
so a later journal_post with that key recognises the journal. Receivable lines move the
AccountBalance cache in the same transaction, accounts in ascending id order. Each journal is
balanced by construction, and the deferred trigger checks it again at commit.

A chunk is one transaction: its bills are numbered, journalled and marked posted together, so
a crash leaves each bill either fully posted or not at all; re-running picks up the rest.

A deposit installment on a bill ("Deposit, installment 2 of 3", category "deposit", code
"deposit.<installment id>") posts by a journal of its own: debit ar_customers / credit
customer_deposits for the account, key "deposit-installment:<deposit>:<number>", so it posts
once whatever happens to the bill (a cancel/rebill reverses the bill's journal, not it); the
installment is marked posted in the same transaction.

A $0.00 bill (no charges, or charges that net to nothing by GL account) moves no money: it
posts no journal (a journal needs two non-zero lines) but is numbered and posted like the rest,
so the run finishes and the customer still gets the bill. Lines of zero are never written.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone

from accounts.deposits.installments import installments_by_id
from accounts.deposits.services.installments import installments_mark_posted
from accounts.models import Deposit
from billing.bill_runs.calculation import DEPOSIT_CATEGORY, installment_id_of
from billing.models import Bill, BillRun
from district.bulk import copy_rows, relaxed_commit, sql_values
from district.errors import ServiceError
from district.ledger.models import AccountBalance, GLAccount, Journal, JournalLine
from district.ledger.purposes import Purpose
from district.ledger.services import journal_fingerprint

POST_CHUNK_SIZE = 2_000
# Bill line category (billing.rates.BillLine.category) -> GL purpose credited.
REVENUE_BY_CATEGORY = {
    "service": Purpose.WATER_SALES_FIXED,
    "minimum": Purpose.WATER_SALES_FIXED,
    "water": Purpose.WATER_SALES_VOLUMETRIC,
    "surcharge": Purpose.SURCHARGES,
    "sewer": Purpose.SEWER,
    "penalty": Purpose.FEES_LATE,
}


def bill_number(run: BillRun, sequence: int) -> str:
    """B + the period's year and month + the run + the bill's place in the run: B2601-12-000042."""
    return f"B{run.period.period_start:%y%m}-{run.pk}-{sequence:06d}"


def _journal_row(
    *, kind, memo, effective_date, posted_at, by, key, lines, source_type_id, source_id
) -> tuple:
    fingerprint = journal_fingerprint(kind=kind, effective_date=effective_date, lines=lines)
    return (
        kind,
        memo[:255],
        effective_date,
        posted_at,
        by.pk if by is not None else None,
        key,
        fingerprint,
        source_type_id,
        str(source_id),
    )


def _gl_ids() -> dict[str, int]:
    purposes = set(REVENUE_BY_CATEGORY.values()) | {Purpose.AR_CUSTOMERS, Purpose.CUSTOMER_DEPOSITS}
    accounts = {
        account.purpose: account
        for account in GLAccount.objects.filter(purpose__in=purposes, is_active=True)
    }
    missing = sorted(purposes - accounts.keys())
    if missing:
        raise ServiceError(f"No open GL account is set up for {', '.join(missing)}.")
    return {purpose: account.pk for purpose, account in accounts.items()}


@dataclass
class _Journals:
    """The journals a chunk posts, before they are written: their rows, the lines of each key,
    which key is each bill's journal, and the deposit installments posted (key -> (installment
    id, bill id))."""

    effective_date: datetime.date
    posted_at: datetime.datetime
    rows: list[tuple] = field(default_factory=list)
    lines_by_key: dict[str, list[tuple]] = field(default_factory=dict)
    bill_keys: dict[int, str] = field(default_factory=dict)
    installment_keys: dict[str, tuple[int, int]] = field(default_factory=dict)


@transaction.atomic
def post_chunk(*, run: BillRun, by, chunk_size: int = POST_CHUNK_SIZE) -> int:
    """Post the next chunk of the run's calculated bills; returns how many were posted (0: done).

    Eight queries whatever the chunk's size; three more when it carries deposit installments.
    """
    relaxed_commit()
    gl = _gl_ids()
    source_types = (
        ContentType.objects.get_for_model(Bill).pk,
        ContentType.objects.get_for_model(Deposit).pk,
    )
    with connection.cursor() as cursor:
        bills = _lock_next_bills(cursor, run, chunk_size)
        if not bills:
            return 0
        by_category, installment_lines = _bill_amounts(cursor, bills)
        installments = (
            installments_by_id(
                [i for lines in installment_lines.values() for i, _ in lines], for_update=True
            )
            if installment_lines
            else {}
        )
        journals = _Journals(effective_date=run.period.bill_date, posted_at=timezone.now())
        for bill in bills:
            installed = _plan_installments(
                journals, run, by, bill, gl, installment_lines, installments, source_types[1]
            )
            _plan_bill_journal(journals, run, by, bill, gl, by_category, installed, source_types[0])
        journal_ids = _insert_journals(cursor, journals.rows)
        balance_changes = _insert_lines(cursor, journals, journal_ids, gl[Purpose.AR_CUSTOMERS])
        balances = _move_balances(cursor, balance_changes, bills, journals.posted_at)
        installments_mark_posted(
            [
                (installment_id, abs(journal_ids[key]), bill_id)
                for key, (installment_id, bill_id) in journals.installment_keys.items()
            ],
            on_date=journals.effective_date,
        )
        _mark_posted(cursor, run, bills, journals, journal_ids, balances)
    return len(bills)


def _lock_next_bills(cursor, run: BillRun, chunk_size: int) -> list[tuple]:
    """The next calculated bills of the run, locked: (id, account id, total, place in the run).
    The bills' places in the run (by id) number them, so a re-run gives the same numbers."""
    cursor.execute(
        """
        SELECT id, account_id, current_charges, sequence FROM (
            SELECT id, account_id, status, current_charges,
                   row_number() OVER (ORDER BY id) AS sequence
            FROM billing_bill WHERE run_id = %s
        ) AS bills
        WHERE status = 'calculated'
        ORDER BY id LIMIT %s
        """,
        [run.pk, chunk_size],
    )
    candidates = cursor.fetchall()
    if not candidates:
        return []
    cursor.execute(
        "SELECT id FROM billing_bill WHERE id = ANY(%s) AND status = 'calculated' "
        "ORDER BY id FOR UPDATE",
        [[row[0] for row in candidates]],
    )
    locked = {row[0] for row in cursor.fetchall()}
    return [row for row in candidates if row[0] in locked]


def _bill_amounts(cursor, bills: list[tuple]) -> tuple[dict, dict]:
    """Revenue by category ({bill id: [(category, amount)]}); deposit installment lines one by
    one, as their code names them ({bill id: [(installment id, amount)]})."""
    cursor.execute(
        "SELECT bill_id, category, CASE WHEN category = %s THEN code ELSE '' END, "
        "sum(amount) FROM billing_billline WHERE bill_id = ANY(%s) "
        "GROUP BY 1, 2, 3 ORDER BY 1, 2, 3",
        [DEPOSIT_CATEGORY, [row[0] for row in bills]],
    )
    by_category: dict[int, list[tuple[str, Decimal]]] = defaultdict(list)
    installment_lines: dict[int, list[tuple[int, Decimal]]] = defaultdict(list)
    for bill_id, category, code, amount in cursor.fetchall():
        if category == DEPOSIT_CATEGORY:
            installment_lines[bill_id].append((installment_id_of(code), amount))
        else:
            by_category[bill_id].append((category, amount))
    return by_category, installment_lines


def _period_text(run: BillRun) -> str:
    return f"{run.period.period_start:%m/%d/%Y}-{run.period.period_end:%m/%d/%Y}"


def _plan_installments(
    journals: _Journals, run, by, bill, gl, installment_lines, installments, source_type_id
) -> Decimal:
    """Each deposit installment on the bill posts by its own journal, keyed per deposit and
    number: debit the receivable, credit customer deposits. Returns their sum."""
    bill_id, account_id, _total, _sequence = bill
    installed = Decimal(0)
    for installment_id, amount in installment_lines.get(bill_id, ()):
        installment = installments.get(installment_id)
        if installment is None or installment.account_id != account_id:
            raise ServiceError(
                f"Bill {bill_id} carries a deposit installment that is no longer due "
                "(the deposit was settled or moved): recalculate the bill."
            )
        installed += amount
        journals.installment_keys[installment.key] = (installment_id, bill_id)
        journals.lines_by_key[installment.key] = [
            (gl[Purpose.AR_CUSTOMERS], amount, account_id),
            (gl[Purpose.CUSTOMER_DEPOSITS], -amount, account_id),
        ]
        journals.rows.append(
            _journal_row(
                kind=Journal.Kind.DEPOSIT,
                memo=f"{installment.label}, bill of {_period_text(run)}",
                effective_date=journals.effective_date,
                posted_at=journals.posted_at,
                by=by,
                key=installment.key,
                lines=journals.lines_by_key[installment.key],
                source_type_id=source_type_id,
                source_id=installment.deposit_id,
            )
        )
        # The bill's journal is its first installment's unless it has one of its own.
        journals.bill_keys.setdefault(bill_id, installment.key)
    return installed


def _plan_bill_journal(
    journals: _Journals, run, by, bill, gl, by_category, installed: Decimal, source_type_id
) -> None:
    """The bill's journal: debit the receivable (less the deposit installments `installed`),
    credit the revenue GL accounts by line category. A $0.00 bill gets none: it is numbered
    and posted without one."""
    bill_id, account_id, total, _sequence = bill
    credits: dict[int, Decimal] = defaultdict(Decimal)
    for category, amount in by_category[bill_id]:
        purpose = REVENUE_BY_CATEGORY.get(category)
        if purpose is None:
            raise ServiceError(
                f"Bill {bill_id} has a “{category}” line that no GL account is set up for."
            )
        credits[gl[purpose]] -= amount
    lines = [(gl[Purpose.AR_CUSTOMERS], total - installed, account_id)] + [
        (gl_id, amount, None) for gl_id, amount in sorted(credits.items())
    ]
    if sum(line[1] for line in lines) != 0:
        raise ServiceError(f"Bill {bill_id}'s lines do not add up to its total.")
    lines = [line for line in lines if line[1]]
    if not lines:
        return
    key = f"bill:{bill_id}"
    journals.bill_keys[bill_id] = key
    journals.lines_by_key[key] = lines
    journals.rows.append(
        _journal_row(
            kind=Journal.Kind.BILL,
            memo=f"Bill for {_period_text(run)}",
            effective_date=journals.effective_date,
            posted_at=journals.posted_at,
            by=by,
            key=key,
            lines=lines,
            source_type_id=source_type_id,
            source_id=bill_id,
        )
    )


def _insert_journals(cursor, rows: list[tuple]) -> dict[str, int]:
    """Insert the journals; {key: id}, the id negative for a journal posted before (by an
    earlier attempt that committed: its lines are already written)."""
    journal_ids = {}
    if rows:
        cursor.execute(
            f"INSERT INTO {Journal._meta.db_table} (kind, memo, effective_date, posted_at, "
            "posted_by_id, idempotency_key, fingerprint, source_type_id, source_id) VALUES "
            + sql_values(cursor, "(%s,%s,%s,%s,%s,%s,%s,%s,%s)", rows)
            + " ON CONFLICT (idempotency_key) DO NOTHING RETURNING id, idempotency_key",
            [],
        )
        journal_ids = {key: journal_id for journal_id, key in cursor.fetchall()}
    already = [row[5] for row in rows if row[5] not in journal_ids]
    if already:
        # Posted before: the same lines, or a refusal.
        fingerprints = {row[5]: row[6] for row in rows}
        for journal in Journal.objects.filter(idempotency_key__in=already):
            if journal.fingerprint != fingerprints[journal.idempotency_key]:
                raise ServiceError(
                    f"Journal J{journal.pk} already holds {journal.idempotency_key} with "
                    "different amounts: nothing was posted."
                )
            journal_ids[journal.idempotency_key] = -journal.pk
    return journal_ids


def _insert_lines(cursor, journals: _Journals, journal_ids, receivable_gl: int) -> dict:
    """COPY the lines of the journals just inserted (nothing to conflict with); returns the
    receivable's change per account ({account id: amount})."""
    line_rows, balance_changes = [], defaultdict(Decimal)
    for key, journal_id in journal_ids.items():
        if journal_id < 0:
            continue
        for gl_id, amount, account_id in journals.lines_by_key[key]:
            line_rows.append((journal_id, gl_id, amount, account_id, journals.effective_date, ""))
            if account_id is not None and gl_id == receivable_gl:
                balance_changes[account_id] += amount  # deposits held is tagged too
    copy_rows(
        cursor,
        JournalLine._meta.db_table,
        ("journal_id", "gl_account_id", "amount", "service_account_id", "effective_date", "memo"),
        line_rows,
    )
    return balance_changes


def _move_balances(cursor, balance_changes: dict, bills: list[tuple], posted_at) -> dict:
    """Move the AccountBalance cache (accounts in ascending id order: a stable lock order);
    returns every billed account's balance now."""
    balances = {}
    if balance_changes:
        ordered = sorted(balance_changes.items())
        table = AccountBalance._meta.db_table
        cursor.execute(
            f"INSERT INTO {table} (service_account_id, balance, updated_at) VALUES "
            + sql_values(cursor, "(%s,%s,%s)", [(a, c, posted_at) for a, c in ordered])
            + f" ON CONFLICT (service_account_id) DO UPDATE SET balance = {table}.balance"
            " + EXCLUDED.balance, updated_at = EXCLUDED.updated_at"
            " RETURNING service_account_id, balance",
            [],
        )
        balances = dict(cursor.fetchall())
    billed_accounts = {row[1] for row in bills}
    if len(balances) < len(billed_accounts):
        balances.update(
            AccountBalance.objects.filter(
                service_account_id__in=billed_accounts - balances.keys()
            ).values_list("service_account_id", "balance")
        )
    return balances


def _mark_posted(cursor, run, bills, journals: _Journals, journal_ids, balances) -> None:
    """Number the bills, link their journals, fix the figures printed on them: one statement."""
    updates = []
    for bill_id, account_id, total, sequence in bills:
        amount_due = balances.get(account_id, total)
        key = journals.bill_keys.get(bill_id)
        journal_id = journal_ids[key] if key is not None else None
        updates.append(
            (
                bill_id,
                bill_number(run, sequence),
                abs(journal_id) if journal_id is not None else None,
                amount_due - total,
                amount_due,
            )
        )
    cursor.execute(
        "UPDATE billing_bill AS bill SET status = 'posted', number = v.number, "
        "journal_id = v.journal_id, previous_balance = v.previous_balance, "
        "amount_due = v.amount_due, posted_at = "
        + sql_values(cursor, "%s", [(journals.posted_at,)])
        + " FROM (VALUES "
        + sql_values(cursor, "(%s::bigint,%s,%s::bigint,%s::numeric,%s::numeric)", updates)
        + ") AS v(id, number, journal_id, previous_balance, amount_due) WHERE bill.id = v.id",
        [],
    )
