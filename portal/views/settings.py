"""The customer's settings for one account: contact details, language, paperless billing.
Three small forms on one page; each posts its own name and is saved by its own service."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from district.access import customer_view
from district.forms import add_service_error
from district.phones import format_phone
from portal import selectors, services
from portal.forms import ContactForm, LanguageForm, PaperlessForm
from portal.services import CONTACT_FIELDS


@customer_view
@require_http_methods(["GET", "POST"])
def account_settings(request, account_id: int):
    account = selectors.access_account(request.user, account_id)
    customer = account.customer
    contact_initial = {name: getattr(customer, name) for name in CONTACT_FIELDS}
    for name in ("phone", "alternate_phone"):
        contact_initial[name] = format_phone(contact_initial[name]) if contact_initial[name] else ""
    which = request.POST.get("form") if request.method == "POST" else None
    forms = {
        "contact": ContactForm(
            request.POST if which == "contact" else None, initial=contact_initial
        ),
        "language": LanguageForm(
            request.POST if which == "language" else None, initial={"language": customer.language}
        ),
        "paperless": PaperlessForm(
            request.POST if which == "paperless" else None, initial={"paperless": account.paperless}
        ),
    }
    form = forms.get(which)
    if form is not None and form.is_valid():
        try:
            if which == "contact":
                services.contact_details_update(
                    account=account, by=request.user, **form.cleaned_data
                )
            elif which == "language":
                services.language_set(account=account, by=request.user, **form.cleaned_data)
            else:
                services.paperless_set(account=account, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(reverse("portal:settings", args=[account.pk]))
    return render(
        request,
        "portal/settings.html",
        {"account": account, "forms": forms},
        status=400 if form is not None else 200,
    )
