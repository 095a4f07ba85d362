"""Forms of the ACH returns pages: the bank's file, and why a notification of change is
declined."""

from django import forms

from district.uploads import size_help

MAX_FILE_BYTES = 20 * 1024 * 1024  # a day's returns are a few kilobytes; refuse a stray upload


class AchReturnFileForm(forms.Form):
    file = forms.FileField(
        label="Return file from the bank",
        help_text=size_help(
            MAX_FILE_BYTES, "the NACHA file of returns and notifications of change (.ach or .txt)"
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError("The file is larger than 20 MB: it is not a return file.")
        return upload


class ChangeNoticeDeclineForm(forms.Form):
    reason = forms.CharField(
        label="Why the correction is not made",
        max_length=255,
        help_text="e.g. checked with the customer: the account number on file is right",
    )
