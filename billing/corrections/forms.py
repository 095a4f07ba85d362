"""Forms of corrections and adjustments: they parse and show; the services decide.

Money and readings are passed on as typed ("12.5"): the services parse them and name the field
they refuse, so a rule (an amount above $0.00, a reason given, a reading not below the previous
one) is written once, in the service.
"""

from django import forms

from billing.models import Adjustment
from district.uploads import DOCUMENT_KINDS, MEGABYTE, document_upload, size_help

MAX_EVIDENCE_BYTES = 10 * MEGABYTE
REQUIRED = {"aria-required": "true"}


class AdjustmentForm(forms.Form):
    direction = forms.ChoiceField(
        choices=Adjustment.Direction.choices,
        required=False,
        widget=forms.RadioSelect(attrs=REQUIRED),
        help_text="A credit lowers what the customer owes; a debit raises it.",
    )
    reason = forms.ChoiceField(
        label="Reason code",
        required=False,
        choices=[
            (value, label)
            for value, label in Adjustment.Reason.choices
            if value != Adjustment.Reason.LEAK
        ],
        widget=forms.Select(attrs=REQUIRED),
    )
    amount = forms.CharField(
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal", **REQUIRED}),
    )
    memo = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 255, **REQUIRED}),
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput)


class RebillForm(forms.Form):
    reason = forms.CharField(
        required=False,
        widget=forms.TextInput(attrs={"maxlength": 255, **REQUIRED}),
        help_text="Why the bill is wrong; printed in the bill's history.",
    )
    corrected_reading = forms.CharField(
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        help_text="Leave empty to recalculate with the bill's own reads.",
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput)


class LeakForm(forms.Form):
    # Which bills qualify (and that one is chosen) is the quote's to say.
    bills = forms.TypedMultipleChoiceField(
        coerce=int, required=False, widget=forms.CheckboxSelectMultiple, label="Bills with the leak"
    )
    evidence_work_order = forms.TypedChoiceField(
        coerce=int, required=False, empty_value=None, label="Leak investigation order"
    )
    evidence_file = forms.FileField(
        required=False,
        label="Repair receipt",
        help_text=size_help(MAX_EVIDENCE_BYTES, DOCUMENT_KINDS),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/heic,.heic,application/pdf"}
        ),
    )
    memo = forms.CharField(max_length=255, required=False)
    idempotency_key = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, bills, work_orders, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bills"].choices = [
            (
                bill.pk,
                f"{bill.number} ({bill.period_start:%m/%d/%Y} - {bill.period_end:%m/%d/%Y}, "
                f"{bill.consumption} HCF)",
            )
            for bill in bills
        ]
        self.fields["evidence_work_order"].choices = [("", "None")] + [
            (
                order.pk,
                f"WO {order.pk} ({order.requested_date:%m/%d/%Y}, {order.get_status_display()})",
            )
            for order in work_orders
        ]

    def clean_evidence_file(self):
        return document_upload(self.cleaned_data["evidence_file"], max_bytes=MAX_EVIDENCE_BYTES)
