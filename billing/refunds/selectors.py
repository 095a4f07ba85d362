"""Reads of credit refunds: who the check goes to, and the requests still waiting."""

from accounts.models import ServiceAccount
from billing.refunds.kinds import REQUEST_KINDS
from district.approvals.models import ApprovalRequest


def mailing_address(account: ServiceAccount) -> list[str]:
    """Where the refund check goes: the customer's mailing address, else the forwarding
    address of a stopped service, else the service address."""
    customer = account.customer
    if customer.mailing_line1:
        lines = [customer.mailing_line1, customer.mailing_line2]
        city = f"{customer.mailing_city}, {customer.mailing_state} {customer.mailing_zip}"
        return [line for line in lines if line] + [city.strip(", ")]
    stop = getattr(account, "stop", None)
    if stop is not None and stop.forwarding_line1:
        lines = [stop.forwarding_line1, stop.forwarding_line2]
        city = f"{stop.forwarding_city}, {stop.forwarding_state} {stop.forwarding_zip}"
        return [line for line in lines if line] + [city]
    premise = account.premise
    return [premise.address_line, f"{premise.city}, {premise.state} {premise.zip_code}"]


def pending_refunds(account_id: int):
    """The account's credit refund requests waiting for a decision (a queryset, newest first)."""
    return ApprovalRequest.objects.filter(
        kind__in=REQUEST_KINDS,
        status=ApprovalRequest.Status.PENDING,
        payload__account_id=account_id,
    ).order_by("-id")


def pending_refund_requests(account_id: int) -> list[ApprovalRequest]:
    return list(pending_refunds(account_id))
