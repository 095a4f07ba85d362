"""The bill's account summary: previous balance, payments, adjustments, current charges.

The rule that makes every bill reconcile with the books:

    previous balance = the account's receivable balance on the previous bill's date
                       (every ledger line dated on or before it)
    activity         = the lines dated after the previous bill's date, up to and including
                       this bill's date
    previous balance + payments + adjustments + current charges
                     = the ledger balance on this bill's date (the amount due)

Both ends are dates, never the order lines were written in, so an opening balance (or any
line) dated before the last bill is counted once, in the previous balance, even when it was
loaded after that bill posted; and nothing dated after the bill date reaches the bill.
The "previous bill" here is the last bill the customer was sent before this one (by bill date,
posted or since cancelled): that is the balance the customer last saw.
A draft (calculated or held) has no journal yet: its current charges are added on top.

A payment arrangement active on the bill date (billing.arrangements) changes what is due now:
each installment not paid in full that falls due before the next bill (the bill date plus the
bill's period length) is printed as its own line ("Payment arrangement: installment 2 of 6,
due Mar 15, 2027: $45.00"), and the installments falling due after that are taken out of the
amount due (printed as "Arranged balance not yet due"), so the amount due is the current
charges plus the installments due instead of the whole arranged balance. What is paid on the
installments follows the arrangements' ledger rule (billing.arrangements.standing), worked out
from the statement passed in, up to the bill date.

Queries: 3 (the previous bill; the deposit installment journals this bill carries; the
installments of an arrangement active on the bill date), and the statement the caller passes
in (district.ledger.selectors.account_activity, 1 query).
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.formats import date_format
from django.utils.translation import gettext, pgettext

from accounts.models import DepositInstallment
from billing.arrangements.selectors import installments_on_bill
from billing.arrangements.standing import credited_from_statement, standing_of
from billing.models import Bill
from district.ledger.selectors import StatementLine
from district.money import ZERO

PAYMENT_KIND = "Payment"  # the ledger's label of payment journals
ISSUED_STATUSES = (Bill.Status.POSTED, Bill.Status.CANCELLED)
DRAFT_STATUSES = (Bill.Status.CALCULATED, Bill.Status.HELD)


@dataclass(frozen=True)
class BillStatement:
    previous_bill: Bill | None  # the last bill sent before this one (by bill date)
    previous_balance: Decimal  # ledger balance on the previous bill's date (0 without one)
    payments: list[StatementLine]
    adjustments: list[StatementLine]  # every other line between the bills (fees, credits...)
    current_charges: Decimal
    balance_on_bill_date: Decimal  # ledger balance on this bill's date (drafts: before it)
    amount_due: Decimal
    # A payment arrangement's installments due before the next bill, and what it leaves for
    # later bills (taken out of the amount due).
    arrangement_lines: list["ArrangementLine"] = field(default_factory=list)
    arranged_not_yet_due: Decimal = ZERO

    @property
    def payments_total(self) -> Decimal:
        return sum((line.amount for line in self.payments), ZERO)

    @property
    def adjustments_total(self) -> Decimal:
        return sum((line.amount for line in self.adjustments), ZERO)

    @property
    def balance_forward(self) -> Decimal:
        """What was still owed from before this bill's charges (negative: a credit)."""
        return self.previous_balance + self.payments_total + self.adjustments_total


@dataclass(frozen=True)
class ArrangementLine:
    text: str  # "Payment arrangement: installment 2 of 6, due Mar 15, 2027"
    amount: Decimal  # what is still owed on the installment
    late: bool


def _day_text(day: datetime.date) -> str:
    """ "Mar 15, 2027" in English; Spanish keeps the US order the whole portal uses (03/15/2027)."""
    return date_format(day, pgettext("an installment's due date on a bill", "M j, Y"))


