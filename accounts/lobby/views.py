"""Staff pages of the lobby queue. Thin: parse, call a service, render or redirect."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts.lobby import selectors, services
from accounts.lobby.forms import DeskForm, FinishForm, StatsForm, TicketTakeForm
from accounts.search import search_accounts
from district.access import staff_view
from district.forms import add_service_error
from district.roles import Perm

TAKE_HITS = 8
DESK_SESSION_KEY = "lobby_desk"  # the window a CSR last called to, offered again next time


# -- reception


@staff_view(Perm.VIEW_CUSTOMER_CONTACTS)
def ticket_take(request):
    """Give a visitor a ticket: ?q= finds their account (the counter search), ?account= picks it."""
    query = request.GET.get("q", "").strip()
    hits = search_accounts(query, limit=TAKE_HITS) if query else []
    if request.htmx and request.method == "GET":
        return render(request, "accounts/lobby/take.html#hits", {"query": query, "hits": hits})
    form = TicketTakeForm(request.POST or None, initial={"account": request.GET.get("account", "")})
    if request.method == "POST" and form.is_valid():
        try:
            ticket = services.ticket_take(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request, f"Ticket {ticket.label}: {ticket.get_reason_display().lower()}."
            )
            return redirect("accounts:lobby_take")
    return render(
        request,
        "accounts/lobby/take.html",
        {"form": form, "query": query, "hits": hits, "line": selectors.waiting()},
    )


# -- the public lobby screen


@staff_view(Perm.VIEW_CUSTOMER_CONTACTS)
def lobby_screen(request):
    """The display in the lobby: numbers and reasons only; htmx refreshes the board."""
    context = {**selectors.screen(), "now": timezone.localtime()}
    if request.htmx:
        return render(request, "accounts/lobby/screen.html#board", context)
    return render(request, "accounts/lobby/screen.html", context)


# -- the CSR's desk


def _desk_form(request, data=None) -> DeskForm:
    return DeskForm(data, initial={"desk": request.session.get(DESK_SESSION_KEY, "")})


def _desk_page(request, *, desk_form=None, finish_form=None, status=200):
    return render(
        request,
        "accounts/lobby/desk.html",
        {
            "desk_form": desk_form or _desk_form(request),
            "finish_form": finish_form or FinishForm(),
            "mine": selectors.with_csr(request.user),
            "line": selectors.waiting(),
            "skills": services.skills_of(request.user),
            "skill_labels": [
                services.Skill(skill).label for skill in services.skills_of(request.user)
            ],
        },
        status=status,
    )


@staff_view(Perm.VIEW_CUSTOMER_CONTACTS)
def desk(request):
    """Your called tickets, the line with names, and "call next"."""
    return _desk_page(request)


def _serve_url(ticket) -> str:
    """Where a called ticket is worked: its account's page with the ticket banner, or its own."""
    if ticket.account_id:
        page = reverse("accounts:account_detail", kwargs={"account_id": ticket.account_id})
        return f"{page}?ticket={ticket.pk}"
    return reverse("accounts:lobby_ticket", kwargs={"ticket_id": ticket.pk})


@staff_view(Perm.VIEW_CUSTOMER_CONTACTS)
@require_POST
def call_next(request):
    form = _desk_form(request, request.POST)
    if not form.is_valid():
        return _desk_page(request, desk_form=form, status=400)
    try:
        ticket = services.ticket_call_next(desk=form.cleaned_data["desk"], by=request.user)
    except ValidationError as error:
        add_service_error(form, error)
        return _desk_page(request, desk_form=form, status=400)
    request.session[DESK_SESSION_KEY] = form.cleaned_data["desk"]
    if ticket is None:
        messages.info(request, "Nobody is waiting for what your role does.")
        return redirect("accounts:lobby_desk")
    messages.success(request, f"{ticket} called to {ticket.desk}.")
    return redirect(_serve_url(ticket))


def _ticket(ticket_id):
    ticket = selectors.ticket_for_page(ticket_id)
    if ticket is None:
        raise Http404("No such ticket.")
    return ticket


@staff_view(Perm.VIEW_CUSTOMER_CONTACTS)
def ticket_detail(request, ticket_id):
    ticket = _ticket(ticket_id)
    return render(
        request,
        "accounts/lobby/ticket.html",
        {"ticket": ticket, "finish_form": FinishForm(), "desk_form": _desk_form(request)},
    )


def _next_url(request, default: str) -> str:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


TICKET_ACTIONS = ("call", "start", "finish", "left")


@staff_view(Perm.VIEW_CUSTOMER_CONTACTS)
@require_POST
def ticket_update(request, ticket_id):
    """Call this ticket, start serving, finish or mark a no-show (the POST's "action" says)."""
    ticket = _ticket(ticket_id)
    action = request.POST.get("action")
    if action not in TICKET_ACTIONS:
        messages.error(request, "Choose what to do with the ticket.")
        return redirect("accounts:lobby_desk")
    back = _next_url(request, reverse("accounts:lobby_desk"))
    try:
        if action == "call":
            form = _desk_form(request, request.POST)
            if not form.is_valid():
                return _desk_page(request, desk_form=form, status=400)
            ticket = services.ticket_call(
                ticket=ticket, desk=form.cleaned_data["desk"], by=request.user
            )
            request.session[DESK_SESSION_KEY] = ticket.desk
            messages.success(request, f"{ticket} called to {ticket.desk}.")
            return redirect(_serve_url(ticket))
        if action == "start":
            ticket = services.ticket_start(ticket=ticket, by=request.user)
            messages.success(request, f"Serving {ticket}.")
            return redirect(back)
        if action == "finish":
            form = FinishForm(request.POST)
            if not form.is_valid():
                return _desk_page(request, finish_form=form, status=400)
            ticket = services.ticket_finish(ticket=ticket, by=request.user, **form.cleaned_data)
            messages.success(request, f"{ticket} served; the visit is in the contact history.")
            return redirect("accounts:lobby_desk")
        ticket = services.ticket_left(ticket=ticket, by=request.user)
        messages.success(request, f"{ticket} marked as left.")
        return redirect("accounts:lobby_desk")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(back)


# -- the supervisor's numbers


@staff_view(Perm.VIEW_REPORTS)
def stats(request):
    """Wait and service times by reason for a day or a week."""
    form = StatsForm(request.GET or None)
    first, last = form.period(timezone.localdate())
    return render(
        request,
        "accounts/lobby/stats.html",
        {"form": form, "first": first, "last": last, **selectors.wait_stats(first, last)},
    )
