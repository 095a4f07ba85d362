"""generate_district(): plan a demo district from a seed and load it, all or nothing."""

import os
import time
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial

from django.db import connection, transaction
from django.utils import timezone

from accounts.demo import load
from accounts.demo.occupancy import plan_occupancy
from accounts.demo.plan import DistrictPlan
from accounts.demo.randomness import DemoRandom
from accounts.demo.reads import MULTIPLIER_TEXT, ReadMaker
from accounts.demo.town import lay_out
from accounts.demo.upkeep import DeferredUpkeep
from accounts.models.search_documents import rebuild_search_documents
from district.attribution import audited_context
from district.bulk import analyze_tables, collector_paused, copy_pieces, statements_meanwhile

MAX_YEARS = 10
# From this size the load drops and rebuilds the loaded tables', the search documents' and the
# history events' secondary indexes and foreign keys, and writes the search documents in one
# statement (accounts.demo.upkeep); below it, row by row costs less than the DDL.
REBUILD_FROM_ACCOUNTS = 20_000
# From this size the reads are made by two forked processes while this one COPYs them (the
# district is the same either way: each block of premises draws from its own stream).
READ_PROCESSES_FROM_ACCOUNTS = 20_000
# Premises freed at a time once the plan is no longer needed (_let_go): about 10 ms each.
FREED_AT_A_TIME = 5_000


class DistrictNotEmpty(Exception):
    """Demo records go only into a district without service accounts."""


@dataclass(frozen=True)
class Summary:
    seed: int
    accounts: int
    years: int
    as_of: date
    history_start: date
    rows: dict[str, int]  # rows written per table ("history_events": pghistory's insert events)
    premise_types: dict[str, int]
    account_statuses: dict[str, int]
    read_flags: dict[str, int]
    phases: dict[str, float]  # seconds per step

    @property
    def seconds(self) -> float:
        return sum(self.phases.values())

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())

    def report(self) -> list[str]:
        """Lines for a person: what was made, how much of it, and how fast."""
        lines = [
            f"Demo district (seed {self.seed}): {self.accounts:,} active accounts, reads "
            f"{self.history_start:%m/%d/%Y} to {self.as_of:%m/%d/%Y}.",
            "  premises: " + ", ".join(f"{n:,} {kind}" for kind, n in self.premise_types.items()),
            "  accounts: "
            + ", ".join(f"{n:,} {status}" for status, n in self.account_statuses.items()),
            "  read flags: " + ", ".join(f"{n:,} {flag}" for flag, n in self.read_flags.items()),
        ]
        lines += [f"  {table:<20} {count:>10,}" for table, count in self.rows.items()]
        rate = self.total_rows / self.seconds if self.seconds else 0
        lines.append(f"  {self.total_rows:,} rows in {self.seconds:.1f} s ({rate:,.0f} rows/s)")
        lines.append("  " + ", ".join(f"{name} {s:.1f} s" for name, s in self.phases.items()))
        return lines


def default_as_of(today: date | None = None) -> date:
    """The history ends with the last full month: the same seed on the same day, same data."""
    today = today or timezone.localdate()
    return today.replace(day=1) - timedelta(days=1)


