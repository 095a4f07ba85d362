"""Posting a bill run's bills to the ledger in chunks, through the ledger's journals_post_many.

For each bill one journal of kind "bill": its lines are billing.bill_runs.journal_lines'
bill_journal_lines (debit ar_customers for the account, credit the revenue GL accounts by line
category), idempotency key "bill:<id>". journals_post_many checks and writes them with a fixed
number of statements, moves the AccountBalance cache in the same transaction (accounts in
ascending id order), and posts nothing twice: a chunk posted again after a crash finds its keys
taken and writes nothing for them.

A chunk is one transaction: its bills are numbered, journalled and marked posted together, so
a crash leaves each bill either fully posted or not at all; re-running picks up the rest.

A deposit installment on a bill ("Deposit, installment 2 of 3", category "deposit", code
"deposit.<installment id>") posts by a journal of its own: debit ar_customers / credit
customer_deposits for the account, key "deposit-installment:<deposit>:<number>", so it posts
once whatever happens to the bill (a cancel/rebill reverses the bill's journal, not it); the
installment is marked posted in the same transaction.

A $0.00 bill (no charges, or charges that net to nothing by GL account) moves no money: it
posts no journal (bill_journal_lines gives it no lines) but is numbered and posted like the
rest, so the run finishes and the customer still gets the bill.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from accounts.deposits.installments import installments_by_id
from accounts.deposits.services.installments import installments_mark_posted
from accounts.models import Deposit
from billing.bill_runs.calculation import DEPOSIT_CATEGORY, installment_id_of
from billing.bill_runs.journal_lines import REVENUE_BY_CATEGORY, bill_journal_lines
from billing.models import Bill, BillLine, BillRun
from district.bulk import (
    NULL,
    analyze_grown,
    collector_paused,
    ids_in,
    relaxed_commit,
    stage_rows,
)
from district.errors import ServiceError
from district.ledger.models import AccountBalance, Journal
from district.ledger.purposes import Purpose
from district.ledger.services import JournalDraft, Line, PostedJournals, journals_post_many

__all__ = [
    "POST_CHUNK_SIZE",
    "REVENUE_BY_CATEGORY",
    "bill_number",
    "post_chunk",
    "refresh_statistics",
]

POST_CHUNK_SIZE = 2_000


def bill_number(run: BillRun, sequence: int) -> str:
    """B + the period's year and month + the run + the bill's place in the run: B2601-12-000042."""
    return _numbered(_number_prefix(run), sequence)


def _number_prefix(run: BillRun) -> str:
    """What every bill number of the run starts with: B2601-12-."""
    return f"B{run.period.period_start:%y%m}-{run.pk}-"


def _numbered(prefix: str, sequence: int) -> str:
    return f"{prefix}{sequence:06d}"


@dataclass
class _Journals:
    """The journals a chunk posts, before they are written: their drafts, which key is each
    bill's journal, and the deposit installments posted (key -> (installment id, bill id))."""

    effective_date: datetime.date
    posted_at: datetime.datetime
    bill_memo: str  # every bill journal's memo: "Bill for <the period>"
    drafts: list[JournalDraft] = field(default_factory=list)
    bill_keys: dict[int, str] = field(default_factory=dict)
    installment_keys: dict[str, tuple[int, int]] = field(default_factory=dict)


# ANALYZE a table before posting when it grew by this share since it was last analyzed.
STALE_STATISTICS = 0.2
# The columns the bill run's statements filter, join, group and number by: statistics of these
# only, which costs a third of a whole-table ANALYZE (bills about 56 against 120-225 ms, their
# lines 108 against 209-436 ms, 27,337 bills; measured). Auto-analyze still gathers the rest:
# an ANALYZE of some columns does not reset the table's count of changed rows. A new statement
# of the run that filters or joins bills or lines by another column adds it here.
ANALYZED_COLUMNS = {
    Bill._meta.db_table: (
        "id",
        "account_id",
        "run_id",
        "status",
        "kind",
        "period_start",
        "period_end",
        # The previous bills' reads (calculation's last posted reads join them): left out, the
        # planner misjudged that join, 2.55 s against under 0.11 s over 5 runs (measured).
        "current_read_id",
    ),
    BillLine._meta.db_table: ("bill_id", "category"),
}


def refresh_statistics() -> None:
    """ANALYZE the bills and their lines before a run posts, when their statistics are stale.

    A run writes tens of thousands of each, and auto-analyze may not have caught up: with
    statistics from when the tables were small, the planner reads each chunk's lines by a
    sequential scan of the whole table (958 ms a chunk at 100,000 accounts against 5 ms by
    the index, measured; see bench/README.md). Only when a table was never analyzed or grew by
    a fifth since (district.bulk.analyze_grown): a district with years of bills keeps its
    plans, and does not pay for an ANALYZE per run. Only the columns the run's statements
    read (ANALYZED_COLUMNS).
    """
    with connection.cursor() as cursor:
        analyze_grown(cursor, ANALYZED_COLUMNS, growth=STALE_STATISTICS)


