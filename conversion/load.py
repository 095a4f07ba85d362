"""Loading validated conversion files: one transaction, COPY for the records, the ledger's bulk
path (journals_post_many) for opening balances and deposits held.

Triggers and constraints stay on (pghistory records every row, attributed to the command;
the ledger's triggers check every journal balances); the deferred checks run before this
returns, so a failure anywhere rolls the whole load back and leaves nothing.
"""

import time
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from accounts.models import (
    Contact,
    Customer,
    CustomerFlag,
    Deposit,
    LegacyAccountNumber,
    ServiceAccount,
)
from accounts.numbers import with_check_digit
from billing.arrangements.models import Arrangement, Installment
from conversion import formats
from conversion.errors import ConversionRefused
from conversion.formats import BUCKET_AGE_DAYS, BUCKETS
from conversion.models import ConversionLoad, LegacyIdentifier
from conversion.reconcile import ledger_totals
from conversion.records import (
    Ids,
    copy_money_records,
    copy_network,
    copy_people,
    copy_reads,
    deposit_key,
    opening_key,
)
from conversion.validate import Extract
from district.attribution import audited_context
from district.bulk import reserve_ids
from district.ledger.models import AccountBalance, Journal, JournalLine
from district.ledger.purposes import Purpose
from district.ledger.services import JournalDraft, Line, journals_post_many
from field_ops.models import Meter, MeterInstallation, MeterRead, Premise

OPENING_MEMO = "Opening balance, {bucket} (conversion from {system})"
DEPOSIT_MEMO = "Deposit held, paid {paid_on:%m/%d/%Y} (conversion from {system})"
BUCKET_WORDS = {
    "current": "current",
    "days_30": "30-59 days",
    "days_60": "60-89 days",
    "days_90": "90-119 days",
    "days_120_plus": "120 days and over",
}
# Journals per journals_post_many call (as the demo loader): few statements, each small.
LEDGER_BATCH = 5_000
TABLES = [
    model._meta.db_table
    for model in (
        Premise,
        Meter,
        MeterInstallation,
        Customer,
        ServiceAccount,
        MeterRead,
        CustomerFlag,
        Contact,
        Deposit,
        Arrangement,
        Installment,
        LegacyAccountNumber,
        LegacyIdentifier,
        Journal,
        JournalLine,
        AccountBalance,
    )
]


@dataclass
class LoadResult:
    load: ConversionLoad
    totals: dict[str, object]
    phases: dict[str, float] = field(default_factory=dict)


