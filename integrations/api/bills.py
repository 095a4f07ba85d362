"""Issued bills: GET /api/v1/bills (filters), /bills/{id}, /bills/{id}/pdf. Scope bills:read.

Only issued bills (posted, or cancelled and replaced) are within reach; a draft answers 404.
"""

import django_filters
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, serializers
from rest_framework.response import Response

from accounts.numbers import normalise_account_number
from billing.documents.pdf import bill_pdf_file
from billing.models import Bill
from integrations import selectors
from integrations.api.common import IntegrationView, ProblemSerializer
from integrations.scopes import Scope


class BillFilterSet(django_filters.FilterSet):
    account = django_filters.CharFilter(method="by_account", help_text="Account number")
    status = django_filters.ChoiceFilter(choices=[(s, s) for s in selectors.ISSUED_BILL_STATUSES])
    bill_date_from = django_filters.DateFilter(field_name="bill_date", lookup_expr="gte")
    bill_date_to = django_filters.DateFilter(field_name="bill_date", lookup_expr="lte")

    class Meta:
        model = Bill
        fields = ["account", "status", "bill_date_from", "bill_date_to"]

    def by_account(self, queryset, name, value):
        try:
            return queryset.filter(account__number=normalise_account_number(value))
        except ValidationError:  # a malformed number matches nothing
            return queryset.none()


class BillSerializer(serializers.ModelSerializer):
    account_number = serializers.CharField(source="account.formatted_number")

    class Meta:
        model = Bill
        fields = [
            "id",
            "number",
            "account_number",
            "kind",
            "status",
            "period_start",
            "period_end",
            "bill_date",
            "due_date",
            "consumption",
            "current_charges",
            "previous_balance",
            "amount_due",
        ]


@extend_schema_view(
    get=extend_schema(operation_id="bills_list", description="Issued bills. Scope: bills:read.")
)
class BillListView(IntegrationView, generics.ListAPIView):
    required_scope = Scope.BILLS_READ
    serializer_class = BillSerializer
    filterset_class = BillFilterSet

    def get_queryset(self):
        return selectors.issued_bills()


def _bill(bill_id: int) -> Bill:
    bill = selectors.issued_bill(bill_id)
    if bill is None:
        raise Http404("No such issued bill.")
    return bill


class BillDetailView(IntegrationView):
    required_scope = Scope.BILLS_READ
    serializer_class = BillSerializer
    pagination_class = None
    filter_backends = []

    @extend_schema(
        operation_id="bills_detail",
        responses={200: BillSerializer, 404: ProblemSerializer},
        description="One issued bill. Scope: bills:read.",
    )
    def get(self, request, bill_id: int):
        return Response(BillSerializer(_bill(bill_id)).data)


class BillPdfView(IntegrationView):
    required_scope = Scope.BILLS_READ
    pagination_class = None
    filter_backends = []

    @extend_schema(
        operation_id="bills_pdf",
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, "The bill as printed"),
            404: ProblemSerializer,
        },
        description="The bill's PDF, as mailed. Scope: bills:read.",
    )
    def get(self, request, bill_id: int):
        bill = _bill(bill_id)
        response = HttpResponse(bill_pdf_file(bill), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="bill-{bill.number}.pdf"'
        return response
