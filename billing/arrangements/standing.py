"""How an arrangement stands: which installments are paid, part paid, due or late.

The rule (derived from the ledger on every read; nothing is stored or counted up by payment
code, so a returned check or a reversal changes the standing by itself):

1. Money credited to the account's receivable from the day the arrangement was made
   (`arranged_on`) up to the day asked about pays the arrangement. "Credited" is:
   - every payment journal line, net: a payment counts, a returned payment (a payment-kind
     debit) takes its amount back;
   - every other credit to the receivable (an adjustment credit, a deposit applied), except
     a reversal's credit (the undoing of a charge is not money paid);
   - minus every reversal's debit (an undone payment or credit).
   Charges (bills, fees, debit adjustments) never reduce it.
2. That money pays the installments in due order, each in full before the next: an installment
   is *paid* (covered in full), *part paid* (partly), *due* (not yet past its date) or *late*
   (past its date and not paid in full). Money beyond the arranged amount pays current charges
   as usual; it does not "prepay" anything here because every installment is already covered.
3. The arrangement is complete when every installment is paid. Its oldest late installment's
   days late decide the warning letter and default (services.arrangement_check_standing).

The same rule runs in SQL for the selectors (`credits_sql`) and in Python over a ledger
statement the bill document already holds (`credited_from_statement`).
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from district.ledger.models import Journal
from district.money import ZERO

PAID = "paid"
PART_PAID = "part_paid"
DUE = "due"
LATE = "late"
STATE_LABELS = {PAID: "Paid", PART_PAID: "Part paid", DUE: "Due", LATE: "Late"}

_KIND_BY_LABEL = {label: value for value, label in Journal.Kind.choices}


def credited_amount(journal_kind: str, amount: Decimal) -> Decimal:
    """What one receivable line adds to the money paid on an arrangement (rule 1)."""
    if journal_kind == Journal.Kind.PAYMENT:
        return -amount
    if journal_kind == Journal.Kind.REVERSAL:
        return -amount if amount > 0 else ZERO
    return -amount if amount < 0 else ZERO


# Rule 1 in SQL, over ledger_journalline `line` joined to ledger_journal `journal`.
CREDIT_SQL = f"""
    CASE
        WHEN journal.kind = '{Journal.Kind.PAYMENT.value}' THEN -line.amount
        WHEN journal.kind = '{Journal.Kind.REVERSAL.value}' THEN
            CASE WHEN line.amount > 0 THEN -line.amount ELSE 0 END
        WHEN line.amount < 0 THEN -line.amount
        ELSE 0
    END
"""


def credited_from_statement(statement, *, since: datetime.date, on: datetime.date) -> Decimal:
    """Rule 1 over a ledger statement (district.ledger.selectors.account_activity lines)."""
    total = ZERO
    for line in statement:
        if since <= line.date <= on:
            total += credited_amount(_KIND_BY_LABEL.get(line.kind, line.kind), line.amount)
    return total


@dataclass(frozen=True)
class InstallmentStanding:
    number: int
    count: int  # installments in the arrangement
    due_on: datetime.date
    amount: Decimal
    paid: Decimal
    state: str  # PAID, PART_PAID, DUE, LATE
    days_late: int

    @property
    def owing(self) -> Decimal:
        return self.amount - self.paid

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def is_paid(self) -> bool:
        return self.state == PAID

    @property
    def is_late(self) -> bool:
        return self.state == LATE

    @property
    def label(self) -> str:
        return f"installment {self.number} of {self.count}"


@dataclass(frozen=True)
class Standing:
    arrangement: object
    on: datetime.date
    installments: list[InstallmentStanding]
    credited: Decimal  # money paid toward the arrangement (rule 1), possibly beyond its amount
    paid_total: Decimal
    due_total: Decimal  # owing on installments not yet past their date
    late_total: Decimal  # owing on installments past their date

    @property
    def owing_total(self) -> Decimal:
        return self.due_total + self.late_total

    @property
    def is_complete(self) -> bool:
        return all(installment.is_paid for installment in self.installments)

    @property
    def days_late(self) -> int:
        """Days the oldest late installment is past its date (0 when none is late)."""
        return max((installment.days_late for installment in self.installments), default=0)

    @property
    def next_owing(self) -> InstallmentStanding | None:
        return next((i for i in self.installments if not i.is_paid), None)


def standing_of(arrangement, installments, *, credited: Decimal, on: datetime.date) -> Standing:
    """Allocate `credited` to the installments in due order (rule 2) and classify each."""
    ordered = sorted(installments, key=lambda i: (i.due_on, i.number))
    left = max(credited, ZERO)
    rows = []
    for installment in ordered:
        paid = min(left, installment.amount)
        left -= paid
        if paid >= installment.amount:
            state, days_late = PAID, 0
        elif installment.due_on < on:
            state, days_late = LATE, (on - installment.due_on).days
        else:
            state, days_late = (PART_PAID if paid > 0 else DUE), 0
        rows.append(
            InstallmentStanding(
                number=installment.number,
                count=len(ordered),
                due_on=installment.due_on,
                amount=installment.amount,
                paid=paid,
                state=state,
                days_late=days_late,
            )
        )
    return Standing(
        arrangement=arrangement,
        on=on,
        installments=rows,
        credited=credited,
        paid_total=sum((row.paid for row in rows), ZERO),
        due_total=sum((row.owing for row in rows if row.state in (DUE, PART_PAID)), ZERO),
        late_total=sum((row.owing for row in rows if row.state == LATE), ZERO),
    )
