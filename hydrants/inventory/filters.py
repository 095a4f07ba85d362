"""Filters of the hydrant meter and hydrant lists (django-filter)."""

import django_filters
from django import forms

from field_ops.models import Meter
from hydrants.models import Hydrant, HydrantMeter


class HydrantMeterFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label="Status",
        choices=HydrantMeter.Status.choices,
        empty_label="Any status",
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    size = django_filters.ChoiceFilter(
        label="Size",
        choices=Meter.Size.choices,
        empty_label="Any size",
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    class Meta:
        model = HydrantMeter
        fields = ["status", "size"]


class HydrantFilterSet(django_filters.FilterSet):
    active = django_filters.BooleanFilter(
        label="In use",
        widget=forms.Select(
            attrs={"class": "form-select"},
            choices=[("", "All hydrants"), ("true", "In use"), ("false", "Out of use")],
        ),
    )
    pressure_zone = django_filters.CharFilter(
        label="Pressure zone",
        lookup_expr="iexact",
        max_length=30,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )

    class Meta:
        model = Hydrant
        fields = ["active", "pressure_zone"]
