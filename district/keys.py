"""Foreign keys checked once a statement, for the tables a bill run writes by the hundred thousand.

A PostgreSQL foreign key checks every row written with a query of its own (look up the parent,
lock it), queued and run one by one at commit. A bill run of 100,000 accounts writes about
575,000 bill lines and 470,000 journal lines, and their keys alone queued about two million
such checks: checked this way, the run's server CPU fell by a fifth (bench/README.md, 12/07
third session). Its bills, exceptions and journals and the lines' accounts queued about 1.3
million more, another fifth (sixth session). These triggers keep the same rule with set
operations instead:

- `keys_checked` (on the table that names): after each INSERT statement, the distinct values
  each key column took are looked up in their table at once; one that is missing refuses the
  statement (SQLSTATE 23503, foreign_key_violation, as a foreign key does). Where the parent
  can be deleted, the parents named are locked FOR KEY SHARE as they are looked up, in id
  order, as a foreign key locks them: a concurrent delete waits for this transaction, or this
  check sees it done.
- `kept_while_named` (on the table named): a DELETE that leaves a row naming a deleted parent
  is refused at the end of its statement, and a parent's id never changes.
- `keys_checked_when_changed` (on the table that names): a row whose key an UPDATE changes is
  checked (and its new parent locked) by a row trigger whose condition skips every update that
  leaves the keys alone, such as a bill run marking its bills posted.

The column keeps its ForeignKey in Python (`db_constraint=False`): the ORM's joins, PROTECT
and CASCADE are unchanged. A row must name a parent that exists when its statement ends (a
deferred foreign key waited for the commit); every writer of these tables writes the parent
first. TRUNCATE ... CASCADE follows foreign keys only: a TRUNCATE (tests, never the
application) names the tables that name these parents.
"""

from dataclasses import dataclass

import pgtrigger


@dataclass(frozen=True)
class Key:
    column: str
    parent: str
    # Lock the parents named, so that none is deleted before this transaction commits. Not
    # needed when the parent can never be deleted (a journal: its triggers refuse it).
    locked: bool = True


def _checked(key: Key) -> str:
    named = (
        f"(SELECT DISTINCT {key.column} FROM inserted WHERE {key.column} IS NOT NULL "
        "ORDER BY 1) named"
    )
    # Locked: each parent named is looked up and locked in one pass, in id order (the named
    # ids sorted, then probed one by one); one the lock finds deleted meanwhile is missing.
    missing = (
        f"""FROM {named}
        LEFT JOIN LATERAL (
            SELECT parent.id FROM {key.parent} parent WHERE parent.id = named.{key.column}
            FOR KEY SHARE
        ) kept ON true
        WHERE kept.id IS NULL"""
        if key.locked
        # Unlocked: a subquery a named id, which the planner keeps as one index probe each. As
        # NOT EXISTS it became an anti-join that read the parent's whole primary key once a
        # statement (122 ms against 31 ms for 8,000 ids among 291,416 journals), growing with
        # the ledger, and kept that plan for the session in a load that started empty.
        else f"""FROM {named}
        WHERE (SELECT parent.id FROM {key.parent} parent
               WHERE parent.id = named.{key.column}) IS NULL"""
    )
    return f"""
        SELECT named.{key.column} INTO missing
        {missing}
        ORDER BY 1 LIMIT 1;
        IF missing IS NOT NULL THEN
            RAISE EXCEPTION 'insert into %: {key.column} % is not in {key.parent}',
                TG_TABLE_NAME, missing USING ERRCODE = 'foreign_key_violation';
        END IF;"""


def keys_checked(name: str, *keys: Key) -> pgtrigger.Trigger:
    """One statement-level trigger checking every key of the rows an INSERT wrote."""
    return pgtrigger.Trigger(
        name=name,
        when=pgtrigger.After,
        operation=pgtrigger.Insert,
        level=pgtrigger.Statement,
        referencing=pgtrigger.Referencing(new="inserted"),
        declare=[("missing", "bigint")],
        func="".join(_checked(key) for key in keys) + "\n        RETURN NULL;",
    )


def kept_while_named(name: str, *children: tuple[str, str]) -> list[pgtrigger.Trigger]:
    """The parent side (on the table named by each (table, column) of `children`): no row is
    deleted while a child names it (checked once a DELETE statement ends, through the index on
    each child's column), and no id changes."""
    return [
        pgtrigger.Trigger(
            name=f"{name}_deleted",
            when=pgtrigger.After,
            operation=pgtrigger.Delete,
            level=pgtrigger.Statement,
            referencing=pgtrigger.Referencing(old="deleted"),
            declare=[("named", "bigint")],
            func="".join(_still_named(by, column) for by, column in children)
            + """
                RETURN NULL;
            """,
        ),
        pgtrigger.Protect(
            name=f"{name}_id_kept",
            operation=pgtrigger.UpdateOf("id"),
            condition=pgtrigger.AnyChange("id"),
        ),
    ]


def _still_named(by: str, column: str) -> str:
    return f"""
                SELECT child.{column} INTO named FROM {by} child
                WHERE child.{column} IN (SELECT id FROM deleted) LIMIT 1;
                IF named IS NOT NULL THEN
                    RAISE EXCEPTION 'delete from %: % is still named by {by}',
                        TG_TABLE_NAME, named USING ERRCODE = 'foreign_key_violation';
                END IF;"""


def keys_checked_when_changed(name: str, *keys: Key) -> pgtrigger.Trigger:
    """The keys of a row an UPDATE moved to another parent, checked as a foreign key checks
    them: a row trigger whose condition (evaluated without calling it) skips every update that
    leaves the keys as they were, such as a bill run marking its bills posted."""
    columns = [key.column for key in keys]
    return pgtrigger.Trigger(
        name=name,
        when=pgtrigger.After,
        operation=pgtrigger.UpdateOf(*columns),
        condition=pgtrigger.AnyChange(*columns),
        func="".join(_changed_checked(key) for key in keys) + "\n        RETURN NULL;",
    )


def _changed_checked(key: Key) -> str:
    lock = " FOR KEY SHARE" if key.locked else ""
    return f"""
        IF NEW.{key.column} IS DISTINCT FROM OLD.{key.column} AND NEW.{key.column} IS NOT NULL
        THEN
            PERFORM FROM {key.parent} parent WHERE parent.id = NEW.{key.column}{lock};
            IF NOT FOUND THEN
                RAISE EXCEPTION 'update of %: {key.column} % is not in {key.parent}',
                    TG_TABLE_NAME, NEW.{key.column} USING ERRCODE = 'foreign_key_violation';
            END IF;
        END IF;"""


def column_kept(name: str, column: str) -> pgtrigger.Protect:
    """A row never moves to another parent: an UPDATE that changes `column` is refused."""
    return pgtrigger.Protect(
        name=name, operation=pgtrigger.UpdateOf(column), condition=pgtrigger.AnyChange(column)
    )
