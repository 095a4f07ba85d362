"""Reads of ACH returns and notifications of change: the files imported, one file's entries,
the queue of pending changes and an account's history (each a fixed number of queries)."""

from django.http import Http404

from payments.autopay.noc import notice_description
from payments.models import AchChangeNotice, AchReturnEntry, AchReturnFile

FILES_SHOWN = 20
HISTORY_SHOWN = 10


def return_files(limit: int = FILES_SHOWN) -> list[AchReturnFile]:
    return list(
        AchReturnFile.objects.select_related("imported_by").order_by("-imported_at")[:limit]
    )


def return_file(file_id: int) -> AchReturnFile:
    file = AchReturnFile.objects.select_related("imported_by").filter(pk=file_id).first()
    if file is None:
        raise Http404("No such ACH return file.")
    return file


def return_file_entries(file: AchReturnFile) -> list[AchReturnEntry]:
    return list(
        AchReturnEntry.objects.filter(file=file)
        .select_related("enrolment__account__customer", "draft")
        .order_by("line_number")
    )


def pending_change_notices() -> list[AchChangeNotice]:
    """The notices waiting for a CSR, oldest first, each with its description."""
    notices = list(
        AchChangeNotice.objects.filter(status=AchChangeNotice.Status.PENDING)
        .select_related("enrolment__account__customer", "entry__file")
        .order_by("created_at", "id")
    )
    for notice in notices:
        notice.description = notice_description(notice)
    return notices


def account_return_history(account_id: int, limit: int = HISTORY_SHOWN) -> dict:
    """The account's latest ACH returns and notifications of change (the account panel)."""
    entries = list(
        AchReturnEntry.objects.filter(enrolment__account_id=account_id)
        .exclude(outcome=AchReturnEntry.Outcome.DUPLICATE)
        .select_related("file", "change_notice__decided_by")
        .order_by("-file__imported_at", "-id")[:limit]
    )
    for entry in entries:
        notice = getattr(entry, "change_notice", None)
        entry.notice = notice
        entry.description = notice_description(notice) if notice else ""
    return {"ach_returns": entries}
