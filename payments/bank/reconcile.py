"""Match the bank's lines to what the district sent it (the exceptions are worked by hand in
resolve.py).

- A credit matches a prepared BankDeposit of the same amount whose business date is within
  [as-of date - window, as-of date] (policy "bank-match-window-days"), or a posted processor or
  lockbox PaymentBatch in the same window that is in no deposit, by its control total: what the
  processor settles is the whole file, items that matched no account included (their money
  waits in suspense), and it is what the batch put in settlements due / deposits in transit.
  Candidates whose number (deposit or batch id) appears in the line's bank or customer
  reference come first; one candidate left is a match, several are ambiguous (left unmatched).
- A debit that returns a deposited item (type code 555, or a text saying returned check,
  cheque or item) matches the one deposited check or money order tender of that amount (the
  check number from the references or text narrows it) and is recorded as a returned item.
- Everything else stays unmatched: the exceptions queue. A processor that settles net of its
  fees (policy "processor-net-settlement") pays less than its closed batch; the queue offers that
  batch, and Finance matching it by hand posts the difference as processor fees (resolve.py):
  never automatically, since only a person can tell a fee from a missing payment.

Candidates are loaded in a few queries and matched in memory. The file's lines are read in
pages (a file may hold hundreds of thousands): only the credits of a candidate's amount and the
returned items are kept; the rest are counted. Re-running is safe: a matched
line is skipped, and each deposit, batch and returned item links to one line (one-to-one).
Matched credits post one journal per as-of date and holding account, a line per deposit or
batch.
"""

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Count, Max, Min, Q, Sum

from district.attribution import acting_user
from district.ledger.models import Journal
from district.ledger.purposes import Purpose
from district.ledger.services import Line, journal_post
from district.money import ZERO, format_money
from district.policies import policy_value
from payments.models import (
    Bai2Transaction,
    BankDeposit,
    Payment,
    PaymentBatch,
    ReturnedItem,
    Tender,
)
from payments.returns.services import returned_item_record

# "Deposited Item Returned" in the BAI2 type code list; banks also send returned items under
# their own debit codes with a text saying so (the CAD sample's 409 "RETURNED CHEQUE").
RETURN_TYPE_CODES = {"555"}
_RETURN_TEXT = re.compile(r"\bRETURN(ED)?\s+(CHECK|CHEQUE|CHQ|ITEM)\b", re.IGNORECASE)
_NUMBER = re.compile(r"\d+")
# Where a credit's money waited until the bank confirmed it.
BATCH_GL = {
    PaymentBatch.Kind.PROCESSOR: Purpose.SETTLEMENTS_DUE,
    PaymentBatch.Kind.LOCKBOX: Purpose.DEPOSITS_IN_TRANSIT,
}


@dataclass
class ReconcileResult:
    file_id: int
    deposits: int = 0
    deposits_total: Decimal = ZERO
    batches: int = 0
    batches_total: Decimal = ZERO
    returns: int = 0
    returns_total: Decimal = ZERO
    unmatched: int = 0
    unmatched_total: Decimal = ZERO
    ambiguous: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def matched(self) -> int:
        return self.deposits + self.batches + self.returns

    def summary(self) -> str:
        return (
            f"matched {self.deposits} deposit(s) {format_money(self.deposits_total)}, "
            f"{self.batches} settlement(s) {format_money(self.batches_total)}, "
            f"{self.returns} returned item(s) {format_money(self.returns_total)}; "
            f"{self.unmatched} line(s) unmatched {format_money(self.unmatched_total)}"
            + (f" ({self.ambiguous} with more than one candidate)" if self.ambiguous else "")
        )


def is_returned_item(line: Bai2Transaction) -> bool:
    return line.direction == Bai2Transaction.Direction.DEBIT and (
        line.type_code in RETURN_TYPE_CODES or bool(_RETURN_TEXT.search(line.text or ""))
    )


def reference_numbers(*texts: str) -> set[str]:
    return {number.lstrip("0") or "0" for text in texts for number in _NUMBER.findall(text or "")}


def _return_reason(text: str) -> str:
    upper = (text or "").upper()
    if "NSF" in upper or "INSUFFICIENT" in upper:
        return ReturnedItem.Reason.NSF
    if "CLOSED" in upper:
        return ReturnedItem.Reason.CLOSED
    if "STOP" in upper:
        return ReturnedItem.Reason.STOPPED
    return ReturnedItem.Reason.OTHER


