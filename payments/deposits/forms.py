"""Forms of deposits: the bag (what goes in it, its currency count) and the head cashier's
recount. Counts by denomination are the counter's (payments/counter/forms.py). The forms parse;
the deposit service decides (at least one source, the count matching the cash)."""

from django import forms

from payments.counter.forms import CountMixin, DrawerCloseForm, new_key


class DepositForm(CountMixin, forms.Form):
    sessions = forms.TypedMultipleChoiceField(
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Closed drawers",
    )
    batches = forms.TypedMultipleChoiceField(
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Posted mail batches",
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, session_choices=(), batch_choices=(), **kwargs):
        kwargs.setdefault("initial", {"idempotency_key": new_key()})
        super().__init__(*args, **kwargs)
        self.fields["sessions"].choices = list(session_choices)
        self.fields["batches"].choices = list(batch_choices)
        self.add_count_fields()


class RecountForm(DrawerCloseForm):
    """The close's count again, with the head cashier's reason."""

    # Required by the recount service, whose refusal shows beside this field.
    reason = forms.CharField(
        max_length=255,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "aria-required": "true"}),
        help_text="What the recount found, for the record (and the supervisor, if needed).",
    )


class DayForm(forms.Form):
    day = forms.DateField(
        label="Business day",
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}),
        required=False,
    )
