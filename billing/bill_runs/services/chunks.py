"""Calculating a bill run's bills: one chunk of accounts at a time, or one account again.

A chunk prices and audits its accounts in memory (billing.bill_runs.calculation and audit),
then writes the bills (INSERT ... ON CONFLICT DO NOTHING: the one-live-bill constraint catches a
redelivered chunk or a bill made outside the run), their lines (COPY) and the exceptions found,
and resolves the exceptions that no longer hold. A fixed number of queries whatever its size.
"""

import dataclasses

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from accounts.deposits.installments import next_installments
from billing.bill_runs import audit, calculation
from billing.models import Bill, BillException, BillLine, BillRun
from district.bulk import (
    NULL,
    collector_paused,
    copy_rows,
    copy_str,
    copy_text,
    ids_in,
    relaxed_commit,
    stage_rows,
)
from district.errors import ServiceError
from district.transitions import check_transition
from field_ops.models import MeterRead

Status = BillRun.Status
ExceptionStatus = BillException.Status
STALE_NOTE = "No longer applies after recalculation."
# The kinds a calculation checks again: an open one it no longer finds is resolved.
RECHECKED_KINDS = (
    BillException.Kind.HIGH_USE,
    BillException.Kind.LOW_USE,
    BillException.Kind.ZERO_USE,
    BillException.Kind.BELOW_LAST,
    BillException.Kind.ESTIMATED,
    BillException.Kind.AMOUNT_OVER,
    BillException.Kind.OVER_TYPICAL,
    BillException.Kind.MISSING_READ,
    BillException.Kind.NEVER_BILLED,
)
LINE_COLUMNS = (
    "bill_id",
    "position",
    "code",
    "category",
    "description",
    "quantity",
    "unit",
    "rate",
    "amount",
    "version_label",
    "proration_note",
)


# -- one chunk


@collector_paused()
@transaction.atomic
def bill_run_calculate_chunk(*, run_id: int, account_ids: list[int]) -> int:
    """Bill one chunk of a run's accounts (those not billed in the run yet); returns bills made.

    A fixed number of queries whatever the chunk's size (one more, once per run and worker
    process, when it has first bills: their class's typical bill). Skips quietly unless calculating.
    """
    run = BillRun.objects.select_related("period", "period__cycle").get(pk=run_id)
    if run.status != Status.CALCULATING:
        return 0
    relaxed_commit()
    todo = _not_billed_in_run(run, account_ids)
    if not todo:
        return 0
    priced_by_account, found = _price_chunk(run, todo)
    with connection.cursor() as cursor:
        bill_ids = _write_bills(cursor, run, priced_by_account)
        found, billed_in_run = _drop_conflicts(run, priced_by_account, bill_ids, found)
        insert_exceptions(
            cursor,
            run,
            [
                (account_id, bill_ids.get(account_id), kind, detail)
                for account_id, _bill, kind, detail in found
            ],
        )
    resolve_stale(
        run,
        [account_id for account_id in todo if account_id not in billed_in_run],
        {(row[0], row[2]) for row in found},
    )
    return len(bill_ids)


def _not_billed_in_run(run: BillRun, account_ids: list[int]) -> list[int]:
    done = set(
        Bill.objects.filter(run=run, account_id__in=ids_in(account_ids)).values_list(
            "account_id", flat=True
        )
    )
    return [account_id for account_id in account_ids if account_id not in done]


def _price_chunk(run: BillRun, account_ids: list[int]) -> tuple[dict, list[tuple]]:
    """Price and audit each account in memory: ({account id: (inputs, priced)}, the exceptions
    found as (account id, None, kind, detail))."""
    rates = calculation.load_rates(run.period.period_start, run.period.period_end)
    policies = audit.audit_policies()
    inputs_list = calculation.load_chunk(account_ids, run.period)
    installments = next_installments(account_ids)
    class_typical = (
        calculation.class_typical_for_run(run)
        if any(inputs.recent_bills == 0 for inputs in inputs_list)
        else {}
    )
    priced_by_account, found = {}, []
    for inputs in inputs_list:
        priced, problem = price(inputs, run, rates)
        if problem is not None:
            found.append((inputs.account_id, None, *problem))
        for kind, detail in audit.audit_account(
            inputs, priced, policies, class_typical=class_typical.get(inputs.customer_class)
        ):
            found.append((inputs.account_id, None, kind, detail))
        if priced is not None:
            priced = calculation.with_installment(priced, installments.get(inputs.account_id))
            priced_by_account[inputs.account_id] = (inputs, priced)
    return priced_by_account, found


