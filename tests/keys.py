"""A write racing a delete of the parent it names, for the keys checked by triggers
(district.keys): the write must wait for the delete's transaction, then be refused."""

import threading

from django.db import IntegrityError, connection, connections, transaction


def execute(sql: str, params=()) -> None:
    """One statement in a transaction of its own (a refused one leaves nothing written)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def write_while_a_delete_is_open(delete: tuple[str, list], write: tuple[str, list]) -> list[str]:
    """Run `delete` in another session and leave it uncommitted, start `write` in a thread,
    check it waits, commit the delete; returns the write's outcome: ["written"] or [the
    IntegrityError's text]."""
    deleter = connections.create_connection("default")
    deleter.set_autocommit(False)
    with deleter.cursor() as cursor:
        cursor.execute(*delete)
    outcome: list[str] = []

    def run_write():
        try:
            execute(*write)
            outcome.append("written")
        except IntegrityError as error:
            outcome.append(str(error))
        finally:
            connection.close()

    writer = threading.Thread(target=run_write)
    writer.start()
    writer.join(timeout=1)
    waited = writer.is_alive() and outcome == []
    deleter.commit()
    deleter.close()
    writer.join()
    assert waited, f"the write did not wait for the delete: {outcome}"
    return outcome
