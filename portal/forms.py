"""Forms of the customer's pages: they parse what is typed; portal.services decides."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.languages import language_choices
from portal.service_requests.models import ServiceRequest
from portal.services import ARRANGEMENT_MONTHS

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ServiceRequestForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What do you need?"),
        choices=[
            (ServiceRequest.Kind.START, _("Start service at another address")),
            (ServiceRequest.Kind.STOP, _("Stop service at this address")),
            (ServiceRequest.Kind.TRANSFER, _("Move my service to a new address")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose start, stop or move.")},
    )
    wanted_on = forms.DateField(
        label=_("Date wanted"),
        widget=DATE_INPUT,
        input_formats=["%Y-%m-%d", "%m/%d/%Y"],
        error_messages={
            "required": _("Enter the date you want it done, like 07/01/2026."),
            "invalid": _("Enter the date you want it done, like 07/01/2026."),
        },
    )
    service_address = forms.CharField(
        label=_("New service address (start or move)"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    forwarding_address = forms.CharField(
        label=_("Where to mail the final bill (stop)"), max_length=200, required=False
    )
    notes = forms.CharField(
        label=_("Anything we should know"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ContactForm(forms.Form):
    phone = forms.CharField(
        label=_("Phone"), max_length=20, required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )  # fmt: skip
    alternate_phone = forms.CharField(
        label=_("Other phone"), max_length=20, required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )  # fmt: skip
    email = forms.CharField(
        label=_("E-mail"), max_length=254, required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )  # fmt: skip
    mailing_line1 = forms.CharField(
        label=_("Mailing address"), max_length=120, required=False,
        widget=forms.TextInput(attrs={"autocomplete": "address-line1"}),
    )  # fmt: skip
    mailing_line2 = forms.CharField(
        label=_("Address line 2"), max_length=120, required=False,
        widget=forms.TextInput(attrs={"autocomplete": "address-line2"}),
    )  # fmt: skip
    mailing_city = forms.CharField(
        label=_("City"), max_length=60, required=False,
        widget=forms.TextInput(attrs={"autocomplete": "address-level2"}),
    )  # fmt: skip
    mailing_state = forms.CharField(
        label=_("State"), max_length=2, required=False,
        widget=forms.TextInput(attrs={"autocomplete": "address-level1"}),
    )  # fmt: skip
    mailing_zip = forms.CharField(
        label=_("ZIP"), max_length=10, required=False,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "inputmode": "numeric"}),
    )  # fmt: skip


class LanguageForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language of your bills, letters and e-mails"),
        choices=language_choices(),  # each language named in itself
    )


class PaperlessForm(forms.Form):
    paperless = forms.BooleanField(
        label=_("Paperless billing: e-mail me a link to each bill instead of mailing it"),
        required=False,
    )


class ArrangementRequestForm(forms.Form):
    months = forms.TypedChoiceField(
        label=_("Pay the balance over"),
        coerce=int,
        choices=[
            (months, _("%(months)s months") % {"months": months}) for months in ARRANGEMENT_MONTHS
        ],
    )
    notes = forms.CharField(
        label=_("Why you need more time (optional)"), max_length=255, required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip


class CloseRequestForm(forms.Form):
    outcome = forms.CharField(label="What was done, or why it was declined", max_length=255)
    done = forms.TypedChoiceField(
        label="Outcome",
        coerce=lambda value: value == "done",
        choices=[("done", "Done"), ("declined", "Declined")],
        widget=forms.RadioSelect,
    )
