"""Forms of refunds: asking for a credit balance refund, and the register's date range."""

from django import forms
from django.core.exceptions import ValidationError

from payments.counter.forms import MoneyText


class RefundRequestForm(forms.Form):
    amount = MoneyText(label="Amount to refund")
    reason = forms.CharField(
        max_length=255,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Why the customer is owed the money back (shown to the approver).",
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput)

    def clean_amount(self):
        amount = self.cleaned_data.get("amount")
        if amount is None:
            raise ValidationError("Enter the amount to refund.")
        return amount


class RefundRegisterForm(forms.Form):
    start = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            raise ValidationError({"end": "The end date is before the start date."})
        return data
