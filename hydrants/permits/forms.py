"""Forms of permits and meter issue: they parse what is typed; the services decide."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.contacts.forms import ServiceAccountNumberField
from district.uploads import MEGABYTE, document_upload, size_help
from field_ops.forms import DATE_INPUT, reading_field
from field_ops.models import Meter
from hydrants.inventory.selectors import hydrant_meter_by_serial
from hydrants.models import Hydrant, HydrantPermit
from hydrants.reference_data import SIZE_AMOUNTS

CERTIFICATE_BYTES = 10 * MEGABYTE
CERTIFICATE_KINDS = "a PDF or a photo (JPEG, PNG or HEIC)"
# What usually goes out with a meter (the counter ticks them; anything else is typed).
ACCESSORIES = [
    "Backflow assembly",
    "Hydrant wrench",
    "Hose adapter",
    "Gate valve",
    "Swivel fitting",
    "Padlock and key",
]


class HydrantNumberField(forms.ModelChoiceField):
    """A hydrant typed by its number, as painted on it."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", "Hydrant number")
        super().__init__(
            queryset=Hydrant.objects.all(),
            to_field_name="number",
            widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
            error_messages={"invalid_choice": "No hydrant has that number."},
            **kwargs,
        )

    def to_python(self, value):
        return super().to_python(" ".join(str(value or "").split()).upper())


class HydrantMeterSerialField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 30)
        kwargs.setdefault("label", "Meter serial number")
        super().__init__(**kwargs)
        self.widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})

    def clean(self, value):
        serial = super().clean(value)
        if not serial:
            return None
        meter = hydrant_meter_by_serial(serial)
        if meter is None:
            raise ValidationError(f"No hydrant meter with serial {serial.upper()} is on record.")
        return meter


def _certificate_field(required: bool) -> forms.FileField:
    return forms.FileField(
        label="Insurance certificate",
        required=required,
        help_text=size_help(CERTIFICATE_BYTES, CERTIFICATE_KINDS),
    )


class PermitForm(forms.Form):
    account = ServiceAccountNumberField(
        label="Contractor's account number", help_text="The contractor's temporary account."
    )
    hydrant = HydrantNumberField()
    meter_size = forms.ChoiceField(
        label="Meter size",
        choices=[(size, Meter.Size(size).label) for size in SIZE_AMOUNTS],
    )
    project_name = forms.CharField(max_length=120)
    project_address = forms.CharField(max_length=200)
    intended_use = forms.ChoiceField(choices=HydrantPermit.IntendedUse.choices)
    use_description = forms.CharField(label="What the water is for", max_length=255, required=False)
    starts_on = forms.DateField(label="Starts", widget=DATE_INPUT)
    ends_on = forms.DateField(label="Ends", widget=DATE_INPUT, help_text="At most 12 months.")
    insurance_certificate = _certificate_field(required=True)
    insurance_carrier = forms.CharField(max_length=120)
    insurance_policy_number = forms.CharField(max_length=60)
    insurance_expires_on = forms.DateField(label="Insurance expires", widget=DATE_INPUT)
    fire_department_required = forms.BooleanField(
        label="Ask the fire department to approve too",
        required=False,
        help_text="Always asked when the hydrant or the district's policy requires it.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["starts_on"].initial = timezone.localdate()

    def clean_insurance_certificate(self):
        return document_upload(
            self.cleaned_data["insurance_certificate"], max_bytes=CERTIFICATE_BYTES
        )


class PermitRenewForm(forms.Form):
    ends_on = forms.DateField(label="Renewal ends", widget=DATE_INPUT)
    insurance_certificate = _certificate_field(required=False)
    insurance_carrier = forms.CharField(max_length=120, required=False)
    insurance_policy_number = forms.CharField(max_length=60, required=False)
    insurance_expires_on = forms.DateField(
        label="Insurance expires",
        widget=DATE_INPUT,
        required=False,
        help_text="Leave the insurance empty to keep the certificate on file.",
    )

    def clean_insurance_certificate(self):
        return document_upload(
            self.cleaned_data["insurance_certificate"], max_bytes=CERTIFICATE_BYTES
        )


class PermitCancelForm(forms.Form):
    reason = forms.CharField(label="Why cancel", max_length=255)


class MeterIssueForm(forms.Form):
    meter = HydrantMeterSerialField()
    start_read = reading_field(label="Start read (register as it leaves)")
    accessories = forms.MultipleChoiceField(
        label="Accessories going out",
        choices=[(item, item) for item in ACCESSORIES],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    other_accessories = forms.CharField(
        label="Other accessories", max_length=200, required=False, help_text="Comma-separated."
    )
    received_by_name = forms.CharField(label="Received by (full name)", max_length=120)
    acknowledged = forms.BooleanField(
        label="The contractor's representative has read the rental terms and accepts the "
        "meter's condition",
        required=False,
    )

    def service_values(self) -> dict:
        data = dict(self.cleaned_data)
        other = [item for item in data.pop("other_accessories", "").split(",") if item.strip()]
        data["accessories"] = list(data.get("accessories") or []) + other
        return data
