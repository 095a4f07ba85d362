"""Late penalties, assessed nightly on bills still unpaid after their due date plus grace.

Which bills: each account's latest posted bill (regular, final or corrected), once its due date
plus the grace days has passed (the rate version's late_penalty.grace_days when the schedule
sets one, else the "late-grace-days" policy). An older bill is not penalized again: what is
left of it is the newer bill's past-due balance.

What is still unpaid (balance forward, as the aging does): payments and credits pay the oldest
charges first, so what is still owed on the bill and everything before it is
    open = account balance - charges posted to the account after the bill's journal
(never below zero). Of that, the bill's own current charges are unpaid up to
min(open, current charges), and the rest is the past-due balance it carried. Accounts whose
open amount is under the "late-penalty-minimum-balance" policy are skipped.

How much: the bill's rate version's late_penalty (billing.rates.late_penalty): a percent of the
unpaid current charges plus a percent of the past-due balance, rounded half-up to the cent.

Posting: one journal of kind "fee" per bill, debit ar_customers / credit fees_late, idempotency
key "late:<bill id>". A bill that already has that journal is not looked at again, and the
unique key catches a concurrent run, so running the task twice posts nothing the second time.
"""

import datetime
import logging
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q, Sum

from billing.models import Bill, RateScheduleVersion
from billing.rates import late_penalty
from district.attribution import acting_user
from district.customer_notes import LATE_PENALTY
from district.ledger.models import AccountBalance, GLAccount, Journal, JournalLine
from district.ledger.purposes import Purpose
from district.ledger.selectors import account_balance
from district.ledger.services import Line, journal_post, journal_reverse
from district.money import ZERO
from district.policies import policy_values

logger = logging.getLogger(__name__)

GRACE_POLICY = "late-grace-days"
MINIMUM_POLICY = "late-penalty-minimum-balance"


def penalty_key(bill_id: int) -> str:
    return f"late:{bill_id}"


@dataclass(frozen=True)
class Penalty:
    bill_id: int
    account_id: int
    amount: Decimal
    journal_id: int
    unpaid_current: Decimal
    past_due: Decimal


@dataclass(frozen=True)
class Unpaid:
    current: Decimal  # the bill's own current charges still owed
    past_due: Decimal  # the balance carried from before the bill, still owed

    @property
    def total(self) -> Decimal:
        return self.current + self.past_due


def bill_unpaid(bill: Bill) -> Unpaid:
    """What is still owed on a posted bill and before it (balance forward; see the module)."""
    # Charges after the bill: journals after its own (a $0.00 bill has none: after it posted).
    after = (
        Q(journal_id__gt=bill.journal_id)
        if bill.journal_id is not None
        else Q(journal__posted_at__gt=bill.posted_at)
    )
    later_charges = (
        JournalLine.objects.filter(
            after,
            service_account_id=bill.account_id,
            gl_account__purpose=Purpose.AR_CUSTOMERS,
            amount__gt=0,
        ).aggregate(total=Sum("amount"))["total"]
        or ZERO
    )
    open_amount = max(account_balance(bill.account_id) - later_charges, ZERO)
    current = min(open_amount, max(bill.current_charges, ZERO))
    return Unpaid(current=current, past_due=open_amount - current)


# Driven by the balances owed (few) rather than every bill ever posted (many): each owing
# account's latest posted bill is one probe of bill_posted_history_idx. A $0.00 bill has no
# journal; the charges after it are those of journals posted after it.
_CANDIDATES_SQL = f"""
    SELECT latest.id, latest.due_date, latest.rate_version_id
    FROM {AccountBalance._meta.db_table} balance
    CROSS JOIN LATERAL (
        SELECT bill.id, bill.account_id, bill.due_date, bill.journal_id, bill.rate_version_id,
               bill.posted_at
        FROM {Bill._meta.db_table} bill
        WHERE bill.account_id = balance.service_account_id AND bill.status = 'posted'
        ORDER BY bill.period_end DESC, bill.id DESC
        LIMIT 1
    ) AS latest
    WHERE balance.balance >= GREATEST(%(minimum)s, 0.01)
      AND latest.due_date < %(today)s
      AND latest.rate_version_id IS NOT NULL
      AND balance.balance - COALESCE((
          SELECT SUM(line.amount) FROM {JournalLine._meta.db_table} line
          WHERE line.service_account_id = latest.account_id
            AND line.gl_account_id = (
                SELECT id FROM {GLAccount._meta.db_table} WHERE purpose = %(receivable)s
            )
            AND line.amount > 0
            AND line.journal_id > COALESCE(latest.journal_id, (
                SELECT COALESCE(max(journal.id), 0) FROM {Journal._meta.db_table} journal
                WHERE journal.posted_at <= latest.posted_at
            ))
      ), 0) >= GREATEST(%(minimum)s, 0.01)
      AND NOT EXISTS (
          SELECT 1 FROM {Journal._meta.db_table} journal
          WHERE journal.idempotency_key = 'late:' || latest.id
      )
    ORDER BY latest.id
"""


def _candidates(*, today: datetime.date, minimum: Decimal) -> list[tuple[int, datetime.date, int]]:
    """(bill id, due date, rate version id) of each account's latest posted bill, due before
    today, with at least the minimum still open on it, not penalized yet (one query)."""
    with connection.cursor() as cursor:
        cursor.execute(
            _CANDIDATES_SQL,
            {"today": today, "receivable": Purpose.AR_CUSTOMERS.value, "minimum": minimum},
        )
        return cursor.fetchall()


def _grace_days(parsed: dict, default: int) -> int:
    definition = parsed.get("late_penalty") or {}
    grace = definition.get("grace_days")
    return default if grace is None else int(grace)


