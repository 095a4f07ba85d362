"""Issuing the written disconnection notice of a delinquency (H&S Code 116908, 116916).

The pay-by date is the earliest lawful shut-off day: the latest of the bill's 60th delinquent
day (or the stricter policy), the 7th business day after the notice (or the stricter policy),
and, for a landlord-billed account, 10 days after the tenants' notice (7 for a detached
single-family house); moved to the next business day, since water is not shut off while the
office is closed.

The notice is stored as the facts it was made from (one entry per copy) and its PDF rendered
from them when opened, so the PDF shown is the notice issued. billing.collections.notices
writes the text; it is imported inside the functions because it is built beside this module.
"""

import dataclasses
import datetime
from decimal import Decimal

from django.utils import timezone

from accounts.models import ServiceAccount
from billing.collections import ladder
from billing.collections.models import DisconnectionNotice
from billing.collections.selectors import DelinquencyFact
from district.business_days import BusinessCalendar, business_calendar
from district.errors import ServiceError
from field_ops.models import Premise

DATE_FIELDS = ("pay_by", "issued_on")


def is_detached_single_family(premise: Premise) -> bool:
    return premise.premise_type == Premise.PremiseType.SINGLE_FAMILY and premise.dwelling_units == 1


def earliest_shutoff(
    *,
    account: ServiceAccount,
    oldest_due_date: datetime.date,
    issued_on: datetime.date,
    calendar: BusinessCalendar | None = None,
) -> datetime.date:
    """The notice's pay-by date (see the module)."""
    calendar = calendar or business_calendar(issued_on, issued_on + datetime.timedelta(days=180))
    candidates = [
        oldest_due_date + datetime.timedelta(days=ladder.shutoff_days_floor()),
        calendar.add_business_days(issued_on, ladder.notice_business_days()),
    ]
    if account.tenants_occupy:
        detached = is_detached_single_family(account.premise)
        candidates.append(
            issued_on + datetime.timedelta(days=ladder.tenant_notice_days(detached=detached))
        )
    return calendar.add_business_days(max(candidates), 0)


def mailing_lines(account: ServiceAccount) -> tuple[str, ...]:
    """The customer's mailing address as envelope lines; the service address when none is kept
    (the customer gets their mail there)."""
    customer = account.customer
    if not customer.mailing_line1.strip():
        premise = account.premise
        return (
            premise.address_line,
            f"{premise.city}, {premise.state} {premise.zip_code}".strip(", "),
        )
    city = f"{customer.mailing_city}, {customer.mailing_state} {customer.mailing_zip}"
    lines = (customer.mailing_line1, customer.mailing_line2, city.strip(", "))
    return tuple(line.strip() for line in lines if line.strip())


def notice_facts_for(
    *, account: ServiceAccount, amount: Decimal, pay_by: datetime.date, issued_on: datetime.date
):
    from billing.collections.notices import CUSTOMER, NoticeFacts, notice_facts_defaults

    return NoticeFacts(
        language=account.customer.language,
        kind=CUSTOMER,
        addressee=account.customer.display_name,
        mailing_address=mailing_lines(account),
        service_address=account.premise.full_address,
        account_number=account.formatted_number,
        amount_delinquent=amount,
        pay_by=pay_by,
        issued_on=issued_on,
        **notice_facts_defaults(),
    )


def tenant_facts_for(customer_facts):
    from billing.collections.notices import OCCUPANT, TENANT
    from billing.collections.notices.facts import service_address_lines

    return dataclasses.replace(
        customer_facts,
        kind=TENANT,
        addressee=OCCUPANT,
        mailing_address=service_address_lines(customer_facts.service_address),
    )


def facts_to_json(facts) -> dict:
    stored = dataclasses.asdict(facts)
    stored["mailing_address"] = list(facts.mailing_address)
    stored["amount_delinquent"] = str(facts.amount_delinquent)
    for name in DATE_FIELDS:
        stored[name] = getattr(facts, name).isoformat()
    return stored


def facts_from_json(stored: dict):
    from billing.collections.notices import NoticeFacts

    values = dict(stored)
    values["mailing_address"] = tuple(values["mailing_address"])
    values["amount_delinquent"] = Decimal(values["amount_delinquent"])
    for name in DATE_FIELDS:
        values[name] = datetime.date.fromisoformat(values[name])
    return NoticeFacts(**values)


def notice_copy_pdf(notice: DisconnectionNotice, copy: str) -> bytes:
    """One copy's PDF ("customer", "occupant" or "tenant"), rendered from the stored facts."""
    from billing.collections.notices import notice_pdf

    if copy not in notice.facts:
        raise ServiceError("This notice has no such copy.")
    return notice_pdf(facts_from_json(notice.facts[copy]))


def notice_issue(
    *,
    account: ServiceAccount,
    delinquency: DelinquencyFact,
    on: datetime.date,
    by=None,
    calendar: BusinessCalendar | None = None,
) -> DisconnectionNotice:
    """Issue the notice of this delinquency (the nightly ladder's step; see collections_run).

    Refused with a ServiceError naming what the notice would lack (nothing written) when any
    copy is incomplete. Issuing again for the same delinquency returns the first notice.
    """
    from billing.collections.notices import (
        needs_occupant_copy,
        notice_language,
        notice_missing,
        occupant_copy,
    )

    existing = DisconnectionNotice.objects.filter(
        account=account, bill_id=delinquency.oldest_unpaid_bill_id
    ).first()
    if existing is not None:
        return existing
    pay_by = earliest_shutoff(
        account=account,
        oldest_due_date=delinquency.oldest_due_date,
        issued_on=on,
        calendar=calendar,
    )
    customer = notice_facts_for(
        account=account, amount=delinquency.past_due, pay_by=pay_by, issued_on=on
    )
    copies = {"customer": customer}
    if needs_occupant_copy(customer):
        copies["occupant"] = occupant_copy(customer)
    if account.tenants_occupy:
        copies["tenant"] = tenant_facts_for(customer)
    missing = []
    for name, facts in copies.items():
        missing.extend(f"{name} copy: {label}" for label in notice_missing(facts))
    if missing:
        raise ServiceError(
            f"The disconnection notice for account {account.formatted_number} was not issued; "
            "it lacks: " + "; ".join(missing) + ".",
            code="notice_incomplete",
        )
    return DisconnectionNotice.objects.create(
        account=account,
        bill_id=delinquency.oldest_unpaid_bill_id,
        issued_on=on,
        pay_by=pay_by,
        amount_delinquent=delinquency.past_due,
        language=notice_language(customer.language),
        occupant_copy="occupant" in copies,
        tenant_notice_on=on if account.tenants_occupy else None,
        facts={name: facts_to_json(facts) for name, facts in copies.items()},
        created_at=timezone.now(),
        created_by=by,
    )
