"""Sortable tables of the hydrant meters and hydrants (django-tables2, the district's
accessible table template: caption, row headers, aria-sort)."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html

from hydrants.models import Hydrant, HydrantMeter

TABLE_ATTRS = {"class": "table table-sm table-hover"}
TABLE_TEMPLATE = "field_ops/_table.html"


class HydrantMeterTable(tables.Table):
    caption = "Hydrant meters"
    serial = tables.Column(
        verbose_name="Serial",
        linkify=("hydrants:meter_detail", {"hydrant_meter_id": tables.A("pk")}),
    )
    # Sizes are labels (3/4", 1-1/2"): in text order they would not sort by size.
    size = tables.Column(verbose_name="Size", orderable=False)
    status = tables.Column(verbose_name="Status")
    condition = tables.Column(verbose_name="Condition")
    location = tables.Column(verbose_name="Where", empty_values=(), order_by=("yard_bin",))
    last_tested_on = tables.DateColumn(verbose_name="Last tested", format="m/d/Y", default="—")

    class Meta:
        model = HydrantMeter
        fields = ("serial", "size", "status", "condition", "location", "last_tested_on")
        order_by = "serial"
        attrs = TABLE_ATTRS
        template_name = TABLE_TEMPLATE

    def render_location(self, record: HydrantMeter) -> str:
        if getattr(record, "out_on_permit_id", None):
            url = reverse(
                "hydrants:permit_detail", kwargs={"hydrant_permit_id": record.out_on_permit_id}
            )
            return format_html('On permit <a href="{}">{}</a>', url, record.out_on_permit_number)
        return f"Yard bin {record.yard_bin}" if record.yard_bin else "—"


class HydrantTable(tables.Table):
    caption = "Hydrants"
    number = tables.Column(
        verbose_name="Hydrant",
        linkify=("hydrants:hydrant_detail", {"hydrant_id": tables.A("pk")}),
    )
    location = tables.Column(verbose_name="Location")
    pressure_zone = tables.Column(verbose_name="Pressure zone", default="—")
    restricted_from_drought_stage = tables.Column(
        verbose_name="No use from drought stage", default="—"
    )
    fire_department_required = tables.BooleanColumn(
        verbose_name="Fire department sign-off", yesno="Required,—"
    )
    active = tables.BooleanColumn(verbose_name="In use", yesno="Yes,No")

    class Meta:
        model = Hydrant
        fields = (
            "number",
            "location",
            "pressure_zone",
            "restricted_from_drought_stage",
            "fire_department_required",
            "active",
        )
        order_by = "number"
        attrs = TABLE_ATTRS
        template_name = TABLE_TEMPLATE
