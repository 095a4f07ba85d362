"""Staff pages of write-offs. Thin: parse, call a service, render."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from billing.writeoffs import agency, selectors, services
from billing.writeoffs.forms import WriteOffFilterForm, WriteOffForm
from billing.writeoffs.models import AgencyExport
from district.access import staff_view
from district.forms import add_service_error
from district.money import format_money
from district.policies import policy_value
from district.roles import Perm
from district.sign_in import reauthentication_required


def _row_form(proposal, data=None) -> WriteOffForm:
    # Each row's inputs get their own ids (one form per row on the same page).
    return WriteOffForm(
        data,
        initial={"account_id": proposal.account.pk, "amount": proposal.balance},
        auto_id=f"id_%s_{proposal.account.pk}",
    )


def _limit_text(user) -> str:
    limit = format_money(policy_value(selectors.LIMIT_POLICY))
    if user.has_perm(Perm.APPROVE_REQUESTS):
        return (
            f"Write-offs up to {limit} post at once; larger ones wait for another "
            "supervisor's approval."
        )
    return "Your write-offs go to a supervisor for approval before they post."


def _posted_message(request, write_off) -> None:
    amount = format_money(write_off.amount)
    number = write_off.account.formatted_number
    if write_off.is_posted:
        messages.success(request, f"{amount} of account {number} was written off.")
    else:
        messages.info(
            request, f"The {amount} write-off of account {number} is waiting for approval."
        )


@staff_view(Perm.VIEW_REPORTS)
@reauthentication_required
def proposals(request):
    """Ended accounts whose balance is old enough to write off, each with a write-off form."""
    bound = None
    if request.method == "POST":
        bound = WriteOffForm(request.POST, auto_id=f"id_%s_{request.POST.get('account_id')}")
        if bound.is_valid():
            data = bound.cleaned_data
            try:
                write_off = services.writeoff_post(
                    account=data["account_id"],
                    amount=data["amount"],
                    reason=data["reason"],
                    by=request.user,
                )
            except ValidationError as error:
                add_service_error(bound, error)
            else:
                _posted_message(request, write_off)
                return redirect(reverse("writeoffs:proposals"))
    can_propose = services.can_propose(request.user)
    found = selectors.write_off_proposals()
    rows = []
    shown = False
    for proposal in found.rows:
        if bound is not None and bound.data.get("account_id") == str(proposal.account.pk):
            rows.append((proposal, bound))
            shown = can_propose
        else:
            rows.append((proposal, _row_form(proposal)))
    if bound is not None and not shown:
        # The refused row is not on the page (or has no form for this role): say it above.
        for error in bound.errors.values():
            messages.error(request, " ".join(error))
    return render(
        request,
        "writeoffs/proposals.html",
        {
            "proposals": found,
            "rows": rows,
            "can_propose": can_propose,
            "limit_text": _limit_text(request.user),
        },
    )


@staff_view(Perm.VIEW_REPORTS)
def write_off_list(request):
    form = WriteOffFilterForm(request.GET or None)
    status = form.cleaned_data["status"] if form.is_valid() else ""
    return render(
        request,
        "writeoffs/list.html",
        {"form": form, "write_offs": selectors.write_offs(status=status)},
    )


@staff_view(Perm.APPROVE_REQUESTS)
def exports(request):
    """The collection agency's files: make the next one, download any again."""
    if request.method == "POST":
        try:
            export = agency.agency_export_create(by=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                f"Agency file {export.pk} made: {export.placement_count} placed "
                f"({format_money(export.placement_total)}), {export.recovery_count} "
                "recovered since an earlier file.",
            )
        return redirect(reverse("writeoffs:exports"))
    return render(
        request,
        "writeoffs/exports.html",
        {
            "placements": selectors.unsent_placements().count(),
            "recoveries": selectors.unsent_recoveries().values("write_off_id").distinct().count(),
            "exports": selectors.agency_exports(),
        },
    )


@staff_view(Perm.APPROVE_REQUESTS)
def export_download(request, export_id):
    """The file as it was sent (the same bytes every time)."""
    export = get_object_or_404(AgencyExport, pk=export_id)
    response = HttpResponse(export.content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    return response
