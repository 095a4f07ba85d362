"""Ledger pages for finance and supervisors: trial balance, district aging, a journal's lines."""

from django import forms
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from district.access import staff_view
from district.ledger import selectors
from district.roles import Perm


class AsOfForm(forms.Form):
    as_of = forms.DateField(
        label="As of",
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}),
    )


def _as_of(request):
    """The form and the as-of date asked for in the query string (today when absent or bad)."""
    form = AsOfForm(request.GET or None)
    as_of = None
    if form.is_bound and form.is_valid():
        as_of = form.cleaned_data["as_of"]
    return form, as_of or timezone.localdate()


@staff_view(Perm.VIEW_LEDGER)
def trial_balance(request):
    form, as_of = _as_of(request)
    return render(
        request,
        "ledger/trial_balance.html",
        {"form": form, "books": selectors.trial_balance(as_of=as_of)},
    )


@staff_view(Perm.VIEW_LEDGER)
def aging(request):
    form, as_of = _as_of(request)
    result = selectors.district_aging(as_of=as_of)
    buckets = [
        ("Current (0-29 days)", result.current),
        ("30-59 days", result.days_30),
        ("60-89 days", result.days_60),
        ("90-119 days", result.days_90),
        ("120 days and over", result.days_120_plus),
    ]
    rows = [
        {"label": label, "amount": amount, "share": amount / result.total if result.total else None}
        for label, amount in buckets
    ]
    return render(
        request,
        "ledger/aging.html",
        {"form": form, "as_of": as_of, "rows": rows, "aging": result},
    )


@staff_view(Perm.VIEW_LEDGER)
def journal(request, journal_id):
    found = selectors.journal_with_lines(journal_id)
    if found is None:
        raise Http404("No such journal.")
    journal, lines = found
    return render(
        request,
        "ledger/journal.html",
        {
            "journal": journal,
            "reversed_by": getattr(journal, "reversed_by", None),
            # Lines are signed; the page shows debits and credits as positive amounts.
            "rows": [
                {
                    "line": line,
                    "debit": line.amount if line.amount > 0 else None,
                    "credit": -line.amount if line.amount < 0 else None,
                }
                for line in lines
            ],
            "total_debit": sum((line.amount for line in lines if line.amount > 0), 0),
            "total_credit": -sum((line.amount for line in lines if line.amount < 0), 0),
        },
    )
