"""Loading validated conversion files: one transaction, COPY for the records, the ledger's bulk
path (journals_post_many) for opening balances and deposits held.

Triggers and constraints stay on (pghistory records every row, attributed to the command;
the ledger's triggers check every journal balances); the deferred checks run before this
returns, so a failure anywhere rolls the whole load back and leaves nothing.
"""

import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Count, Model
from django.utils import timezone

from accounts.models import (
    Contact,
    Customer,
    CustomerFlag,
    Deposit,
    DepositGuideline,
    LegacyAccountNumber,
    ServiceAccount,
)
from accounts.numbers import with_check_digit
from billing.arrangements.models import Arrangement, Installment
from conversion import formats
from conversion.formats import BUCKET_AGE_DAYS, BUCKETS
from conversion.models import ConversionLoad, LegacyIdentifier
from conversion.reconcile import ledger_totals
from conversion.validate import Extract
from district.attribution import audited_context
from district.bulk import copy_line, copy_stream, reserve_ids
from district.errors import ServiceError
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


class ConversionRefused(ServiceError):
    """The files are not valid, or were loaded before: nothing was written."""


@dataclass
class LoadResult:
    load: ConversionLoad
    totals: dict[str, object]
    phases: dict[str, float] = field(default_factory=dict)


def opening_key(old_number: str, bucket: str) -> str:
    return f"conversion:opening:{old_number}:{bucket}"


def deposit_key(old_number: str) -> str:
    return f"conversion:deposit:{old_number}"


def _copy_model(cursor, model: type[Model], names: tuple[str, ...], rows) -> None:
    """COPY rows (tuples in `names` order) into a model's table; every other column gets its
    field's default (the same for every row: created_at now, status its default, ...)."""
    now = timezone.now()
    given = set(names)
    extra_columns, extra_values = [], []
    for model_field in model._meta.concrete_fields:
        if model_field.primary_key and model_field.name not in given:
            continue
        if model_field.name in given or model_field.attname in given:
            continue
        if getattr(model_field, "auto_now_add", False) or getattr(model_field, "auto_now", False):
            value = now
        else:  # the field's default; "" for a blank text field, None for a nullable one
            value = model_field.get_default()
            if isinstance(value, list):
                value = "{" + ",".join(value) + "}"
        extra_columns.append(model_field.column)
        extra_values.append(value)
    columns = tuple(model._meta.get_field(name).column for name in names) + tuple(extra_columns)
    suffix = ("\t" + copy_line(extra_values)) if extra_values else ""
    copy_stream(
        cursor,
        model._meta.db_table,
        columns,
        (copy_line(row) + suffix + "\n" for row in rows),
    )


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
        _copy_network(cursor, extract, ids)
        clock.lap("premises, meters, installations")
        _copy_reads(cursor, extract, ids)
        clock.lap("reads")
        _copy_people(cursor, extract, ids, load)
        clock.lap("customers and accounts")
        journals = _post_ledger(extract, ids, by=by, system=system)
        clock.lap("ledger")
        _copy_money_records(cursor, extract, ids, journals, system=system)
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


@dataclass
class _Ids:
    customers: dict[str, int]
    premises: dict[str, int]
    meters: dict[str, int]
    accounts: dict[str, int]  # old number -> new id
    numbers: dict[str, str]  # old number -> new number (with its check digit)


def _assign_ids(cursor, extract: Extract) -> _Ids:
    def reserve(file_format, column, model):
        keys = [row[column] for _, row in extract.rows(file_format)]
        return dict(zip(keys, reserve_ids(cursor, model._meta.db_table, len(keys)), strict=True))

    accounts = reserve(formats.ACCOUNTS, "account_number", ServiceAccount)
    cursor.execute(
        "SELECT nextval('accounts_account_number_seq') FROM generate_series(1, %s)",
        [len(accounts)],
    )
    bases = sorted(row[0] for row in cursor.fetchall())
    return _Ids(
        customers=reserve(formats.CUSTOMERS, "customer_id", Customer),
        premises=reserve(formats.PREMISES, "premise_id", Premise),
        meters=reserve(formats.METERS, "serial", Meter),
        accounts=accounts,
        numbers={
            old: with_check_digit(str(base)) for old, base in zip(accounts, bases, strict=True)
        },
    )