@dataclass
class Candidate:
    kind: str  # "deposit" or "batch"
    pk: int
    amount: Decimal
    business_date: object
    batch_kind: str = ""


def _pick(candidates: list, numbers: set[str], number_of) -> tuple[object | None, bool]:
    """(the one candidate, ambiguous?): those named in the references first."""
    if not candidates:
        return None, False
    named = [c for c in candidates if number_of(c) in numbers]
    pool = named or candidates
    if len(pool) == 1:
        return pool[0], False
    return None, True


@dataclass
class MatchLine:
    """A bank line as the matching reads and changes it (lighter than the model for 10,000)."""

    pk: int
    direction: str
    type_code: str
    amount: Decimal
    bank_reference: str
    customer_reference: str
    text: str
    as_of: object
    status: str = Bai2Transaction.Status.UNMATCHED
    match_journal_id: int | None = None
    matched_deposit_id: int | None = None
    matched_batch_id: int | None = None
    returned_item_id: int | None = None
    note: str = ""
    resolved_by_id: int | None = None
    processor_fee: Decimal = ZERO  # kept by a net-settling processor, booked by hand


LINE_FIELDS = (
    "pk",
    "direction",
    "type_code",
    "amount",
    "bank_reference",
    "customer_reference",
    "text",
    "report__as_of_date",
)


def bai2_reconcile(*, file_id: int, by) -> ReconcileResult:
    """Match the file's unmatched lines (see the module docstring); returns what matched."""
    result = ReconcileResult(file_id=file_id)
    window = timedelta(days=int(policy_value("bank-match-window-days")))
    with transaction.atomic(), acting_user(by):
        unmatched = Bai2Transaction.objects.filter(
            report__file_id=file_id, status=Bai2Transaction.Status.UNMATCHED
        )
        _lock(unmatched)
        by_amount = _credit_candidates(unmatched, window)
        credits, returns = _lines_to_match(unmatched, by_amount)
        matched: list[MatchLine] = []
        if credits:
            matched += _match_credits(credits, by_amount, window=window, by=by, result=result)
        if returns:
            matched += _match_returns(returns, by=by, result=result)
        save_matches(matched)
        # What is left (the lines just matched are no longer unmatched): credits and debits.
        left = unmatched.exclude(direction=Bai2Transaction.Direction.OTHER)
        totals = left.aggregate(count=Count("pk"), total=Sum("amount"))
        result.unmatched = totals["count"]
        result.unmatched_total = totals["total"] or ZERO
    return result


def _lock(unmatched) -> None:
    """Lock the lines first (as a hand match does, before its deposit or batch), in one
    statement that brings back a count, not the lines."""
    sql, params = unmatched.select_for_update(of=("self",)).values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM ({sql}) AS locked", params)


def _lines_to_match(unmatched, by_amount) -> tuple[list[MatchLine], list[MatchLine]]:
    """(the credits of a candidate's amount, the returned items), in the order of the file,
    read a page at a time."""
    credits, returns = [], []
    rows = unmatched.order_by("id").values_list(*LINE_FIELDS).iterator(chunk_size=2000)
    for row in rows:
        line = MatchLine(*row)
        if line.direction == Bai2Transaction.Direction.CREDIT:
            if line.amount in by_amount:
                credits.append(line)
        elif is_returned_item(line):
            returns.append(line)
    return credits, returns


def _credit_candidates(unmatched, window) -> dict[Decimal, list[Candidate]]:
    """The deposits and batches of a credit's amount, in the window before the credits' dates
    (the amounts are read by the database, not brought here)."""
    credits = unmatched.filter(direction=Bai2Transaction.Direction.CREDIT)
    span = credits.aggregate(first=Min("report__as_of_date"), last=Max("report__as_of_date"))
    if span["first"] is None:
        return {}
    start, end = span["first"] - window, span["last"]
    amounts = credits.values("amount")
    by_amount: dict[Decimal, list[Candidate]] = defaultdict(list)
    deposits = (
        BankDeposit.objects.select_for_update(of=("self",))
        .filter(
            status=BankDeposit.Status.PREPARED,
            bank_line__isnull=True,
            business_date__range=(start, end),
            total__in=amounts,
        )
        .order_by("pk")
        .values_list("pk", "total", "business_date")
    )
    for pk, total, business_date in deposits:
        by_amount[total].append(Candidate("deposit", pk, total, business_date))
    batches = (
        PaymentBatch.objects.filter(
            status=PaymentBatch.Status.POSTED,
            kind__in=list(BATCH_GL),
            bank_line__isnull=True,
            deposit_item__isnull=True,
            business_date__range=(start, end),
        )
        .filter(control_total__in=amounts)
        .order_by("pk")
        .values_list("pk", "control_total", "business_date", "kind")
    )
    for pk, amount, business_date, kind in batches:
        by_amount[amount].append(Candidate("batch", pk, amount, business_date, kind))
    return by_amount


