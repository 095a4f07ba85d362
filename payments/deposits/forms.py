"""Forms of deposits: the bag (what goes in it, its currency count) and the head cashier's recount.

Each denomination has its own whole-number input, labelled as people say it ("$20 bills",
"Quarters"); its field name is the denomination key with the dot made safe for HTML ids.
"""

from django import forms
from django.core.exceptions import ValidationError

from district.money import ZERO, parse_money
from payments.counter.denominations import DENOMINATIONS


def count_field_name(key: str) -> str:
    return "count_" + key.replace(".", "_")


def _count_field(denomination) -> forms.IntegerField:
    return forms.IntegerField(
        label=denomination.label,
        min_value=0,
        max_value=100_000,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0, "step": 1}),
    )


class CountMixin:
    """The denomination inputs, and the count they make."""

    def _add_count_fields(self):
        for denomination in DENOMINATIONS:
            self.fields[count_field_name(denomination.key)] = _count_field(denomination)

    def count_fields(self):
        return [self[count_field_name(denomination.key)] for denomination in DENOMINATIONS]

    def bill_fields(self):
        return [self[count_field_name(d.key)] for d in DENOMINATIONS if not d.is_coin]

    def coin_fields(self):
        return [self[count_field_name(d.key)] for d in DENOMINATIONS if d.is_coin]

    def count(self) -> dict:
        return {
            denomination.key: self.cleaned_data.get(count_field_name(denomination.key)) or 0
            for denomination in DENOMINATIONS
        }


class DepositForm(CountMixin, forms.Form):
    sessions = forms.TypedMultipleChoiceField(
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Closed drawers",
    )
    batches = forms.TypedMultipleChoiceField(
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Posted mail batches",
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, session_choices=(), batch_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sessions"].choices = list(session_choices)
        self.fields["batches"].choices = list(batch_choices)
        self._add_count_fields()

    def clean(self):
        data = super().clean()
        if not data.get("sessions") and not data.get("batches"):
            raise ValidationError("Choose at least one closed drawer or posted mail batch.")
        return data


class MoneyAmountField(forms.CharField):
    """An amount typed as people type it ("12.5"), zero or more; empty is $0.00."""

    def clean(self, value):
        value = super().clean(value)
        if value in (None, ""):
            return ZERO
        amount = parse_money(value)
        if amount < 0:
            raise ValidationError("The amount cannot be negative.")
        return amount


def _money_field(label: str) -> MoneyAmountField:
    return MoneyAmountField(
        label=label,
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )


class RecountForm(CountMixin, forms.Form):
    checks_total = _money_field("Checks, total")
    check_items = forms.IntegerField(label="Number of checks", min_value=0, required=False)
    money_orders_total = _money_field("Money orders, total")
    cards_total = _money_field("Card terminal batch total")
    reason = forms.CharField(
        max_length=255,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="What the recount found, for the record (and the supervisor, if needed).",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._add_count_fields()


class DayForm(forms.Form):
    day = forms.DateField(
        label="Business day",
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}),
        required=False,
    )
