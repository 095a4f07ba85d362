"""The enrolment and add-an-account forms, and the CSR's confirmation form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Contact
from district.money import parse_money
from portal.enrolment.services import MISSING_FACT, BillFacts


class BillFactsForm(forms.Form):
    account_number = forms.CharField(
        label=_("Account number"),
        max_length=20,
        help_text=_("As printed on your bill, with or without the dash."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    last_bill_amount = forms.CharField(
        label=_("Amount due on your last bill"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    service_zip = forms.CharField(
        label=_("Service address ZIP code"),
        required=False,
        max_length=10,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
    )
    phone_last_four = forms.CharField(
        label=_("Last four digits of the phone number on the account"),
        required=False,
        max_length=4,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def clean_last_bill_amount(self):
        text = self.cleaned_data["last_bill_amount"].strip()
        if not text:
            return None
        try:
            return parse_money(text)
        except forms.ValidationError as error:
            raise forms.ValidationError(_("Type the amount as on the bill, e.g. 58.20.")) from error

    def clean(self):
        cleaned = super().clean()
        has_amount = cleaned.get("last_bill_amount") is not None
        has_zip_phone = bool(cleaned.get("service_zip")) and bool(cleaned.get("phone_last_four"))
        if not has_amount and not has_zip_phone and not self.errors:
            raise forms.ValidationError(MISSING_FACT)
        return cleaned

    def facts(self) -> BillFacts:
        data = self.cleaned_data
        return BillFacts(
            account_number=data["account_number"],
            last_bill_amount=data["last_bill_amount"],
            service_zip="" if data["last_bill_amount"] is not None else data["service_zip"],
            phone_last_four="" if data["last_bill_amount"] is not None else data["phone_last_four"],
        )


class EnrolmentForm(BillFactsForm):
    email = forms.EmailField(
        label=_("E-mail address"),
        help_text=_("You will sign in with it; we send a link to confirm it."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password = forms.CharField(
        label=_("Choose a password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


class OnlineAccessChangeForm(forms.Form):
    """What a CSR records before removing a second factor or unlinking a login."""

    channel = forms.ChoiceField(
        label="How the customer reached us",
        choices=[(value, label) for value, label in Contact.Channel.choices
                 if value in (Contact.Channel.PHONE, Contact.Channel.COUNTER)],
    )  # fmt: skip
    note = forms.CharField(
        label="How you confirmed who the customer is, or why",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
