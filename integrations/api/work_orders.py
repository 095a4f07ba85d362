"""Work orders for a mobile or GIS system (scope work_orders:write): list and read the orders
sent to the field, move one between dispatched and in progress, complete it.

Every change goes through field_ops' services (the transition map, the completion spec of the
order's type, the completion handlers other apps registered). Orders not yet sent to the field
(new, scheduled) or cancelled are outside the API's reach: 404.
"""

import django_filters
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers
from rest_framework.response import Response

from field_ops.models import WorkOrder
from field_ops.work_orders.services import (
    work_order_complete,
    work_order_pause,
    work_order_start,
)
from integrations import selectors
from integrations.api.common import IntegrationView, ProblemSerializer
from integrations.scopes import Scope


class WorkOrderFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        choices=[(s.value, s.label) for s in selectors.FIELD_ORDER_STATUSES]
    )
    order_type = django_filters.ChoiceFilter(choices=WorkOrder.Type.choices)
    scheduled_date = django_filters.DateFilter()
    route = django_filters.CharFilter(field_name="premise__route")
    premise = django_filters.NumberFilter(field_name="premise_id")

    class Meta:
        model = WorkOrder
        fields = ["status", "order_type", "scheduled_date", "route", "premise"]


class WorkOrderSerializer(serializers.ModelSerializer):
    meter_serial = serializers.CharField(source="meter.serial", allow_null=True, default=None)
    assigned_to = serializers.SerializerMethodField()
    address = serializers.CharField(source="premise.__str__")

    class Meta:
        model = WorkOrder
        fields = [
            "id",
            "order_type",
            "status",
            "priority",
            "premise",
            "address",
            "meter",
            "meter_serial",
            "requested_date",
            "scheduled_date",
            "window_start",
            "window_end",
            "instructions",
            "assigned_to",
            "started_at",
            "completed_at",
            "completion",
            "completion_notes",
        ]

    def get_assigned_to(self, order) -> str | None:
        return order.assigned_to.get_username() if order.assigned_to else None


class StatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=[WorkOrder.Status.IN_PROGRESS, WorkOrder.Status.DISPATCHED],
        help_text="in_progress: started on site; dispatched: put back on the list",
    )


class CompleteSerializer(serializers.Serializer):
    data = serializers.DictField(
        required=False, help_text="What the order's type records (reading, serials, leak found)"
    )
    notes = serializers.CharField(required=False, allow_blank=True, max_length=2000)


def _order(work_order_id: int) -> WorkOrder:
    return get_object_or_404(selectors.field_orders(), pk=work_order_id)


@extend_schema_view(
    get=extend_schema(operation_id="work_orders_list", description="Scope: work_orders:write.")
)
class WorkOrderListView(IntegrationView, generics.ListAPIView):
    required_scope = Scope.WORK_ORDERS_WRITE
    serializer_class = WorkOrderSerializer
    filterset_class = WorkOrderFilterSet

    def get_queryset(self):
        return selectors.field_orders()


class WorkOrderDetailView(IntegrationView):
    required_scope = Scope.WORK_ORDERS_WRITE
    serializer_class = WorkOrderSerializer
    pagination_class = None
    filter_backends = []

    @extend_schema(
        operation_id="work_orders_detail",
        responses={200: WorkOrderSerializer, 404: ProblemSerializer},
        description="Scope: work_orders:write.",
    )
    def get(self, request, work_order_id: int):
        return Response(WorkOrderSerializer(_order(work_order_id)).data)


class WorkOrderStatusView(IntegrationView):
    required_scope = Scope.WORK_ORDERS_WRITE
    serializer_class = StatusSerializer
    pagination_class = None
    filter_backends = []

    @extend_schema(
        operation_id="work_orders_status",
        request=StatusSerializer,
        responses={200: WorkOrderSerializer, 400: ProblemSerializer, 404: ProblemSerializer},
        description="Start an order on site, or put it back on the list. Scope: work_orders:write.",
    )
    def post(self, request, work_order_id: int):
        order = _order(work_order_id)
        serializer = StatusSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if serializer.validated_data["status"] == WorkOrder.Status.IN_PROGRESS:
            order = work_order_start(work_order=order, by=request.user)
        else:
            order = work_order_pause(work_order=order, by=request.user)
        return Response(WorkOrderSerializer(_order(order.pk)).data)


class WorkOrderCompleteView(IntegrationView):
    required_scope = Scope.WORK_ORDERS_WRITE
    serializer_class = CompleteSerializer
    pagination_class = None
    filter_backends = []

    @extend_schema(
        operation_id="work_orders_complete",
        request=CompleteSerializer,
        responses={200: WorkOrderSerializer, 400: ProblemSerializer, 404: ProblemSerializer},
        description="Record what was done, as the order's type requires. Scope: work_orders:write.",
    )
    def post(self, request, work_order_id: int):
        order = _order(work_order_id)
        serializer = CompleteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        order = work_order_complete(
            work_order=order,
            by=request.user,
            data=serializer.validated_data.get("data") or {},
            notes=serializer.validated_data.get("notes", ""),
        )
        return Response(WorkOrderSerializer(_order(order.pk)).data)