def arrangement_on_bill(
    bill: Bill, statement: list[StatementLine], balance: Decimal
) -> tuple[list[ArrangementLine], Decimal]:
    """The installment lines the bill prints and the arranged balance left for later bills
    (never more than the balance, so a bill never shows less than nothing due). 1 query."""
    installments = installments_on_bill(bill.account_id, bill.bill_date)
    if not installments:
        return [], ZERO
    arrangement = installments[-1].arrangement  # the latest, should two overlap the date
    installments = [i for i in installments if i.arrangement_id == arrangement.pk]
    credited = credited_from_statement(statement, since=arrangement.arranged_on, on=bill.bill_date)
    standing = standing_of(arrangement, installments, credited=credited, on=bill.bill_date)
    next_bill = bill.bill_date + (bill.period_end - bill.period_start) + datetime.timedelta(days=1)
    lines, later = [], ZERO
    for installment in standing.installments:
        if installment.is_paid:
            continue
        if installment.due_on >= next_bill:
            later += installment.owing
            continue
        # Printed in the reader's language (the bill PDF renders in the customer's).
        words = (
            gettext("Payment arrangement: installment %(number)s of %(count)s, was due %(day)s")
            if installment.is_late
            else gettext("Payment arrangement: installment %(number)s of %(count)s, due %(day)s")
        )
        lines.append(
            ArrangementLine(
                text=words
                % {
                    "number": installment.number,
                    "count": installment.count,
                    "day": _day_text(installment.due_on),
                },
                amount=installment.owing,
                late=installment.is_late,
            )
        )
    return lines, min(later, max(balance, ZERO))


def previous_issued_bill(bill: Bill) -> Bill | None:
    """The last bill sent to the account before this one, by bill date (one query)."""
    return (
        Bill.objects.filter(
            account_id=bill.account_id,
            status__in=ISSUED_STATUSES,
            number__isnull=False,
            bill_date__lt=bill.bill_date,
        )
        .exclude(pk=bill.pk)
        .only("id", "number", "bill_date", "amount_due", "period_start", "period_end", "status")
        .order_by("-bill_date", "-id")
        .first()
    )


def bill_journal_ids(bill: Bill) -> set[int]:
    """The journals that post this bill's charges: its own and its deposit installments'."""
    if bill.journal_id is None and bill.status in DRAFT_STATUSES:
        return set()
    ids = set(
        DepositInstallment.objects.filter(bill_id=bill.pk, journal_id__isnull=False).values_list(
            "journal_id", flat=True
        )
    )
    if bill.journal_id is not None:
        ids.add(bill.journal_id)
    return ids


def balance_on(statement: list[StatementLine], day: datetime.date | None) -> Decimal:
    """The receivable balance counting every line dated on or before `day` (0 for None)."""
    balance = ZERO
    if day is None:
        return balance
    for line in statement:  # oldest first: the last line on or before the day has the sum
        if line.date > day:
            break
        balance = line.running_balance
    return balance


def bill_statement(bill: Bill, statement: list[StatementLine]) -> BillStatement:
    """The bill's summary from the account's ledger statement (oldest line first)."""
    previous_bill = previous_issued_bill(bill)
    since = previous_bill.bill_date if previous_bill is not None else None
    own_journals = bill_journal_ids(bill)
    payments, adjustments = [], []
    for line in statement:
        if (since is not None and line.date <= since) or line.date > bill.bill_date:
            continue
        if line.journal_id in own_journals:
            continue  # this bill's charges: printed as current charges
        (payments if line.kind == PAYMENT_KIND else adjustments).append(line)
    balance = balance_on(statement, bill.bill_date)
    draft = bill.status in DRAFT_STATUSES
    owed = balance + bill.current_charges if draft else balance
    arrangement_lines, not_yet_due = arrangement_on_bill(bill, statement, owed)
    return BillStatement(
        previous_bill=previous_bill,
        previous_balance=balance_on(statement, since),
        payments=payments,
        adjustments=adjustments,
        current_charges=bill.current_charges,
        balance_on_bill_date=balance,
        amount_due=owed - not_yet_due,
        arrangement_lines=arrangement_lines,
        arranged_not_yet_due=not_yet_due,
    )
