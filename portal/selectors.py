"""Reads of the customer portal: the accounts a signed-in customer may see, and nothing else."""

from django.db.models import QuerySet
from django.http import Http404

from accounts.models import ServiceAccount


def linked_accounts(user) -> QuerySet[ServiceAccount]:
    """The service accounts this login holds, by account number."""
    return (
        ServiceAccount.objects.filter(portal_links__user=user)
        .select_related("customer", "premise")
        .order_by("number")
    )


def access_account(user, account_id) -> ServiceAccount:
    """One of this login's accounts; any other account (or none) answers 404, never 403, so a
    customer cannot learn that someone else's account number exists."""
    account = linked_accounts(user).filter(pk=account_id).first()
    if account is None:
        raise Http404("No such account.")
    return account
