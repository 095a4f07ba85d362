"""Staff pages of the contact log, reception, referrals and cases. Thin: parse, call, render."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from accounts.contacts import selectors, services
from accounts.contacts.forms import (
    CaseAssignForm,
    CaseFilterForm,
    CaseNoteForm,
    CaseOpenForm,
    CaseReferForm,
    CaseStatusForm,
    QuickContactForm,
    ReceptionForm,
)
from accounts.models import Case, Contact, Customer, ServiceAccount
from accounts.panels import account_for_page
from accounts.search import search_accounts
from district.access import staff_view
from district.forms import add_service_error
from district.roles import Perm

PAGE_SIZE = 50
RECEPTION_HITS = 8
QUICK_PREFIX = "contact"  # ids of the quick-entry fields: contact-notes, contact-reason, ...


# -- the account page's quick entry


def log_panel_context(request, *, account, form=None, logged=None) -> dict:
    """What the "Log a contact" panel shows: the form, the latest contacts, the links."""
    return {
        "account": account,
        "form": form if form is not None else QuickContactForm(auto_id=f"{QUICK_PREFIX}-%s"),
        "recent": selectors.account_contacts(account, limit=selectors.RECENT_CONTACTS),
        "logged": logged,
        "may_open_case": request.user.has_perm(Perm.EDIT_ACCOUNTS),
    }


def timeline_panel_context(request, *, account) -> dict:
    return {"entries": selectors.account_timeline(account, user=request.user)}


@staff_view(Perm.VIEW_CUSTOMER_CONTACTS)
def account_contacts(request, account_id):
    """Log a contact on the account (the panel's htmx form posts here); GET lists them all."""
    account = account_for_page(account_id)
    form = QuickContactForm(request.POST or None, auto_id=f"{QUICK_PREFIX}-%s")
    logged = None
    if request.method == "POST" and form.is_valid():
        try:
            logged = services.contact_log(account=account, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            if not request.htmx:
                messages.success(request, f"Contact logged: {logged}.")
                return redirect("accounts:account_detail", account_id=account.pk)
            form = None  # a fresh form for the next contact
    if request.htmx:
        context = log_panel_context(request, account=account, form=form, logged=logged)
        if logged is not None:
            context.update(timeline_panel_context(request, account=account))
        return render(request, "accounts/contacts/_log_response.html", context)
    return render(
        request,
        "accounts/contacts/account_contacts.html",
        {
            "account": account,
            "form": form,
            "contacts": selectors.account_contacts(account),
            "may_open_case": request.user.has_perm(Perm.EDIT_ACCOUNTS),
        },
    )


# -- reception and referrals


@staff_view(Perm.VIEW_CUSTOMER_CONTACTS)
def reception(request):
    """Log a visitor or a call: ?q= finds an account, ?account= picks it; recent referrals."""
    query = request.GET.get("q", "").strip()
    hits = search_accounts(query, limit=RECEPTION_HITS) if query else []
    if request.htmx and request.method == "GET":
        return render(
            request, "accounts/contacts/reception.html#hits", {"query": query, "hits": hits}
        )
    form = ReceptionForm(request.POST or None, initial={"account": request.GET.get("account", "")})
    if request.method == "POST" and form.is_valid():
        try:
            contact = services.contact_log(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            to = selectors.referral_target(contact)
            messages.success(
                request,
                f"Logged: {contact} with {selectors.contact_about(contact)}"
                + (f", referred to {to}." if to else "."),
            )
            return redirect("accounts:reception")
    return render(
        request,
        "accounts/contacts/reception.html",
        {
            "form": form,
            "query": query,
            "hits": hits,
            "referrals": selectors.recent_referrals(),
        },
    )


REFERRAL_RETURNS = {"home": "home", "referrals": "accounts:referrals"}


@staff_view(Perm.VIEW_CUSTOMER_CONTACTS)
def referrals(request):
    """Referrals to you or your department; POST contact=<id> marks one done."""
    if request.method == "POST":
        contact_id = request.POST.get("contact", "")
        contact = get_object_or_404(Contact, pk=contact_id if contact_id.isdigit() else 0)
        try:
            services.referral_done(contact=contact, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, f"Referral done: {contact} with {selectors.contact_about(contact)}."
            )
        return redirect(REFERRAL_RETURNS.get(request.POST.get("next"), "accounts:referrals"))
    return render(
        request,
        "accounts/contacts/referrals.html",
        {"referrals": selectors.referrals_for(request.user)},
    )


# -- cases


def _page(request, cases, query: str = ""):
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    return {"page": page, "page_query": query}


@staff_view(Perm.VIEW_CUSTOMER_CONTACTS)
def cases_mine(request):
    """Open cases assigned to you: overdue first."""
    return render(
        request,
        "accounts/contacts/cases_mine.html",
        {
            **_page(request, selectors.my_cases(request.user)),
            "counts": selectors.my_case_counts(request.user),
        },
    )


def _filters_from(form: CaseFilterForm) -> selectors.CaseFilters:
    """The filters chosen, or the default view (every open case) when none are."""
    if not form.is_bound or not form.is_valid():
        return selectors.CaseFilters(status=selectors.OPEN_ANY)
    data = form.cleaned_data
    assignee = data["assignee"]
    return selectors.CaseFilters(
        status=data["status"],
        category=data["category"],
        department=data["department"],
        unassigned=assignee == "none",
        assigned_to_id=int(assignee) if assignee.isdigit() else None,
        overdue=data["overdue"],
    )


@staff_view(Perm.VIEW_CUSTOMER_CONTACTS)
def case_queue(request):
    """The team's cases, filtered by status, kind, department, assignee, overdue."""
    # Only the filters' own parameters bind the form: "?page=2" alone keeps the default view.
    chosen = {name: request.GET[name] for name in CaseFilterForm.base_fields if name in request.GET}
    form = CaseFilterForm(chosen or None)
    cases = selectors.case_queue(request.user, _filters_from(form))
    return render(
        request,
        "accounts/contacts/case_queue.html",
        {"filters": form, **_page(request, cases, f"{urlencode(chosen)}&" if chosen else "")},
    )


CATEGORY_FOR_REASON = {
    Contact.Reason.BILLING: Case.Category.BILLING_DISPUTE,
    Contact.Reason.HIGH_BILL: Case.Category.HIGH_BILL,
    Contact.Reason.LEAK: Case.Category.LEAK,
    Contact.Reason.SERVICE_QUALITY: Case.Category.SERVICE_QUALITY,
}


def _initial_case(request) -> dict:
    """?account=, ?customer= or ?contact= (a logged contact becomes the case's start)."""
    initial = {}
    account_id, customer_id = request.GET.get("account", ""), request.GET.get("customer", "")
    contact_id = request.GET.get("contact", "")
    if contact_id.isdigit():
        contact = Contact.objects.select_related("account").filter(pk=contact_id).first()
        if contact is not None:
            initial.update(
                category=CATEGORY_FOR_REASON.get(contact.reason, Case.Category.OTHER),
                subject=contact.get_reason_display(),
                description=contact.notes,
                account=contact.account.number if contact.account else "",
                customer=contact.customer_id if contact.customer_id else "",
            )
    if account_id.isdigit():
        account = ServiceAccount.objects.filter(pk=account_id).first()
        if account is not None:
            initial.update(account=account.number, customer=account.customer_id)
    if customer_id.isdigit() and Customer.objects.filter(pk=customer_id).exists():
        initial["customer"] = customer_id
    return initial


@staff_view(Perm.EDIT_ACCOUNTS)
def case_open(request):
    form = CaseOpenForm(request.POST or None, initial=_initial_case(request))
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_open(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"Case {case.pk} opened, due {case.due_date:%m/%d/%Y}.")
            return redirect("accounts:case_detail", case_id=case.pk)
    return render(request, "accounts/contacts/case_open.html", {"form": form})


def _case_page(request, case, *, forms: dict | None = None):
    forms = forms or {}
    may_edit = request.user.has_perm(Perm.EDIT_ACCOUNTS) and case.status != Case.Status.CLOSED
    return render(
        request,
        "accounts/contacts/case_detail.html",
        {
            "case": case,
            "notes": selectors.case_notes(case),
            "overdue": selectors.is_overdue(case),
            "may_edit": may_edit,
            "note_form": forms.get("note") or CaseNoteForm(auto_id="note-%s"),
            "status_form": forms.get("status") or CaseStatusForm(case=case, auto_id="status-%s"),
            "assign_form": forms.get("assign")
            or CaseAssignForm(auto_id="assign-%s", initial={"assigned_to": case.assigned_to_id}),
            "refer_form": forms.get("refer") or CaseReferForm(auto_id="refer-%s"),
        },
    )


@staff_view(Perm.VIEW_CUSTOMER_CONTACTS)
def case_detail(request, case_id):
    return _case_page(request, selectors.case_for(request.user, case_id))


def _case_action(request, case, action: str):
    """(the bound form, the service call given its cleaned data, the success message)."""
    data = request.POST
    if action == "note":
        return (
            CaseNoteForm(data, auto_id="note-%s"),
            lambda cleaned: services.case_note_add(case=case, by=request.user, **cleaned),
            "Note added.",
        )
    if action == "status":
        return (
            CaseStatusForm(data, case=case, auto_id="status-%s"),
            lambda cleaned: services.case_change_status(case=case, by=request.user, **cleaned),
            "Status changed.",
        )
    if action == "assign":
        return (
            CaseAssignForm(data, auto_id="assign-%s"),
            lambda cleaned: services.case_assign(case=case, by=request.user, **cleaned),
            "Case assigned.",
        )
    return (
        CaseReferForm(data, auto_id="refer-%s"),
        lambda cleaned: services.case_refer(case=case, by=request.user, **cleaned),
        "Case referred.",
    )


CASE_ACTIONS = ("note", "status", "assign", "refer")


@staff_view(Perm.EDIT_ACCOUNTS)
def case_update(request, case_id):
    """Add a note, change the status, assign or refer (the POST's "action" says which)."""
    case = selectors.case_for(request.user, case_id)
    action = request.POST.get("action")
    if request.method != "POST" or action not in CASE_ACTIONS:
        return _case_page(request, case)
    form, call, message = _case_action(request, case, action)
    if form.is_valid():
        try:
            call(form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, message)
            return redirect(reverse("accounts:case_detail", kwargs={"case_id": case.pk}))
    return _case_page(request, case, forms={action: form})
