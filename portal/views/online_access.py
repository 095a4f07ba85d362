"""Staff pages of a customer account's online sign-ins (the account page's lazy panel)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.models import ServiceAccount
from district.access import staff_view
from district.errors import ServiceError
from district.forms import add_service_error
from district.roles import Perm
from portal.enrolment import staff
from portal.enrolment.forms import OnlineAccessChangeForm
from portal.models import AccountLink

PANEL = "portal/online_access/panel.html"


def _account_url(account_id: int) -> str:
    return reverse("accounts:account_detail", args=[account_id])


def _state(request, account: ServiceAccount, status: str = ""):
    """The panel's content: as an htmx fragment in the account page, or as a page of its own."""
    context = {
        "account": account,
        "logins": staff.online_logins(account),
        "may_edit": request.user.has_perm(Perm.EDIT_ACCOUNTS),
        "status": status,
        "account_url": _account_url(account.pk),
    }
    template = f"{PANEL}#state" if request.htmx else PANEL
    return render(request, template, context)


@staff_view(Perm.VIEW_CUSTOMER_CONTACTS)
def online_access(request, account_id):
    account = get_object_or_404(ServiceAccount.objects.select_related("customer"), pk=account_id)
    return _state(request, account)


def _link(link_id) -> AccountLink:
    return get_object_or_404(
        AccountLink.objects.select_related("user", "service_account__customer"), pk=link_id
    )


def _quick_action(request, link_id, action, done: str):
    link = _link(link_id)
    account = link.service_account
    try:
        action(link)
    except ServiceError as error:
        status = " ".join(error.messages)
    else:
        status = done
    if request.htmx:
        return _state(request, account, status)
    messages.info(request, status)
    return redirect(_account_url(account.pk))


@require_POST
@staff_view(Perm.EDIT_ACCOUNTS)
def online_access_resend(request, link_id):
    return _quick_action(
        request,
        link_id,
        lambda link: staff.verification_resend(link_id=link.pk, by=request.user, request=request),
        "The verification e-mail is on its way.",
    )


@require_POST
@staff_view(Perm.EDIT_ACCOUNTS)
def online_access_unlock(request, link_id):
    return _quick_action(
        request,
        link_id,
        lambda link: staff.login_unlock(link_id=link.pk, by=request.user),
        "The sign-in is unlocked.",
    )


def _confirmed_change(request, link_id, *, service, title: str, explain: str, done: str):
    link = _link(link_id)
    account = link.service_account
    form = OnlineAccessChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            service(link_id=link.pk, by=request.user, **form.cleaned_data)
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(request, done)
            return redirect(_account_url(account.pk))
    return render(
        request,
        "portal/online_access/confirm.html",
        {
            "form": form,
            "link": link,
            "account": account,
            "title": title,
            "explain": explain,
            "account_url": _account_url(account.pk),
        },
    )


@staff_view(Perm.EDIT_ACCOUNTS)
def online_access_remove_mfa(request, link_id):
    return _confirmed_change(
        request,
        link_id,
        service=staff.mfa_remove,
        title="Remove two-step sign-in",
        explain=(
            "Only after you have confirmed who the customer is (the questions of the identity "
            "check). The customer then signs in with the password alone and may set it up again."
        ),
        done="Two-step sign-in removed; the contact log records it.",
    )


@staff_view(Perm.EDIT_ACCOUNTS)
def online_access_unlink(request, link_id):
    return _confirmed_change(
        request,
        link_id,
        service=staff.link_remove,
        title="Unlink the online sign-in",
        explain=(
            "The sign-in no longer sees this account (it keeps any other accounts it holds)."
        ),
        done="The sign-in is unlinked from this account; the contact log records it.",
    )
