"""Forms of start, stop and transfer of service: they parse what is typed; services decide."""

from django import forms

from accounts.forms import CustomerNumberField, PhoneField
from accounts.models import Contact, Customer, Language, ServiceAccount, StopRequest
from accounts.service_changes import services
from accounts.service_changes.selectors import PremiseOption
from district.phones import format_phone
from field_ops.forms import DATE_INPUT
from field_ops.models import MeterRead, Premise

OWNER, TENANT = "owner", "tenant"
WAIVE = "waive"
CHANNELS = [
    (Contact.Channel.COUNTER, "At the counter"),
    (Contact.Channel.PHONE, "On the phone"),
    (Contact.Channel.EMAIL, "By email"),
    (Contact.Channel.MAIL, "By mail"),
]


def _autofocus(form: forms.Form, name: str) -> None:
    form.fields[name].widget.attrs["autofocus"] = True


def first_error(form: forms.Form) -> str | None:
    """The first field (in reading order) with an error, or None."""
    if not form.is_bound:
        return None
    return next((name for name in form.fields if name in form.errors), None)


def focus_on(form: forms.Form, name: str) -> None:
    """Give the focus to one field (and take it from the others)."""
    for field in form.fields.values():
        field.widget.attrs.pop("autofocus", None)
    if name in form.fields:
        form.fields[name].widget.attrs["autofocus"] = True


def focus_first_error(form: forms.Form | None) -> None:
    """A form shown again with errors puts the focus on the first field to correct."""
    if form is not None and (name := first_error(form)) is not None:
        focus_on(form, name)


# -- start: step 1, the customer


class _FindForm(forms.Form):
    """One search box (a wizard step's search)."""

    LABEL = HELP = REQUIRED = ""
    MAX_LENGTH = 100

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"] = forms.CharField(
            label=self.LABEL,
            max_length=self.MAX_LENGTH,
            help_text=self.HELP,
            error_messages={"required": self.REQUIRED},
            widget=forms.TextInput(attrs={"autocomplete": "off", "type": "search"}),
        )
        _autofocus(self, "q")


