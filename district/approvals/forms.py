"""Forms of the approval pages: the queue's filters and the decision forms."""

from django import forms
from django.core.exceptions import ValidationError

from district.approvals import registry
from district.approvals.models import ApprovalRequest
from district.money import parse_money

AGE_CHOICES = [
    ("", "Any age"),
    ("1", "More than 1 day"),
    ("3", "More than 3 days"),
    ("7", "More than a week"),
    ("30", "More than 30 days"),
]
ANY_STATUS = "any"


class MoneyTextField(forms.CharField):
    """An amount as people type it ("12.5", "$1,200"); cleans to a Decimal or None."""

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return None
        return parse_money(text)


class ApprovalQueueFilterForm(forms.Form):
    kind = forms.ChoiceField(label="Kind", required=False)
    age = forms.ChoiceField(label="Waiting", choices=AGE_CHOICES, required=False)
    min_amount = MoneyTextField(label="Amount from", required=False, max_length=20)
    max_amount = MoneyTextField(label="Amount up to", required=False, max_length=20)
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[*ApprovalRequest.Status.choices, (ANY_STATUS, "Any status")],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "Any kind")] + [
            (entry.kind, entry.label) for entry in registry.kinds()
        ]
        for field in self.fields.values():
            css = "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
            field.widget.attrs["class"] = css

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("min_amount"), cleaned.get("max_amount")
        if low is not None and high is not None and low > high:
            raise ValidationError("“Amount from” must not be more than “Amount up to”.")
        return cleaned

    def queue_filters(self) -> dict:
        """Keyword arguments for selectors.approval_queue (pending only when unfiltered)."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        status = data.get("status") or ApprovalRequest.Status.PENDING
        return {
            "kind": data.get("kind") or None,
            "older_than_days": int(data["age"]) if data.get("age") else None,
            "min_amount": data.get("min_amount"),
            "max_amount": data.get("max_amount"),
            "status": None if status == ANY_STATUS else status,
        }


class ApprovalApproveForm(forms.Form):
    reason = forms.CharField(
        label="Note for the requester (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ApprovalRejectForm(forms.Form):
    reason = forms.CharField(
        label="Reason for rejecting",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say why the request is rejected."},
    )


class ApprovalCancelForm(forms.Form):
    request_id = forms.IntegerField(widget=forms.HiddenInput)