def _copy_network(cursor, extract: Extract, ids: _Ids) -> None:
    _copy_model(
        cursor,
        Premise,
        (
            "id",
            "house_number",
            "street",
            "unit",
            "city",
            "state",
            "zip_code",
            "cross_street",
            "apn",
            "tract",
            "lot",
            "map_book",
            "map_page",
            "route",
            "read_sequence",
            "premise_type",
            "dwelling_units",
            "owner_name",
        ),
        (
            (
                ids.premises[r["premise_id"]],
                r["house_number"],
                r["street"],
                r["unit"],
                r["city"],
                r["state"],
                r["zip_code"],
                r["cross_street"],
                r["apn"],
                r["tract"],
                r["lot"],
                r["map_book"],
                r["map_page"],
                r["route"],
                r["read_sequence"],
                r["premise_type"],
                r["dwelling_units"],
                r["owner_name"],
            )
            for _, r in extract.rows(formats.PREMISES)
        ),
    )
    installations = extract.rows(formats.INSTALLATIONS)
    installed_now = {r["serial"] for _, r in installations if r["removed_on"] is None}
    ever = {r["serial"] for _, r in installations}

    def status(serial):
        if serial in installed_now:
            return Meter.Status.INSTALLED
        return Meter.Status.REMOVED if serial in ever else Meter.Status.IN_STOCK

    _copy_model(
        cursor,
        Meter,
        ("id", "serial", "size", "make", "model", "unit", "multiplier", "dials", "status"),
        (
            (
                ids.meters[r["serial"]],
                r["serial"],
                r["size"],
                r["make"],
                r["model"],
                r["unit"],
                r["multiplier"],
                r["dials"],
                status(r["serial"]),
            )
            for _, r in extract.rows(formats.METERS)
        ),
    )
    _copy_model(
        cursor,
        MeterInstallation,
        (
            "meter",
            "premise",
            "installed_on",
            "install_reading",
            "removed_on",
            "removal_reading",
        ),
        (
            (
                ids.meters[r["serial"]],
                ids.premises[r["premise_id"]],
                r["installed_on"],
                r["install_reading"],
                r["removed_on"],
                r["removal_reading"],
            )
            for _, r in installations
        ),
    )


def _copy_reads(cursor, extract: Extract, ids: _Ids) -> None:
    meters = ids.meters
    entered_at = timezone.now().isoformat()
    note = "Converted"
    copy_stream(
        cursor,
        MeterRead._meta.db_table,
        ("meter_id", "read_on", "reading", "source", "flags", "note", "entered_at"),
        (
            f"{meters[r['serial']]}\t{r['read_on']}\t{r['reading']}\t{r['source']}\t{{}}\t"
            f"{note}\t{entered_at}\n"
            for _, r in extract.rows(formats.READS)
        ),
    )


def _copy_people(cursor, extract: Extract, ids: _Ids, load: ConversionLoad) -> None:
    _copy_model(
        cursor,
        Customer,
        (
            "id",
            "kind",
            "first_name",
            "last_name",
            "business_name",
            "phone",
            "alternate_phone",
            "email",
            "mailing_line1",
            "mailing_line2",
            "mailing_city",
            "mailing_state",
            "mailing_zip",
            "language",
        ),
        (
            (
                ids.customers[r["customer_id"]],
                r["kind"],
                r["first_name"],
                r["last_name"],
                r["business_name"],
                r["phone"],
                r["alternate_phone"],
                r["email"],
                r["mailing_line1"],
                r["mailing_line2"],
                r["mailing_city"],
                r["mailing_state"] or "CA",
                r["mailing_zip"],
                r["language"],
            )
            for _, r in extract.rows(formats.CUSTOMERS)
        ),
    )
    accounts = extract.rows(formats.ACCOUNTS)
    _copy_model(
        cursor,
        ServiceAccount,
        (
            "id",
            "number",
            "customer",
            "premise",
            "customer_class",
            "status",
            "start_date",
            "end_date",
            "billing_frequency",
            "billing_cycle",
            "is_owner",
            "tenants_occupy",
            "paperless",
        ),
        (
            (
                ids.accounts[r["account_number"]],
                ids.numbers[r["account_number"]],
                ids.customers[r["customer_id"]],
                ids.premises[r["premise_id"]],
                r["customer_class"],
                r["status"],
                r["start_date"],
                r["end_date"],
                r["billing_frequency"],
                r["billing_cycle"],
                r["occupant"] == "owner",
                r["tenants_occupy"],
                r["paperless"],
            )
            for _, r in accounts
        ),
    )
    system = load.source_system
    _copy_model(
        cursor,
        LegacyAccountNumber,
        ("account", "number", "system"),
        ((ids.accounts[r["account_number"]], r["account_number"], system) for _, r in accounts),
    )
    kinds = (
        (LegacyIdentifier.Kind.CUSTOMER, ids.customers),
        (LegacyIdentifier.Kind.PREMISE, ids.premises),
        (LegacyIdentifier.Kind.METER, ids.meters),
        (LegacyIdentifier.Kind.ACCOUNT, ids.accounts),
    )
    _copy_model(
        cursor,
        LegacyIdentifier,
        ("load", "kind", "old_id", "new_id"),
        (
            (load.pk, kind, old_id, new_id)
            for kind, mapping in kinds
            for old_id, new_id in mapping.items()
        ),
    )


