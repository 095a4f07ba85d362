"""Sortable tables of the premise and meter lists (django-tables2).

Rendered by templates/field_ops/_table.html: a caption, the first cell a row header, sortable
headers as links and aria-sort on the column the list is sorted by.
"""

import django_tables2 as tables

from field_ops.models import Meter, Premise

TABLE_ATTRS = {"class": "table table-sm table-hover"}
TABLE_TEMPLATE = "field_ops/_table.html"


class PremiseTable(tables.Table):
    caption = "Premises"
    address_line = tables.Column(
        verbose_name="Address",
        linkify=("field_ops:premise_detail", {"premise_id": tables.A("pk")}),
        order_by=("street", "house_number", "unit"),
    )
    city = tables.Column(verbose_name="City")
    apn = tables.Column(verbose_name="APN", default="—")
    route = tables.Column(
        verbose_name="Route / sequence", order_by=("route", "read_sequence", "id")
    )
    premise_type = tables.Column(verbose_name="Type")

    class Meta:
        model = Premise
        fields = ("address_line", "city", "apn", "route", "premise_type")
        order_by = "route"  # read-route order
        attrs = TABLE_ATTRS
        template_name = TABLE_TEMPLATE

    def render_route(self, record: Premise) -> str:
        return f"{record.route} / {record.read_sequence}"


class MeterTable(tables.Table):
    caption = "Meters"
    serial = tables.Column(
        verbose_name="Serial", linkify=("field_ops:meter_detail", {"meter_id": tables.A("pk")})
    )
    # Sizes are labels (5/8", 1-1/2"): in text order they would not sort by size.
    size = tables.Column(verbose_name="Size", orderable=False)
    make = tables.Column(verbose_name="Make / model", order_by=("make", "model"))
    dials = tables.Column(verbose_name="Register", order_by=("dials", "unit"))
    status = tables.Column(verbose_name="Status")

    class Meta:
        model = Meter
        fields = ("serial", "size", "make", "dials", "status")
        order_by = "serial"
        attrs = TABLE_ATTRS
        template_name = TABLE_TEMPLATE

    def render_make(self, record: Meter) -> str:
        return f"{record.make or '—'} {record.model}".strip()

    def render_dials(self, record: Meter) -> str:
        return f"{record.dials} dials, {record.get_unit_display()}"
