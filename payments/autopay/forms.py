"""Autopay forms: the bank account (both ways of enrolling), and the CSR's signed form upload."""

from django import forms
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _

from district.uploads import DOCUMENT_KINDS, MEGABYTE, document_upload, size_help
from payments.autopay.enrolment import BankAccountIn
from payments.models import AutopayEnrolment

FORM_MAX_BYTES = 10 * MEGABYTE


class BankAccountForm(forms.Form):
    holder_name = forms.CharField(
        label=_("Account holder's name"), max_length=22, help_text=_("As the bank knows it.")
    )
    routing_number = forms.CharField(
        label=_("Routing number"),
        max_length=9,
        help_text=_("Nine digits, at the bottom of a check."),
    )
    account_number = forms.CharField(
        label=_("Bank account number"),
        max_length=17,
        help_text=_("4 to 17 digits."),
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )
    account_type = forms.ChoiceField(
        label=_("Account type"),
        choices=[
            (value, gettext_lazy(label)) for value, label in AutopayEnrolment.AccountType.choices
        ],
    )

    def bank(self) -> BankAccountIn:
        data = self.cleaned_data
        return BankAccountIn(
            holder_name=data["holder_name"],
            routing_number=data["routing_number"],
            account_number=data["account_number"],
            account_type=data["account_type"],
        )


class StaffEnrolForm(BankAccountForm):
    signed_form = forms.FileField(
        label="Signed authorization form",
        help_text=size_help(FORM_MAX_BYTES, DOCUMENT_KINDS),
    )

    def clean_signed_form(self):
        return document_upload(self.cleaned_data.get("signed_form"), max_bytes=FORM_MAX_BYTES)


class OnlineEnrolForm(BankAccountForm):
    agree = forms.BooleanField(label=_("I agree to the authorization above"), required=True)
