"""The supervisor's sign-off form of a reviewed record."""

from django import forms

from district.models_review import ReviewItem


class ReviewSignOffForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Finding", choices=ReviewItem.Outcome.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label="Note",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required when the work needs follow-up: say what.",
    )
