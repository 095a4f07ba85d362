"""Write a planned district to PostgreSQL with COPY, in one transaction.

Ids come from each table's own sequence (reserved up front), so foreign keys are written in
the same pass. Meter reads stream into COPY while Python makes them, so PostgreSQL loads one
batch while the next is made (two cores, both busy). The opening balances are posted through
the ledger (journals_post_many: set-based too), never written here. The tracked tables' pghistory triggers
stay on and the rows are attributed to the command; the ledger's triggers stay on too, and
the deferred checks (every journal balances, every foreign key) run before this returns.
"""

from collections.abc import Iterator
from contextlib import nullcontext
from datetime import date, datetime
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError

from accounts.demo.plan import DistrictPlan
from accounts.demo.town import CITY, STATE
from accounts.models import Customer, SearchDocument, ServiceAccount
from district.bulk import NULL, copy_stream, copy_text, reserve_id_block
from district.ledger.models import AccountBalance, Journal, JournalLine
from district.ledger.purposes import Purpose
from district.ledger.rules import gl_accounts
from district.ledger.services import (
    JournalDraft,
    Line,
    PreparedJournals,
    balances_checked_once,
    journals_post_prepared,
    journals_prepare,
)
from field_ops.models import Meter, MeterInstallation, MeterRead, Premise

OPENING_MEMO = "Opening balance (conversion to the new system)"
CUSTOMER_CLASS = {
    "single_family": "residential",
    "multi_family": "multi_family",
    "commercial": "commercial",
    "irrigation": "irrigation",
}
TABLES = {
    "premises": Premise._meta.db_table,
    "meters": Meter._meta.db_table,
    "meter_installations": MeterInstallation._meta.db_table,
    "customers": Customer._meta.db_table,
    "service_accounts": ServiceAccount._meta.db_table,
    "meter_reads": MeterRead._meta.db_table,
    # Written by the ledger (journals_post_many); listed so the loader analyzes them.
    "journals": Journal._meta.db_table,
    "journal_lines": JournalLine._meta.db_table,
    "account_balances": AccountBalance._meta.db_table,
}
# The tables the loader COPYs into (the ledger's are written by journals_post_many).
LOADED_TABLES = [
    TABLES[name]
    for name in (
        "premises",
        "meters",
        "meter_installations",
        "customers",
        "service_accounts",
        "meter_reads",
    )
]

# The ledger's tables: their secondary indexes and foreign keys are rebuilt after the opening
# balances when they were empty, the journals checked to balance once meanwhile (the check a
# statement reads a journal's lines through one of those indexes).
LEDGER_TABLES = [TABLES[name] for name in ("journals", "journal_lines", "account_balances")]
# The journal lines' account key (accounts migration 0013): held while an empty ledger is
# loaded and checked once at the end (check_line_accounts), one anti-join over every line, as
# the foreign key it replaced was added back after the load. Checked a statement, it would look
# up and lock every account named by each batch (a million locks at a million accounts), and
# nobody else can delete accounts this uncommitted load wrote.
HELD_LEDGER_TRIGGERS = [(TABLES["journal_lines"], "accounts_journal_line_account_checked")]


SEARCH_DOCUMENTS = SearchDocument._meta.db_table
# The tables whose indexes and foreign keys a large load builds after its COPY (with the
# history event tables), each in one sorted build instead of one insertion a row. The search
# documents are among them: a large load holds their triggers (HELD_TRIGGERS) and writes every
# document in one statement once the COPYs are done, before the indexes are built.
REBUILT_TABLES = [*LOADED_TABLES, SEARCH_DOCUMENTS]
# The statement triggers a COPY into these tables would fire: the search document's refresh,
# which joins the master tables (quadratic without their indexes, and one index insertion a
# document into its 13 indexes, three of them GIN, with them).
HELD_TRIGGERS = [
    (TABLES["meter_installations"], "accounts_search_doc_insert"),
    (TABLES["service_accounts"], "accounts_search_doc_insert"),
]


def _columns(names: str) -> tuple[str, ...]:
    return tuple(name.strip() for name in names.split(","))


def _stamp(day: date) -> str:
    return f"{day.isoformat()} 16:00:00+00"  # 8 or 9 am Pacific


def _optional(day: date | None) -> str:
    return day.isoformat() if day else NULL


def assign_ids(cursor, plan: DistrictPlan) -> None:
    """Ids from each table's sequence, one block a table: the load writes these tables alone
    (locked to its commit; it only loads into an empty district)."""
    meters = [meter for premise in plan.premises for meter in premise.meters]
    for records, table in (
        (plan.premises, TABLES["premises"]),
        (meters, TABLES["meters"]),
        (plan.customers, TABLES["customers"]),
        (plan.accounts, TABLES["service_accounts"]),
    ):
        for record, new_id in zip(
            records, reserve_id_block(cursor, table, len(records)), strict=True
        ):
            record.id = new_id


