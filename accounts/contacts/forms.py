"""Forms of the contact log, reception and cases: they parse what is typed; services decide."""

from django import forms
from django.core.exceptions import ValidationError

from accounts.contacts.selectors import OPEN_ANY, active_departments, staff_people
from accounts.contacts.services import person_name
from accounts.forms import AccountNumberField, CustomerNumberField
from accounts.models import Case, Contact, Department, ServiceAccount


class StaffChoiceField(forms.ModelChoiceField):
    """A member of staff, listed by name."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("empty_label", "Nobody")
        super().__init__(queryset=staff_people(), **kwargs)

    def label_from_instance(self, user):
        return person_name(user)


class DepartmentChoiceField(forms.ModelChoiceField):
    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("empty_label", "No department")
        super().__init__(queryset=active_departments(), **kwargs)


class ServiceAccountNumberField(AccountNumberField):
    """An account typed by its number; cleans to the ServiceAccount (None when left blank)."""

    def clean(self, value):
        number = super().clean(value)
        if not number:
            return None
        account = ServiceAccount.objects.select_related("customer").filter(number=number).first()
        if account is None:
            raise ValidationError("No account has that number.")
        return account


# -- the contact log


class QuickContactForm(forms.Form):
    """The account page's quick entry: a note, then Enter (reason and channel have defaults)."""

    notes = forms.CharField(
        label="Note",
        required=False,
        max_length=10_000,
        widget=forms.TextInput(attrs={"autocomplete": "off", "aria-keyshortcuts": "c"}),
    )
    reason = forms.ChoiceField(
        label="Reason", choices=Contact.Reason.choices, initial=Contact.Reason.GENERAL
    )
    channel = forms.ChoiceField(
        label="Channel", choices=Contact.Channel.choices, initial=Contact.Channel.PHONE
    )


RECEPTION_CHANNELS = [
    (Contact.Channel.COUNTER.value, Contact.Channel.COUNTER.label),
    (Contact.Channel.PHONE.value, Contact.Channel.PHONE.label),
]


class ReceptionForm(forms.Form):
    """A visitor or a call in seconds: who, how, why, what was said, and who it goes to."""

    account = ServiceAccountNumberField(
        required=False,
        help_text="Type the number, or find the account above.",
    )
    visitor_name = forms.CharField(
        label="Or the visitor's name",
        required=False,
        max_length=120,
        help_text="For someone with no account.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    channel = forms.ChoiceField(
        label="How",
        choices=RECEPTION_CHANNELS,
        initial=Contact.Channel.COUNTER,
        widget=forms.RadioSelect,
    )
    reason = forms.ChoiceField(
        label="Reason", choices=Contact.Reason.choices, initial=Contact.Reason.GENERAL
    )
    notes = forms.CharField(
        label="Note", required=False, max_length=10_000, widget=forms.Textarea(attrs={"rows": 2})
    )
    referred_to_user = StaffChoiceField(label="Refer to a person")
    referred_to_department = DepartmentChoiceField(label="Or refer to a department")


# -- cases


class CaseOpenForm(forms.Form):
    category = forms.ChoiceField(label="Kind of case", choices=Case.Category.choices)
    priority = forms.ChoiceField(
        label="Priority", choices=Case.Priority.choices, initial=Case.Priority.NORMAL
    )
    subject = forms.CharField(label="Subject", max_length=200)
    description = forms.CharField(
        label="Description", max_length=10_000, widget=forms.Textarea(attrs={"rows": 4})
    )
    account = ServiceAccountNumberField(required=False)
    customer = CustomerNumberField(
        required=False, help_text="For a customer without an account; the account implies it."
    )
    assigned_to = StaffChoiceField(
        label="Assign to",
        empty_label="Nobody in particular",
        help_text="With nobody and no department chosen, the case is yours.",
    )
    department = DepartmentChoiceField(label="Department")


class CaseNoteForm(forms.Form):
    note = forms.CharField(
        label="Note", max_length=10_000, widget=forms.Textarea(attrs={"rows": 3})
    )


class CaseStatusForm(forms.Form):
    to_status = forms.ChoiceField(label="New status")
    resolution = forms.CharField(
        label="Resolution",
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Needed to resolve the case: what was done and what the customer was told.",
    )

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = case.next_statuses
        # "Referred" is reached by referring the case to someone (its own form).
        self.fields["to_status"].choices = [
            (status.value, status.label)
            for status in Case.Status
            if status in allowed and status != Case.Status.REFERRED
        ]


class CaseAssignForm(forms.Form):
    assigned_to = StaffChoiceField(label="Assign to", empty_label="Nobody (its department)")


class CaseReferForm(forms.Form):
    department = DepartmentChoiceField(label="Department")
    user = StaffChoiceField(label="Person")
    note = forms.CharField(
        label="Why, and what is needed", max_length=10_000, widget=forms.Textarea(attrs={"rows": 2})
    )


class CaseFilterForm(forms.Form):
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[(OPEN_ANY, "Any open"), *Case.Status.choices, ("", "Any status")],
        initial=OPEN_ANY,
    )
    category = forms.ChoiceField(
        label="Kind", required=False, choices=[("", "Any kind"), *Case.Category.choices]
    )
    department = forms.ModelChoiceField(
        label="Department",
        required=False,
        queryset=Department.objects.all(),
        empty_label="Any department",
    )
    assignee = forms.ChoiceField(label="Assigned to", required=False)
    overdue = forms.BooleanField(label="Overdue only", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [
            ("", "Anyone"),
            ("none", "Nobody"),
            *((str(user.pk), person_name(user)) for user in staff_people()),
        ]