def _post_ledger(extract: Extract, ids: _Ids, *, by, system: str) -> dict[str, int]:
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


def _copy_money_records(cursor, extract: Extract, ids: _Ids, journals, *, system: str) -> None:
    deposits = extract.rows(formats.DEPOSITS)
    if deposits:
        guideline = (
            DepositGuideline.objects.filter(effective_from__lte=extract.as_of)
            .order_by("-effective_from")
            .first()
            or DepositGuideline.objects.order_by("effective_from").first()
        )
        if guideline is None:
            raise ConversionRefused(
                "Set up the deposit guidelines before converting deposits: nothing was loaded."
            )
        _copy_model(
            cursor,
            Deposit,
            (
                "account",
                "guideline",
                "basis",
                "amount",
                "explanation",
                "status",
                "installments",
                "charged_on",
                "charge_journal_id",
            ),
            (
                (
                    ids.accounts[r["account_number"]],
                    guideline.pk,
                    Deposit.Basis.TRANSFERRED,
                    r["amount"],
                    f"Held in {system} since {r['paid_on']:%m/%d/%Y}"[:255],
                    Deposit.Status.CHARGED,
                    1,
                    r["paid_on"],
                    journals[deposit_key(r["account_number"])],
                )
                for _, r in deposits
            ),
        )
    _copy_arrangements(cursor, extract, ids)
    _copy_model(
        cursor,
        CustomerFlag,
        ("customer", "flag", "reason"),
        (
            (
                ids.customers[r["customer_id"]],
                r["flag"],
                (r["reason"] or f"Carried over from {system}")[:255],
            )
            for _, r in extract.rows(formats.FLAGS)
        ),
    )
    _copy_model(
        cursor,
        Contact,
        ("customer", "account", "channel", "reason", "notes", "logged_at"),
        (
            (
                ids.customers[r["customer_id"]],
                ids.accounts.get(r["account_number"]) if r["account_number"] else None,
                r["channel"],
                Contact.Reason.OTHER,
                r["note"],
                f"{r['noted_on'].isoformat()} 12:00:00+00",
            )
            for _, r in extract.rows(formats.NOTES)
        ),
    )


def _copy_arrangements(cursor, extract: Extract, ids: _Ids) -> None:
    plans: dict[str, list[dict]] = defaultdict(list)
    for _, r in extract.rows(formats.ARRANGEMENTS):
        plans[r["account_number"]].append(r)
    if not plans:
        return
    numbers = sorted(plans)
    arrangement_ids = dict(
        zip(numbers, reserve_ids(cursor, Arrangement._meta.db_table, len(numbers)), strict=True)
    )
    _copy_model(
        cursor,
        Arrangement,
        (
            "id",
            "account",
            "kind",
            "status",
            "amount",
            "arranged_on",
            "activated_on",
            "notes",
            "idempotency_key",
        ),
        (
            (
                arrangement_ids[number],
                ids.accounts[number],
                Arrangement.Kind.INSTALLMENTS,
                Arrangement.Status.ACTIVE,
                sum(r["amount"] for r in plans[number]),
                plans[number][0]["arranged_on"],
                plans[number][0]["arranged_on"],
                "Converted from the old system",
                f"conversion:arrangement:{number}",
            )
            for number in numbers
        ),
    )
    _copy_model(
        cursor,
        Installment,
        ("arrangement", "number", "due_on", "amount"),
        (
            (arrangement_ids[number], r["installment"], r["due_on"], r["amount"])
            for number in numbers
            for r in plans[number]
        ),
    )


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
