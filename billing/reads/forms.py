"""Forms of read entry and read files: they parse what is typed; the services decide."""

from django import forms
from django.utils import timezone

from billing.calendar.forms import DATE_INPUT
from district.uploads import text_upload

MAX_FILE_BYTES = 10 * 1024 * 1024


class ReadDateForm(forms.Form):
    """The day the route was read (the grid's reads are dated with it). A future day is
    offered by no date picker; read entry refuses it (billing.reads.services)."""

    date = forms.DateField(label="Read date", widget=DATE_INPUT)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The form's fields hold copies of the widget: this page's only.
        self.fields["date"].widget.attrs["max"] = timezone.localdate().isoformat()


class RouteReadForm(forms.Form):
    """One row of the route grid: a reading of one meter."""

    meter = forms.IntegerField(widget=forms.HiddenInput)
    read_on = forms.DateField(widget=forms.HiddenInput)
    reading = forms.CharField(
        max_length=20, strip=True, error_messages={"required": "Type the reading."}
    )
    # The value the reader was asked to check; the same value sent again confirms it.
    confirm_reading = forms.CharField(max_length=20, required=False, widget=forms.HiddenInput)

    @property
    def confirmed(self) -> bool:
        data = self.cleaned_data
        return bool(data.get("confirm_reading")) and data["confirm_reading"] == data["reading"]


class ReadImportForm(forms.Form):
    file = forms.FileField(
        label="Read file (CSV)",
        help_text="Columns meter_serial, read_date (YYYY-MM-DD), reading, source (handheld or "
        "ami), and optionally note. UTF-8, with a header row; up to 10 MB.",
        error_messages={"required": "Choose the read file to load.", "empty": "The file is empty."},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError("The file is over 10 MB: split it and load each part.")
        return text_upload(upload, max_bytes=MAX_FILE_BYTES, kinds="a CSV read file")
