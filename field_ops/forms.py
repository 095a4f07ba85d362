"""Forms of premises, meters, installations and reads: they parse what is typed; services decide.

The record forms are plain forms built from the model's fields (labels, choices, lengths), not
ModelForms: the rules live in the services, which report errors keyed by these field names.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.forms import DeclarativeFieldsMetaclass
from django.forms.models import fields_for_model, model_to_dict
from django.utils import timezone

from field_ops import selectors
from field_ops.models import Meter, MeterRead, Premise
from field_ops.services.meters import MANUAL_METER_STATUSES, METER_FIELDS
from field_ops.services.premises import PREMISE_FIELDS

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
READING_ERRORS = {
    "invalid": "Enter the reading as a number.",
    "max_decimal_places": "A reading has at most two decimals.",
    "max_digits": "That reading is too long: check it.",
    "max_whole_digits": "That reading is too long: check it.",
    "min_value": "A reading cannot be negative.",
}


def model_form_base(model, field_names, **options):
    """A plain Form class whose fields are the model's fields (with the model's labels)."""
    attrs = dict(fields_for_model(model, fields=field_names, **options))
    attrs["__module__"] = __name__
    return DeclarativeFieldsMetaclass(f"{model.__name__}FieldsBase", (forms.Form,), attrs)


def initial_from(instance, field_names) -> dict:
    return model_to_dict(instance, fields=field_names)


def reading_field(**kwargs) -> forms.DecimalField:
    return forms.DecimalField(
        min_value=0,
        max_digits=12,
        decimal_places=2,
        error_messages=READING_ERRORS,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        **kwargs,
    )


class MeterSerialField(forms.CharField):
    """A meter typed by its serial number (any case); cleans to the Meter."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 30)
        kwargs.setdefault("label", "Meter serial number")
        super().__init__(**kwargs)
        self.widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})

    def clean(self, value):
        serial = super().clean(value)
        if not serial:
            return None
        meter = selectors.meter_by_serial(serial)
        if meter is None:
            raise ValidationError(f"No meter with serial {serial.upper()} is on record.")
        return meter


class PremiseNumberField(forms.ModelChoiceField):
    """A premise typed by its number (shown on its page as Premise #123)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", "Premise number")
        kwargs.setdefault("help_text", "The number on the premise's page, e.g. 123.")
        super().__init__(
            queryset=Premise.objects.all(),
            widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
            error_messages={"invalid_choice": "No premise has that number."},
            **kwargs,
        )


# -- premises and meters


class PremiseForm(
    model_form_base(
        Premise,
        PREMISE_FIELDS,
        widgets={
            "owner_mailing_address": forms.Textarea(attrs={"rows": 2}),
            "latitude": forms.TextInput(attrs={"inputmode": "decimal"}),
            "longitude": forms.TextInput(attrs={"inputmode": "decimal"}),
        },
        help_texts={
            "apn": "Assessor parcel number; 8 digits are printed as 123-456-78.",
            "dwelling_units": "Two or more for a multi-family premise.",
        },
    )
):
    """A service location's description."""


class MeterForm(
    model_form_base(
        Meter,
        METER_FIELDS,
        help_texts={"serial": "As printed on the register; stored in capitals."},
    )
):
    """A meter's description (its status changes through install, remove and status forms)."""


class MeterStatusForm(forms.Form):
    to_status = forms.ChoiceField(label="New status")

    def __init__(self, *args, meter: Meter, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = meter.next_statuses
        self.fields["to_status"].choices = [
            (status.value, status.label) for status in MANUAL_METER_STATUSES if status in allowed
        ]


# -- installations


class MeterInstallForm(forms.Form):
    """Install a meter: on a premise's page the meter is typed; on a meter's page the premise."""

    meter = MeterSerialField()
    premise = PremiseNumberField()
    installed_on = forms.DateField(label="Install date", widget=DATE_INPUT)
    reading = reading_field(label="Register reading at install")

    def __init__(self, *args, fixed: str, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields[fixed]  # "meter" or "premise": the page already says which
        self.fields["installed_on"].initial = timezone.localdate()


class MeterRemoveForm(forms.Form):
    removed_on = forms.DateField(label="Removal date", widget=DATE_INPUT)
    reading = reading_field(label="Register reading at removal")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["removed_on"].initial = timezone.localdate()


class MeterExchangeForm(forms.Form):
    old_meter = forms.ModelChoiceField(label="Meter taken out", queryset=Meter.objects.none())
    old_reading = reading_field(label="Old meter's reading")
    new_meter = MeterSerialField(label="New meter serial number")
    new_reading = reading_field(label="New meter's reading")
    on_date = forms.DateField(label="Exchange date", widget=DATE_INPUT)

    def __init__(self, *args, installed: list[Meter], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_meter"].queryset = Meter.objects.filter(
            pk__in=[meter.pk for meter in installed]
        )
        if len(installed) == 1:
            self.fields["old_meter"].initial = installed[0].pk
        self.fields["on_date"].initial = timezone.localdate()


# -- reads


class ReadForm(forms.Form):
    read_on = forms.DateField(label="Read date", widget=DATE_INPUT)
    reading = reading_field(label="Reading")
    source = forms.ChoiceField(label="Source", choices=MeterRead.Source.choices)
    note = forms.CharField(label="Note", required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["read_on"].initial = timezone.localdate()
        self.fields["source"].initial = MeterRead.Source.COUNTER


class ReadCorrectForm(forms.Form):
    reading = reading_field(label="Corrected reading")
    source = forms.ChoiceField(label="Source", choices=MeterRead.Source.choices)
    reason = forms.CharField(
        label="Reason for the correction",
        max_length=200,
        help_text="E.g. misread digit, estimate replaced by an actual read.",
    )
