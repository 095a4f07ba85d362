"""Collections forms: a hold, its release, a phone attempt, a ladder step."""

from django import forms

from billing.collections.models import CollectionHold, PhoneAttempt

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class HoldForm(forms.Form):
    kind = forms.ChoiceField(label="What holds the account", choices=CollectionHold.Kind.choices)
    evidence = forms.CharField(
        label="Evidence",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What the customer showed or told us, and where it is filed.",
    )
    expires_on = forms.DateField(
        label="Holds until (last day)",
        required=False,
        widget=DATE_INPUT,
        help_text="Blank: until released (an appeal awaiting its decision). A payment on its "
        "way holds at most the policy's days.",
    )
    provider_certificate = forms.BooleanField(
        label="Medical: certificate from a primary care provider received", required=False
    )
    financial_inability = forms.BooleanField(
        label="Medical: statement of financial inability to pay received", required=False
    )
    arrangement_willing = forms.BooleanField(
        label="Medical: customer is willing to enter a payment arrangement", required=False
    )


class HoldReleaseForm(forms.Form):
    reason = forms.CharField(
        label="Why the hold ends",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="E.g. the appeal was decided on 12/01.",
    )


class PhoneAttemptForm(forms.Form):
    outcome = forms.ChoiceField(label="Outcome", choices=PhoneAttempt.Outcome.choices)
    phone = forms.CharField(
        label="Number called",
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class LadderStepForm(forms.Form):
    days_after_due = forms.IntegerField(label="Days after the due date", min_value=0, max_value=365)
    active = forms.BooleanField(label="Taken", required=False)
