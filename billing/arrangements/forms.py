"""Forms of payment arrangements: they parse and show; the services decide.

Installments come either from a rhythm (amount, number, first date, how often: split by
schedule.arrangement_schedule) or typed by hand, one per line ("03/15/2027 45.00").
"""

import datetime

from django import forms
from django.core.exceptions import ValidationError

from billing.arrangements.models import Arrangement
from billing.arrangements.schedule import EVERY, MAX_INSTALLMENTS, arrangement_schedule
from district.errors import ServiceError
from district.money import parse_money

REQUIRED = {"aria-required": "true"}
CHANNELS = [("counter", "Counter"), ("phone", "Phone")]
DATE_FORMATS = ("%m/%d/%Y", "%Y-%m-%d")


def _parse_day(text: str) -> datetime.date | None:
    for date_format in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, date_format).date()
        except ValueError:
            continue
    return None


def parse_installment_lines(text: str) -> list[tuple[datetime.date, object]]:
    """ "03/15/2027 45.00" per line -> [(date, Decimal)]; refuses a line it cannot read."""
    rows = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        parts = line.replace(",", " ").replace("$", " ").split()
        if not parts:
            continue
        day = _parse_day(parts[0]) if len(parts) == 2 else None
        if day is None:
            raise ServiceError(
                {"by_hand": f"Line {number}: write a date and an amount, like 03/15/2027 45.00."}
            )
        try:
            rows.append((day, parse_money(parts[1])))
        except ValidationError:
            raise ServiceError({"by_hand": f"Line {number}: the amount is not money."}) from None
    return rows


class ArrangementForm(forms.Form):
    kind = forms.ChoiceField(
        choices=Arrangement.Kind.choices,
        initial=Arrangement.Kind.INSTALLMENTS,
        widget=forms.RadioSelect(attrs=REQUIRED),
        help_text="A deferral is one payment on one later date.",
    )
    amount = forms.CharField(
        label="Amount to arrange",
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        help_text="At most what the account owes.",
    )
    count = forms.IntegerField(
        label="Number of installments",
        min_value=1,
        max_value=MAX_INSTALLMENTS,
        required=False,
        initial=6,
    )
    first_due = forms.DateField(
        label="First due date",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    every = forms.ChoiceField(label="How often", choices=list(EVERY.items()), initial="month")
    by_hand = forms.CharField(
        label="Or enter installments by hand",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One per line: due date and amount, like 03/15/2027 45.00. "
        "When filled in, this replaces the amount, number and dates above.",
    )
    channel = forms.ChoiceField(
        label="Customer reached us by", choices=CHANNELS, widget=forms.RadioSelect(attrs=REQUIRED)
    )
    notes = forms.CharField(
        required=False, widget=forms.TextInput(attrs={"maxlength": 255}), label="Note"
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput)

    def installment_rows(self) -> list:
        """The installments the form describes (call after is_valid); raises ServiceError."""
        data = self.cleaned_data
        if data.get("by_hand", "").strip():
            return parse_installment_lines(data["by_hand"])
        errors = {}
        if not data.get("amount"):
            errors["amount"] = "Enter the amount to arrange."
        if data.get("kind") == Arrangement.Kind.DEFERRAL:
            data["count"] = 1
        elif not data.get("count"):
            errors["count"] = "Enter the number of installments."
        if not data.get("first_due"):
            errors["first_due"] = "Enter the first due date."
        if errors:
            raise ServiceError(errors)
        return arrangement_schedule(
            data["amount"], data["count"], data["first_due"], data.get("every") or "month"
        )


class ArrangementCancelForm(forms.Form):
    reason = forms.CharField(
        label="Reason for cancelling",
        widget=forms.TextInput(attrs={"maxlength": 255, **REQUIRED}),
        required=False,
    )
    channel = forms.ChoiceField(
        label="Customer reached us by", choices=CHANNELS, widget=forms.RadioSelect(attrs=REQUIRED)
    )