def premise_rows(plan: DistrictPlan) -> Iterator[str]:
    for p in plan.premises:
        yield (
            f"{p.id}\t{p.house_number}\t{p.street}\t{p.unit}\t{CITY}\t{STATE}\t{p.zip_code}\t"
            f"{p.cross_street}\t{p.apn}\t{p.tract}\t{p.lot}\t{p.map_book}\t{p.map_page}\t"
            f"{p.route}\t{p.read_sequence}\t{p.latitude}\t{p.longitude}\t{p.premise_type}\t"
            f"{p.dwelling_units}\t{p.meter_location_notes}\t{copy_text(p.owner_name)}\t"
            f"{copy_text(p.owner_mailing_address)}\t{_stamp(p.built_on)}\n"
        )


PREMISE_COLUMNS = _columns(
    "id, house_number, street, unit, city, state, zip_code, cross_street, apn, tract, lot, "
    "map_book, map_page, route, read_sequence, latitude, longitude, premise_type, "
    "dwelling_units, meter_location_notes, owner_name, owner_mailing_address, created_at"
)


def meter_rows(plan: DistrictPlan, multiplier_text: dict[str, str]) -> Iterator[str]:
    for premise in plan.premises:
        for meter in premise.meters:
            status = "removed" if meter.removed_on else "installed"
            yield (
                f"{meter.id}\t{meter.serial}\t{meter.make}\t{meter.model}\t{meter.size}\t"
                f"{meter.unit}\t{multiplier_text[meter.unit]}\t{meter.dials}\t{status}\t"
                f"{_stamp(meter.installed_on)}\n"
            )


METER_COLUMNS = _columns(
    "id, serial, make, model, size, unit, multiplier, dials, status, created_at"
)


def installation_rows(plan: DistrictPlan) -> Iterator[str]:
    for premise in plan.premises:
        for meter in premise.meters:
            removal = NULL if meter.removal_reading is None else str(meter.removal_reading)
            yield (
                f"{meter.installed_on.isoformat()}\t0\t{_optional(meter.removed_on)}\t"
                f"{removal}\t{meter.id}\t{premise.id}\n"
            )


INSTALLATION_COLUMNS = _columns(
    "installed_on, install_reading, removed_on, removal_reading, meter_id, premise_id"
)


def customer_rows(plan: DistrictPlan) -> Iterator[str]:
    for c in plan.customers:
        yield (
            f"{c.id}\t{c.kind}\t{c.first_name}\t{c.last_name}\t{copy_text(c.business_name)}\t"
            f"{c.phone}\t{c.alternate_phone}\t{c.email}\t{c.mailing_line1}\t{c.mailing_line2}\t"
            f"{c.mailing_city}\t{c.mailing_state}\t{c.mailing_zip}\t{c.language}\t"
            f"{_stamp(c.since)}\n"
        )


CUSTOMER_COLUMNS = _columns(
    "id, kind, first_name, last_name, business_name, phone, alternate_phone, email, "
    "mailing_line1, mailing_line2, mailing_city, mailing_state, mailing_zip, language, "
    "created_at"
)


def account_rows(plan: DistrictPlan) -> Iterator[str]:
    """In id order, which is the numbers' order: the primary key's and the number's unique
    index (kept through the load) take each row at their end. In the premises' order the
    number's index took them at random places, and the COPY of 1,350,401 accounts took twice
    the customers' time."""
    premise_of = {account.id: premise for premise in plan.premises for account in premise.accounts}
    for a in plan.accounts:
        premise = premise_of[a.id]
        # An owner who holds a building's account bills its tenants' water (landlord-billed).
        tenants = premise.premise_type == "multi_family" and a.is_owner
        yield (
            f"{a.id}\t{a.number}\t{CUSTOMER_CLASS[premise.premise_type]}\t{a.status}\t"
            f"{a.start_date.isoformat()}\t{_optional(a.end_date)}\t{premise.billing_frequency}\t"
            f"{premise.billing_cycle}\t{'t' if a.is_owner else 'f'}\t{'t' if tenants else 'f'}\t"
            f"{'t' if a.paperless else 'f'}\t"
            f"{_stamp(a.start_date)}\t{a.customer.id}\t{premise.id}\n"
        )


ACCOUNT_COLUMNS = _columns(
    "id, number, customer_class, status, start_date, end_date, billing_frequency, "
    "billing_cycle, is_owner, tenants_occupy, paperless, created_at, customer_id, premise_id"
)


# Journals per journals_post_prepared call. Each call's statements also read what the calls
# before it left in the same transaction (the staging table's dead rows, the journals its key
# check plans over), so the load's cost grew with the square of the batches: 5,000 a call took
# 0.23 s at the first call and 0.45 s at the 50th of 80 (400,000 accounts).
LEDGER_BATCH = 50_000


LEDGER_PURPOSES = (Purpose.AR_CUSTOMERS, Purpose.OPENING_BALANCES)