def _write_bills(cursor, run: BillRun, priced_by_account: dict) -> dict[int, int]:
    """Insert the chunk's bills and their lines; {account id: new bill id}."""
    # The columns every bill of the run shares, printed once a chunk; one creation time for
    # the chunk's bills, as it is one transaction.
    period = run.period
    run_columns = (
        f"{run.pk}\t{Bill.Kind.REGULAR}\t{Bill.Status.CALCULATED}\t{period.period_start}\t"
        f"{period.period_end}\t{period.bill_date}\t{period.due_date}"
    )
    created_at = timezone.now()
    bill_ids = _insert_bill_texts(
        cursor,
        [
            _bill_text(inputs, priced, run_columns, created_at)
            for inputs, priced in priced_by_account.values()
        ],
    )
    insert_lines(
        cursor,
        [
            row
            for account_id, bill_id in sorted(bill_ids.items())
            for row in line_rows(bill_id, priced_by_account[account_id][1], _RENDERED)
        ],
    )
    if len(_RENDERED) > RENDERED_LIMIT:
        _RENDERED.clear()
    return bill_ids


def _drop_conflicts(
    run: BillRun, priced_by_account: dict, bill_ids: dict[int, int], found: list[tuple]
) -> tuple[list[tuple], set[int]]:
    """Accounts priced but not inserted were billed meanwhile: by a redelivered copy of this
    chunk (fine: its exceptions stand, so this copy's are dropped), or by another bill for the
    period (a rebill): that account is listed, not billed twice. Returns (the exceptions to
    write, the accounts billed in the run by the other copy)."""
    conflicted = set(priced_by_account) - set(bill_ids)
    if not conflicted:
        return found, set()
    in_run = set(
        Bill.objects.filter(run=run, account_id__in=conflicted).values_list("account_id", flat=True)
    )
    found = [row for row in found if row[0] not in in_run]
    found += [
        (
            account_id,
            None,
            BillException.Kind.NEVER_BILLED,
            "Already has a bill for this period outside this run: not billed again.",
        )
        for account_id in sorted(conflicted - in_run)
    ]
    return found, in_run


# -- pricing and writing rows


def price(inputs, run: BillRun, rates: calculation.Rates):
    """(priced bill or None, exception (kind, detail) or None) for one account."""
    if inputs.current_read is None or inputs.previous_read is None:
        return None, (BillException.Kind.MISSING_READ, audit.missing_read_detail(inputs))
    versions = rates.versions_for(inputs.customer_class)
    if not versions:
        return None, (BillException.Kind.NEVER_BILLED, "No rate schedule is in force: not billed.")
    try:
        priced = calculation.price_inputs(
            inputs,
            period_start=run.period.period_start,
            period_end=run.period.period_end,
            schedule_versions=versions,
            cache=rates.cache,
        )
    except ValidationError as error:  # the rate engine's refusal: the account is listed
        return None, (
            BillException.Kind.NEVER_BILLED,
            f"Could not be priced: {' '.join(error.messages)}",
        )
    return priced, None


def bill_row(run: BillRun, inputs, priced, *, created_at=None) -> tuple:
    period = run.period
    return (
        inputs.account_id,
        run.pk,
        Bill.Kind.REGULAR,
        Bill.Status.CALCULATED,
        period.period_start,
        period.period_end,
        period.bill_date,
        period.due_date,
        priced.version.pk,
        inputs.previous_read.read_id,
        inputs.current_read.read_id,
        priced.consumption,
        priced.estimated,
        priced.total,
        0,
        0,
        "",
        "",
        created_at or timezone.now(),
    )


# The lines' COPY texts kept for the worker process, as the engine's answers are
# (calculation._PRICED): bills priced alike share one list of engine lines across chunks and
# runs, so its text is rendered once. Keyed by the list's id with the list itself kept, so
# that a freed list's id, reused, is never taken for it. Cleared after a chunk past the limit.
_RENDERED: dict[int, tuple[list, list[str]]] = {}
RENDERED_LIMIT = 20_000


def line_rows(bill_id: int, priced, rendered: dict | None = None) -> list[str]:
    """The bill's lines in COPY format. Priced bills share their engine lines (the pricing
    cache), so a line's text is rendered once (per `rendered`) and prefixed with each bill id."""
    rendered = {} if rendered is None else rendered
    kept = rendered.get(id(priced.lines))
    texts = kept[1] if kept is not None and kept[0] is priced.lines else None
    if texts is None:
        # The columns' types are known (texts, and Decimals that print as PostgreSQL reads
        # them; a deposit installment's line has no quantity or rate): only the texts go
        # through escaping, not every value through copy_line's checks.
        texts = [
            f"{position}\t{copy_str(line.code[:40])}\t{copy_str(line.category[:20])}\t"
            f"{copy_str(line.description[:200])}\t{copy_text(line.quantity)}\t"
            f"{copy_str(line.unit[:10])}\t{copy_text(line.rate)}\t{line.amount}\t"
            f"{copy_str(line.version[:60])}\t{copy_str(line.proration[:120])}"
            for position, line in enumerate(priced.lines, start=1)
        ]
        rendered[id(priced.lines)] = (priced.lines, texts)
    prefix = f"{bill_id}\t"
    return [prefix + text for text in texts]


