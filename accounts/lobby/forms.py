"""Forms of the lobby queue: they parse what is typed; services decide."""

import datetime

from django import forms

from accounts.contacts.forms import ServiceAccountNumberField
from accounts.models.lobby import PAY_BILL, TICKET_REASONS


class TicketTakeForm(forms.Form):
    """Reception: why the visitor came, and who they are (their account, or just a name)."""

    reason = forms.ChoiceField(label="Came to", choices=TICKET_REASONS, initial=PAY_BILL)
    account = ServiceAccountNumberField(
        required=False, help_text="Type the number, or find the account above."
    )
    visitor_name = forms.CharField(
        label="Or the visitor's name",
        required=False,
        max_length=120,
        help_text="Called out by number only: the name stays on the staff pages.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class DeskForm(forms.Form):
    desk = forms.CharField(
        label="Your window",
        max_length=30,
        help_text="Shown on the lobby screen beside the number you call.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "size": 10}),
    )


class FinishForm(forms.Form):
    outcome = forms.CharField(
        label="Outcome",
        required=False,
        max_length=10_000,
        help_text="Goes into the contact history with the visit.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )


SPANS = [("day", "Day"), ("week", "Week (Monday to Sunday)")]


class StatsForm(forms.Form):
    day = forms.DateField(
        label="Day", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    span = forms.ChoiceField(label="Span", choices=SPANS, required=False)

    def period(self, today: datetime.date) -> tuple[datetime.date, datetime.date]:
        """(first, last) day: the chosen day, or the week holding it; today by default."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        day = data.get("day") or today
        if data.get("span") == "week":
            first = day - datetime.timedelta(days=day.weekday())
            return first, first + datetime.timedelta(days=6)
        return day, day
