"""Registrations of credit refunds (imported by billing/registrations.py): one handler, under the
kind filed now and under the final-bill step's former kind (its older requests still approve)."""

from billing.refunds.kinds import FINAL_CREDIT_KIND, REFUND_KIND
from billing.refunds.services import credit_refund_approve, credit_refund_describe
from district.approvals import registry

registry.register(
    REFUND_KIND,
    label="Refund of a credit balance",
    approve=credit_refund_approve,
    describe=credit_refund_describe,
)
registry.register(
    FINAL_CREDIT_KIND,
    label="Refund of a final account's credit",
    approve=credit_refund_approve,
    describe=credit_refund_describe,
)
