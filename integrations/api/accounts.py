"""GET /api/v1/accounts/{account_number}: what a phone system (IVR) reads to a caller.

The caller proves the account with a second fact: the service address's ZIP or the last four
digits of a phone number on file. A wrong fact answers 404, exactly as an unknown number does,
so the API cannot be used to learn which numbers exist.
"""

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from integrations import selectors
from integrations.api.common import IntegrationView, ProblemSerializer
from integrations.scopes import Scope


class AccountQuerySerializer(serializers.Serializer):
    zip = serializers.RegexField(
        r"^[0-9]{5}(-[0-9]{4})?$", required=False, help_text="ZIP of the service address"
    )
    phone_last4 = serializers.RegexField(
        r"^[0-9]{4}$", required=False, help_text="Last four digits of a phone on file"
    )

    def validate(self, data):
        if not data.get("zip") and not data.get("phone_last4"):
            raise serializers.ValidationError("Give zip or phone_last4 with the account number.")
        return data


class AccountStandingSerializer(serializers.Serializer):
    account_number = serializers.CharField(source="account.formatted_number")
    status = serializers.CharField(source="account.status")
    balance = serializers.DecimalField(max_digits=12, decimal_places=2)
    amount_due = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    due_date = serializers.DateField(allow_null=True)
    last_payment_amount = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    last_payment_at = serializers.DateTimeField(allow_null=True)


class AccountStandingView(IntegrationView):
    required_scope = Scope.ACCOUNTS_READ
    pagination_class = None
    filter_backends = []
    serializer_class = AccountStandingSerializer

    @extend_schema(
        operation_id="account_standing",
        parameters=[
            OpenApiParameter("account_number", str, OpenApiParameter.PATH),
            AccountQuerySerializer,
        ],
        responses={200: AccountStandingSerializer, 400: ProblemSerializer, 404: ProblemSerializer},
        description="Balance, due date and last payment. Scope: accounts:read.",
    )
    def get(self, request, account_number: str):
        query = AccountQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        account = selectors.account_for_caller(
            number=account_number,
            zip_code=query.validated_data.get("zip", ""),
            phone_last4=query.validated_data.get("phone_last4", ""),
        )
        if account is None:
            raise Http404("No account with that number and that ZIP or phone.")
        return Response(AccountStandingSerializer(selectors.account_standing(account)).data)
