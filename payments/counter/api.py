"""The counter payment API (POST /api/payments/counter): what a till application or a kiosk
posts to the signed-in cashier's open drawer.

The request carries an `Idempotency-Key` header: a retried call with the same key and the same
payment answers the first receipt (200) instead of posting again (201 the first time); the same
key with another payment is refused. Of simultaneous calls with one key, exactly the one that
posted answers 201: each call takes the drawer's lock before looking for the key. Bad input answers 400 with problem details whose "errors" are {field: [messages]}
and writes nothing. Only the last four digits and the approval code of a card are accepted.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import ServiceAccount
from accounts.numbers import normalise_account_number
from district.access import staff_api_view
from district.api_errors import validation_problem
from district.roles import Perm
from payments.counter import selectors
from payments.counter.services import PaymentIn, TenderIn, payment_post, session_locked
from payments.models import Payment, Tender


class AllocationSerializer(serializers.Serializer):
    account = serializers.CharField(help_text="The account number, check digit included")
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0)


class TenderSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Tender.Kind.choices)
    amount = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=0, help_text="For cash: what was handed over"
    )
    check_number = serializers.CharField(required=False, allow_blank=True, max_length=20)
    bank_name = serializers.CharField(required=False, allow_blank=True, max_length=60)
    card_last4 = serializers.RegexField(r"^[0-9]{4}$", required=False, allow_blank=True)
    approval_code = serializers.CharField(required=False, allow_blank=True, max_length=20)


class CounterPaymentSerializer(serializers.Serializer):
    allocations = AllocationSerializer(many=True, allow_empty=False)
    tenders = TenderSerializer(many=True, allow_empty=False)
    payer_name = serializers.CharField(required=False, allow_blank=True, max_length=120)

    def validate_allocations(self, allocations):
        numbers = []
        for allocation in allocations:
            try:
                numbers.append(normalise_account_number(allocation["account"]))
            except DjangoValidationError as error:
                raise serializers.ValidationError(error.messages) from error
        found = dict(ServiceAccount.objects.filter(number__in=numbers).values_list("number", "pk"))
        missing = [number for number in numbers if number not in found]
        if missing:
            raise serializers.ValidationError(f"No account {', '.join(missing)}.")
        return [
            (found[number], allocation["amount"])
            for number, allocation in zip(numbers, allocations, strict=True)
        ]


def _body(payment: Payment) -> dict:
    return {
        "payment_id": payment.pk,
        "receipt": payment.receipt_number,
        "receipt_url": payment.get_absolute_url(),
        "total": str(payment.total),
        "cash_received": str(payment.cash_received),
        "change": str(payment.change_given),
        "accounts": [
            {"account": line.account.formatted_number, "amount": str(line.amount)}
            for line in payment.lines.select_related("account")
        ],
    }


def _errors(error: DjangoValidationError) -> dict:
    if hasattr(error, "error_dict"):
        return error.message_dict
    return {"payment": error.messages}


class CounterPaymentView(APIView):
    @extend_schema(
        request=CounterPaymentSerializer,
        parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER, True)],
        responses={201: OpenApiTypes.OBJECT, 200: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT},
    )
    def post(self, request):
        key = request.headers.get("Idempotency-Key", "").strip()
        if not key:
            return validation_problem(
                request, {"Idempotency-Key": ["Send an Idempotency-Key header."]}
            )
        serializer = CounterPaymentSerializer(data=request.data)
        if not serializer.is_valid():
            return validation_problem(request, serializer.errors)
        session = selectors.open_session_for(request.user)
        if session is None:
            return validation_problem(
                request, {"drawer": ["Open a cash drawer before taking payments."]}
            )
        data = serializer.validated_data
        try:
            with transaction.atomic():
                # The drawer's lock first, as payment_post takes it: a call with this key that
                # is posting now has committed (its payment is seen) or rolled back by the time
                # this one looks, so only the call that posts the payment answers 201.
                session_locked(session.pk)
                already = Payment.objects.filter(idempotency_key=key).exists()
                payment = payment_post(
                    session_id=session.pk,
                    by=request.user,
                    payment=PaymentIn(
                        allocations=data["allocations"],
                        tenders=[TenderIn(**tender) for tender in data["tenders"]],
                        payer_name=data.get("payer_name", ""),
                    ),
                    idempotency_key=key,
                )
        except DjangoValidationError as error:
            return validation_problem(request, _errors(error))
        return Response(
            _body(payment), status=status.HTTP_200_OK if already else status.HTTP_201_CREATED
        )


counter_payment = staff_api_view(Perm.TAKE_PAYMENTS)(CounterPaymentView.as_view())
