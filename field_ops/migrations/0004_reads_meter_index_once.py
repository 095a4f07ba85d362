"""The meter reads' own index on meter_id is dropped: meter_read_meter_date_idx (meter_id,
read_on) leads with the same column, so it answers the foreign key's checks and every look-up
by meter, and each read (the largest table: 10.5 million at 1,000,000 accounts x 1 year) no
longer pays a second index insertion. Dropped CONCURRENTLY: a live district keeps writing
reads; the reverse builds it again the same way.
"""

from django.db import migrations, models

INDEX = "field_ops_meterread_meter_id_415a2281"


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("field_ops", "0001_squashed"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="meterread",
                    name="meter",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=models.deletion.PROTECT,
                        related_name="reads",
                        to="field_ops.meter",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}",
                    f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {INDEX} "
                    "ON field_ops_meterread (meter_id)",
                ),
            ],
        ),
    ]
