"""The collection agency's file: posted write-offs not sent yet, and what was recovered since on
write-offs sent earlier, in one CSV, recorded so each write-off (and each recovery) is sent once.

Who: a supervisor (APPROVE_REQUESTS with VIEW_CUSTOMER_CONTACTS). Placing a debt with an agency
is a collections decision, and the file carries the customer's phone and addresses, which
Finance does not see (Government Code 6254.16, district/roles.py); Finance sees the amounts in
the write-offs list and the ledger.
"""

import csv
import io
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import ServiceAccount
from billing.writeoffs.models import AgencyExport, WriteOff, WriteOffRecovery
from billing.writeoffs.selectors import last_payment_dates, unsent_placements, unsent_recoveries
from district.attribution import acting_user
from district.errors import ServiceError, require
from district.money import ZERO
from district.phones import format_phone
from district.roles import Perm

EXPORT_PERMISSIONS = (Perm.APPROVE_REQUESTS, Perm.VIEW_CUSTOMER_CONTACTS)

HEADER = [
    "Record",
    "Account number",
    "Customer name",
    "Mailing address",
    "Forwarding address",
    "Phone",
    "Amount written off",
    "Recovered",
    "Still owed",
    "Final bill date",
    "Last payment date",
    "Written off on",
]
# Record: a new debt for the agency to collect, a payment the district received on one it
# holds (collect the rest), or a debt paid in full (stop collecting).
PLACEMENT, RECOVERY, RECALL = "placement", "recovery", "recall"


def _address(line1: str, line2: str, city: str, state: str, zip_code: str) -> str:
    if not line1:
        return ""
    place = f"{city}, {state} {zip_code}".strip(", ")
    return ", ".join(part for part in (line1, line2, place) if part)


def mailing_address(account: ServiceAccount) -> str:
    customer = account.customer
    return _address(
        customer.mailing_line1,
        customer.mailing_line2,
        customer.mailing_city,
        customer.mailing_state,
        customer.mailing_zip,
    )


def forwarding_address(account: ServiceAccount) -> str:
    """The forwarding address the customer left when stopping service (accounts.StopRequest)."""
    stop = getattr(account, "stop", None)
    if stop is None:
        return ""
    return _address(
        stop.forwarding_line1,
        stop.forwarding_line2,
        stop.forwarding_city,
        stop.forwarding_state,
        stop.forwarding_zip,
    )


def _date(value) -> str:
    return value.isoformat() if value else ""


def _row(record: str, write_off: WriteOff, last_payment) -> list[str]:
    account = write_off.account
    return [
        record,
        account.number,
        account.customer.display_name,
        mailing_address(account),
        forwarding_address(account),
        format_phone(account.customer.phone),
        str(write_off.amount),
        str(write_off.recovered_amount),
        str(write_off.outstanding),
        _date(write_off.final_bill.bill_date if write_off.final_bill else None),
        _date(last_payment),
        _date(timezone.localtime(write_off.posted_at).date() if write_off.posted_at else None),
    ]


def agency_csv(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    return buffer.getvalue()


@transaction.atomic
def agency_export_create(*, by) -> AgencyExport:
    """Make the next agency file: every posted write-off not sent yet (placements) and, for
    write-offs sent earlier, the recoveries since (recovery, or recall when paid in full)."""
    require(by, *EXPORT_PERMISSIONS, doing="send write-offs to the collection agency")
    with acting_user(by):
        # Locked in id order, so two supervisors pressing at once make one file, not two.
        placements = list(unsent_placements().select_for_update(of=("self",)))
        recoveries = list(unsent_recoveries().select_for_update(of=("self",)))
        if not placements and not recoveries:
            raise ServiceError("Nothing new to send: every posted write-off was sent already.")
        recovered_by_write_off: dict[int, WriteOff] = {}
        recovery_total = ZERO
        for recovery in recoveries:
            recovered_by_write_off.setdefault(recovery.write_off_id, recovery.write_off)
            recovery_total += recovery.amount
        told = list(recovered_by_write_off.values())
        account_ids = [w.account_id for w in placements] + [w.account_id for w in told]
        payments = last_payment_dates(sorted(set(account_ids)))
        rows = [_row(PLACEMENT, w, payments.get(w.account_id)) for w in placements]
        rows += [
            _row(RECALL if w.outstanding == 0 else RECOVERY, w, payments.get(w.account_id))
            for w in told
        ]
        export = AgencyExport.objects.create(
            created_by=by,
            content=agency_csv(rows),
            placement_count=len(placements),
            placement_total=sum((w.outstanding for w in placements), Decimal("0.00")),
            recovery_count=len(told),
            recovery_total=recovery_total,
        )
        placed_ids = [w.pk for w in placements]
        WriteOff.objects.filter(pk__in=placed_ids).update(agency_export=export)
        # Recoveries of the write-offs placed now are in the placement's "Recovered" column;
        # recoveries of earlier placements are this file's recovery rows: told either way.
        # (Only the rows read above: a recovery committed since waits for the next file.)
        WriteOffRecovery.objects.filter(agency_export__isnull=True).filter(
            Q(write_off_id__in=placed_ids) | Q(pk__in=[r.pk for r in recoveries])
        ).update(agency_export=export)
        return export
