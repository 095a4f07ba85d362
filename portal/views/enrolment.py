"""Enrolment, adding an account, and the customer's sign-in and security page."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters

from district.access import customer_view, public_view
from district.client_ip import client_ip
from district.errors import ServiceError
from district.forms import add_service_error
from district.roles import is_staff_user
from portal.enrolment.forms import BillFactsForm, EnrolmentForm
from portal.enrolment.services import account_add, enrolment_start


def _portal_home() -> str:
    """The customer's home page, or the add-an-account page while the home page is not built."""
    try:
        return reverse("portal:home")
    except NoReverseMatch:
        return reverse("portal:account_add")


@public_view
@sensitive_post_parameters("password")
def enrol(request):
    """Enrol online: the account number, a second fact from the bill, an e-mail and a password."""
    if request.user.is_authenticated and not is_staff_user(request.user):
        return redirect("portal:account_add")  # a signed-in customer adds to their own login
    form = EnrolmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            enrolment_start(
                facts=form.facts(),
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password"],
                ip=client_ip(request),
                request=request,
            )
        except ServiceError as error:
            add_service_error(form, error)
        else:
            return redirect("portal:enrol_sent")
    return render(request, "portal/enrolment/enrol.html", {"form": form})


@public_view
def enrol_sent(request):
    return render(request, "portal/enrolment/enrol_sent.html")


@customer_view
def account_add_page(request):
    """Add another account to the signed-in customer's login, proven the same way."""
    form = BillFactsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            link = account_add(user=request.user, facts=form.facts(), ip=client_ip(request))
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("Account %(number)s is now in your list.")
                % {"number": link.service_account.formatted_number},
            )
            return redirect(_portal_home())
    return render(request, "portal/enrolment/account_add.html", {"form": form})


@customer_view
def sign_in_security(request):
    """Password, e-mail address and two-step sign-in (allauth's pages), from one place."""
    return render(request, "portal/enrolment/sign_in_security.html")
