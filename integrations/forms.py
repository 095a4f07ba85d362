from django import forms

from integrations.scopes import Scope


class IntegrationTokenForm(forms.Form):
    name = forms.CharField(
        max_length=80, help_text="The system that will use the token, e.g. Phone IVR"
    )
    scopes = forms.MultipleChoiceField(
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Give each system only what it needs.",
    )
