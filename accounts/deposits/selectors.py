"""Reads of deposits that the rules, the pages and other apps reuse (query-count aware).

What a deposit holds is the ledger's word: the "customer deposits held" lines are tagged with
the service account, so an account's deposit held is minus the sum of its lines there
(a liability: credits are negative).
"""

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import Count, Exists, F, Min, OuterRef, Prefetch, Q, QuerySet, Sum

from accounts.models import (
    Customer,
    Deposit,
    DepositGuideline,
    DepositGuidelineAmount,
    DepositInstallment,
    LetterOfCredit,
    ServiceAccount,
)
from district.ledger.models import Journal, JournalLine
from district.ledger.purposes import Purpose
from district.money import ZERO, quantize_money
from field_ops.models import Meter, Premise

# The name billing imports; new code writes Purpose.CUSTOMER_DEPOSITS.
DEPOSITS_PURPOSE = Purpose.CUSTOMER_DEPOSITS.value
# Statuses of a deposit decision that still stands on its account (see current_deposit).
STANDING = Q(status__in=[Deposit.Status.PENDING_APPROVAL, Deposit.Status.WAIVED]) | Q(
    status=Deposit.Status.CHARGED, closed_on__isnull=True
)
# A deposit the district holds: charged, some money, not carried to another account.
HELD = Q(status=Deposit.Status.CHARGED, closed_on__isnull=True, amount__gt=0)
_SIZE_ORDER = {size: position for position, size in enumerate(Meter.Size.values)}


# -- history and letters -----------------------------------------------------------------------


def customer_since(customer: Customer | None) -> datetime.date | None:
    """When the customer's service with the district began (accounts that really started)."""
    if customer is None or customer.pk is None:
        return None
    return (
        ServiceAccount.objects.filter(customer=customer)
        .exclude(status=ServiceAccount.Status.PENDING)
        # Closed before it started: a pending account abandoned, not service.
        .exclude(end_date__isnull=False, end_date__lte=F("start_date"))
        .aggregate(first=Min("start_date"))["first"]
    )


def letter_of_credit_on_file(
    customer: Customer | None, *, since: datetime.date, until: datetime.date
) -> LetterOfCredit | None:
    """The customer's latest letter of good credit dated within [since, until], if any."""
    if customer is None or customer.pk is None:
        return None
    return (
        LetterOfCredit.objects.filter(
            customer=customer, letter_date__gte=since, letter_date__lte=until
        )
        .order_by("-letter_date", "-id")
        .first()
    )


def customer_letters(customer: Customer) -> list[LetterOfCredit]:
    return list(
        LetterOfCredit.objects.filter(customer=customer)
        .select_related("recorded_by")
        .order_by("-letter_date", "-id")
    )


def premise_average_monthly_bill(
    premise: Premise,
    *,
    after: datetime.date,
    until: datetime.date,
    months: int,
    first_bill_by: datetime.date,
) -> Decimal | None:
    """The premise's average monthly bill over (after, until], or None without enough history.

    Bills are the receivable debits of "bill" journals tagged with any account at the premise
    (whoever lived there: the deposit follows the premise's use). Enough history means a bill
    dated on or before `first_bill_by`. The total over the window is divided by `months`, so
    monthly and bimonthly billing give the same average. One query.
    """
    if premise is None or premise.pk is None:
        return None
    totals = JournalLine.objects.filter(
        gl_account__purpose=Purpose.AR_CUSTOMERS,
        journal__kind=Journal.Kind.BILL,
        amount__gt=0,
        effective_date__lte=until,
        service_account_id__in=ServiceAccount.objects.filter(premise=premise).values("pk"),
    ).aggregate(
        first=Min("effective_date"), total=Sum("amount", filter=Q(effective_date__gt=after))
    )
    if totals["first"] is None or totals["first"] > first_bill_by:
        return None
    return quantize_money((totals["total"] or ZERO) / months)


