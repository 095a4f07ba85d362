"""Outreach lists: accounts by program (enrolled now, expiring soon, or likely eligible and not
enrolled), for a page and a mailing-label file. Each list is one query.

"Likely eligible" is a residential account in service with repeated late payments: at least
LATE_PENALTIES late penalties (ledger fee journals crediting late fees) in the last
LATE_LOOKBACK_DAYS days, and no enrolment in the program covering today.
"""

import csv
import datetime
import io
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef

from accounts.models import Enrolment, Language, Program, ServiceAccount
from accounts.programs.selectors import covering
from district.ledger.models import Journal, JournalLine
from district.ledger.purposes import Purpose

ENROLLED, EXPIRING, LIKELY = "enrolled", "expiring", "likely"
LATE_PENALTIES = 2
LATE_LOOKBACK_DAYS = 365
LABEL_COLUMNS = ["name", "address_line1", "address_line2", "city", "state", "zip", "language"]
_LANGUAGES = dict(Language.choices)
# A cell a spreadsheet would run as a formula starts with one of these.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class OutreachRow:
    account_id: int
    account_number: str
    name: str  # as a label reads: "Maria Lopez", or the business's name
    address_line1: str
    address_line2: str
    city: str
    state: str
    zip_code: str
    language: str
    starts_on: datetime.date | None = None
    expires_on: datetime.date | None = None

    @property
    def label(self) -> list[str]:
        return [
            self.name,
            self.address_line1,
            self.address_line2,
            self.city,
            self.state,
            self.zip_code,
            self.language,
        ]


def _row(account: ServiceAccount, enrolment: Enrolment | None = None) -> OutreachRow:
    customer, premise = account.customer, account.premise
    name = (
        customer.business_name
        if customer.is_business
        else (f"{customer.first_name} {customer.last_name}".strip())
    )
    if customer.mailing_line1:
        address = (
            customer.mailing_line1,
            customer.mailing_line2,
            customer.mailing_city,
            customer.mailing_state,
            customer.mailing_zip,
        )
    else:  # no mailing address on file: the letter goes to the service address
        address = (premise.address_line, "", premise.city, premise.state, premise.zip_code)
    return OutreachRow(
        account.pk,
        account.formatted_number,
        name,
        *address,
        language=_LANGUAGES.get(customer.language, customer.language),
        starts_on=enrolment.starts_on if enrolment else None,
        expires_on=enrolment.expires_on if enrolment else None,
    )


def late_payers(since: datetime.date):
    """Account ids with at least LATE_PENALTIES late penalties posted since `since` (a
    subquery)."""
    return (
        JournalLine.objects.filter(
            gl_account__purpose=Purpose.AR_CUSTOMERS,
            amount__gt=0,
            effective_date__gte=since,
            journal__kind=Journal.Kind.FEE,
            journal__lines__gl_account__purpose=Purpose.FEES_LATE,
        )
        .values("service_account_id")
        .annotate(penalties=Count("journal_id", distinct=True))
        .filter(penalties__gte=LATE_PENALTIES)
        .values("service_account_id")
    )


def outreach_rows(
    *, program: Program, which: str, today: datetime.date, days: int = 60
) -> list[OutreachRow]:
    """The list's accounts in account number order (one query)."""
    if which == LIKELY:
        # NOT EXISTS rather than NOT IN (subquery): only the former is an anti-join; the latter
        # rescans the enrolments for every account once they outgrow work_mem.
        enrolled = Enrolment.objects.filter(
            covering(today), program=program, account_id=OuterRef("pk")
        )
        accounts = (
            ServiceAccount.objects.filter(
                customer_class=ServiceAccount.CustomerClass.RESIDENTIAL,
                status=ServiceAccount.Status.ACTIVE,
                pk__in=late_payers(today - datetime.timedelta(days=LATE_LOOKBACK_DAYS)),
            )
            .exclude(Exists(enrolled))
            .select_related("customer", "premise")
            .order_by("number")
        )
        return [_row(account) for account in accounts]
    enrolments = Enrolment.objects.filter(program=program).select_related(
        "account__customer", "account__premise"
    )
    if which == EXPIRING:
        enrolments = enrolments.filter(
            status=Enrolment.Status.ACTIVE,
            expires_on__gt=today,
            expires_on__lte=today + datetime.timedelta(days=days),
        )
    else:
        enrolments = enrolments.filter(covering(today))
    return [_row(e.account, e) for e in enrolments.order_by("account__number", "-starts_on")]


def _cell(value: str) -> str:
    return f"'{value}" if value.startswith(_FORMULA_STARTS) else value


def labels_csv(rows: list[OutreachRow]) -> str:
    """Mailing labels as CSV, one per account, sorted by ZIP then name (how mail is presorted)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(LABEL_COLUMNS)
    for row in sorted(rows, key=lambda row: (row.zip_code, row.name, row.account_number)):
        writer.writerow([_cell(value) for value in row.label])
    return out.getvalue()
