"""Forms of the bank reconciliation pages."""

from django import forms

from district.uploads import size_help, text_upload

# A prior-day file of a busy account is a few megabytes; anything far larger is not one.
MAX_UPLOAD_BYTES = 20 * 1024 * 1024


class Bai2UploadForm(forms.Form):
    file = forms.FileField(
        label="BAI2 prior-day file",
        help_text="The bank's prior-day report (BAI version 2). A file imported before is "
        "recognised and not imported again. " + size_help(MAX_UPLOAD_BYTES, "a text file"),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("This file is too large to be a BAI2 prior-day report.")
        if upload.size == 0:
            raise forms.ValidationError("The file is empty.")
        # The encodings and padding the BAI2 parser accepts: UTF-16 with its byte-order mark,
        # else UTF-8, Windows-1252 or Latin-1; NUL padding and a DOS end-of-file mark.
        utf16 = upload.read(2) in (b"\xff\xfe", b"\xfe\xff")
        return text_upload(
            upload,
            max_bytes=MAX_UPLOAD_BYTES,
            kinds="a BAI2 text file",
            encodings=("utf-16",) if utf16 else ("utf-8", "cp1252", "latin-1"),
            allowed_controls="\x00\x1a",
        )


class BankLineResolveForm(forms.Form):
    """Match an unmatched bank line by hand, or mark it resolved with a note."""

    match = forms.ChoiceField(
        label="Match to",
        required=False,
        help_text="A deposit or batch of the same amount still waiting for the bank.",
    )
    note = forms.CharField(
        label="Note",
        max_length=255,
        required=False,
        help_text="Required when resolving without a match: what this line is.",
    )

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        if not candidates:
            # Nothing of this amount waits for the bank: the line can only be resolved.
            del self.fields["match"]
            self.fields["note"].required = True
            return
        self.fields["match"].choices = [("", "No match: resolve with the note")] + [
            (candidate.value, candidate.label) for candidate in candidates
        ]

    def clean(self):
        data = super().clean()
        if not data.get("match") and not (data.get("note") or "").strip():
            self.add_error("note", "Choose a match or say how this line was resolved.")
        return data

    def target(self) -> dict:
        """{"deposit_id": 12} or {"batch_id": 7} or {} from the chosen match."""
        value = self.cleaned_data.get("match") or ""
        if not value:
            return {}
        kind, _, pk = value.partition(":")
        return {f"{kind}_id": int(pk)}
