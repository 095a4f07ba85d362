"""What the database keeps up row by row during the demo load, done once per table instead.

A COPY of two million reads spends most of its server time beside the rows: every secondary
index takes one insertion a row, every foreign key queues one deferred check a row (each a
query of its own at the end), and every audited table's pghistory trigger runs PL/pgSQL and an
INSERT a row. The loader hands that work to set statements:

- History events: the audited tables' insert triggers are skipped (pgtrigger.ignore) while
  the COPYs run, then each event table gets one `INSERT ... SELECT` built from the trigger's
  own INSERT (its columns and values read from the trigger function), so the events are the
  rows the trigger would have written: same columns, same context, same NOW() (the
  transaction's start). They are read in the table's physical order, which for a COPY in id
  order is id order, without asking for it: ORDER BY id made the planner sort or walk the
  primary key (9.2 s against 5.2 s for 1,350,401 accounts), and the order of different
  records' insert events means nothing (each record has one, all stamped alike).
- Indexes and foreign keys (`rebuild=True`, only for the tables named in `rebuilt` and the
  event tables, each only if it is empty when the load begins): secondary indexes not backing
  a constraint are dropped and re-created from their own definitions after the load (one
  sorted build each), and foreign keys are dropped and added back with their definitions (one
  anti-join validates each). Everything is inside the
  load's transaction, so a failure restores them with the rest; the locks it takes are held
  to the commit, which is why it is only for an empty district nobody is working in.

- Held triggers (`held`, with `rebuild`): statement triggers the caller names are disabled
  for the load (ALTER TABLE ... DISABLE TRIGGER, inside the transaction) and enabled again by
  restore(); the caller does their work set-wise in between (the demo load writes every
  search document in one statement). A trigger that joins a rebuilt table must be held: it
  would run without that table's indexes. The history triggers are disabled the same way
  then, rather than skipped: a skipped trigger still runs its check a row.

Apart from those, only pghistory's insert triggers are skipped; any other trigger (the
ledger's) keeps running.
"""

import re
from dataclasses import dataclass, field

# pghistory's insert trigger body: INSERT INTO "event" (columns) VALUES (values); RETURN NULL;
_EVENT_INSERT = re.compile(
    r'INSERT INTO "(?P<table>\w+)" \((?P<columns>[^)]*)\) VALUES \((?P<values>.*)\); RETURN NULL;',
    re.DOTALL,
)
_CONTEXT_CALL = "_pgh_attach_context()"
# Sort memory for the index builds at the end of the load (this transaction only).
INDEX_BUILD_MEMORY = "256MB"


@dataclass
class _EventTrigger:
    name: str
    table: str  # the audited table
    event_table: str
    columns: str
    values: str


@dataclass
class DeferredUpkeep:
    """Suspend per-row upkeep for a bulk load, then do it set-wise: the history triggers of
    `tables`; with `rebuild`, the indexes and keys of `rebuilt` and of the event tables."""

    tables: list[str]
    rebuilt: list[str] = field(default_factory=list)
    rebuild: bool = False
    held: list[tuple[str, str]] = field(default_factory=list)  # (table, trigger), with rebuild
    event_triggers: list[_EventTrigger] = field(default_factory=list)
    indexes: list[tuple[str, str]] = field(default_factory=list)  # (name, definition)
    foreign_keys: list[tuple[str, str, str]] = field(default_factory=list)  # table, name, def

    def suspend(self, cursor) -> None:
        """Before the COPYs: skip the history triggers; drop indexes and keys if rebuilding."""
        if self.tables:
            self.event_triggers = _event_triggers(cursor, self.tables)
            names = ",".join(trigger.name for trigger in self.event_triggers)
            cursor.execute("SELECT set_config('pgtrigger.ignore', %s, true)", ["{" + names + "}"])
        if not self.rebuild:
            return
        # A skipped trigger still fires: pgtrigger's check of the setting is a PL/pgSQL call a
        # row. A large load turns the history triggers off outright, with the held ones.
        for table, trigger in self._off_during_load:
            cursor.execute(f'ALTER TABLE {table} DISABLE TRIGGER "{trigger}"')
        empty = [table for table in self.rebuilt if _is_empty(cursor, table)]
        empty += [
            trigger.event_table
            for trigger in self.event_triggers
            if _is_empty(cursor, trigger.event_table)
        ]
        self.foreign_keys = _foreign_keys(cursor, empty)
        self.indexes = _secondary_indexes(cursor, empty)
        for table, name, _definition in self.foreign_keys:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _definition in self.indexes:
            cursor.execute(f"DROP INDEX {name}")

    def restore(self, cursor) -> dict[str, int]:
        """After the COPYs: write the history events, rebuild indexes and keys; returns the
        events written per event table."""
        written = {}
        if self.event_triggers:
            written = _write_events(cursor, self.event_triggers)
        if self.indexes or self.foreign_keys:
            cursor.execute(
                "SELECT set_config('maintenance_work_mem', %s, true)", [INDEX_BUILD_MEMORY]
            )
        for _name, definition in self.indexes:
            cursor.execute(definition)
        for table, name, definition in self.foreign_keys:
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        if self.rebuild:
            for table, trigger in self._off_during_load:
                cursor.execute(f'ALTER TABLE {table} ENABLE TRIGGER "{trigger}"')
        return written

    @property
    def _off_during_load(self) -> list[tuple[str, str]]:
        return self.held + [(trigger.table, trigger.name) for trigger in self.event_triggers]

    @property
    def holding_triggers(self) -> bool:
        """The held triggers are off: the caller does their work before restore()."""
        return self.rebuild and bool(self.held)


