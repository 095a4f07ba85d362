"""Forms of customers and service accounts: they parse what is typed; services decide."""

from django import forms
from django.core.exceptions import ValidationError

from accounts.models import Customer, CustomerFlag, ServiceAccount
from accounts.numbers import format_account_number, normalise_account_number
from accounts.services import ACCOUNT_EDITABLE_FIELDS, CUSTOMER_FIELDS
from district.phones import normalise_phone
from field_ops.forms import DATE_INPUT, PremiseNumberField, model_form_base


class AccountNumberField(forms.CharField):
    """An account number typed any way ("1000001-5", "1000 0015"); cleans to its digits.

    A wrong check digit is caught here, before any lookup, with a message saying so.
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("label", "Account number")
        super().__init__(**kwargs)
        self.widget.attrs.update(
            {"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"}
        )

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return ""
        return normalise_account_number(value)

    def prepare_value(self, value):
        if isinstance(value, str) and value.isdigit() and len(value) >= 2:
            return format_account_number(value)
        return value


class PhoneField(forms.CharField):
    """A US phone typed any way; cleans to 10 digits ("" when left blank)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 25)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget.input_type = "tel"
        self.widget.attrs.update({"autocomplete": "tel", "inputmode": "tel"})

    def to_python(self, value):
        return normalise_phone(super().to_python(value))

    def prepare_value(self, value):
        if isinstance(value, str) and len(value) == 10 and value.isdigit():
            return f"({value[:3]}) {value[3:6]}-{value[6:]}"
        return value


class CustomerNumberField(forms.ModelChoiceField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", "Customer number")
        kwargs.setdefault("help_text", "The number on the customer's page, e.g. 123.")
        super().__init__(
            queryset=Customer.objects.all(),
            widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
            error_messages={"invalid_choice": "No customer has that number."},
            **kwargs,
        )


# -- customers


class CustomerForm(
    model_form_base(
        Customer,
        CUSTOMER_FIELDS,
        widgets={"kind": forms.RadioSelect},
        labels={"kind": "Person or business"},
        help_texts={"business_name": "For a business; a person needs a last name instead."},
    )
):
    """A customer's name, phones, email, mailing address and language."""

    phone = PhoneField(label="Phone")
    alternate_phone = PhoneField(label="Alternate phone")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs["autocomplete"] = "off"
        self.order_fields(CUSTOMER_FIELDS)


class CustomerCreateForm(CustomerForm):
    confirm_duplicate = forms.BooleanField(
        label="Create anyway: this is a different customer",
        required=False,
    )

    def __init__(self, *args, show_confirm: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not show_confirm:
            self.fields["confirm_duplicate"].widget = forms.HiddenInput()


# Required fields below are left to the services (required=False): their refusal says what to
# enter, in the same words whether the form, the wizard or the API asked.


class CustomerFlagForm(forms.Form):
    flag = forms.ChoiceField(label="Flag", choices=CustomerFlag.Flag.choices, required=False)
    reason = forms.CharField(label="Reason", max_length=255, required=False)


class CustomerFlagClearForm(forms.Form):
    flag = forms.ModelChoiceField(
        label="Flag",
        queryset=CustomerFlag.objects.none(),
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": "That flag is no longer active; reload the page."},
    )
    clear_reason = forms.CharField(label="Reason for clearing", max_length=255, required=False)

    def __init__(self, *args, customer: Customer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["flag"].queryset = CustomerFlag.objects.filter(
            customer=customer, cleared_at__isnull=True
        )


# -- service accounts


class ServiceAccountForm(forms.Form):
    customer = CustomerNumberField()
    premise = PremiseNumberField()
    customer_class = forms.ChoiceField(
        label="Customer class", choices=ServiceAccount.CustomerClass.choices, required=False
    )
    start_date = forms.DateField(label="Service starts", widget=DATE_INPUT, required=False)
    billing_cycle = forms.CharField(label="Billing cycle", max_length=10, required=False)
    billing_frequency = forms.ChoiceField(
        label="Billed", choices=ServiceAccount.BillingFrequency.choices, required=False
    )
    is_owner = forms.BooleanField(label="Customer owns the premise", required=False)
    paperless = forms.BooleanField(label="Paperless bills", required=False)


class ServiceAccountEditForm(
    model_form_base(
        ServiceAccount, ACCOUNT_EDITABLE_FIELDS, labels={"paperless": "Paperless bills"}
    )
):
    """What may change on an open account (status moves through its own form)."""


class ServiceAccountStatusForm(forms.Form):
    to_status = forms.ChoiceField(label="New status")
    on_date = forms.DateField(
        label="Effective date",
        required=False,
        widget=DATE_INPUT,
        help_text="Sets the end date when the account goes final or closed (default today).",
    )

    def __init__(self, *args, account: ServiceAccount, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = account.next_statuses
        self.fields["to_status"].choices = [
            (status.value, status.label) for status in ServiceAccount.Status if status in allowed
        ]


def duplicates_in(error: ValidationError) -> list[Customer]:
    """The customers a "duplicate" refusal from customer_create names (else [])."""
    for item in getattr(error, "error_list", []):
        if item.code == "duplicate" and item.params:
            return list(item.params.get("duplicates", []))
    return []
