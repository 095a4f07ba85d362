"""Forms of the month-end pages: the GL export's dates, closing and reopening a month."""

from datetime import timedelta

from django import forms
from django.utils import timezone

from district.ledger.gl_export import check_range


def _date_input():
    return forms.DateInput(attrs={"type": "date", "class": "form-control"})


class GLExportForm(forms.Form):
    start = forms.DateField(label="First date", widget=_date_input())
    end = forms.DateField(label="Last date", widget=_date_input())

    @classmethod
    def for_last_month(cls):
        """Unbound, proposing the month just ended (what Finance exports at the close)."""
        first_of_this_month = timezone.localdate().replace(day=1)
        last = first_of_this_month - timedelta(days=1)
        return cls(initial={"start": last.replace(day=1), "end": last})

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            check_range(cleaned.get("start"), cleaned.get("end"))
        return cleaned


class MonthForm(forms.Form):
    month = forms.CharField(
        label="Month",
        widget=forms.TextInput(attrs={"type": "month", "class": "form-control"}),
        help_text="YYYY-MM",
    )


class PeriodReasonForm(forms.Form):
    """Closing and reopening both record why."""

    reason = forms.CharField(
        label="Reason",
        max_length=255,
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off"}),
    )