def history_start_for(as_of: date, years: int) -> date:
    """The first day of the history's first month (`years` x 12 months up to as_of's month)."""
    month_index = as_of.year * 12 + as_of.month - 1 - (12 * years - 1)
    return date(month_index // 12, month_index % 12 + 1, 1)


def plan_district(*, accounts: int, years: int, seed: int, as_of: date) -> DistrictPlan:
    """The whole district in memory; the same arguments always give the same plan."""
    history_start = history_start_for(as_of, years)
    premises = lay_out(
        DemoRandom(f"{seed}:town"), premises=accounts, as_of=as_of, history_start=history_start
    )
    return plan_occupancy(
        DemoRandom(f"{seed}:people"),
        premises,
        seed=seed,
        as_of=as_of,
        history_start=history_start,
        years=years,
    )


def _lock_empty_district(cursor) -> None:
    # The lock keeps two loads from both finding the district empty. It is also the first
    # statement of the transaction that pghistory sees, so it carries the audit context to the
    # COPYs after it (they bypass Django's cursor, which is where pghistory adds the context).
    table = load.TABLES["service_accounts"]
    cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
    # "Ignore no triggers", said out loud: every trigger stays on. Unset, pgtrigger's check
    # raises and catches an error on every row, and each caught error (a subtransaction
    # rollback) scans the whole queue of deferred trigger events: quadratic in a bulk load.
    cursor.execute("SELECT set_config('pgtrigger.ignore', '{}', true)")
    cursor.execute(f"SELECT count(*) FROM {table}")
    (existing,) = cursor.fetchone()
    if existing:
        raise DistrictNotEmpty(
            f"The district already has {existing:,} service accounts; demo records are only "
            "loaded into an empty district."
        )


def generate_district(
    *,
    accounts: int,
    years: int,
    seed: int,
    as_of: date | None = None,
    rebuild_indexes: bool | None = None,
    read_processes: int | None = None,
) -> Summary:
    """Create a demo district of `accounts` active accounts with `years` of reads.

    Deterministic for (accounts, years, seed, as_of). Everything is written in one transaction
    (a failure leaves no half district); the changes are attributed to command seed_demo.
    Raises DistrictNotEmpty when service accounts exist. `rebuild_indexes` (default: from
    REBUILD_FROM_ACCOUNTS accounts) drops the loaded tables', the search documents' and the
    history events' secondary indexes and foreign keys (when empty) for the load and builds
    them again before the commit, the search documents written in one statement before their
    indexes (accounts.demo.upkeep). `read_processes` (default: two from
    READ_PROCESSES_FROM_ACCOUNTS accounts on a machine with more than one core, else none) is how
    many forked processes make the meter reads.
    """
    if accounts < 1:
        raise ValueError("A demo district needs at least one account.")
    if not 1 <= years <= MAX_YEARS:
        raise ValueError(f"The history is 1 to {MAX_YEARS} years long.")
    as_of = as_of or default_as_of()
    if as_of > timezone.localdate():
        raise ValueError("The history cannot end in the future.")
    if read_processes is None:
        many = accounts >= READ_PROCESSES_FROM_ACCOUNTS and (os.cpu_count() or 1) > 1
        read_processes = 2 if many else 1
    clock = _Clock()
    with collector_paused():
        facts = _load(
            clock,
            accounts=accounts,
            years=years,
            seed=seed,
            as_of=as_of,
            rebuild_indexes=rebuild_indexes,
            read_processes=read_processes,
        )
        # The plan went while the server built the indexes, and the prepared journals when
        # _load returned, by their reference counts alone. Had the collector come back while
        # they lived, its first pass would have walked every one of them, all still in its
        # youngest generation: 7.3 s of a 1,000,000-account load.
        clock.lap("journals freed")
    analyze_tables(load.TABLES.values())
    clock.lap("analyze")
    return Summary(seed=seed, years=years, phases=clock.laps, **facts)


def _load(
    clock: "_Clock",
    *,
    accounts: int,
    years: int,
    seed: int,
    as_of: date,
    rebuild_indexes: bool | None,
    read_processes: int,
) -> dict:
    """Plan the district and write it in one transaction; returns the summary's facts."""
    with (
        audited_context(command="seed_demo"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        _lock_empty_district(cursor)
        plan = plan_district(accounts=accounts, years=years, seed=seed, as_of=as_of)
        load.assign_ids(cursor, plan)
        if rebuild_indexes is None:
            rebuild_indexes = accounts >= REBUILD_FROM_ACCOUNTS
        upkeep = DeferredUpkeep(
            tables=load.LOADED_TABLES,
            rebuilt=load.REBUILT_TABLES,
            rebuild=rebuild_indexes,
            held=load.HELD_TRIGGERS,
        )
        upkeep.suspend(cursor)
        clock.lap("plan")
        reads = ReadMaker(seed, plan)
        copy_pieces(
            cursor, load.TABLES["meter_reads"], load.READ_COLUMNS, reads.texts(read_processes)
        )
        clock.lap("reads")
        # The reads fixed each meter's dials and removal readings: now the meters can be written.
        load.write_master_records(
            cursor, plan, MULTIPLIER_TEXT, documents_held=upkeep.holding_triggers
        )
        clock.lap("master records")
        references, posted_at = load.ledger_references(), timezone.now()
        # The server writes the search documents, the history events, the indexes and keys
        # while Python prepares the opening balances' journals (two cores, both busy).
        with statements_meanwhile(partial(_finish_tables, upkeep)) as finishing:
            ledger = load.prepare_ledger(plan, posted_at=posted_at, accounts=references)
            facts = _facts(plan, reads)
            highest_number = load.highest_number(plan)
            # Nothing after this reads the plan: its millions of objects are freed now, on this
            # core while the server works on the other (3.9 s after the load at a million).
            del reads
            _let_go(plan)
            del plan
        events = finishing.result()
        clock.lap("documents, history, indexes and keys (journals prepared meanwhile)")
        # An empty ledger's indexes are built once over all the opening balances and its
        # keys checked once a key (an anti-join each), rather than an index insertion and a
        # check a row or statement; the journals are checked to balance once meanwhile.
        ledger_upkeep = DeferredUpkeep(
            tables=[],
            rebuilt=load.LEDGER_TABLES,
            rebuild=rebuild_indexes,
            held=load.HELD_LEDGER_TRIGGERS,
        )
        ledger_upkeep.suspend(cursor)
        journals = load.write_ledger(cursor, ledger, checked_once=rebuild_indexes)
        if ledger_upkeep.holding_triggers:
            load.check_line_accounts(cursor)
        ledger_upkeep.restore(cursor)
        load.move_number_sequence_past(cursor, highest_number)
        clock.lap("ledger")
        # Run the deferred checks (journals balance, foreign keys) now rather than at commit,
        # so they also run when the caller's transaction is rolled back (as tests do).
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        clock.lap("deferred checks")
    clock.lap("commit")
    facts["rows"] |= {
        "journals": journals,
        "journal_lines": 2 * journals,
        "account_balances": journals,
        "history_events": sum(events.values()),
    }
    return facts


def _let_go(plan: DistrictPlan) -> None:
    """Free the plan's records a block of premises at a time. One `del` of the whole plan
    would free millions of objects inside one bytecode, holding the GIL for seconds: the
    thread running the server's statements could not start its next one meanwhile."""
    plan.accounts.clear()  # the premises still hold them: nothing is freed yet
    plan.customers.clear()
    premises = plan.premises
    while premises:
        del premises[-FREED_AT_A_TIME:]


def _finish_tables(upkeep: DeferredUpkeep, cursor) -> dict[str, int]:
    """After the COPYs: the search documents in one statement when their triggers were held
    (into the table without its indexes, built just after), then the history events, indexes
    and keys (upkeep.restore); returns the events written per event table."""
    if upkeep.holding_triggers:
        rebuild_search_documents(cursor)
    return upkeep.restore(cursor)


class _Clock:
    def __init__(self):
        self.laps: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = now - self._last
        self._last = now


def _counts(values) -> dict[str, int]:
    counts: dict[str, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return dict(sorted(counts.items(), key=lambda item: -item[1]))


def _facts(plan: DistrictPlan, reads: ReadMaker) -> dict:
    """What the summary reports of the plan and its reads, counted before the plan is let go
    (the caller adds the rows of the ledger and of the history)."""
    meters = sum(len(premise.meters) for premise in plan.premises)
    rows = {
        "premises": len(plan.premises),
        "meters": meters,
        "meter_installations": meters,
        "customers": len(plan.customers),
        "service_accounts": len(plan.accounts),
        "meter_reads": reads.count,
    }
    return {
        "accounts": len(plan.premises),
        "as_of": plan.as_of,
        "history_start": plan.history_start,
        "rows": rows,
        "premise_types": _counts(premise.premise_type for premise in plan.premises),
        "account_statuses": _counts(account.status for account in plan.accounts),
        "read_flags": dict(reads.flag_counts),
    }