def _match_credits(credits, by_amount, *, window, by, result: ReconcileResult) -> list[MatchLine]:
    used: set[tuple[str, int]] = set()
    matched = []
    for line in credits:
        as_of = line.as_of
        candidates = [
            candidate
            for candidate in by_amount.get(line.amount, ())
            if (candidate.kind, candidate.pk) not in used
            and as_of - window <= candidate.business_date <= as_of
        ]
        numbers = reference_numbers(line.bank_reference, line.customer_reference)
        chosen, ambiguous = _pick(candidates, numbers, lambda candidate: str(candidate.pk))
        if ambiguous:
            result.ambiguous += 1
        if chosen is None:
            continue
        used.add((chosen.kind, chosen.pk))
        matched.append((line, chosen))
        if chosen.kind == "deposit":
            result.deposits += 1
            result.deposits_total += line.amount
        else:
            result.batches += 1
            result.batches_total += line.amount
    _post_matches(matched, by=by)
    return [line for line, _chosen in matched]


def _holding(chosen: Candidate) -> tuple[str, str]:
    """(the GL purpose where the money waited, what it was) for a matched candidate."""
    if chosen.kind == "deposit":
        return Purpose.DEPOSITS_IN_TRANSIT, f"deposit {chosen.pk}"
    return BATCH_GL[chosen.batch_kind], f"{chosen.batch_kind} batch {chosen.pk}"


def _post_matches(matched: list[tuple["MatchLine", Candidate]], *, by) -> None:
    """One journal per as-of date and holding account (not one per line, so a file of
    thousands of credits posts a handful of journals): debit cash in bank for the day's
    matched credits, credit the holding account once per deposit or batch, by name."""
    groups: dict[tuple, list[tuple[MatchLine, Candidate]]] = defaultdict(list)
    for line, chosen in matched:
        groups[(line.as_of, _holding(chosen)[0])].append((line, chosen))
    for (as_of, holding), members in sorted(groups.items()):
        total = sum((line.amount for line, _chosen in members), ZERO)
        first, last = members[0][0].pk, members[-1][0].pk
        journal = journal_post(
            kind=Journal.Kind.BANK_DEPOSIT,
            memo=f"Bank credits of {as_of:%m/%d/%Y} matched ({len(members)})",
            lines=[
                Line(Purpose.CASH_IN_BANK, total),
                *(
                    Line(holding, -line.amount, memo=f"Bank credit for {_holding(chosen)[1]}")
                    for line, chosen in members
                ),
            ],
            by=by,
            idempotency_key=f"bai2-lines:{holding}:{as_of}:{first}-{last}:{len(members)}",
            effective_date=as_of,
        )
        for line, chosen in members:
            _mark_matched(line, chosen, journal_id=journal.pk)


def _mark_matched(line: "MatchLine", chosen: Candidate, *, journal_id: int) -> None:
    line.status = Bai2Transaction.Status.MATCHED
    line.match_journal_id = journal_id
    if chosen.kind == "deposit":
        line.matched_deposit_id = chosen.pk
    else:
        line.matched_batch_id = chosen.pk


