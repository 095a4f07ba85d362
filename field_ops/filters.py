"""Filters of the premise and meter lists (django-filter): what the list's search form offers."""

import django_filters
from django import forms

from field_ops.models import Meter, Premise


class PremiseFilterSet(django_filters.FilterSet):
    route = django_filters.CharFilter(
        label="Route",
        method="filter_route",
        max_length=10,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )

    class Meta:
        model = Premise
        fields = ["route"]

    def filter_route(self, queryset, name, value):
        # Routes are stored in capitals; a clerk types r09 as often as R09.
        return queryset.filter(route__iexact=value.strip())


class MeterFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label="Status",
        choices=Meter.Status.choices,
        empty_label="Any status",
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    class Meta:
        model = Meter
        fields = ["status"]
