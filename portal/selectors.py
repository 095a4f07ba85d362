"""Reads of the customer portal: the accounts a signed-in customer may see, and nothing else."""

from allauth.account.models import EmailAddress
from django.db.models import Exists, QuerySet
from django.http import Http404

from accounts.models import ServiceAccount


def linked_accounts(user) -> QuerySet[ServiceAccount]:
    """The service accounts this login holds, by account number.

    A login waiting for its e-mail address to be verified (an online enrolment) holds nothing
    yet; a login with no address on record (linked by staff) is not waiting for anything.
    """
    waiting = EmailAddress.objects.filter(user_id=user.pk, verified=False)
    verified = EmailAddress.objects.filter(user_id=user.pk, verified=True)
    return (
        ServiceAccount.objects.filter(portal_links__user=user)
        .filter(~Exists(waiting) | Exists(verified))
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
