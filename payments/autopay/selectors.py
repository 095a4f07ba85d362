"""Reads of autopay: an account's enrolment and latest drafts, the ACH files, and the customer's
own accounts (fetched and authorized in one call: "not yours" answers 404 as "does not exist").

Nothing here decrypts an account number: pages show the last four digits only (****6789).
"""

import datetime

from django.http import Http404
from django.utils import timezone

from accounts.models import ServiceAccount
from district.roles import Perm
from payments.autopay.drafting import ARRANGEMENT_SKIP, HOLD_SKIPS
from payments.models import AchDraft, AchFileRecord, AutopayEnrolment

PANEL_DRAFTS = 5
FILES_PAGE = 100


def live_enrolment(account_id: int) -> AutopayEnrolment | None:
    """The account's enrolment that is not cancelled, if any (one query)."""
    return (
        AutopayEnrolment.objects.filter(account_id=account_id)
        .exclude(status=AutopayEnrolment.Status.CANCELLED)
        .first()
    )


def latest_drafts(account_id: int, limit: int = PANEL_DRAFTS) -> list[AchDraft]:
    return list(
        AchDraft.objects.filter(enrolment__account_id=account_id)
        .select_related("bill")
        .order_by("-effective_date", "-id")[:limit]
    )


def hold_reason(account_id: int, on: datetime.date | None = None) -> str:
    """Why drafting skips the account today ("" when it does not): what the panel notes."""
    from billing.arrangements.selectors import arrangement_active
    from billing.collections.selectors import active_holds

    on = on or timezone.localdate()
    for hold in active_holds([account_id], on=on).get(account_id, []):
        if hold.kind in HOLD_SKIPS:
            return HOLD_SKIPS[hold.kind]
    return ARRANGEMENT_SKIP if arrangement_active(account_id, on) else ""


def account_panel(request, *, account, **_context) -> dict:
    """The account page's autopay panel."""
    enrolment = live_enrolment(account.pk)
    return {
        "enrolment": enrolment,
        "drafts": latest_drafts(account.pk),
        "skip_reason": hold_reason(account.pk) if enrolment and enrolment.is_active else "",
        "can_edit": request.user.has_perm(Perm.EDIT_ACCOUNTS),
    }


def ach_files(limit: int = FILES_PAGE) -> list[AchFileRecord]:
    """The newest ACH files written, without their content (one query)."""
    return list(
        AchFileRecord.objects.select_related("created_by")
        .defer("content")
        .order_by("-created_at", "-id")[:limit]
    )


def ach_file(file_id: int) -> AchFileRecord:
    record = AchFileRecord.objects.filter(pk=file_id).first()
    if record is None:
        raise Http404("No such ACH file.")
    return record


def customer_accounts(user) -> list[ServiceAccount]:
    """The signed-in customer's accounts with their live enrolments (two queries)."""
    if not getattr(user, "is_authenticated", False):
        return []
    accounts = list(
        ServiceAccount.objects.filter(portal_links__user=user)
        .select_related("premise")
        .order_by("pk")
    )
    live = {
        enrolment.account_id: enrolment
        for enrolment in AutopayEnrolment.objects.filter(account__in=accounts).exclude(
            status=AutopayEnrolment.Status.CANCELLED
        )
    }
    for account in accounts:
        account.autopay = live.get(account.pk)
    return accounts


def access_customer_account(user, account_id) -> ServiceAccount:
    """The customer's own account, or Http404 (not theirs, or no such account)."""
    try:
        account_id = int(account_id)
    except (TypeError, ValueError):
        raise Http404("No such account.") from None
    if not getattr(user, "is_authenticated", False):
        raise Http404("No such account.")
    account = ServiceAccount.objects.filter(pk=account_id, portal_links__user=user).first()
    if account is None:
        raise Http404("No such account.")
    return account


def customer_home_panel(request, **_context) -> dict:
    """The customer home page's autopay panel: each account's autopay state."""
    return {"accounts": customer_accounts(request.user)}
