"""An account's lines by date are indexed only for lines that name an account.

Most journal lines name none (a bill's revenue credits: four or so a bill, against its one
receivable line), and every query of the index names an account (a look-up by account, the
agings' `service_account_id IS NOT NULL`), so the partial index serves them all while a bill
run's lines take about a fifth of the entries. Built CONCURRENTLY before the old one is
dropped CONCURRENTLY: a live district keeps posting.
"""

from django.db import migrations, models

OLD = "ledger_line_account_idx"
NEW = "ledger_line_of_account_idx"
COLUMNS = "(service_account_id, effective_date, id)"


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("ledger", "0003_journal_balance_checked_per_statement"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveIndex(model_name="journalline", name=OLD),
                migrations.AddIndex(
                    model_name="journalline",
                    index=models.Index(
                        condition=models.Q(("service_account_id__isnull", False)),
                        fields=["service_account_id", "effective_date", "id"],
                        name=NEW,
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {NEW} ON ledger_journalline "
                    f"{COLUMNS} WHERE service_account_id IS NOT NULL",
                    f"DROP INDEX CONCURRENTLY IF EXISTS {NEW}",
                ),
                migrations.RunSQL(
                    f"DROP INDEX CONCURRENTLY IF EXISTS {OLD}",
                    f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {OLD} ON ledger_journalline {COLUMNS}",
                ),
            ],
        ),
    ]
