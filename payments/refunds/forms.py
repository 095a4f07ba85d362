"""Forms of refunds: asking for a credit balance refund, and the register's date range."""

from django import forms
from django.core.exceptions import ValidationError


class RefundRequestForm(forms.Form):
    """Parse and show only: the amount and the reason are checked by the service
    (billing.refunds.services.credit_refund_request), which names the field it refuses."""

    amount = forms.CharField(
        label="Amount to refund",
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "aria-required": "true"}),
    )
    reason = forms.CharField(
        max_length=255,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "aria-required": "true"}),
        help_text="Why the customer is owed the money back (shown to the approver).",
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput)


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
