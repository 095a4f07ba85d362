"""Premises and meters, read only, for a GIS or an AMI head-end (scope premises:read)."""

import django_filters
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers
from rest_framework.response import Response

from field_ops.models import Meter, Premise
from integrations import selectors
from integrations.api.common import IntegrationView, ProblemSerializer
from integrations.scopes import Scope


class PremiseFilterSet(django_filters.FilterSet):
    route = django_filters.CharFilter()
    zip_code = django_filters.CharFilter()
    apn = django_filters.CharFilter()
    premise_type = django_filters.ChoiceFilter(choices=Premise.PremiseType.choices)

    class Meta:
        model = Premise
        fields = ["route", "zip_code", "apn", "premise_type"]


class MeterFilterSet(django_filters.FilterSet):
    serial = django_filters.CharFilter(lookup_expr="iexact")
    status = django_filters.ChoiceFilter(choices=Meter.Status.choices)
    size = django_filters.ChoiceFilter(choices=Meter.Size.choices)

    class Meta:
        model = Meter
        fields = ["serial", "status", "size"]


class PremiseSerializer(serializers.ModelSerializer):
    class Meta:
        model = Premise
        fields = [
            "id",
            "house_number",
            "street",
            "unit",
            "city",
            "state",
            "zip_code",
            "apn",
            "tract",
            "lot",
            "map_book",
            "map_page",
            "route",
            "read_sequence",
            "latitude",
            "longitude",
            "premise_type",
            "dwelling_units",
        ]


class MeterSerializer(serializers.ModelSerializer):
    class Meta:
        model = Meter
        fields = ["id", "serial", "make", "model", "size", "unit", "multiplier", "dials", "status"]


@extend_schema_view(
    get=extend_schema(operation_id="premises_list", description="Scope: premises:read.")
)
class PremiseListView(IntegrationView, generics.ListAPIView):
    required_scope = Scope.PREMISES_READ
    serializer_class = PremiseSerializer
    filterset_class = PremiseFilterSet

    def get_queryset(self):
        return selectors.premises()


@extend_schema_view(
    get=extend_schema(operation_id="meters_list", description="Scope: premises:read.")
)
class MeterListView(IntegrationView, generics.ListAPIView):
    required_scope = Scope.PREMISES_READ
    serializer_class = MeterSerializer
    filterset_class = MeterFilterSet

    def get_queryset(self):
        return selectors.meters()


class PremiseDetailView(IntegrationView):
    required_scope = Scope.PREMISES_READ
    serializer_class = PremiseSerializer
    pagination_class = None
    filter_backends = []

    @extend_schema(
        operation_id="premises_detail",
        responses={200: PremiseSerializer, 404: ProblemSerializer},
        description="Scope: premises:read.",
    )
    def get(self, request, premise_id: int):
        return Response(
            PremiseSerializer(get_object_or_404(selectors.premises(), pk=premise_id)).data
        )


class MeterDetailView(IntegrationView):
    required_scope = Scope.PREMISES_READ
    serializer_class = MeterSerializer
    pagination_class = None
    filter_backends = []

    @extend_schema(
        operation_id="meters_detail",
        responses={200: MeterSerializer, 404: ProblemSerializer},
        description="Scope: premises:read.",
    )
    def get(self, request, meter_id: int):
        return Response(MeterSerializer(get_object_or_404(selectors.meters(), pk=meter_id)).data)
