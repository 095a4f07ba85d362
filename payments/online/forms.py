"""The customer's pay form: the amount, then (shown the fee and total) a confirmation."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from district.money import parse_money


class PayAmountField(forms.CharField):
    """An amount as typed ("45.1", "$45.10"); cleans to a Decimal."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, value):
        text = super().clean(value)
        try:
            return parse_money(text)
        except ValidationError:
            raise ValidationError(
                _("Enter an amount in dollars and cents, for example 45.10."), code="invalid"
            ) from None


class PayForm(forms.Form):
    amount = PayAmountField(label=_("Amount to pay"))


class PayConfirmForm(forms.Form):
    amount = PayAmountField(widget=forms.HiddenInput)
    fee_shown = forms.DecimalField(
        max_digits=12, decimal_places=2, min_value=Decimal("0"), widget=forms.HiddenInput
    )


class ReviewFailForm(forms.Form):
    reason = forms.CharField(
        label="What the processor shows", max_length=200, help_text="e.g. no charge found"
    )
