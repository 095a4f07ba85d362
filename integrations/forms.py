from django import forms

from integrations.scopes import Scope
from payments.counter.forms import CountMixin


class IntegrationTokenForm(forms.Form):
    name = forms.CharField(
        max_length=80, help_text="The system that will use the token, e.g. Phone IVR"
    )
    scopes = forms.MultipleChoiceField(
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Give each system only what it needs.",
    )


class TokenDrawerOpenForm(CountMixin, forms.Form):
    """The float counted into a till's or kiosk's drawer (the drawer is the token's own)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_count_fields()
