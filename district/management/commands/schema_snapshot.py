"""Print the database's schema as sorted lines, to prove two databases match.

Migrations that were squashed must build the same database as the history they replace. A
fresh database and one upgraded through the old migrations differ in column order (columns
added later come last), so `pg_dump --schema-only` alone cannot compare them; these lines name
every table's columns, constraints, indexes, triggers, functions and sequences, and the
reference rows the migrations seed, each in a stable order:

    manage.py schema_snapshot --database-url postgres://.../fresh    > fresh.txt
    manage.py schema_snapshot --database-url postgres://.../upgraded > upgraded.txt
    diff fresh.txt upgraded.txt
"""

import psycopg2
from django.core.management.base import BaseCommand
from django.db import connection

# Each query returns one text column; the snapshot is the sorted union.
CATALOG = {
    "column": """
        SELECT c.table_name || '.' || c.column_name || ' ' || c.data_type
            || coalesce('(' || c.character_maximum_length || ')', '')
            || coalesce('(' || c.numeric_precision || ',' || c.numeric_scale || ')', '')
            || CASE WHEN c.is_nullable = 'YES' THEN ' null' ELSE ' not null' END
            || coalesce(' default ' || c.column_default, '')
            || CASE WHEN c.is_identity = 'YES' THEN ' identity' ELSE '' END
        FROM information_schema.columns c
        WHERE c.table_schema = current_schema()
    """,
    "constraint": """
        SELECT rel.relname || ' ' || con.conname || ' ' || pg_get_constraintdef(con.oid)
        FROM pg_constraint con JOIN pg_class rel ON rel.oid = con.conrelid
        JOIN pg_namespace ns ON ns.oid = rel.relnamespace
        WHERE ns.nspname = current_schema()
    """,
    "index": "SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema()",
    "trigger": """
        SELECT pg_get_triggerdef(t.oid) FROM pg_trigger t
        JOIN pg_class rel ON rel.oid = t.tgrelid JOIN pg_namespace ns ON ns.oid = rel.relnamespace
        WHERE ns.nspname = current_schema() AND NOT t.tgisinternal
    """,
    "function": """
        SELECT p.proname || ' ' || md5(p.prosrc) FROM pg_proc p
        JOIN pg_namespace ns ON ns.oid = p.pronamespace WHERE ns.nspname = current_schema()
    """,
    "sequence": """
        SELECT sequencename || ' start ' || start_value FROM pg_sequences
        WHERE schemaname = current_schema()
    """,
    "gl account": "SELECT code || ' ' || purpose || ' ' || kind FROM ledger_glaccount",
    "policy": "SELECT key || ' ' || value_type FROM district_policy",
    "permission": """
        SELECT ct.app_label || '.' || p.codename FROM auth_permission p
        JOIN django_content_type ct ON ct.id = p.content_type_id
    """,
}


def snapshot_lines(cursor) -> list[str]:
    lines = []
    for kind, query in CATALOG.items():
        cursor.execute(query)
        lines.extend(f"{kind}: {row[0]}" for row in cursor.fetchall())
    return sorted(lines)


class Command(BaseCommand):
    help = "Print the schema and seeded reference rows as sorted lines (to compare databases)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--database-url", help="Another database to read (default: this project's)."
        )

    def handle(self, *args, database_url=None, **options):
        if database_url:
            with psycopg2.connect(database_url) as other, other.cursor() as cursor:
                lines = snapshot_lines(cursor)
        else:
            with connection.cursor() as cursor:
                lines = snapshot_lines(cursor)
        self.stdout.write("\n".join(lines))