@collector_paused()
@transaction.atomic
def post_chunk(*, run: BillRun, by, chunk_size: int = POST_CHUNK_SIZE) -> int:
    """Post the next chunk of the run's calculated bills; returns how many were posted (0: done).

    A fixed number of statements whatever the chunk's size, the COPYs included (see
    tests/billing/test_bill_run.py); three more when it carries deposit installments.
    """
    relaxed_commit()
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
        journals = _Journals(
            effective_date=run.period.bill_date,
            posted_at=timezone.now(),
            bill_memo=f"Bill for {_period_text(run)}",
        )
        for bill in bills:
            _plan_installments(journals, run, bill, installment_lines, installments)
            _plan_bill_journal(journals, run, bill, by_category, installment_lines)
        posted = journals_post_many(journals.drafts, by=by, posted_at=journals.posted_at)
        balances = _balances(posted, bills)
        installments_mark_posted(
            [
                (installment_id, posted.ids[key], bill_id)
                for key, (installment_id, bill_id) in journals.installment_keys.items()
            ],
            on_date=journals.effective_date,
        )
        _mark_posted(cursor, run, bills, journals, posted, balances)
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


def _plan_installments(journals: _Journals, run, bill, installment_lines, installments) -> None:
    """Each deposit installment on the bill posts by its own journal, keyed per deposit and
    number: debit the receivable, credit customer deposits."""
    bill_id, account_id, _total, _sequence = bill
    for installment_id, amount in installment_lines.get(bill_id, ()):
        installment = installments.get(installment_id)
        if installment is None or installment.account_id != account_id:
            raise ServiceError(
                f"Bill {bill_id} carries a deposit installment that is no longer due "
                "(the deposit was settled or moved): recalculate the bill."
            )
        journals.installment_keys[installment.key] = (installment_id, bill_id)
        journals.drafts.append(
            JournalDraft(
                kind=Journal.Kind.DEPOSIT,
                memo=f"{installment.label}, bill of {_period_text(run)}"[:255],
                lines=[
                    Line(Purpose.AR_CUSTOMERS, amount, account_id),
                    Line(Purpose.CUSTOMER_DEPOSITS, -amount, account_id),
                ],
                idempotency_key=installment.key,
                effective_date=journals.effective_date,
                source=(Deposit, installment.deposit_id),
            )
        )
        # The bill's journal is its first installment's unless it has one of its own.
        journals.bill_keys.setdefault(bill_id, installment.key)


def _plan_bill_journal(journals: _Journals, run, bill, by_category, installment_lines) -> None:
    """The bill's journal (bill_journal_lines); a $0.00 bill gets none: it is numbered and
    posted without one."""
    bill_id, account_id, total, _sequence = bill
    lines = bill_journal_lines(
        account_id=account_id,
        lines=[
            *by_category[bill_id],
            *((DEPOSIT_CATEGORY, amount) for _, amount in installment_lines.get(bill_id, ())),
        ],
        total=total,
        bill_label=f"Bill {bill_id}",
    )
    if not lines:
        return
    key = f"bill:{bill_id}"
    journals.bill_keys[bill_id] = key
    journals.drafts.append(
        JournalDraft(
            kind=Journal.Kind.BILL,
            memo=journals.bill_memo,
            lines=lines,
            idempotency_key=key,
            effective_date=journals.effective_date,
            source=(Bill, bill_id),
        )
    )


def _balances(posted: PostedJournals, bills: list[tuple]) -> dict:
    """Every billed account's balance now: those the new journals moved, as posting left
    them; the others (a $0.00 bill, a chunk posted before) read from the cache."""
    balances = dict(posted.balances)
    billed_accounts = {row[1] for row in bills}
    if len(balances.keys() & billed_accounts) < len(billed_accounts):
        balances.update(
            AccountBalance.objects.filter(
                service_account_id__in=ids_in(billed_accounts - balances.keys())
            ).values_list("service_account_id", "balance")
        )
    return balances


MARK_COLUMNS = ("id", "number", "journal_id", "previous_balance", "amount_due")


def _mark_posted(cursor, run, bills, journals: _Journals, posted: PostedJournals, balances):
    """Number the bills, link their journals, fix the figures printed on them: the figures
    staged with COPY, then one UPDATE ... FROM (bills in id order, as they were locked)."""
    lines = []
    prefix = _number_prefix(run)  # made once a chunk, not once a bill
    for bill_id, account_id, total, sequence in bills:
        amount_due = balances.get(account_id, total)
        key = journals.bill_keys.get(bill_id)
        journal_id = NULL if key is None else posted.ids[key]
        lines.append(
            f"{bill_id}\t{_numbered(prefix, sequence)}\t{journal_id}\t"
            f"{amount_due - total}\t{amount_due}"
        )
    table = Bill._meta.db_table
    staged = stage_rows(cursor, "billing_bill_posted_stage", table, MARK_COLUMNS, lines)
    # The ids again as an array: the staged table has no statistics, so joined on its own the
    # planner hashes it against a sequential scan of every bill (all of a district's years);
    # with the array it reads the chunk's bills by the primary key.
    cursor.execute(
        f"{staged} UPDATE {table} AS bill SET status = 'posted', number = staged.number, "
        "journal_id = staged.journal_id, previous_balance = staged.previous_balance, "
        "amount_due = staged.amount_due, posted_at = %s FROM staged "
        "WHERE bill.id = staged.id AND bill.id = ANY(%s)",
        [journals.posted_at, [row[0] for row in bills]],
    )
