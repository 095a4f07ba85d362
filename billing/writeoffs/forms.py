"""Forms of write-offs: they parse and show; the services decide (amount and reason rules
are written once, in billing.writeoffs.services)."""

from django import forms

from billing.writeoffs.models import WriteOff

REQUIRED = {"aria-required": "true"}


class WriteOffForm(forms.Form):
    """One proposal row's form: the account, the amount (the balance by default), why."""

    account_id = forms.IntegerField(widget=forms.HiddenInput)
    amount = forms.CharField(
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 9, **REQUIRED}),
    )
    reason = forms.CharField(
        max_length=255,
        required=False,
        widget=forms.TextInput(attrs={"maxlength": 255, **REQUIRED}),
    )


class WriteOffFilterForm(forms.Form):
    status = forms.ChoiceField(
        choices=[("", "Every status"), *WriteOff.Status.choices], required=False
    )
