"""Posting a bill run's bills to the ledger in chunks: a bulk path that keeps every invariant.

For each bill one journal of kind "bill": debit ar_customers for the account, credit the revenue
GL accounts by line category. Idempotency key "bill:<id>" (the unique constraint decides, as in
journal_post); the fingerprint is district.ledger.services.journal_fingerprint of the same lines,
so a later journal_post with that key recognises the journal. Receivable lines move the
AccountBalance cache in the same transaction, accounts in ascending id order. Each journal is
balanced by construction, and the deferred trigger checks it again at commit.

A chunk is one transaction: its bills are numbered, journalled and marked posted together, so
a crash leaves each bill either fully posted or not at all; re-running picks up the rest.
"""

from collections import defaultdict
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from billing.bill_runs.bulk import copy_rows, relaxed_commit, sql_values
from billing.models import Bill, BillRun
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


def _gl_ids() -> dict[str, int]:
    purposes = set(REVENUE_BY_CATEGORY.values()) | {RECEIVABLE_PURPOSE}
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

    Eight queries whatever the chunk's size.
    """
    relaxed_commit()
    gl = _gl_ids()
    bill_type_id = ContentType.objects.get_for_model(Bill).pk
    with connection.cursor() as cursor:
        # The bills' places in the run (by id) number them, so a re-run gives the same numbers.
        cursor.execute(
            """
            SELECT id, account_id, current_charges, sequence FROM (
                SELECT id, account_id, status, current_charges,
                       row_number() OVER (ORDER BY id) AS sequence
                FROM billing_bill WHERE run_id = %s
            ) AS bills
            WHERE status = 'calculated' AND current_charges <> 0
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
        cursor.execute(
            "SELECT bill_id, category, sum(amount) FROM billing_billline "
            "WHERE bill_id = ANY(%s) GROUP BY bill_id, category ORDER BY bill_id, category",
            [[row[0] for row in bills]],
        )
        by_category: dict[int, list[tuple[str, Decimal]]] = defaultdict(list)
        for bill_id, category, amount in cursor.fetchall():
            by_category[bill_id].append((category, amount))

        effective_date = run.period.bill_date
        posted_at = timezone.now()
        journal_rows, lines_by_key, keys = [], {}, {}
        for bill_id, account_id, total, _sequence in bills:
            credits: dict[int, Decimal] = defaultdict(Decimal)
            for category, amount in by_category[bill_id]:
                purpose = REVENUE_BY_CATEGORY.get(category)
                if purpose is None:
                    raise ValidationError(
                        f"Bill {bill_id} has a “{category}” line that no GL account is set up for."
                    )
                credits[gl[purpose]] -= amount
            lines = [(gl[RECEIVABLE_PURPOSE], total, account_id)] + [
                (gl_id, amount, None) for gl_id, amount in sorted(credits.items()) if amount
            ]
            if sum(line[1] for line in lines) != 0:
                raise ValidationError(f"Bill {bill_id}'s lines do not add up to its total.")
            key = f"bill:{bill_id}"
            keys[bill_id] = key
            lines_by_key[key] = lines
            fingerprint = journal_fingerprint(
                kind=Journal.Kind.BILL, effective_date=effective_date, lines=lines
            )
            journal_rows.append(
                (
                    Journal.Kind.BILL,
                    f"Bill for {run.period.period_start:%m/%d/%Y}-{run.period.period_end:%m/%d/%Y}",
                    effective_date,
                    posted_at,
                    by.pk if by is not None else None,
                    key,
                    fingerprint,
                    bill_type_id,
                    str(bill_id),
                )
            )
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
                if account_id is not None:
                    balance_changes[account_id] += amount
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
        updates = []
        for bill_id, account_id, total, sequence in bills:
            amount_due = balances.get(account_id, total)
            updates.append(
                (
                    bill_id,
                    bill_number(run, sequence),
                    abs(journal_ids[keys[bill_id]]),
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
