"""Autopay pages: the CSR's enrolment from a signed form and cancellation, the ACH files list
and download (finance), and the customer's own autopay page. Thin: parse, call a service or a
selector, render. Account numbers are never shown: only ****6789."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import ServiceAccount
from district.access import customer_view, staff_view
from district.client_ip import client_ip
from district.forms import add_service_error
from district.roles import Perm
from district.uploads import stored_document_response
from payments.autopay import crypto, selectors
from payments.autopay.enrolment import (
    authorization_text,
    autopay_cancel,
    autopay_enrol_by_staff,
    autopay_enrol_online,
)
from payments.autopay.forms import OnlineEnrolForm, StaffEnrolForm
from payments.models import AutopayEnrolment

EntryClass = AutopayEnrolment.EntryClass


def _account_page(account) -> str:
    return reverse("accounts:account_detail", args=[account.pk])


@staff_view(Perm.EDIT_ACCOUNTS)
def autopay_enrol(request, account_id):
    account = get_object_or_404(
        ServiceAccount.objects.select_related("customer", "premise"), pk=account_id
    )
    form = StaffEnrolForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            enrolment = autopay_enrol_by_staff(
                account_id=account.pk,
                bank=form.bank(),
                signed_form=form.cleaned_data["signed_form"],
                by=request.user,
                ip=client_ip(request),
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                f"Autopay enrolled from {enrolment.masked_account}: pending its prenote "
                "(a zero-dollar test of the bank account) before the first draft.",
            )
            return redirect(_account_page(account))
    return render(
        request,
        "payments/autopay/enrol.html",
        {
            "account": account,
            "form": form,
            "current": selectors.live_enrolment(account.pk),
            "authorization": authorization_text(
                entry_class=EntryClass.PPD, holder_name="[holder]", last4="0000", account=account
            ),
        },
    )


@staff_view(Perm.EDIT_ACCOUNTS)
@require_POST
def autopay_cancel_staff(request, autopay_id):
    enrolment = get_object_or_404(AutopayEnrolment.objects.select_related("account"), pk=autopay_id)
    try:
        autopay_cancel(enrolment_id=enrolment.pk, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Autopay from {enrolment.masked_account} cancelled.")
    return redirect(_account_page(enrolment.account))


@staff_view(Perm.VIEW_ACCOUNTS)
def autopay_signed_form(request, autopay_id):
    """The customer's signed authorization form, with the type its content shows (checked at
    upload). Served by this page, never from a public media URL: it shows a bank account."""
    enrolment = get_object_or_404(AutopayEnrolment, pk=autopay_id)
    if not enrolment.signed_form:
        raise Http404("This enrolment was made online: there is no signed form.")
    return stored_document_response(
        enrolment.signed_form, filename_stem=f"autopay-{enrolment.pk}-signed-form"
    )


@staff_view(Perm.RECONCILE_BANK)
def ach_file_list(request):
    return render(request, "payments/autopay/files.html", {"files": selectors.ach_files()})


@staff_view(Perm.RECONCILE_BANK)
def ach_file_download(request, ach_file_id):
    record = selectors.ach_file(ach_file_id)
    response = HttpResponse(crypto.decrypt_bytes(record.content), content_type="text/plain")
    response["Content-Disposition"] = f'attachment; filename="{record.file_name}"'
    # The file holds bank account numbers: never kept in a browser cache.
    response["Cache-Control"] = "private, no-store"
    return response


# -- the customer portal ---------------------------------------------------------------------


@customer_view
def portal_autopay(request):
    """The customer's accounts with their autopay, and the enrolment form for one of them
    (?account=ID; another customer's account answers 404)."""
    accounts = selectors.customer_accounts(request.user)
    chosen = request.GET.get("account")
    if chosen is None:
        return render(request, "payments/autopay/portal.html", {"accounts": accounts})
    account = selectors.access_customer_account(request.user, chosen)
    form = OnlineEnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            enrolment = autopay_enrol_online(
                account_id=account.pk, bank=form.bank(), by=request.user, ip=client_ip(request)
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _(
                    "Autopay is set up from %(masked)s. We first send your bank a zero-dollar "
                    "test; drafts start a few banking days later."
                )
                % {"masked": enrolment.masked_account},
            )
            return redirect("payments:portal_autopay")
    return render(
        request,
        "payments/autopay/portal_enrol.html",
        {
            "account": account,
            "form": form,
            "current": selectors.live_enrolment(account.pk),
            "authorization": authorization_text(
                entry_class=EntryClass.WEB,
                holder_name=_("[the account holder]"),
                last4="____",
                account=account,
            ),
        },
    )


@customer_view
@require_POST
def portal_autopay_cancel(request):
    account = selectors.access_customer_account(request.user, request.POST.get("account"))
    enrolment = selectors.live_enrolment(account.pk)
    if enrolment is None:
        messages.error(request, _("That account has no autopay to cancel."))
        return redirect("payments:portal_autopay")
    try:
        autopay_cancel(enrolment_id=enrolment.pk, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Autopay from %(masked)s is cancelled.") % {"masked": enrolment.masked_account},
        )
    return redirect("payments:portal_autopay")