@transaction.atomic
def late_penalty_assess_bill(
    *, bill_id: int, today: datetime.date, by=None, minimum: Decimal = ZERO
) -> Penalty | None:
    """Post the late penalty of one bill if it is due (see the module); None when not."""
    bill = Bill.objects.select_related("rate_version").get(pk=bill_id)
    # Lock the balance first (the order every posting takes), so a payment waits for us.
    AccountBalance.objects.select_for_update().filter(service_account_id=bill.account_id).first()
    if bill.status != Bill.Status.POSTED or bill.rate_version is None:
        return None
    if Journal.objects.filter(idempotency_key=penalty_key(bill.pk)).exists():
        return None
    unpaid = bill_unpaid(bill)
    if unpaid.total <= 0 or unpaid.total < minimum:
        return None
    line = late_penalty(
        bill.rate_version.parsed, current_charges=unpaid.current, past_due=unpaid.past_due
    )
    if line is None or line.amount <= 0:
        return None
    journal = journal_post(
        kind=Journal.Kind.FEE,
        memo=f"Late penalty on bill {bill.number}: {line.description}"[:255],
        lines=[
            Line(
                Purpose.AR_CUSTOMERS,
                line.amount,
                bill.account_id,
                memo=LATE_PENALTY.text(bill=bill.number),
            ),
            Line(Purpose.FEES_LATE, -line.amount),
        ],
        by=by,
        idempotency_key=penalty_key(bill.pk),
        effective_date=today,
        source=bill,
    )
    return Penalty(
        bill_id=bill.pk,
        account_id=bill.account_id,
        amount=line.amount,
        journal_id=journal.pk,
        unpaid_current=unpaid.current,
        past_due=unpaid.past_due,
    )


def late_penalties_assess(*, today: datetime.date, by=None) -> list[Penalty]:
    """Assess the late penalties due as of `today` (the nightly task); returns those posted.

    Each bill is its own transaction: one refusal does not undo the night's other penalties.
    Running it again the same night, or any later night, posts nothing new for the same bills.
    """
    policies = policy_values(GRACE_POLICY, MINIMUM_POLICY)
    default_grace, minimum = policies[GRACE_POLICY], policies[MINIMUM_POLICY]
    versions: dict[int, dict] = {}
    posted = []
    for bill_id, due_date, version_id in _candidates(today=today, minimum=minimum):
        if version_id not in versions:
            versions[version_id] = (
                RateScheduleVersion.objects.filter(pk=version_id)
                .values_list("parsed", flat=True)
                .get()
            )
        grace = _grace_days(versions[version_id], default_grace)
        if due_date + datetime.timedelta(days=grace) >= today:
            continue  # still within the grace days
        try:
            with acting_user(by):
                penalty = late_penalty_assess_bill(
                    bill_id=bill_id, today=today, by=by, minimum=minimum
                )
        except ValidationError as error:
            logger.warning("Late penalty on bill %s not posted: %s", bill_id, error.messages)
            continue
        if penalty is not None:
            posted.append(penalty)
    return posted


# -- a payment made in time that reached the district after the penalty ---------------------------


def withdrawal_key(bill_id: int) -> str:
    return f"late-withdrawn:{bill_id}"


@dataclass(frozen=True)
class Withdrawal:
    bill_id: int
    bill_number: str
    account_id: int
    amount: Decimal
    cut_off: datetime.date  # the bill's due date plus its grace days
    journal_id: int


def accounts_with_open_penalty(account_ids) -> set[int]:
    """Which of the accounts carry a late penalty not reversed (one query, whatever the count)."""
    return set(
        Journal.objects.filter(
            idempotency_key__startswith="late:",
            reversed_by__isnull=True,
            lines__service_account_id__in=list(account_ids),
        ).values_list("lines__service_account_id", flat=True)
    )


def late_penalty_withdraw_if_paid_in_time(
    *, account_id: int, paid_on: datetime.date, by, source: str
) -> Withdrawal | None:
    """Reverse the late penalty on the account's latest penalized bill when a payment made by the
    bill's cut-off (due date plus grace days) reached the district only after the penalty was
    assessed, and with it the bill is paid as the assessment would have seen it.

    Called in the transaction that posts the payment (processor and lockbox files report the
    day the customer paid). A bill still partly unpaid keeps its penalty: a CSR decides. Once per
    bill (key late-withdrawn:<bill>); `source` says which payment, for the journal's memo.
    """
    penalty = (
        Journal.objects.filter(
            idempotency_key__startswith="late:",
            lines__service_account_id=account_id,
            reversed_by__isnull=True,
        )
        .order_by("-id")
        .first()
    )
    if penalty is None:
        return None
    bill = Bill.objects.select_related("rate_version").get(pk=int(penalty.idempotency_key[5:]))
    policies = policy_values(GRACE_POLICY, MINIMUM_POLICY)
    cut_off = bill.due_date + datetime.timedelta(
        days=_grace_days(bill.rate_version.parsed, policies[GRACE_POLICY])
    )
    if paid_on > cut_off:
        return None  # paid late: the penalty was due
    unpaid = bill_unpaid(bill).total
    if unpaid > 0 and unpaid >= policies[MINIMUM_POLICY]:
        return None  # still owing what the assessment would have penalized
    amount = penalty.lines.get(service_account_id=account_id).amount
    reversal = journal_reverse(
        journal=penalty,
        by=by,
        reason=(
            f"paid on {paid_on:%m/%d/%Y}, by the cut-off {cut_off:%m/%d/%Y} of bill "
            f"{bill.number} ({source})"
        ),
        idempotency_key=withdrawal_key(bill.pk),
    )
    return Withdrawal(
        bill_id=bill.pk,
        bill_number=bill.number,
        account_id=account_id,
        amount=amount,
        cut_off=cut_off,
        journal_id=reversal.pk,
    )
