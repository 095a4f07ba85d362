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

from collections import defaultdict
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from accounts.deposits.installments import installments_by_id
from accounts.deposits.selectors import DEPOSITS_PURPOSE
from accounts.deposits.services.installments import installments_mark_posted
from accounts.models import Deposit
from billing.bill_runs.calculation import DEPOSIT_CATEGORY, installment_id_of
from billing.models import Bill, BillRun
from district.bulk import copy_rows, relaxed_commit, sql_values
from district.ledger.models import AccountBalance, GLAccount, Journal, JournalLine
from district.ledger.selectors import RECEIVABLE_PURPOSE
from district.ledger.services import journal_fingerprint

POST_CHUNK_SIZE = 2_000
# Bill line category (billing.rates.BillLine.category) -> GL purpose credited.
REVENUE_BY_CATEGORY = {
    "service": "water_sales_fixed",
    "minimum": "water_sales_fixed",
    "water": "water_sales_volumetric",
    "surcharge": "surcharges",
    "sewer": "sewer",
    "penalty": "fees_late",
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
    purposes = set(REVENUE_BY_CATEGORY.values()) | {RECEIVABLE_PURPOSE, DEPOSITS_PURPOSE}
    accounts = {
        account.purpose: account
        for account in GLAccount.objects.filter(purpose__in=purposes, is_active=True)
    }
    missing = sorted(purposes - accounts.keys())
    if missing:
        raise ValidationError(f"No open GL account is set up for {', '.join(missing)}.")
    return {purpose: account.pk for purpose, account in accounts.items()}


@transaction.atomic
def post_chunk(*, run: BillRun, by, chunk_size: int = POST_CHUNK_SIZE) -> int:
    """Post the next chunk of the run's calculated bills; returns how many were posted (0: done).

    Eight queries whatever the chunk's size; three more when it carries deposit installments.
    """
    relaxed_commit()
    gl = _gl_ids()
    bill_type_id = ContentType.objects.get_for_model(Bill).pk
    deposit_type_id = ContentType.objects.get_for_model(Deposit).pk
    with connection.cursor() as cursor:
        # The bills' places in the run (by id) number them, so a re-run gives the same numbers.
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
            return 0
        cursor.execute(
            "SELECT id FROM billing_bill WHERE id = ANY(%s) AND status = 'calculated' "
            "ORDER BY id FOR UPDATE",
            [[row[0] for row in candidates]],
        )
        locked = {row[0] for row in cursor.fetchall()}
        bills = [row for row in candidates if row[0] in locked]
        if not bills:
            return 0
        # Revenue by category; deposit installment lines one by one (their code names them).
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
        installments = (
            installments_by_id(
                [i for lines in installment_lines.values() for i, _ in lines], for_update=True
            )
            if installment_lines
            else {}
        )

        effective_date = run.period.bill_date
        posted_at = timezone.now()
        journal_rows, lines_by_key, keys = [], {}, {}
        installment_keys: dict[str, tuple[int, int]] = {}  # key -> (installment id, bill id)
        for bill_id, account_id, total, _sequence in bills:
            credits: dict[int, Decimal] = defaultdict(Decimal)
            for category, amount in by_category[bill_id]:
                purpose = REVENUE_BY_CATEGORY.get(category)
                if purpose is None:
                    raise ValidationError(
                        f"Bill {bill_id} has a “{category}” line that no GL account is set up for."
                    )
                credits[gl[purpose]] -= amount
            # Each deposit installment posts by its own journal, keyed per deposit and number.
            receivable = total
            for installment_id, amount in installment_lines.get(bill_id, ()):
                installment = installments.get(installment_id)
                if installment is None or installment.account_id != account_id:
                    raise ValidationError(
                        f"Bill {bill_id} carries a deposit installment that is no longer due "
                        "(the deposit was settled or moved): recalculate the bill."
                    )
                receivable -= amount
                installment_keys[installment.key] = (installment_id, bill_id)
                lines_by_key[installment.key] = [
                    (gl[RECEIVABLE_PURPOSE], amount, account_id),
                    (gl[DEPOSITS_PURPOSE], -amount, account_id),
                ]
                journal_rows.append(
                    _journal_row(
                        kind=Journal.Kind.DEPOSIT,
                        memo=f"{installment.label}, bill of "
                        f"{run.period.period_start:%m/%d/%Y}-{run.period.period_end:%m/%d/%Y}",
                        effective_date=effective_date,
                        posted_at=posted_at,
                        by=by,
                        key=installment.key,
                        lines=lines_by_key[installment.key],
                        source_type_id=deposit_type_id,
                        source_id=installment.deposit_id,
                    )
                )
                if not keys.get(bill_id):
                    keys[bill_id] = installment.key  # the bill's journal unless it has its own
            lines = [(gl[RECEIVABLE_PURPOSE], receivable, account_id)] + [
                (gl_id, amount, None) for gl_id, amount in sorted(credits.items())
            ]
            if sum(line[1] for line in lines) != 0:
                raise ValidationError(f"Bill {bill_id}'s lines do not add up to its total.")
            lines = [line for line in lines if line[1]]
            if not lines:
                continue  # a $0.00 bill: numbered and posted without a journal
            key = f"bill:{bill_id}"
            keys[bill_id] = key
            lines_by_key[key] = lines
            journal_rows.append(
                _journal_row(
                    kind=Journal.Kind.BILL,
                    memo=f"Bill for {run.period.period_start:%m/%d/%Y}-"
                    f"{run.period.period_end:%m/%d/%Y}",
                    effective_date=effective_date,
                    posted_at=posted_at,
                    by=by,
                    key=key,
                    lines=lines,
                    source_type_id=bill_type_id,
                    source_id=bill_id,
                )
            )
        journal_ids = {}
        if journal_rows:
            cursor.execute(
                f"INSERT INTO {Journal._meta.db_table} (kind, memo, effective_date, posted_at, "
                "posted_by_id, idempotency_key, fingerprint, source_type_id, source_id) VALUES "
                + sql_values(cursor, "(%s,%s,%s,%s,%s,%s,%s,%s,%s)", journal_rows)
                + " ON CONFLICT (idempotency_key) DO NOTHING RETURNING id, idempotency_key",
                [],
            )
            journal_ids = {key: journal_id for journal_id, key in cursor.fetchall()}
        already = [row[5] for row in journal_rows if row[5] not in journal_ids]
        if already:
            # Posted before (by an earlier attempt that committed): the same lines or a refusal.
            fingerprints = {row[5]: row[6] for row in journal_rows}
            for journal in Journal.objects.filter(idempotency_key__in=already):
                if journal.fingerprint != fingerprints[journal.idempotency_key]:
                    raise ValidationError(
                        f"Journal J{journal.pk} already holds {journal.idempotency_key} with "
                        "different amounts: nothing was posted."
                    )
                journal_ids[journal.idempotency_key] = -journal.pk  # lines already written
        line_rows, balance_changes = [], defaultdict(Decimal)
        for key, journal_id in journal_ids.items():
            if journal_id < 0:
                continue
            for gl_id, amount, account_id in lines_by_key[key]:
                line_rows.append((journal_id, gl_id, amount, account_id, effective_date, ""))
                if account_id is not None and gl_id == gl[RECEIVABLE_PURPOSE]:
                    balance_changes[account_id] += amount  # deposits held is tagged too
        # Lines of the journals just inserted (nothing to conflict with): COPY.
        copy_rows(
            cursor,
            JournalLine._meta.db_table,
            (
                "journal_id",
                "gl_account_id",
                "amount",
                "service_account_id",
                "effective_date",
                "memo",
            ),
            line_rows,
        )
        balances = {}
        if balance_changes:
            ordered = sorted(balance_changes.items())  # a stable lock order
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
        if len(balances) < len({row[1] for row in bills}):
            balances.update(
                AccountBalance.objects.filter(
                    service_account_id__in={row[1] for row in bills} - balances.keys()
                ).values_list("service_account_id", "balance")
            )
        installments_mark_posted(
            [
                (installment_id, abs(journal_ids[key]), bill_id)
                for key, (installment_id, bill_id) in installment_keys.items()
            ],
            on_date=effective_date,
        )
        updates = []
        for bill_id, account_id, total, sequence in bills:
            amount_due = balances.get(account_id, total)
            journal_id = journal_ids[keys[bill_id]] if bill_id in keys else None
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
            + sql_values(cursor, "%s", [(posted_at,)])
            + " FROM (VALUES "
            + sql_values(cursor, "(%s::bigint,%s,%s::bigint,%s::numeric,%s::numeric)", updates)
            + ") AS v(id, number, journal_id, previous_balance, amount_due) WHERE bill.id = v.id",
            [],
        )
    return len(bills)
