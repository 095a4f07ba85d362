"""Finding a property by parcel, map or address keys (thin: parse the keys, call the selector)."""

from django import forms
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from district.access import staff_view
from district.roles import Perm
from field_ops import finder


class PremiseFinderForm(forms.Form):
    apn = forms.CharField(
        label="APN",
        required=False,
        max_length=20,
        help_text="With or without dashes; the first digits find a book or page of parcels.",
    )
    tract = forms.CharField(label="Tract", required=False, max_length=20)
    lot = forms.CharField(label="Lot", required=False, max_length=20)
    map_book = forms.CharField(label="Map book", required=False, max_length=10)
    map_page = forms.CharField(label="Map page", required=False, max_length=10)
    address = forms.CharField(
        label="Service address",
        required=False,
        max_length=120,
        help_text='House number and street, in part: "123 main".',
    )
    cross_street = forms.CharField(
        label="Cross street",
        required=False,
        max_length=80,
        help_text='A cross street ("Oak Ave"), or a street and its cross street ("Main & Oak").',
    )


@staff_view(Perm.VIEW_ACCOUNTS)
@require_http_methods(["GET"])
def premise_finder(request):
    """Premises matching every key typed; the results link to each premise's page."""
    form = PremiseFinderForm(request.GET or None)
    result = None
    if form.is_valid():
        result = finder.premise_find(**form.cleaned_data)
    return render(
        request,
        "field_ops/finder/find.html",
        {"form": form, "result": result, "limit": finder.FINDER_LIMIT},
    )