def ledger_references() -> dict[str, tuple[int, bool]]:
    """What preparing the ledger needs from the database, read now (prepare_ledger then reads
    nothing): the GL accounts, and the accounts' content type (Django caches it per process)."""
    ContentType.objects.get_for_model(ServiceAccount)
    return gl_accounts({str(purpose) for purpose in LEDGER_PURPOSES})


def prepare_ledger(
    plan: DistrictPlan, *, posted_at: datetime, accounts: dict[str, tuple[int, bool]]
) -> list[PreparedJournals]:
    """One opening-balance journal per account that owes or is owed, AR against conversion
    equity, checked and made ready by the ledger (journals_prepare) in batches of LEDGER_BATCH.
    Reads nothing from the database (`accounts`: gl_accounts of LEDGER_PURPOSES), so it runs
    while the connection is busy."""
    drafts = [
        JournalDraft(
            kind=Journal.Kind.OPENING_BALANCE,
            memo=OPENING_MEMO,
            lines=[
                Line(Purpose.AR_CUSTOMERS, _dollars(account.balance_cents), account.id),
                Line(Purpose.OPENING_BALANCES, -_dollars(account.balance_cents)),
            ],
            idempotency_key=f"demo-opening-{account.number}",
            effective_date=account.balance_date,
            source=(ServiceAccount, account.id),
        )
        for account in plan.accounts
        if account.balance_cents
    ]
    return [
        journals_prepare(
            drafts[start : start + LEDGER_BATCH], by=None, posted_at=posted_at, accounts=accounts
        )
        for start in range(0, len(drafts), LEDGER_BATCH)
    ]


def write_ledger(cursor, batches: list[PreparedJournals], *, checked_once: bool) -> int:
    """Post the prepared journals through the ledger (journals_post_prepared, which also moves
    the balance cache); with `checked_once`, their balance is checked by one aggregate at the
    end (balances_checked_once) rather than at each batch. Returns the number of journals."""
    with balances_checked_once(cursor) if checked_once else nullcontext():
        for batch in batches:
            journals_post_prepared(batch)
    return sum(len(batch.journals) for batch in batches)


def check_line_accounts(cursor) -> None:
    """Every journal line's account exists (the held key, checked once): the same refusal."""
    cursor.execute(
        f"SELECT line.service_account_id FROM {TABLES['journal_lines']} line "
        f"WHERE line.service_account_id IS NOT NULL AND NOT EXISTS ("
        f"SELECT FROM {TABLES['service_accounts']} account "
        "WHERE account.id = line.service_account_id) LIMIT 1"
    )
    missing = cursor.fetchone()
    if missing is not None:
        raise IntegrityError(
            f"insert into ledger_journalline: service_account_id {missing[0]} is not in "
            "accounts_serviceaccount"
        )


def _dollars(cents: int) -> Decimal:
    """1234 -> Decimal("12.34"): exact, never a float."""
    return Decimal(cents).scaleb(-2)


def write_master_records(
    cursor, plan: DistrictPlan, multiplier_text: dict[str, str], *, documents_held: bool
) -> None:
    """COPY premises, meters, installations, customers and accounts. With `documents_held`
    (HELD_TRIGGERS off) the caller writes the search documents afterwards."""
    copy_stream(cursor, TABLES["premises"], PREMISE_COLUMNS, premise_rows(plan))
    copy_stream(cursor, TABLES["meters"], METER_COLUMNS, meter_rows(plan, multiplier_text))
    copy_stream(
        cursor, TABLES["meter_installations"], INSTALLATION_COLUMNS, installation_rows(plan)
    )
    copy_stream(cursor, TABLES["customers"], CUSTOMER_COLUMNS, customer_rows(plan))
    if not documents_held:
        # The accounts' COPY fires the search document's refresh, which joins the tables
        # above: planned on their empty-table statistics it nests loops over whole tables (63
        # s for 20,000 accounts, 19 s for 100,000); with fresh statistics it stays linear.
        cursor.execute(
            "ANALYZE "
            + ", ".join(
                TABLES[name] for name in ("premises", "meters", "meter_installations", "customers")
            )
        )
    copy_stream(cursor, TABLES["service_accounts"], ACCOUNT_COLUMNS, account_rows(plan))


READ_COLUMNS = _columns("meter_id, read_on, reading, source, flags, note, entered_at")


def highest_number(plan: DistrictPlan) -> int | None:
    """The highest account number's base (no check digit); None without accounts."""
    return max((int(account.number[:-1]) for account in plan.accounts), default=None)


def move_number_sequence_past(cursor, highest: int | None) -> None:
    """next_account_number() continues after the demo's numbers (`highest`: highest_number)."""
    if highest is None:
        return
    cursor.execute(
        "SELECT setval('accounts_account_number_seq', "
        "GREATEST(%s, (SELECT last_value FROM accounts_account_number_seq)))",
        [highest],
    )