BILL_COLUMNS = (
    "account_id",
    "run_id",
    "kind",
    "status",
    "period_start",
    "period_end",
    "bill_date",
    "due_date",
    "rate_version_id",
    "previous_read_id",
    "current_read_id",
    "consumption",
    "estimated",
    "current_charges",
    "previous_balance",
    "amount_due",
    "cancel_reason",
    "pdf",
    "created_at",
)
EXCEPTION_COLUMNS = (
    "run_id",
    "account_id",
    "bill_id",
    "kind",
    "blocking",
    "detail",
    "status",
    "note",
)


def _id_text(value) -> str:
    return NULL if value is None else str(value)


def _bill_line(row: tuple) -> str:
    """A bill_row in COPY text: ids, dates and Decimals as they print, two texts escaped."""
    (account, run, kind, status, start, end, bill_date, due, version, previous, current,
     consumption, estimated, total, previous_balance, amount_due, cancel, pdf, created) = row  # fmt: skip
    return (
        f"{account}\t{run}\t{kind}\t{status}\t{start}\t{end}\t{bill_date}\t{due}\t"
        f"{_id_text(version)}\t{_id_text(previous)}\t{_id_text(current)}\t{consumption}\t"
        f"{'t' if estimated else 'f'}\t{total}\t{previous_balance}\t{amount_due}\t"
        f"{copy_str(cancel)}\t{copy_str(pdf)}\t{created}"
    )


def _bill_text(inputs, priced, run_columns: str, created_at) -> str:
    """A chunk's bill in COPY text (BILL_COLUMNS), as _bill_line prints its bill_row."""
    return (
        f"{inputs.account_id}\t{run_columns}\t{_id_text(priced.version.pk)}\t"
        f"{_id_text(inputs.previous_read.read_id)}\t{_id_text(inputs.current_read.read_id)}\t"
        f"{priced.consumption}\t{'t' if priced.estimated else 'f'}\t{priced.total}\t0\t0\t\t\t"
        f"{created_at}"
    )


def insert_bills(cursor, rows) -> dict[int, int]:
    """Insert bills (bill_row tuples) unless the account has a live bill for the period;
    {account id: new bill id}."""
    return _insert_bill_texts(cursor, [_bill_line(row) for row in rows])


def _insert_bill_texts(cursor, lines: list[str]) -> dict[int, int]:
    """Insert bills given as COPY text; {account id: new bill id}.

    Staged with COPY, then one INSERT ... ON CONFLICT DO NOTHING (the one-live-bill constraint
    catches a redelivered chunk); ids follow the account ids, which number the bills."""
    if not lines:
        return {}
    staged = stage_rows(cursor, "billing_bill_stage", Bill._meta.db_table, BILL_COLUMNS, lines)
    columns = ", ".join(BILL_COLUMNS)
    cursor.execute(
        f"{staged} INSERT INTO {Bill._meta.db_table} ({columns}) "
        f"SELECT {columns} FROM staged ORDER BY account_id "
        "ON CONFLICT DO NOTHING RETURNING account_id, id"
    )
    return dict(cursor.fetchall())


def insert_lines(cursor, lines: list[str]) -> None:
    """Lines (COPY text) of bills this transaction created (nothing to conflict with): COPY."""
    copy_rows(cursor, BillLine._meta.db_table, LINE_COLUMNS, lines=lines)


def insert_exceptions(cursor, run: BillRun, found: list[tuple]) -> None:
    """found: (account id, bill id or None, kind, detail); an existing (run, account, kind) stays.
    Staged with COPY, then one INSERT ... ON CONFLICT DO NOTHING, in the order found."""
    if not found:
        return
    blocking = {kind: "t" if flag else "f" for kind, flag in audit.BLOCKING.items()}
    staged = stage_rows(
        cursor,
        "billing_billexception_stage",
        BillException._meta.db_table,
        EXCEPTION_COLUMNS,
        (
            f"{run.pk}\t{account_id}\t{_id_text(bill_id)}\t{kind}\t{blocking[kind]}\t"
            f"{copy_text(detail[:255])}\topen\t"
            for account_id, bill_id, kind, detail in found
        ),
    )
    columns = ", ".join(EXCEPTION_COLUMNS)
    cursor.execute(
        f"{staged} INSERT INTO {BillException._meta.db_table} ({columns}) "
        f"SELECT {columns} FROM staged ON CONFLICT DO NOTHING"
    )


