"""A throwaway approval kind whose handlers record their calls (and can be told to fail)."""

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError

from district.approvals import registry

KIND = "test-refund"


@pytest.fixture
def refund_kind():
    state = SimpleNamespace(kind=KIND, calls=[], fail_with=None)

    def approve(request, by):
        state.calls.append(("approve", request.pk, by.pk))
        # A real handler writes (a journal, a refund); this one writes a group row.
        Group.objects.create(name=f"refund-{request.pk}")
        if state.fail_with:
            raise ValidationError(state.fail_with)
        return {"message": "Refund check queued.", "amount": Decimal("12.50")}

    def reject(request, by):
        state.calls.append(("reject", request.pk, by.pk))

    registry.register(
        KIND,
        label="Refund (test)",
        approve=approve,
        reject=reject,
        describe=lambda request: f"Refund of {request.amount} to the customer",
    )
    yield state
    registry.unregister(KIND)
