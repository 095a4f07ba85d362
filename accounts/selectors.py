"""Reads of customers and service accounts that other code reuses."""

from django.db.models import Prefetch, Q, QuerySet

from accounts.models import Customer, CustomerFlag, ServiceAccount
from field_ops.models import Premise

DUPLICATE_LIMIT = 10


def likely_duplicates(
    *,
    kind: str = Customer.Kind.PERSON,
    first_name: str = "",
    last_name: str = "",
    business_name: str = "",
    phone: str = "",
    alternate_phone: str = "",
    mailing_line1: str = "",
    mailing_zip: str = "",
    exclude_pk: int | None = None,
    **_other,
) -> list[Customer]:
    """Customers on file who are probably the one being entered (fields already normalised).

    A person: same first and last name, and the same mailing address or a shared phone.
    A business: same business name and a shared phone.
    """
    phones = [number for number in (phone, alternate_phone) if number]
    same_phone = Q(phone__in=phones) | Q(alternate_phone__in=phones) if phones else None
    if kind == Customer.Kind.BUSINESS:
        if not business_name or same_phone is None:
            return []
        match = Q(kind=Customer.Kind.BUSINESS, business_name__iexact=business_name) & same_phone
    else:
        if not last_name:
            return []
        also = []
        if mailing_line1:
            same_address = Q(mailing_line1__iexact=mailing_line1)
            if mailing_zip:
                same_address &= Q(mailing_zip__istartswith=mailing_zip[:5])
            also.append(same_address)
        if same_phone is not None:
            also.append(same_phone)
        if not also:
            return []
        either = also[0] if len(also) == 1 else also[0] | also[1]
        match = (
            Q(kind=Customer.Kind.PERSON, last_name__iexact=last_name)
            & Q(first_name__iexact=first_name)
            & either
        )
    candidates = Customer.objects.filter(match).order_by("pk")
    if exclude_pk is not None:
        candidates = candidates.exclude(pk=exclude_pk)
    return list(candidates[:DUPLICATE_LIMIT])


def active_flags(customer: Customer) -> list[CustomerFlag]:
    return list(
        customer.flags.filter(cleared_at__isnull=True).select_related("set_by").order_by("flag")
    )


def customer_for_page(customer_id: int) -> Customer:
    """A customer with flags (and who set/cleared them) and service accounts, for its page."""
    return (
        Customer.objects.select_related("created_by")
        .prefetch_related(
            Prefetch(
                "flags",
                queryset=CustomerFlag.objects.select_related("set_by", "cleared_by").order_by(
                    "-set_at"
                ),
            ),
            Prefetch(
                "service_accounts",
                queryset=ServiceAccount.objects.select_related("premise").order_by(
                    "-start_date", "-id"
                ),
            ),
        )
        .get(pk=customer_id)
    )


def premise_accounts(premise: Premise) -> QuerySet[ServiceAccount]:
    """Every account at the premise over time, newest first, with its customer."""
    return (
        ServiceAccount.objects.filter(premise=premise)
        .select_related("customer")
        .order_by("-start_date", "-id")
    )


def active_account_at(premise: Premise, *, exclude_pk: int | None = None):
    """The premise's active account, or None."""
    accounts = ServiceAccount.objects.filter(premise=premise, status=ServiceAccount.Status.ACTIVE)
    if exclude_pk is not None:
        accounts = accounts.exclude(pk=exclude_pk)
    return accounts.first()


def premise_accounts_panel(request, *, premise: Premise, **_page) -> dict:
    """The "Accounts at this premise" panel of the premise page (registered by accounts)."""
    return {"premise_accounts": list(premise_accounts(premise))}
