"""The meter reads' index on who entered them is dropped: no query looks reads up by it (the
read pages join the user from the read) and staff are deactivated, never deleted, so no
foreign-key check searches reads by user either. Each read (the largest table: 10.5 million
at 1,000,000 accounts x 1 year) takes one index insertion fewer, and a large load one index
build fewer. Dropped CONCURRENTLY: a live district keeps writing reads; the reverse builds it
again the same way.
"""

from django.conf import settings
from django.db import migrations, models

INDEX = "field_ops_meterread_entered_by_id_749dfbb5"


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("field_ops", "0004_reads_meter_index_once"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="meterread",
                    name="entered_by",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}",
                    f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {INDEX} "
                    "ON field_ops_meterread (entered_by_id)",
                ),
            ],
        ),
    ]
