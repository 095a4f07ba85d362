"""POST /api/v1/processor/notifications: the card/ACH processor tells us of a payment as it
settles (webhook style), scope processor:notify.

Posted through the processor-settlement path (payments.batches.services.processor.
processor_payment_post, shared with the portal's online payments): the payment is on the
customer's account at once, and is an item of the processor's settlement batch of the day (the
processor is the token's name as a slug, so a token named "Stripe" settles with the portal's
Stripe payments), which closes after the cut-off with the day's
total, the payout the bank's credit is matched against. The item carries the external id
`processor:<event_id>`, so a payment is posted once whether it arrives by notification, by a
replay of it, or again in the nightly settlement file. A replay answers 200 with the first
result; the same event id with another payment answers 409.
"""

from decimal import Decimal

from django.utils.text import slugify
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import APIException
from rest_framework.response import Response

from district.errors import ServiceError
from integrations.api.common import IntegrationView, ProblemSerializer
from integrations.scopes import Scope
from payments.batches.processor_csv import PROCESSOR_METHODS
from payments.batches.services.processor import ProcessorPayment, processor_payment_post
from payments.models import BatchItem


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "This event id was already used for a different payment."
    default_code = "conflict"


class NotificationSerializer(serializers.Serializer):
    event_id = serializers.RegexField(
        r"^[A-Za-z0-9._:-]{1,60}$", help_text="The processor's id of the payment"
    )
    account_number = serializers.RegexField(r"^[0-9][0-9 -]{5,14}$")
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal("0.01"))
    method = serializers.ChoiceField(choices=PROCESSOR_METHODS)
    last4 = serializers.RegexField(r"^[0-9]{4}$", required=False, allow_blank=True)
    payer_name = serializers.CharField(
        required=False, allow_blank=True, max_length=120, trim_whitespace=True
    )
    paid_on = serializers.DateField(required=False, help_text="When the customer paid")

    def validate(self, data):
        if data["method"] == "card" and not data.get("last4"):
            raise serializers.ValidationError({"last4": "A card payment needs its last four."})
        return data


class NotificationOutSerializer(serializers.Serializer):
    event_id = serializers.CharField()
    status = serializers.ChoiceField(
        choices=BatchItem.Status.choices,
        help_text="posted: on the account; exception: held in unapplied payments for a CSR",
    )
    batch_id = serializers.IntegerField()
    payment_id = serializers.IntegerField(allow_null=True)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)


def _body(item: BatchItem, event_id: str) -> dict:
    return {
        "event_id": event_id,
        "status": item.status,
        "batch_id": item.batch_id,
        "payment_id": item.payment_id,
        "amount": item.amount,
    }


class ProcessorNotificationView(IntegrationView):
    required_scope = Scope.PROCESSOR_NOTIFY
    pagination_class = None
    filter_backends = []
    serializer_class = NotificationSerializer

    @extend_schema(
        operation_id="processor_notify",
        request=NotificationSerializer,
        responses={
            201: NotificationOutSerializer,
            200: NotificationOutSerializer,
            400: ProblemSerializer,
            409: ProblemSerializer,
        },
        description=(
            "A settled card or ACH payment. Scope: processor:notify. Posted to the account at "
            "once and gathered into this processor's settlement batch of the day (the day ends "
            "at the district's cut-off policy, default 17:00 Pacific), whose total is matched "
            "to the processor's daily bank payout. Posted once per event_id: a replay answers "
            "200 with the first result."
        ),
    )
    def post(self, request):
        serializer = NotificationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        payment = ProcessorPayment(
            transaction_id=data["event_id"],
            account_number=data["account_number"],
            amount=data["amount"],
            method=data["method"],
            last4=data.get("last4") or "",
            payer_name=data.get("payer_name") or "",
            paid_on=data.get("paid_on"),
            # The token's name is the processor: a token named for the portal's gateway
            # ("Stripe") shares its batch, and a rotated token keeps its processor's.
            processor=slugify(self.token.name)[:40] or f"api-{self.token.prefix}".lower(),
            processor_label=self.token.name,
        )
        try:
            item, posted = processor_payment_post(payment=payment, by=request.user)
        except ServiceError as error:
            if error.code == "conflict":
                raise Conflict() from error
            raise  # the service's own refusal (400 through district.api_errors)
        return Response(
            NotificationOutSerializer(_body(item, data["event_id"])).data,
            status=status.HTTP_201_CREATED if posted else status.HTTP_200_OK,
        )