# -- deposits of an account --------------------------------------------------------------------


def deposits_held(service_account_ids: Iterable[int]) -> dict[int, Decimal]:
    """What the district holds as deposit for each account, from the ledger (one query)."""
    ids = list(service_account_ids)
    held = dict.fromkeys(ids, ZERO)
    if ids:
        rows = (
            JournalLine.objects.filter(
                gl_account__purpose=Purpose.CUSTOMER_DEPOSITS, service_account_id__in=ids
            )
            .values("service_account_id")
            .annotate(total=Sum("amount"))
            .values_list("service_account_id", "total")
        )
        for account_id, total in rows:
            held[account_id] = quantize_money(-total)
    return held


def deposit_held(service_account_id: int) -> Decimal:
    return deposits_held([service_account_id])[service_account_id]


def account_deposits(account: ServiceAccount) -> list[Deposit]:
    """Every deposit of the account, newest first, with where it came from or went (1 query)."""
    open_installments = Q(installment_set__status=DepositInstallment.Status.OPEN)
    return list(
        Deposit.objects.filter(account=account)
        .select_related("guideline", "carried_from__account", "carried_to__account", "created_by")
        # the installments not billed yet (deposits in installments)
        .annotate(
            installments_left=Count("installment_set", filter=open_installments),
            installments_left_amount=Sum("installment_set__amount", filter=open_installments),
        )
        .order_by("-created_at", "-id")
    )


def current_deposit(account: ServiceAccount, *, for_update: bool = False) -> Deposit | None:
    """The account's standing deposit decision: awaiting approval, waived, or charged and not
    yet settled or carried away (a zero "none due" decision included). At most one stands."""
    deposits = Deposit.objects.filter(STANDING, account=account).order_by("-created_at", "-id")
    if for_update:
        deposits = deposits.select_for_update()
    return deposits.first()


def held_deposit(account: ServiceAccount, *, for_update: bool = False) -> Deposit | None:
    deposits = Deposit.objects.filter(HELD, account=account).order_by("created_at", "id")
    if for_update:
        deposits = deposits.select_for_update()
    return deposits.first()


def largest_meter_size(installations) -> str | None:
    """The largest size among a premise's current meter installations (the deposit follows the
    service's capacity), or None without a meter."""
    sizes = [installation.meter.size for installation in installations]
    return max(sizes, key=lambda size: _SIZE_ORDER.get(size, -1)) if sizes else None


# -- guidelines --------------------------------------------------------------------------------


def guideline_in_use(guideline: DepositGuideline) -> bool:
    """Whether any deposit was set under this version (it may then never be edited)."""
    return Deposit.objects.filter(guideline=guideline).exists()


def guidelines_for_list() -> QuerySet[DepositGuideline]:
    """Every version, newest first, with its amounts and whether it is in use (2 queries)."""
    return (
        DepositGuideline.objects.select_related("created_by")
        .annotate(in_use=Exists(Deposit.objects.filter(guideline=OuterRef("pk"))))
        .prefetch_related(
            Prefetch(
                "amounts",
                queryset=DepositGuidelineAmount.objects.order_by("customer_class", "meter_size"),
            )
        )
        .order_by("-effective_from")
    )


def amount_table(guideline: DepositGuideline) -> dict[tuple[str, str], Decimal]:
    """{(customer class, meter size): amount} of a version (uses prefetched amounts if any)."""
    return {(row.customer_class, row.meter_size): row.amount for row in guideline.amounts.all()}


def amount_grid(table: dict[tuple[str, str], Decimal]) -> list[dict]:
    """The table as rows by class, with a cell per meter size (None where no amount is set)."""
    return [
        {
            "customer_class": label,
            "cells": [
                (size_label, table.get((customer_class, size)))
                for size, size_label in Meter.Size.choices
            ],
        }
        for customer_class, label in ServiceAccount.CustomerClass.choices
    ]
