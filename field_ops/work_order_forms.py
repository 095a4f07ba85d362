"""Forms of work orders: they collect what is typed; the services and completion specs decide.

The completion form is built from the order type's CompletionSpec, so a new type's fields appear
on the phone without a new form. Its fields never refuse at the form level: every message comes
from the spec, keyed by these field names, and shows next to the field it is about.
"""

from django import forms
from django.utils import timezone

from district.uploads import document_upload
from field_ops import completion
from field_ops.models import WorkOrder
from field_ops.work_orders.attachments import MAX_ATTACHMENT_BYTES

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
LARGE = "form-control form-control-lg"


class ErrorMarkingForm(forms.Form):
    """Inputs point at their help and error text (aria-describedby) and say when they are wrong."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if field.help_text:
                self._describe(name, "help")

    def _describe(self, name: str, suffix: str) -> None:
        widget = self.fields[name].widget
        ids = widget.attrs.get("aria-describedby", "").split()
        own = f"{self.auto_id % self.add_prefix(name)}-{suffix}"
        if own not in ids:
            widget.attrs["aria-describedby"] = " ".join([*ids, own])

    def add_error(self, field, error):
        super().add_error(field, error)
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["aria-invalid"] = "true"
                css = widget.attrs.get("class", "")
                if "is-invalid" not in css:
                    widget.attrs["class"] = f"{css} is-invalid".strip()
                self._describe(name, "error")


def _completion_field(spec_field: completion.CompletionField) -> forms.Field:
    label, help_text = spec_field.label, spec_field.help_text
    common = {"label": label, "help_text": help_text, "required": False}
    if spec_field.kind in (completion.READING, completion.PERCENT):
        attrs = {"class": LARGE, "inputmode": "decimal", "autocomplete": "off"}
        return forms.CharField(max_length=20, widget=forms.TextInput(attrs=attrs), **common)
    if spec_field.kind == completion.SERIAL:
        attrs = {
            "class": LARGE,
            "autocomplete": "off",
            "autocapitalize": "characters",
            "spellcheck": "false",
        }
        return forms.CharField(max_length=30, widget=forms.TextInput(attrs=attrs), **common)
    if spec_field.kind == completion.YES_NO:
        return forms.ChoiceField(
            choices=[("yes", "Yes"), ("no", "No")],
            widget=forms.RadioSelect(attrs={"class": "btn-check", "autocomplete": "off"}),
            **common,
        )
    if spec_field.kind == completion.CONFIRM:
        return forms.BooleanField(
            widget=forms.CheckboxInput(attrs={"class": "form-check-input mt-0 ms-0"}), **common
        )
    if spec_field.kind == completion.TIME:
        return forms.CharField(
            max_length=8, widget=forms.TextInput(attrs={"class": LARGE, "type": "time"}), **common
        )
    return forms.CharField(
        max_length=completion.MAX_TEXT,
        widget=forms.Textarea(attrs={"class": LARGE, "rows": 3}),
        **common,
    )


class CompletionForm(ErrorMarkingForm):
    """The fields the order's type must record, plus notes when the type has none of its own."""

    def __init__(self, *args, work_order: WorkOrder, last_read=None, **kwargs):
        self.spec = completion.completion_spec(work_order.order_type)
        super().__init__(*args, **kwargs)
        for spec_field in self.spec.fields:
            self.fields[spec_field.name] = _completion_field(spec_field)
        if not self.spec.has_field("notes"):
            self.fields["notes"] = forms.CharField(
                label="Notes",
                required=False,
                max_length=completion.MAX_TEXT,
                widget=forms.Textarea(attrs={"class": LARGE, "rows": 3}),
            )
        if last_read is not None and "reading" in self.fields:
            last = f"Last read {last_read.reading:,} on {last_read.read_on:%m/%d/%Y}."
            self.fields["reading"].help_text = last
        if "time_left" in self.fields and not self.is_bound:
            self.initial["time_left"] = timezone.localtime().strftime("%H:%M")
        for name, field in self.fields.items():
            if field.help_text:
                self._describe(name, "help")
        for spec_field in self.spec.fields:
            # Shown as "(required)"; the spec, not the form, refuses a blank one.
            self.fields[spec_field.name].shown_required = spec_field.required

    def completion_data(self) -> dict:
        """What was typed for the type's fields, as the spec expects it (strings, or a tick)."""
        return {field.name: self[field.name].data for field in self.spec.fields}

    def notes(self) -> str:
        return str(self["notes"].data or "") if "notes" in self.fields else ""


class AttachmentForm(ErrorMarkingForm):
    file = forms.FileField(
        label="Photo or PDF",
        required=False,
        help_text="JPEG, PNG, HEIC or PDF, up to 10 MB.",
        widget=forms.ClearableFileInput(
            attrs={
                "class": LARGE,
                "accept": "image/jpeg,image/png,image/heic,.heic,application/pdf",
            }
        ),
    )
    description = forms.CharField(
        label="Description",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"class": LARGE}),
    )

    def clean_file(self):
        return document_upload(self.cleaned_data["file"], max_bytes=MAX_ATTACHMENT_BYTES)


class WorkOrderCreateForm(ErrorMarkingForm):
    order_type = forms.ChoiceField(label="Type of work", choices=WorkOrder.Type.choices)
    priority = forms.ChoiceField(
        label="Priority", choices=WorkOrder.Priority.choices, initial=WorkOrder.Priority.ROUTINE
    )
    requested_date = forms.DateField(label="Wanted on", widget=DATE_INPUT)
    window_start = forms.TimeField(label="Window from", required=False, widget=TIME_INPUT)
    window_end = forms.TimeField(label="Window to", required=False, widget=TIME_INPUT)
    instructions = forms.CharField(
        label="Instructions for the technician",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Gate codes, dogs, where the customer will meet the crew.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("requested_date", timezone.localdate())
        for field in self.fields.values():
            css = "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
            field.widget.attrs.setdefault("class", css)


class PremiseChoiceForm(forms.Form):
    premise = forms.IntegerField(
        label="Premise number",
        min_value=1,
        widget=forms.NumberInput(attrs={"class": "form-control"}),
    )


class WorkOrderCancelForm(ErrorMarkingForm):
    reason = forms.CharField(
        label="Reason for cancelling",
        max_length=255,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
