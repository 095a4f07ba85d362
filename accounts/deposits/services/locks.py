"""The lock order of every deposit action: the service account, then its deposits."""

from accounts.models import Deposit, ServiceAccount
from district.errors import ServiceError


def lock_account(account: ServiceAccount) -> ServiceAccount:
    return (
        ServiceAccount.objects.select_for_update(of=("self",))
        .select_related("customer", "premise")
        .get(pk=account.pk)
    )


def lock_deposit(deposit_id: int) -> Deposit:
    """The deposit locked after its account."""
    try:
        account_id = Deposit.objects.values_list("account_id", flat=True).get(pk=deposit_id)
    except (Deposit.DoesNotExist, ValueError, TypeError):
        raise ServiceError("That deposit does not exist.") from None
    account = ServiceAccount.objects.select_for_update().get(pk=account_id)
    deposit = Deposit.objects.select_for_update().select_related("guideline").get(pk=deposit_id)
    deposit.account = account
    return deposit