def _write_events(cursor, event_triggers: list[_EventTrigger]) -> dict[str, int]:
    """One INSERT ... SELECT per event table, from its trigger's own INSERT; then the history
    triggers count again. Returns the events written per event table."""
    cursor.execute("SELECT _pgh_attach_context()")
    (context_id,) = cursor.fetchone()
    written = {}
    for trigger in event_triggers:
        values = trigger.values.replace("NEW.", "loaded.").replace(_CONTEXT_CALL, "%s::uuid")
        cursor.execute(
            f'INSERT INTO "{trigger.event_table}" ({trigger.columns}) '
            f"SELECT {values} FROM {trigger.table} loaded",
            [context_id] * trigger.values.count(_CONTEXT_CALL),
        )
        written[trigger.event_table] = cursor.rowcount
    cursor.execute("SELECT set_config('pgtrigger.ignore', '{}', true)")
    return written


def _event_triggers(cursor, tables: list[str]) -> list[_EventTrigger]:
    """pghistory's row-insert triggers on the tables, with the INSERT each one runs."""
    cursor.execute(
        "SELECT trigger.tgname, trigger.tgrelid::regclass::text, function.prosrc "
        "FROM pg_trigger trigger JOIN pg_proc function ON function.oid = trigger.tgfoid "
        "WHERE trigger.tgrelid = ANY(%s::regclass[]) AND NOT trigger.tgisinternal "
        "AND trigger.tgenabled <> 'D' "
        # row-level (1), AFTER (not BEFORE 2 / INSTEAD OF 64), on INSERT only (4)
        "AND trigger.tgtype & 1 = 1 AND trigger.tgtype & 66 = 0 AND trigger.tgtype & 28 = 4 "
        "ORDER BY trigger.tgrelid::regclass::text, trigger.tgname",
        [tables],
    )
    triggers = []
    for name, table, source in cursor.fetchall():
        match = _EVENT_INSERT.search(source)
        if match and "'insert'" in match["values"] and "pgh_obj_id" in match["columns"]:
            triggers.append(
                _EventTrigger(name, table, match["table"], match["columns"], match["values"])
            )
    return triggers


def _is_empty(cursor, table: str) -> bool:
    cursor.execute(f"SELECT NOT EXISTS (SELECT 1 FROM {table})")
    return cursor.fetchone()[0]


def _foreign_keys(cursor, tables: list[str]) -> list[tuple[str, str, str]]:
    cursor.execute(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE contype = 'f' AND conrelid = ANY(%s::regclass[]) ORDER BY 1, 2",
        [tables],
    )
    return cursor.fetchall()


def _secondary_indexes(cursor, tables: list[str]) -> list[tuple[str, str]]:
    """Indexes no constraint stands on (not a primary key, unique or exclusion constraint's,
    nor one a foreign key elsewhere references)."""
    cursor.execute(
        "SELECT index.indexrelid::regclass::text, pg_get_indexdef(index.indexrelid) "
        "FROM pg_index index WHERE index.indrelid = ANY(%s::regclass[]) "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conindid = index.indexrelid) "
        "ORDER BY 1",
        [tables],
    )
    return cursor.fetchall()
