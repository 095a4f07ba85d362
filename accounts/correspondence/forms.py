"""Forms of the letter template pages."""

from django import forms

from accounts.correspondence.models import LetterTemplate
from accounts.models import Language


class LetterTemplateForm(forms.Form):
    subject = forms.CharField(
        max_length=200,
        help_text="Plain text; merge fields allowed.",
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 18, "class": "form-control font-monospace"}),
        help_text=(
            "Letter markup (p, h2, ul, li, table, strong, em, br) with merge fields such as "
            "{{ customer_name }}, {% if %} and the filters date, floatformat and default."
        ),
    )
    reason = forms.CharField(
        label="Why this change",
        max_length=300,
        help_text="Kept with the version.",
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )


class LetterTemplateNewForm(LetterTemplateForm):
    key = forms.ChoiceField(
        label="Letter",
        choices=LetterTemplate.Key.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    language = forms.ChoiceField(
        choices=Language.choices, widget=forms.Select(attrs={"class": "form-select"})
    )
    field_order = ["key", "language", "subject", "body", "reason"]