def resolve_stale(run: BillRun, account_ids: list[int], still: set[tuple[int, str]]) -> None:
    """Resolve the open exceptions of these accounts that this calculation no longer finds (a
    missing read once the read is in): posting then needs no override for a fixed problem.
    One statement."""
    if not account_ids:
        return
    params: list = [ExceptionStatus.RESOLVED, timezone.now(), STALE_NOTE, run.pk]
    params += [ExceptionStatus.OPEN, list(RECHECKED_KINDS), list(account_ids)]
    still_clause = ""
    if still:
        # The pairs as two arrays (one parameter each, whatever their number).
        accounts, kinds = zip(*sorted(still), strict=True)
        still_clause = (
            " AND (account_id, kind) NOT IN (SELECT * FROM unnest(%s::bigint[], %s::text[]))"
        )
        params += [list(accounts), [str(kind) for kind in kinds]]
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE billing_billexception SET status = %s, resolved_at = %s, note = %s "
            "WHERE run_id = %s AND status = %s AND kind = ANY(%s) AND account_id = ANY(%s)"
            + still_clause,
            params,
        )


# -- one account again


@transaction.atomic
def account_recalculate(*, run: BillRun, account_id: int, current_read_id: int | None = None):
    """Price one account's bill in a run again (after a read changed); returns the bill or None.

    A held bill is recalculated and released. Open exceptions that no longer apply are resolved;
    new ones are added.
    """
    run = BillRun.objects.select_related("period", "period__cycle").get(pk=run.pk)
    if run.status not in (Status.AUDIT, Status.CALCULATING):
        raise ServiceError("Only a run being calculated or audited can recalculate a bill.")
    bill = Bill.objects.select_for_update().filter(run=run, account_id=account_id).first()
    if bill is not None:
        check_transition(
            bill,
            Bill.Status.CALCULATED,
            verb="recalculated (correct a posted bill with cancel and rebill)",
        )
    (inputs,) = calculation.load_chunk([account_id], run.period)
    if current_read_id is not None:
        inputs = _with_current_read(inputs, MeterRead.objects.get(pk=current_read_id))
    rates = calculation.load_rates(run.period.period_start, run.period.period_end)
    priced, problem = price(inputs, run, rates)
    class_typical = calculation.class_typical_bills(run.period) if inputs.recent_bills == 0 else {}
    found = audit.audit_account(
        inputs,
        priced,
        audit.audit_policies(),
        class_typical=class_typical.get(inputs.customer_class),
    )
    if problem is not None:
        found.append(problem)
    if priced is not None:
        priced = calculation.with_installment(
            priced, next_installments([account_id]).get(account_id)
        )
    with connection.cursor() as cursor:
        bill_id = _save_bill(cursor, run, bill, inputs, priced)
        still = {kind for kind, _detail in found}
        stale = BillException.objects.filter(
            run=run, account_id=account_id, status=ExceptionStatus.OPEN, kind__in=RECHECKED_KINDS
        ).exclude(kind__in=still)
        stale.update(status=ExceptionStatus.RESOLVED, resolved_at=timezone.now(), note=STALE_NOTE)
        insert_exceptions(
            cursor, run, [(account_id, bill_id, kind, detail) for kind, detail in found]
        )
    BillException.objects.filter(run=run, account_id=account_id, bill__isnull=True).update(
        bill_id=bill_id
    )
    return Bill.objects.filter(pk=bill_id).first() if bill_id else None


def _with_current_read(inputs, read: MeterRead):
    """The inputs with `read` as the current read (a re-read replaces the bill's read; a read
    after it moves the previous read up)."""
    previous = inputs.previous_read or inputs.current_read
    if inputs.current_read is not None and read.read_on > inputs.current_read.read_on:
        previous = inputs.previous_read
    return dataclasses.replace(
        inputs,
        current_read=calculation.ReadPoint(
            read_id=read.pk,
            read_on=read.read_on,
            reading=read.reading,
            estimated=read.source == MeterRead.Source.ESTIMATE,
        ),
        previous_read=previous,
    )


def _save_bill(cursor, run: BillRun, bill: Bill | None, inputs, priced) -> int | None:
    """Write the recalculated bill (a new one, or the existing one calculated again and so
    released from hold) with its lines; returns its id (None: not priced and no bill)."""
    if priced is None:
        return bill.pk if bill is not None else None
    row = bill_row(run, inputs, priced)
    if bill is None:
        bill_id = insert_bills(cursor, [row])[inputs.account_id]
    else:
        BillLine.objects.filter(bill=bill).delete()
        Bill.objects.filter(pk=bill.pk).update(
            status=Bill.Status.CALCULATED,
            rate_version_id=row[8],
            previous_read_id=row[9],
            current_read_id=row[10],
            consumption=row[11],
            estimated=row[12],
            current_charges=row[13],
        )
        bill_id = bill.pk
    insert_lines(cursor, line_rows(bill_id, priced))
    return bill_id
