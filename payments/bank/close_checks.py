"""The month-end close's cashiering items (registered in payments/registrations.py): the
month's deposits matched to the bank, and no payment or bank exception left open."""

from district.ledger.periods import CheckResult, Month
from payments.models import Bai2Transaction, BankDeposit, BatchItem


def deposits_reconciled(month: Month) -> CheckResult:
    """Deposits made up in the month and not yet matched to a bank statement line."""
    in_transit = list(
        BankDeposit.objects.filter(
            business_date__range=(month.first, month.last), status=BankDeposit.Status.PREPARED
        ).order_by("business_date", "id")[:11]
    )
    if not in_transit:
        return CheckResult(
            done=True,
            summary="Every deposit of the month is matched to the bank.",
            url_name="payments:bank_reconciliation",
        )
    return CheckResult(
        done=False,
        summary=f"{len(in_transit) if len(in_transit) <= 10 else 'More than 10'} deposit(s) "
        "not matched to the bank yet.",
        details=tuple(
            f"Deposit {deposit.pk} of {deposit.business_date:%m/%d/%Y}: ${deposit.total:,.2f}"
            for deposit in in_transit[:10]
        ),
        url_name="payments:bank_reconciliation",
    )


def exceptions_resolved(month: Month) -> CheckResult:
    """Payment batch items in exception and bank lines unmatched, up to the month's end."""
    batch_items = BatchItem.objects.filter(
        status=BatchItem.Status.EXCEPTION, batch__business_date__lte=month.last
    ).count()
    bank_lines = Bai2Transaction.objects.filter(
        status__in=(Bai2Transaction.Status.UNMATCHED, Bai2Transaction.Status.EXCEPTION),
        report__as_of_date__lte=month.last,
    ).count()
    details = []
    if batch_items:
        details.append(f"{batch_items} payment batch item(s) in exception")
    if bank_lines:
        details.append(f"{bank_lines} bank line(s) unmatched")
    return CheckResult(
        done=not details,
        summary="; ".join(details) + "." if details else "No open payment or bank exceptions.",
        url_name="payments:batch_exceptions" if batch_items else "payments:bank_exceptions",
    )
