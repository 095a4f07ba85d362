"""The permit list's table (django-tables2) and filter (django-filter)."""

import django_filters
import django_tables2 as tables
from django import forms

from hydrants.inventory.tables import TABLE_ATTRS, TABLE_TEMPLATE
from hydrants.models import HydrantPermit


class PermitFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label="Status",
        choices=HydrantPermit.Status.choices,
        empty_label="Any status",
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    class Meta:
        model = HydrantPermit
        fields = ["status"]


class PermitTable(tables.Table):
    caption = "Hydrant permits"
    number = tables.Column(
        verbose_name="Permit",
        linkify=("hydrants:permit_detail", {"hydrant_permit_id": tables.A("pk")}),
    )
    contractor = tables.Column(
        verbose_name="Contractor",
        accessor="account__customer__display_name",
        order_by=("account__customer__business_name", "account__customer__last_name"),
    )
    project_name = tables.Column(verbose_name="Project")
    hydrant = tables.Column(verbose_name="Hydrant", accessor="hydrant__number")
    starts_on = tables.DateColumn(verbose_name="Starts", format="m/d/Y")
    ends_on = tables.DateColumn(verbose_name="Ends", format="m/d/Y")
    status = tables.Column(verbose_name="Status")

    class Meta:
        model = HydrantPermit
        fields = ("number", "contractor", "project_name", "hydrant", "starts_on", "ends_on")
        sequence = ("number", "contractor", "project_name", "hydrant", "starts_on", "ends_on")
        order_by = "-starts_on"
        attrs = TABLE_ATTRS
        template_name = TABLE_TEMPLATE
