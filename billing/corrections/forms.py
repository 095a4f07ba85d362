"""Forms of corrections and adjustments. Money is typed as people type it ("12.5")."""

from django import forms
from django.core.exceptions import ValidationError

from billing.models import Adjustment
from district.money import parse_money
from district.uploads import DOCUMENT_KINDS, MEGABYTE, document_upload, size_help

MAX_EVIDENCE_BYTES = 10 * MEGABYTE


class MoneyInput(forms.CharField):
    def clean(self, value):
        value = super().clean(value)
        if value in (None, ""):
            return value
        amount = parse_money(value)
        if amount <= 0:
            raise ValidationError("Enter an amount above $0.00.")
        return amount


class AdjustmentForm(forms.Form):
    direction = forms.ChoiceField(
        choices=Adjustment.Direction.choices,
        widget=forms.RadioSelect,
        help_text="A credit lowers what the customer owes; a debit raises it.",
    )
    reason = forms.ChoiceField(
        label="Reason code",
        choices=[
            (value, label)
            for value, label in Adjustment.Reason.choices
            if value != Adjustment.Reason.LEAK
        ],
    )
    amount = MoneyInput(max_length=20, widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    memo = forms.CharField(max_length=255, widget=forms.Textarea(attrs={"rows": 2}))
    idempotency_key = forms.CharField(widget=forms.HiddenInput)


class RebillForm(forms.Form):
    reason = forms.CharField(
        max_length=255, help_text="Why the bill is wrong; printed in the bill's history."
    )
    corrected_reading = forms.DecimalField(
        required=False,
        max_digits=12,
        decimal_places=2,
        min_value=0,
        help_text="Leave empty to recalculate with the bill's own reads.",
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput)


class LeakForm(forms.Form):
    bills = forms.TypedMultipleChoiceField(
        coerce=int, widget=forms.CheckboxSelectMultiple, label="Bills with the leak"
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
