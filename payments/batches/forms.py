"""Forms of payment batches. Money is typed as people type it ("12.5"); the services validate."""

from django import forms

from district.uploads import MEGABYTE, size_help, text_upload
from payments.batches import files

# Processor and lockbox files are text; a day of them is well under a few megabytes.
MAX_PAYMENT_FILE_BYTES = 20 * MEGABYTE


class BatchForm(forms.Form):
    control_count = forms.IntegerField(
        label="Control count",
        min_value=1,
        help_text="How many checks and money orders are in the batch.",
        widget=forms.NumberInput(attrs={"autofocus": True, "inputmode": "numeric"}),
    )
    control_total = forms.CharField(
        label="Control total",
        max_length=20,
        help_text="Their total from the adding-machine tape, e.g. 1234.56.",
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    description = forms.CharField(
        max_length=120, required=False, help_text="Optional, e.g. “Morning mail, tray 2”."
    )


class BatchItemForm(forms.Form):
    entered_as = forms.CharField(
        label="Scan line or account number",
        max_length=200,
        help_text="Scan the stub, or type the account number with its check digit (1234567-8).",
        widget=forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "off", "spellcheck": "false"}
        ),
    )
    amount = forms.CharField(
        label="Amount",
        max_length=20,
        required=False,
        help_text="Leave empty to take the amount due printed on the scanned stub.",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    check_number = forms.CharField(
        label="Check number",
        max_length=20,
        required=False,
        help_text="Empty for a money order.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    payer_name = forms.CharField(label="Payer name", max_length=120, required=False)


class BatchImportForm(forms.Form):
    file = forms.FileField(
        label="Payment file", help_text=size_help(MAX_PAYMENT_FILE_BYTES, "a text file")
    )
    file_format = forms.ChoiceField(label="Layout", choices=list(files.FORMATS.items()))

    def clean_file(self):
        return text_upload(
            self.cleaned_data["file"],
            max_bytes=MAX_PAYMENT_FILE_BYTES,
            kinds="a processor or lockbox text file",
        )


class ResolveForm(forms.Form):
    account_number = forms.CharField(
        label="Account number",
        max_length=20,
        help_text="The account this payment belongs to, with its check digit.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
