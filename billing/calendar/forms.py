"""Forms of billing cycles and the calendar: they parse what is typed; the services decide."""

from django import forms

from billing.models import BillingCycle

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class BillingCycleForm(forms.Form):
    code = forms.CharField(
        max_length=10,
        help_text="The code service accounts carry as their billing cycle, e.g. 01. "
        "It cannot change later.",
    )
    name = forms.CharField(max_length=80)
    frequency = forms.ChoiceField(choices=BillingCycle.Frequency.choices)
    routes = forms.CharField(
        max_length=500,
        help_text="The read routes billed in this cycle, separated by spaces or commas "
        "(e.g. 01 02).",
        required=False,
    )
    due_days = forms.IntegerField(
        label="Days from bill date to due date",
        min_value=1,
        max_value=90,
        initial=21,
        error_messages={"invalid": "Enter a whole number of days."},
    )
    is_active = forms.BooleanField(
        label="Active (periods are generated and billed)", required=False, initial=True
    )

    def __init__(self, *args, cycle: BillingCycle | None = None, **kwargs):
        if cycle is not None:
            kwargs.setdefault(
                "initial",
                {
                    "code": cycle.code,
                    "name": cycle.name,
                    "frequency": cycle.frequency,
                    "routes": " ".join(cycle.routes),
                    "due_days": cycle.due_days,
                    "is_active": cycle.is_active,
                },
            )
        super().__init__(*args, **kwargs)
        if cycle is not None:
            self.fields["code"].disabled = True
            self.fields["code"].help_text = "Service accounts carry this code: it cannot change."


class PeriodsGenerateForm(forms.Form):
    start = forms.DateField(
        label="First period starts on",
        required=False,
        widget=DATE_INPUT,
        help_text="Leave blank to continue after the cycle's last period (or from the first "
        "of this month). A day from the 1st to the 28th.",
    )
    through = forms.DateField(
        label="Generate periods starting up to",
        widget=DATE_INPUT,
        help_text="Periods that start on or before this date are created.",
    )