def load_extract(extract: Extract, *, by=None) -> LoadResult:
    """Load validated files in one transaction; refused (nothing written) when the files have
    errors or were loaded before."""
    if not extract.issues.ok:
        raise ConversionRefused(
            f"The files have {len(extract.issues.errors):,} errors: run convert validate and "
            "fix them; nothing was loaded."
        )
    clock = _Clock()
    system = extract.control.get("source_system", "") or "the old system"
    with (
        audited_context(command="convert"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        _refuse_second_load(cursor, extract)
        load = ConversionLoad.objects.create(
            digest=extract.digest,
            files=extract.hashes(),
            as_of=extract.as_of,
            source_system=extract.control.get("source_system", "")[:40],
            totals={},
            loaded_by=by,
        )
        ids = _assign_ids(cursor, extract)
        clock.lap("ids")
        copy_network(cursor, extract, ids)
        clock.lap("premises, meters, installations")
        copy_reads(cursor, extract, ids)
        clock.lap("reads")
        copy_people(cursor, extract, ids, load)
        clock.lap("customers and accounts")
        journals = _post_ledger(extract, ids, by=by, system=system)
        clock.lap("ledger")
        copy_money_records(cursor, extract, ids, journals, system=system)
        clock.lap("deposits, arrangements, flags, notes")
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        clock.lap("deferred checks")
        totals = loaded_totals(load)
        _refuse_mismatch(extract, totals)
        load.totals = {key: str(value) for key, value in totals.items()}
        load.seconds = Decimal(f"{sum(clock.laps.values()):.2f}")
        load.save(update_fields=["totals", "seconds"])
    clock.lap("commit")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE " + ", ".join(TABLES))
    clock.lap("analyze")
    return LoadResult(load=load, totals=totals, phases=clock.laps)


def _refuse_second_load(cursor, extract: Extract) -> None:
    # One load at a time; the lock is also the first statement pghistory sees, so it carries
    # the audit context to the COPYs (they bypass the cursor wrapper that adds it).
    cursor.execute(f"LOCK TABLE {ConversionLoad._meta.db_table} IN SHARE ROW EXCLUSIVE MODE")
    # Every trigger stays on, said out loud (see accounts.demo.generate: unset, pgtrigger's
    # check costs a subtransaction per row, quadratic in a bulk load).
    cursor.execute("SELECT set_config('pgtrigger.ignore', '{}', true)")
    earlier = ConversionLoad.objects.filter(digest=extract.digest).first()
    if earlier is not None:
        raise ConversionRefused(
            f"These files were loaded on {timezone.localtime(earlier.loaded_at):%m/%d/%Y} "
            f"(load {earlier.pk}): nothing was loaded again."
        )
    numbers = [row["account_number"] for _, row in extract.rows(formats.ACCOUNTS)]
    already = LegacyAccountNumber.objects.filter(number__in=numbers).count()
    if already:
        raise ConversionRefused(
            f"{already:,} of these old account numbers were converted by an earlier load: "
            "nothing was loaded."
        )


def _assign_ids(cursor, extract: Extract) -> Ids:
    def reserve(file_format, column, model):
        keys = [row[column] for _, row in extract.rows(file_format)]
        return dict(zip(keys, reserve_ids(cursor, model._meta.db_table, len(keys)), strict=True))

    accounts = reserve(formats.ACCOUNTS, "account_number", ServiceAccount)
    cursor.execute(
        "SELECT nextval('accounts_account_number_seq') FROM generate_series(1, %s)",
        [len(accounts)],
    )
    bases = sorted(row[0] for row in cursor.fetchall())
    return Ids(
        customers=reserve(formats.CUSTOMERS, "customer_id", Customer),
        premises=reserve(formats.PREMISES, "premise_id", Premise),
        meters=reserve(formats.METERS, "serial", Meter),
        accounts=accounts,
        numbers={
            old: with_check_digit(str(base)) for old, base in zip(accounts, bases, strict=True)
        },
    )


def _post_ledger(extract: Extract, ids: Ids, *, by, system: str) -> dict[str, int]:
    """Opening balances (one journal per account and age bucket, dated back into its bucket)
    and deposits held, through the ledger's bulk path. Returns {key: journal id}."""
    as_of = extract.as_of
    drafts = []
    for _, r in extract.rows(formats.BALANCES):
        account_id = ids.accounts[r["account_number"]]
        for bucket in BUCKETS:
            amount = r[bucket]
            if not amount:
                continue
            drafts.append(
                JournalDraft(
                    kind=Journal.Kind.OPENING_BALANCE,
                    memo=OPENING_MEMO.format(bucket=BUCKET_WORDS[bucket], system=system)[:255],
                    lines=[
                        Line(Purpose.AR_CUSTOMERS, amount, account_id),
                        Line(Purpose.OPENING_BALANCES, -amount),
                    ],
                    idempotency_key=opening_key(r["account_number"], bucket),
                    effective_date=as_of - timedelta(days=BUCKET_AGE_DAYS[bucket]),
                    source=(ServiceAccount, account_id),
                )
            )
    for _, r in extract.rows(formats.DEPOSITS):
        account_id = ids.accounts[r["account_number"]]
        drafts.append(
            JournalDraft(
                kind=Journal.Kind.OPENING_BALANCE,
                memo=DEPOSIT_MEMO.format(paid_on=r["paid_on"], system=system)[:255],
                lines=[
                    Line(Purpose.OPENING_BALANCES, r["amount"]),
                    Line(Purpose.CUSTOMER_DEPOSITS, -r["amount"], account_id),
                ],
                idempotency_key=deposit_key(r["account_number"]),
                effective_date=as_of,
                source=(ServiceAccount, account_id),
            )
        )
    posted_at = timezone.now()
    journal_ids: dict[str, int] = {}
    for start in range(0, len(drafts), LEDGER_BATCH):
        posted = journals_post_many(
            drafts[start : start + LEDGER_BATCH], by=by, posted_at=posted_at
        )
        if posted.repeated:
            raise ConversionRefused(
                f"{len(posted.repeated):,} opening journals were posted before "
                f"(e.g. {sorted(posted.repeated)[0]}): nothing was loaded."
            )
        journal_ids.update(posted.ids)
    return journal_ids


def loaded_totals(load: ConversionLoad) -> dict[str, object]:
    """The control totals as the database holds them after a load (rows and ledger money)."""
    identifiers = dict(
        LegacyIdentifier.objects.filter(load=load)
        .values("kind")
        .annotate(count=Count("id"))
        .values_list("kind", "count")
    )
    totals: dict[str, object] = {
        "customers": identifiers.get(LegacyIdentifier.Kind.CUSTOMER, 0),
        "premises": identifiers.get(LegacyIdentifier.Kind.PREMISE, 0),
        "meters": identifiers.get(LegacyIdentifier.Kind.METER, 0),
        "accounts": identifiers.get(LegacyIdentifier.Kind.ACCOUNT, 0),
    }
    totals.update(ledger_totals(load))
    return totals


def _refuse_mismatch(extract: Extract, loaded: dict[str, object]) -> None:
    differ = [
        f"{key}: files {extract.totals[key]}, loaded {loaded[key]}"
        for key in loaded
        if key in extract.totals and extract.totals[key] != loaded[key]
    ]
    if differ:
        raise ConversionRefused(
            "The loaded totals do not match the files (" + "; ".join(differ) + "): nothing "
            "was loaded."
        )


class _Clock:
    def __init__(self):
        self.laps: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = now - self._last
        self._last = now


__all__ = ["ConversionRefused", "LoadResult", "TABLES", "load_extract", "loaded_totals"]