class _ChoiceForm(forms.Form):
    """One of the records a search found, as radio buttons (the first chosen to begin with)."""

    NAME = ""
    MODEL = None
    LABEL = REQUIRED = GONE = ""

    def __init__(self, *args, records: list, label_of, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[self.NAME] = forms.ModelChoiceField(
            label=self.LABEL,
            queryset=self.MODEL.objects.filter(pk__in=[record.pk for record in records]),
            widget=forms.RadioSelect,
            empty_label=None,
            error_messages={"required": self.REQUIRED, "invalid_choice": self.GONE},
        )
        self.fields[self.NAME].label_from_instance = label_of
        if records and not self.is_bound:
            self.initial[self.NAME] = records[0].pk


class CustomerFindForm(_FindForm):
    LABEL = "Customer's name or phone"
    HELP = 'A name in either order and in part ("nguy an"), or a phone number.'
    REQUIRED = "Type a name or phone number to search."


class CustomerChoiceForm(_ChoiceForm):
    NAME, MODEL = "customer", Customer
    LABEL = "Customers found"
    REQUIRED = "Choose one of the customers found."
    GONE = "That customer is no longer in the list; search again."

    def __init__(self, *args, customers: list[Customer], **kwargs):
        super().__init__(*args, records=customers, label_of=_customer_label, **kwargs)


def _customer_label(customer: Customer) -> str:
    parts = [customer.display_name, f"customer #{customer.pk}"]
    if customer.mailing_line1:
        parts.append(f"{customer.mailing_line1}, {customer.mailing_city}".strip(", "))
    if customer.phone:
        parts.append(format_phone(customer.phone))
    return " · ".join(parts)


# -- start: step 2, the premise


class PremiseFindForm(_FindForm):
    LABEL = "Service address or APN"
    HELP = 'House number and street in part ("123 main"), or the parcel number.'
    REQUIRED = "Type the service address or APN to search."
    MAX_LENGTH = 120


class PremiseChoiceForm(_ChoiceForm):
    NAME, MODEL = "premise", Premise
    LABEL = "Premises found"
    REQUIRED = "Choose one of the premises found."
    GONE = "That premise is no longer in the list; search again."

    def __init__(self, *args, options: list[PremiseOption], **kwargs):
        states = {option.premise.pk: option.state for option in options}
        super().__init__(
            *args,
            records=[option.premise for option in options],
            label_of=lambda premise: _premise_label(premise, states.get(premise.pk)),
            **kwargs,
        )


def _premise_label(premise: Premise, state: str | None) -> str:
    parts = [premise.full_address]
    if premise.apn:
        parts.append(f"APN {premise.apn}")
    if state:
        parts.append(state)
    return " · ".join(parts)


# -- start: step 3, owner or tenant


class OccupancyForm(forms.Form):
    occupancy = forms.ChoiceField(
        label="The customer is",
        choices=[(TENANT, "A tenant (renting)"), (OWNER, "The owner of the premise")],
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether the customer owns or rents the premise."},
    )
    owner_name = forms.CharField(
        label="Owner or property manager",
        max_length=120,
        required=False,
        help_text="For a tenant: who owns or manages the premise (filled in from the owner of "
        "record; change it if the tenant names someone else).",
    )
    owner_phone = PhoneField(label="Owner's phone")
    owner_mailing_address = forms.CharField(
        label="Owner's mailing address",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _autofocus(self, "occupancy")


# -- start: step 4, class, date, mailing address, language, paperless


class ServiceDetailsForm(forms.Form):
    customer_class = forms.ChoiceField(
        label="Customer class", choices=ServiceAccount.CustomerClass.choices
    )
    start_date = forms.DateField(
        label="Service starts on",
        widget=DATE_INPUT,
        error_messages={
            "required": "Enter the date service starts.",
            "invalid": "Enter the date as MM/DD/YYYY.",
        },
    )
    mailing_line1 = forms.CharField(label="Mailing address", max_length=120)
    mailing_line2 = forms.CharField(label="Mailing address line 2", max_length=120, required=False)
    mailing_city = forms.CharField(label="City", max_length=60)
    mailing_state = forms.CharField(label="State", max_length=2, initial="CA")
    mailing_zip = forms.CharField(label="ZIP", max_length=10)
    language = forms.ChoiceField(label="Preferred language", choices=Language.choices)
    paperless = forms.BooleanField(label="Paperless bills (by email)", required=False)
    channel = forms.ChoiceField(label="The customer asked", choices=CHANNELS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _autofocus(self, "customer_class")
        for name in ("mailing_line1", "mailing_line2", "mailing_city", "mailing_zip"):
            self.fields[name].widget.attrs["autocomplete"] = "off"


# -- start: step 5, the deposit


class DepositForm(forms.Form):
    choice = forms.ChoiceField(
        label="Deposit",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how the deposit is paid, or waive it."},
    )
    waiver_reason = forms.CharField(
        label="Reason for the waiver",
        max_length=255,
        required=False,
        help_text="Required to waive the deposit (e.g. letter of good credit, owner occupied).",
    )

    def __init__(self, *args, max_installments: int = 3, may_waive_at_once: bool, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("1", "Charge it: paid at once")]
        choices += [
            (str(count), f"Charge it: {count} installments on the next bills")
            for count in range(2, max(1, min(max_installments, 3)) + 1)
        ]
        choices.append(
            (
                WAIVE,
                "Waive it"
                if may_waive_at_once
                else "Ask a supervisor to waive it (the waiver goes for approval)",
            )
        )
        self.fields["choice"].choices = choices
        _autofocus(self, "choice")


# -- stop


class ForwardingFields(forms.Form):
    forwarding_line1 = forms.CharField(label="Forwarding address", max_length=120)
    forwarding_line2 = forms.CharField(
        label="Forwarding address line 2", max_length=120, required=False
    )
    forwarding_city = forms.CharField(label="City", max_length=60)
    forwarding_state = forms.CharField(label="State", max_length=2, initial="CA")
    forwarding_zip = forms.CharField(label="ZIP", max_length=10)

    def forwarding(self) -> "services.ForwardingAddress":
        data = self.cleaned_data
        return services.ForwardingAddress(
            line1=data["forwarding_line1"],
            line2=data.get("forwarding_line2", ""),
            city=data["forwarding_city"],
            state=data["forwarding_state"],
            zip_code=data["forwarding_zip"],
        )


FORWARDING_FIELDS = list(ForwardingFields.base_fields)

FIELD_ORDER = "field"
COUNTER_READS = (MeterRead.Source.CUSTOMER, MeterRead.Source.ESTIMATE)
FINAL_READ_CHOICES = [
    (FIELD_ORDER, "Send a field order: the final read goes on the dispatch board"),
    (MeterRead.Source.CUSTOMER, "The customer read the meter: enter the reading now"),
    (MeterRead.Source.ESTIMATE, "Estimate the final read: enter the estimate now"),
]


class StopForm(ForwardingFields):
    stop_date = forms.DateField(
        label="Service stops on",
        widget=DATE_INPUT,
        error_messages={
            "required": "Enter the date service stops.",
            "invalid": "Enter the date as MM/DD/YYYY.",
        },
    )
    reason = forms.ChoiceField(
        label="Why service stops",
        choices=[("", "Choose…"), *StopRequest.Reason.choices],
        error_messages={"required": "Choose why service stops."},
    )
    final_read = forms.ChoiceField(
        label="Final read",
        choices=FINAL_READ_CHOICES,
        initial=FIELD_ORDER,
        required=False,  # a field order unless the counter takes the read
        widget=forms.RadioSelect,
    )
    reading = forms.CharField(
        label="Final reading (taken at the counter)",
        max_length=20,
        required=False,
        help_text="The register as the customer reads it, or the estimate. The read is flagged "
        "as customer-read or estimated.",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    order_due = forms.DateField(
        label="Field order due",
        required=False,
        widget=DATE_INPUT,
        help_text="The day the final read is due on the dispatch board (the stop date if empty).",
        error_messages={"invalid": "Enter the date as MM/DD/YYYY."},
    )
    notes = forms.CharField(label="Notes", max_length=255, required=False)
    channel = forms.ChoiceField(label="The customer asked", choices=CHANNELS)

    field_order = [
        "stop_date",
        "reason",
        "final_read",
        "reading",
        "order_due",
        *FORWARDING_FIELDS,
        "notes",
        "channel",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _autofocus(self, "stop_date")

    def clean(self):
        cleaned = super().clean()
        cleaned["final_read"] = cleaned.get("final_read") or FIELD_ORDER
        # A reading typed with a field order chosen: ask which was meant rather than drop it.
        if cleaned["final_read"] not in COUNTER_READS and (cleaned.get("reading") or "").strip():
            self.add_error(
                "reading", "A field order reads the meter: leave the reading empty, or choose "
                "a read taken at the counter.",
            )  # fmt: skip
        return cleaned

    def counter_read(self) -> services.CounterRead | None:
        choice = self.cleaned_data["final_read"]
        if choice not in COUNTER_READS:
            return None
        return services.CounterRead(reading=self.cleaned_data["reading"].strip(), source=choice)

    def field_order_due(self):
        if self.cleaned_data["final_read"] in COUNTER_READS:
            return None
        return self.cleaned_data.get("order_due")


class DepositInstallmentsForm(forms.Form):
    """After the start: the deposit charged at once, billed in installments instead."""

    installments = forms.TypedChoiceField(
        label="Installments", coerce=int, widget=forms.Select(attrs={"class": "form-select"})
    )

    def __init__(self, *args, most: int, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(count, f"{count} installments") for count in range(2, most + 1)]
        self.fields["installments"].choices = choices
        self.fields["installments"].initial = most
        self.fields["installments"].error_messages["invalid_choice"] = (
            f"Choose 2 to {most} installments."
        )


class StopCancelForm(forms.Form):
    reason = forms.CharField(
        label="Why the stop is cancelled",
        max_length=200,
        error_messages={"required": "Say why the stop is cancelled."},
    )


# -- transfer


class TransferForm(ForwardingFields):
    premise = forms.ModelChoiceField(
        queryset=Premise.objects.all(),
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": "Search for the new premise again."},
    )
    stop_date = forms.DateField(label="Service stops at the old address on", widget=DATE_INPUT)
    start_date = forms.DateField(label="Service starts at the new address on", widget=DATE_INPUT)
    customer_class = forms.ChoiceField(
        label="Customer class at the new address", choices=ServiceAccount.CustomerClass.choices
    )
    occupancy = OccupancyForm.base_fields["occupancy"]
    owner_name = OccupancyForm.base_fields["owner_name"]
    owner_phone = PhoneField(label="Owner's phone")
    owner_mailing_address = OccupancyForm.base_fields["owner_mailing_address"]
    notes = forms.CharField(label="Notes", max_length=255, required=False)
    channel = forms.ChoiceField(label="The customer asked", choices=CHANNELS)

    field_order = [
        "premise",
        "stop_date",
        "start_date",
        "customer_class",
        "occupancy",
        "owner_name",
        "owner_phone",
        "owner_mailing_address",
        *FORWARDING_FIELDS,
        "notes",
        "channel",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _autofocus(self, "stop_date")
        self.fields["forwarding_line1"].label = "Final bill goes to"
        self.fields["forwarding_line1"].help_text = "Usually the new service address."

    def owner_info(self) -> "services.OwnerInfo | None":
        data = self.cleaned_data
        if data["occupancy"] == OWNER:
            return None
        return services.OwnerInfo(
            name=data["owner_name"],
            phone=data.get("owner_phone") or "",
            mailing_address=data.get("owner_mailing_address") or "",
        )


# -- revert-to-owner agreements


class OwnerAgreementForm(forms.Form):
    owner = CustomerNumberField(
        label="Owner's customer number",
        help_text="The number on the owner's customer page, e.g. 123. Record the owner as a "
        "customer first if they are not one yet.",
    )
    signed_on = forms.DateField(label="Signed on", widget=DATE_INPUT)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _autofocus(self, "owner")


class OwnerAgreementEndForm(forms.Form):
    ended_on = forms.DateField(label="Agreement ends on", widget=DATE_INPUT)
