"""Working the exceptions queue by hand: a bank line matched to a deposit or a batch of the
same amount (any date), or marked resolved with a note. The matching itself is in reconcile.py.

A processor that settles net of its fees (policy "processor-net-settlement") pays less than its
closed settlement batch: Finance (reconcile-bank permission) matches the credit to the batch, and
the difference, within the policy's tolerance ("processor-fee-tolerance-percent" of the batch),
is posted as processor fees in the match's journal and recorded on the line (processor_fee, and
a note saying so, with who resolved it).
"""

from decimal import Decimal

from django.db import transaction

from district.attribution import acting_user
from district.errors import ServiceError
from district.money import ZERO, format_money
from district.roles import Perm
from payments.bank.reconcile import (
    BATCH_GL,
    LINE_FIELDS,
    Candidate,
    MatchLine,
    post_match,
    save_matches,
)
from payments.batches.services.settlement import fee_tolerance, settles_net
from payments.models import Bai2Transaction, BankDeposit, PaymentBatch


def bank_line_resolve(
    *, line_id: int, by, deposit_id: int | None = None, batch_id: int | None = None, note: str = ""
) -> Bai2Transaction:
    """Work an exception: match the line by hand to a deposit or a batch of the same amount,
    or mark it resolved with a note saying why (a bank fee booked elsewhere, ...)."""
    note = (note or "").strip()
    if deposit_id and batch_id:
        raise ServiceError("Choose a deposit or a batch, not both.", code="both")
    with transaction.atomic(), acting_user(by):
        line = (
            Bai2Transaction.objects.select_for_update(of=("self",))
            .select_related("report")
            .filter(pk=line_id)
            .first()
        )
        if line is None:
            raise ServiceError("That bank line does not exist.", code="no_line")
        if line.status != Bai2Transaction.Status.UNMATCHED:
            raise ServiceError(
                f"This bank line is already {line.get_status_display().lower()}.", code="done"
            )
        if deposit_id or batch_id:
            chosen, fee = _hand_candidate(line, deposit_id=deposit_id, batch_id=batch_id)
            if fee and not by.has_perm(Perm.RECONCILE_BANK):
                raise ServiceError(
                    "Only Finance books a processor's fees when matching its payout.",
                    code="permission",
                )
            light = MatchLine(
                *[getattr(line, name) for name in LINE_FIELDS[:-1]], line.report.as_of_date
            )
            post_match(light, chosen, by=by, how=", matched by hand", processor_fee=fee)
            if fee:
                note = (
                    f"Net settlement: the processor kept {format_money(fee)} of "
                    f"{format_money(chosen.amount)} as its fees, posted as processor fees. {note}"
                ).strip()
            light.note = note[:255]
            light.resolved_by_id = by.pk
            save_matches([light])
            line.refresh_from_db()
            return line
        if not note:
            raise ServiceError({"note": "Say how this line was resolved."})
        line.status = Bai2Transaction.Status.RESOLVED
        line.note = note[:255]
        line.resolved_by = by
        line.save(update_fields=["status", "note", "resolved_by"])
        return line


def _hand_candidate(line, *, deposit_id, batch_id) -> tuple[Candidate, Decimal]:
    """(the deposit or batch chosen, the processor's fees kept from a net payout, else zero)."""
    if line.direction != Bai2Transaction.Direction.CREDIT:
        raise ServiceError(
            "Only a bank credit is matched to a deposit or a batch; resolve this line with a note.",
            code="not_credit",
        )
    if deposit_id:
        deposit = BankDeposit.objects.select_for_update().filter(pk=deposit_id).first()
        if deposit is None or deposit.status != BankDeposit.Status.PREPARED:
            raise ServiceError("That deposit is not waiting for the bank.", code="deposit")
        candidate = Candidate("deposit", deposit.pk, deposit.total, deposit.business_date)
    else:
        batch = (
            PaymentBatch.objects.select_for_update()
            .filter(pk=batch_id, status=PaymentBatch.Status.POSTED, kind__in=list(BATCH_GL))
            .first()
        )
        if batch is None or Bai2Transaction.objects.filter(matched_batch_id=batch.pk).exists():
            raise ServiceError(
                "That batch is not a posted processor or lockbox batch waiting for the bank.",
                code="batch",
            )
        candidate = Candidate(
            "batch", batch.pk, batch.control_total, batch.business_date, batch.kind
        )
        fee = candidate.amount - line.amount
        if ZERO < fee <= fee_tolerance(candidate.amount) and settles_net(batch.processor):
            return candidate, fee
    if candidate.amount != line.amount:
        raise ServiceError(
            f"The bank credited {format_money(line.amount)} but the {candidate.kind} is "
            f"{format_money(candidate.amount)}: resolve the difference with a note instead.",
            code="amount",
        )
    return candidate, ZERO
