"""The billing API: price a bill with the rate engine (POST /api/billing/calculate).

The same calculation as the staff calculator and `manage.py bill_calculate`. Bad input answers
400 with problem details whose "errors" are {field: [messages]}; nothing is written either way.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import ServiceAccount
from billing.rates import selectors as rate_selectors
from district.access import staff_api_view
from district.api_errors import validation_problem
from district.roles import Perm
from field_ops.models import Meter

UNITS = ["hcf", "cf", "gal", "kgal"]


class CalculateSerializer(serializers.Serializer):
    """One bill's inputs and where its rates come from (exactly one of schedule, version, rates_yaml)."""

    schedule = serializers.CharField(
        required=False, help_text="A schedule's code: the versions in force on the bill's dates"
    )
    version = serializers.IntegerField(required=False, help_text="One stored version's id")
    rates_yaml = serializers.CharField(
        required=False, trim_whitespace=False, help_text="A schedule file's text (docs/rates.md)"
    )
    customer_class = serializers.ChoiceField(choices=ServiceAccount.CustomerClass.choices)
    meter_size = serializers.ChoiceField(choices=Meter.Size.choices)
    consumption = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0)
    consumption_unit = serializers.ChoiceField(choices=UNITS, required=False, allow_blank=True)
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    dwelling_units = serializers.IntegerField(min_value=1, default=1)
    zone = serializers.CharField(required=False, allow_blank=True, max_length=40)
    winter_average = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=0, required=False, allow_null=True
    )

    def validate(self, data):
        given = [key for key in ("schedule", "version", "rates_yaml") if data.get(key)]
        if len(given) != 1:
            raise serializers.ValidationError(
                {"rates": ["Give exactly one of schedule, version or rates_yaml."]}
            )
        return data


def _errors(detail) -> dict:
    """The serializer's errors as {field: [messages]}."""
    return {key: [str(message) for message in messages] for key, messages in detail.items()}


class CalculateView(APIView):
    service_error_field = "rates"  # a schedule the engine refuses is the rates input's error

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        """What to send, and the schedules that can be named."""
        return Response(
            {
                "post": "JSON with the fields below; answers lines, total, days, versions",
                "fields": list(CalculateSerializer().fields),
                "schedules": [schedule.code for schedule in rate_selectors.rate_schedules()],
            }
        )

    @extend_schema(request=CalculateSerializer, responses={200: OpenApiTypes.OBJECT})
    def post(self, request):
        serializer = CalculateSerializer(data=request.data)
        if not serializer.is_valid():
            return validation_problem(request, _errors(serializer.errors))
        data = serializer.validated_data
        source = {}
        if data.get("schedule"):
            source["schedule"] = data["schedule"]
        elif data.get("version"):
            source["version_id"] = data["version"]
        else:
            source["rates_text"] = data["rates_yaml"]
        # A refusal of the rate engine answers 400 through district.api_errors.
        calculation = rate_selectors.bill_calculation(
            **source,
            customer_class=data["customer_class"],
            meter_size=data["meter_size"],
            consumption=data["consumption"],
            consumption_unit=data.get("consumption_unit") or None,
            period_start=data["period_start"],
            period_end=data["period_end"],
            dwelling_units=data["dwelling_units"],
            zone=data.get("zone") or None,
            winter_average=data.get("winter_average"),
        )
        return Response(calculation.as_dict())


calculate = staff_api_view(Perm.VIEW_ACCOUNTS)(CalculateView.as_view())
