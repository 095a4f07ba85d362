"""Forms of returned items: finding the payment, then recording what the bank returned."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from district.money import format_money
from payments.counter.forms import MoneyText
from payments.models import ReturnedItem


class ReturnedFindForm(forms.Form):
    """Find the returned payment: any of receipt, account, check number and amount."""

    receipt = forms.CharField(
        label="Receipt number", max_length=20, required=False, help_text="e.g. 2026-00001234"
    )
    account_number = forms.CharField(label="Account number", max_length=20, required=False)
    check_number = forms.CharField(label="Check number", max_length=20, required=False)
    amount = MoneyText(required=False)

    def clean(self):
        data = super().clean()
        if not any(data.get(name) for name in ("receipt", "account_number", "check_number")):
            raise ValidationError(
                "Enter the receipt number, the account number, or the check number "
                "(with the amount to narrow it down)."
            )
        return data


def tender_choice_label(tender) -> str:
    payment = tender.payment
    lines = list(payment.lines.all())
    accounts = ", ".join(
        f"{line.account.customer.display_name} ({line.account.formatted_number})"
        for line in lines[:3]
    )
    what = tender.get_kind_display()
    if tender.check_number:
        what = f"{what} {tender.check_number}"
    return (
        f"Receipt {payment.receipt_number} · {what} · {format_money(tender.amount)} · "
        f"{timezone.localtime(payment.received_at):%m/%d/%Y} · {accounts}"
    )


class ReturnedItemForm(forms.Form):
    tender = forms.TypedChoiceField(
        label="Returned payment", coerce=int, widget=forms.RadioSelect, empty_value=None
    )
    reason = forms.ChoiceField(label="Reason the bank gave", choices=ReturnedItem.Reason.choices)
    returned_on = forms.DateField(
        label="Date the bank returned it", widget=forms.DateInput(attrs={"type": "date"})
    )
    bank_reference = forms.CharField(
        label="Bank reference", max_length=60, required=False, help_text="From the bank's notice."
    )

    def __init__(self, *args, tenders, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tender"].choices = [
            (tender.pk, tender_choice_label(tender)) for tender in tenders
        ]
        if len(tenders) == 1:
            self.fields["tender"].initial = tenders[0].pk
