"""POST /api/v1/payments: a payment taken by a till, kiosk or phone system, posted into the
open drawer of the token's service user through the counter's own service (payment_post).

`Idempotency-Key` is required, as for the counter API: a retry with the same key and the same
payment answers the first receipt (200) instead of posting again (201 the first time); the same
key for another payment is refused (400). Keys are per token: two systems cannot collide.
"""

from django.db import transaction
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from district.api_errors import validation_problem
from integrations.api.common import IntegrationView, ProblemSerializer
from integrations.scopes import Scope
from payments.counter import selectors as counter_selectors
from payments.counter.api import CounterPaymentSerializer
from payments.counter.services import PaymentIn, TenderIn, payment_post, session_locked
from payments.models import Payment


class PaymentLineOutSerializer(serializers.Serializer):
    account = serializers.CharField(source="account.formatted_number")
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)


class PaymentOutSerializer(serializers.Serializer):
    payment_id = serializers.IntegerField(source="pk")
    receipt = serializers.CharField(source="receipt_number")
    total = serializers.DecimalField(max_digits=12, decimal_places=2)
    change = serializers.DecimalField(source="change_given", max_digits=12, decimal_places=2)
    effective_date = serializers.DateField()
    accounts = PaymentLineOutSerializer(source="lines.all", many=True)


def scoped_key(token, key: str) -> str:
    return f"api:{token.prefix}:{key}"


class PaymentPostView(IntegrationView):
    required_scope = Scope.PAYMENTS_WRITE
    pagination_class = None
    filter_backends = []
    serializer_class = CounterPaymentSerializer

    @extend_schema(
        operation_id="payments_create",
        request=CounterPaymentSerializer,
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                str,
                OpenApiParameter.HEADER,
                required=True,
                description="One per payment; a retry sends the same key (at most 80 chars)",
            )
        ],
        responses={
            201: PaymentOutSerializer,
            200: PaymentOutSerializer,
            400: ProblemSerializer,
        },
        description=(
            "Post a payment into the integration's open cash drawer. Scope: payments:write.\n\n"
            "A till or kiosk taking cash posts into its drawer: someone counts and settles it "
            "as a counter drawer (the administrator opens it with a counted float and a head "
            "cashier counts and closes it, on the integration tokens page). A card processor "
            "reports through /api/v1/processor/notifications instead, which join the "
            "processor's daily settlement batch."
        ),
    )
    def post(self, request):
        key = request.headers.get("Idempotency-Key", "").strip()
        if not key or len(key) > 80:
            return validation_problem(
                request, {"Idempotency-Key": ["Send an Idempotency-Key header (1-80 characters)."]}
            )
        serializer = CounterPaymentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        session = counter_selectors.open_session_for(request.user)
        if session is None:
            return validation_problem(
                request, {"drawer": ["This integration has no open cash drawer."]}
            )
        data = serializer.validated_data
        full_key = scoped_key(self.token, key)
        # A refusal of the service (ServiceError) answers 400 through district.api_errors.
        with transaction.atomic():
            # The drawer's lock before looking for the key, as the counter API does: of two
            # calls with one key only the one that posts answers 201.
            session_locked(session.pk)
            already = Payment.objects.filter(idempotency_key=full_key).exists()
            payment = payment_post(
                session_id=session.pk,
                by=request.user,
                payment=PaymentIn(
                    allocations=data["allocations"],
                    tenders=[TenderIn(**tender) for tender in data["tenders"]],
                    payer_name=data.get("payer_name", ""),
                ),
                idempotency_key=full_key,
            )
        payment = Payment.objects.prefetch_related("lines__account").get(pk=payment.pk)
        return Response(
            PaymentOutSerializer(payment).data,
            status=status.HTTP_200_OK if already else status.HTTP_201_CREATED,
        )