def post_match(
    line: "MatchLine", chosen: Candidate, *, by, how: str = "", processor_fee: Decimal = ZERO
) -> None:
    """The bank confirmed the money: move it from in transit (or settlements due) to the bank.

    A net settlement (`processor_fee` above zero) credits the batch's whole total out of
    settlements due: the bank's credit to cash, what the processor kept to processor fees."""
    holding, what = _holding(chosen)
    lines = [Line(Purpose.CASH_IN_BANK, line.amount)]
    if processor_fee:
        fee_memo = f"Fees kept by the processor from its payout for {what}"
        lines.append(Line(Purpose.PROCESSOR_FEES, processor_fee, memo=fee_memo))
        how = f"{how}, net of processor fees {format_money(processor_fee)}"
    lines.append(Line(holding, -(line.amount + processor_fee)))
    journal = journal_post(
        kind=Journal.Kind.BANK_DEPOSIT,
        memo=f"Bank credit for {what} ({line.as_of:%m/%d/%Y}){how}"[:255],
        lines=lines,
        by=by,
        idempotency_key=f"bai2-line:{line.pk}",
        effective_date=line.as_of,
    )
    line.processor_fee = processor_fee
    _mark_matched(line, chosen, journal_id=journal.pk)


def save_matches(lines: list[MatchLine]) -> None:
    """Write the matched lines (one UPDATE ... FROM VALUES) and their deposits' status."""
    if not lines:
        return
    deposit_ids = [line.matched_deposit_id for line in lines if line.matched_deposit_id]
    if deposit_ids:
        BankDeposit.objects.filter(pk__in=deposit_ids).update(status=BankDeposit.Status.MATCHED)
    table = Bai2Transaction._meta.db_table
    row = (
        "(%s::bigint, %s::varchar, %s::bigint, %s::bigint, %s::bigint, %s::bigint,"
        " %s::varchar, %s::bigint, %s::numeric)"
    )
    with connection.cursor() as cursor:
        for start in range(0, len(lines), 1000):
            chunk = lines[start : start + 1000]
            params = []
            for line in chunk:
                params += [
                    line.pk,
                    line.status,
                    line.match_journal_id,
                    line.matched_deposit_id,
                    line.matched_batch_id,
                    line.returned_item_id,
                    line.note,
                    line.resolved_by_id,
                    line.processor_fee,
                ]
            cursor.execute(
                f"""UPDATE {table} AS line SET status = v.status,
                        match_journal_id = v.journal, matched_deposit_id = v.deposit,
                        matched_batch_id = v.batch, returned_item_id = v.item,
                        note = v.note, resolved_by_id = v.resolved, processor_fee = v.fee
                    FROM (VALUES {", ".join([row] * len(chunk))})
                        AS v(id, status, journal, deposit, batch, item, note, resolved, fee)
                    WHERE line.id = v.id""",
                params,
            )


def _match_returns(returns, *, by, result: ReconcileResult) -> list[MatchLine]:
    tenders = defaultdict(list)
    rows = (
        Tender.objects.filter(
            kind__in=(Tender.Kind.CHECK, Tender.Kind.MONEY_ORDER),
            amount__in={line.amount for line in returns},
            returned__isnull=True,
            payment__void__isnull=True,
        )
        .filter(
            Q(payment__session__deposit_item__isnull=False)
            | Q(payment__batch__deposit_item__isnull=False)
            | Q(payment__channel=Payment.Channel.LOCKBOX)
        )
        .order_by("pk")
        .values_list("pk", "amount", "check_number", "payment__effective_date")
    )
    for pk, amount, check_number, effective_date in rows:
        tenders[amount].append((pk, check_number.lstrip("0") or "0", effective_date))
    used: set[int] = set()
    matched = []
    for line in returns:
        as_of = line.as_of
        candidates = [
            tender
            for tender in tenders.get(line.amount, ())
            if tender[0] not in used and tender[2] <= as_of
        ]
        numbers = reference_numbers(line.bank_reference, line.customer_reference, line.text)
        chosen, ambiguous = _pick(candidates, numbers, lambda tender: tender[1])
        if ambiguous:
            result.ambiguous += 1
        if chosen is None:
            continue
        try:
            with transaction.atomic():
                item = returned_item_record(
                    tender_id=chosen[0],
                    reason=_return_reason(line.text),
                    returned_on=as_of,
                    by=by,
                    bank_reference=line.bank_reference or line.customer_reference,
                )
        except ValidationError as error:
            result.problems.append(f"Line {line.pk}: {'; '.join(error.messages)}")
            continue
        used.add(chosen[0])
        line.status = Bai2Transaction.Status.MATCHED
        line.returned_item_id = item.pk
        matched.append(line)
        result.returns += 1
        result.returns_total += line.amount
    return matched
