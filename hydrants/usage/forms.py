"""Forms of hydrant meter usage: they parse what is typed; the services decide."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from district.uploads import MEGABYTE, document_upload, size_help
from field_ops.forms import DATE_INPUT
from hydrants.models import HydrantInspection, HydrantRead
from hydrants.usage.returns import MAX_PHOTOS

PHOTO_BYTES = 10 * MEGABYTE

STAFF_SOURCES = [
    (HydrantRead.Source.COUNTER, "Counter (the contractor reported it)"),
    (HydrantRead.Source.FIELD, "Field (a technician read it)"),
]


class HydrantReadForm(forms.Form):
    read_on = forms.DateField(label="Read on", widget=DATE_INPUT)
    reading = forms.CharField(
        label="Reading",
        max_length=20,
        help_text="The register as it reads, in the meter's unit.",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    source = forms.ChoiceField(label="Where the read came from", choices=STAFF_SOURCES)
    is_final = forms.BooleanField(label="Final read (the meter is coming back)", required=False)
    notes = forms.CharField(label="Notes", max_length=255, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["read_on"].initial = timezone.localdate()


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Several photos at once, each checked by its content (district.uploads)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultiplePhotoInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        uploads = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [
            document_upload(super(MultiplePhotoField, self).clean(item, initial))
            for item in uploads
        ]


class HydrantInspectionForm(forms.Form):
    inspected_on = forms.DateField(label="Inspected on", widget=DATE_INPUT)
    damage_items = forms.MultipleChoiceField(
        label="Damage found",
        choices=HydrantInspection.Damage.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    meter_test_result = forms.ChoiceField(
        label="Meter accuracy test", choices=HydrantInspection.TestResult.choices
    )
    accuracy_percent = forms.CharField(
        label="Accuracy (%)",
        max_length=10,
        help_text="Registered volume as a percent of the test volume (100 = exact).",
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    backflow_test_result = forms.ChoiceField(
        label="Backflow assembly test", choices=HydrantInspection.BackflowResult.choices
    )
    parts_charge = forms.CharField(label="Parts charge", max_length=20, required=False)
    labour_charge = forms.CharField(label="Labour charge", max_length=20, required=False)
    notes = forms.CharField(label="Notes", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    photos = MultiplePhotoField(
        label="Photos of the damage",
        required=False,
        help_text=size_help(PHOTO_BYTES, "photos (JPEG, PNG or HEIC) or PDFs, each"),
    )

    def clean_photos(self):
        """Each photo was recognised by its content (the field); here, how many and how big."""
        photos = self.cleaned_data["photos"] or []
        if len(photos) > MAX_PHOTOS:
            raise forms.ValidationError(f"At most {MAX_PHOTOS} photos.")
        for photo in photos:
            if photo.size > PHOTO_BYTES:
                raise forms.ValidationError(f"{photo.name} is over the 10 MB limit.")
        return photos

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["inspected_on"].initial = timezone.localdate()


class LostMeterForm(forms.Form):
    reported_on = forms.DateField(label="Reported lost on", widget=DATE_INPUT)
    confirm = forms.BooleanField(
        label="The contractor cannot return the meter: charge its replacement and estimated use"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reported_on"].initial = timezone.localdate()


class SettleForm(forms.Form):
    refund_amount = forms.CharField(
        label="Refund (leave empty to refund all the deposit leaves)",
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )


class ContractorReadForm(forms.Form):
    read_on = forms.DateField(label=_("Read on"), widget=DATE_INPUT)
    reading = forms.CharField(
        label=_("Reading"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["read_on"].initial = timezone.localdate()
