"""Deposit forms: they parse what is typed (money as "12.5" or "$1,200"); services decide."""

import uuid
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError

from accounts.deposits.services import GUIDELINE_FIELDS
from accounts.models import DepositGuideline, ServiceAccount
from district.money import parse_money
from field_ops.forms import DATE_INPUT
from field_ops.models import Meter


def _new_key() -> str:
    return uuid.uuid4().hex


class MoneyTextField(forms.CharField):
    """An amount as people type it; cleans to a Decimal (None when left blank)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "autocomplete": "off"})

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return None
        amount = parse_money(text)
        if amount < 0:
            raise ValidationError("Enter an amount, zero or more.")
        return amount


class RequestKeyForm(forms.Form):
    """A hidden key made when the form is shown: submitting twice does the work once."""

    request_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("request_key", _new_key())
        super().__init__(*args, **kwargs)


class DepositChargeForm(RequestKeyForm):
    installments = forms.TypedChoiceField(
        label="Pay the deposit",
        coerce=int,
        help_text="Billing spreads installments over the next bills.",
    )

    def __init__(self, *args, max_installments: int = 1, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(1, "At once, on the first bill")]
        choices += [(count, f"In {count} installments") for count in range(2, max_installments + 1)]
        self.fields["installments"].choices = choices


class DepositWaiveForm(RequestKeyForm):
    reason = forms.CharField(
        label="Why waive the deposit",
        max_length=255,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class LetterOfCreditForm(forms.Form):
    utility_name = forms.CharField(label="Utility that wrote the letter", max_length=120)
    letter_date = forms.DateField(label="Date of the letter", widget=DATE_INPUT)


def amount_field_name(customer_class: str, meter_size: str) -> str:
    return f"amount__{customer_class}__{meter_size}"


class DepositGuidelineForm(forms.Form):
    """A version of the guidelines: its terms and the amount table by class and meter size."""

    effective_from = forms.DateField(label="Takes effect on", widget=DATE_INPUT)
    minimum = MoneyTextField(label="Minimum deposit")
    average_bill_multiple = forms.DecimalField(
        label="Multiple of the premise's average monthly bill",
        min_value=Decimal("0.01"),
        max_digits=4,
        decimal_places=2,
        help_text="Used when the premise has 12 months of bills, e.g. 2.",
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    good_history_months = forms.IntegerField(
        label="Months of good payment history that waive the deposit", min_value=1, max_value=120
    )
    max_late_payments = forms.IntegerField(
        label="Late payments allowed in those months", min_value=0, max_value=12
    )
    max_installments = forms.IntegerField(
        label="Installments allowed at most", min_value=1, max_value=3
    )
    refund_after_months = forms.IntegerField(
        label="Months held before a refund is proposed", min_value=1, max_value=120
    )
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["minimum"].required = True
        for customer_class, class_label in ServiceAccount.CustomerClass.choices:
            for size, size_label in Meter.Size.choices:
                self.fields[amount_field_name(customer_class, size)] = MoneyTextField(
                    label=f"{class_label}, {size_label} meter", required=False
                )

    @classmethod
    def initial_from(cls, guideline: DepositGuideline | None, table: dict) -> dict:
        if guideline is None:
            return {}
        initial = {name: getattr(guideline, name) for name in GUIDELINE_FIELDS}
        initial["minimum"] = f"{guideline.minimum:.2f}"
        initial["average_bill_multiple"] = f"{guideline.average_bill_multiple.normalize():f}"
        for (customer_class, size), amount in table.items():
            initial[amount_field_name(customer_class, size)] = f"{amount:.2f}"
        return initial

    def clean_average_bill_multiple(self):
        value = self.cleaned_data["average_bill_multiple"]
        try:
            return value.quantize(Decimal("0.01"))
        except InvalidOperation:
            raise ValidationError("Enter a multiple such as 2 or 1.5.") from None

    def guideline_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in GUIDELINE_FIELDS}

    def amounts(self) -> dict:
        return {
            (customer_class, size): self.cleaned_data.get(amount_field_name(customer_class, size))
            for customer_class in ServiceAccount.CustomerClass.values
            for size in Meter.Size.values
        }

    def term_fields(self):
        return [self[name] for name in GUIDELINE_FIELDS]

    def amount_rows(self) -> list[dict]:
        """The table's bound fields as rows by class (the template lays them out)."""
        return [
            {
                "label": class_label,
                "key": customer_class,
                "cells": [
                    (size_label, self[amount_field_name(customer_class, size)])
                    for size, size_label in Meter.Size.choices
                ],
            }
            for customer_class, class_label in ServiceAccount.CustomerClass.choices
        ]

    @staticmethod
    def size_labels() -> list[str]:
        return [label for _size, label in Meter.Size.choices]
