"""Program and enrolment forms: they parse what is typed; the services decide."""

from decimal import Decimal

from django import forms

from accounts.deposits.forms import MoneyTextField
from accounts.models import Program
from district.uploads import DOCUMENT_KINDS, MEGABYTE, document_upload, size_help
from field_ops.forms import DATE_INPUT

MAX_EVIDENCE_BYTES = 10 * MEGABYTE
DOCUMENT_ACCEPT = "image/jpeg,image/png,image/heic,.heic,application/pdf"


class ProgramForm(forms.ModelForm):
    class Meta:
        model = Program
        fields = [
            "code",
            "name",
            "kind",
            "description",
            "benefit",
            "benefit_amount",
            "income_qualifying",
            "requires_evidence",
            "max_enrolment_months",
            "active",
        ]
        labels = {"benefit_amount": "Benefit amount ($, or % for a discount)"}
        help_texts = {"code": "A short name for the program: letters, digits and hyphens."}
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def clean_benefit_amount(self):
        return self.cleaned_data.get("benefit_amount") or Decimal("0.00")


class HouseholdFields(forms.Form):
    """Evidence and the household figures for the federal-poverty-level test."""

    evidence = forms.CharField(
        label="Evidence seen",
        max_length=255,
        required=False,
        help_text='What shows the household qualifies, e.g. "CalFresh letter dated 03/01/2026".',
    )
    evidence_file = forms.FileField(
        required=False,
        label="Copy of the evidence",
        help_text=size_help(MAX_EVIDENCE_BYTES, DOCUMENT_KINDS),
        widget=forms.ClearableFileInput(attrs={"accept": DOCUMENT_ACCEPT}),
    )
    household_size = forms.IntegerField(
        required=False, min_value=1, label="People in the household", help_text="Optional."
    )
    annual_income = MoneyTextField(
        required=False,
        label="Annual household income",
        help_text="Optional; with the household size it shows whether the household is under "
        "200% of the federal poverty level.",
    )

    def clean_evidence_file(self):
        return document_upload(self.cleaned_data["evidence_file"], max_bytes=MAX_EVIDENCE_BYTES)


class EnrolmentForm(HouseholdFields):
    program = forms.ModelChoiceField(queryset=Program.objects.none(), empty_label=None)
    starts_on = forms.DateField(label="Starts on", widget=DATE_INPUT)
    expires_on = forms.DateField(
        label="Expires on",
        required=False,
        widget=DATE_INPUT,
        help_text="The first day no longer covered. Blank: the program's full term.",
    )

    field_order = [
        "program",
        "starts_on",
        "expires_on",
        "evidence",
        "evidence_file",
        "household_size",
        "annual_income",
    ]

    def __init__(self, *args, programs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = programs


class EnrolmentRenewForm(HouseholdFields):
    pass


class EnrolmentEndForm(forms.Form):
    reason = forms.CharField(max_length=255, label="Why it ends")
    on = forms.DateField(
        label="Ends on",
        widget=DATE_INPUT,
        help_text="The first day no longer covered (today by default).",
    )


class OutreachForm(forms.Form):
    LIST_CHOICES = [
        ("enrolled", "Enrolled now"),
        ("expiring", "Enrolment expiring soon"),
        ("likely", "Likely eligible, not enrolled"),
    ]
    program = forms.ModelChoiceField(queryset=Program.objects.order_by("name"), empty_label=None)
    which = forms.ChoiceField(label="List", choices=LIST_CHOICES, initial="enrolled")
    days = forms.IntegerField(
        label="Expiring within (days)",
        min_value=1,
        max_value=365,
        initial=60,
        required=False,
        help_text="For the expiring list.",
    )
