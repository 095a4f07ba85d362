"""Approval reads: the queue's filters, the pending count, a requester's recent requests."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from district import roles
from district.approvals import registry
from district.approvals.models import ApprovalRequest
from district.approvals.selectors import approval_queue, pending_count, requests_of
from district.approvals.services import approval_reject, approval_request_create


def _file(kind, by, amount, days_old=0):
    request = approval_request_create(kind=kind, by=by, reason="Needs a look", amount=amount)
    if days_old:
        ApprovalRequest.objects.filter(pk=request.pk).update(
            requested_at=timezone.now() - timedelta(days=days_old)
        )
    return request


def test_queue_filters_by_kind_age_amount_and_status(refund_kind, make_user):
    # given
    registry.register("test-waiver", label="Deposit waiver (test)", approve=lambda r, u: {})
    try:
        csr = make_user(roles.CSR_I)
        small_new = _file(refund_kind.kind, csr, Decimal("10.00"))
        large_old = _file(refund_kind.kind, csr, Decimal("900.00"), days_old=10)
        waiver = _file("test-waiver", csr, None, days_old=4)
        decided = _file(refund_kind.kind, csr, Decimal("50.00"))
        approval_reject(request_id=decided.pk, by=make_user(roles.SUPERVISOR), reason="No")

        def ids(**filters):
            return [request.pk for request in approval_queue(**filters)]

        # when / then: oldest first, pending only by default
        assert ids() == [large_old.pk, waiver.pk, small_new.pk]
        assert ids(kind="test-waiver") == [waiver.pk]
        assert ids(older_than_days=3) == [large_old.pk, waiver.pk]
        assert ids(older_than_days=7) == [large_old.pk]
        assert ids(min_amount=Decimal("100")) == [large_old.pk]
        assert ids(max_amount=Decimal("100")) == [small_new.pk]
        assert ids(min_amount=Decimal("10"), max_amount=Decimal("10")) == [small_new.pk]
        assert ids(status="rejected") == [decided.pk]
        assert set(ids(status=None)) == {small_new.pk, large_old.pk, waiver.pk, decided.pk}
        assert pending_count() == 3
    finally:
        registry.unregister("test-waiver")


def test_requests_of_lists_the_requesters_own_newest_first(refund_kind, make_user):
    # given
    csr, other = make_user(roles.CSR_I), make_user(roles.CSR_II)
    first = _file(refund_kind.kind, csr, Decimal("1.00"), days_old=2)
    second = _file(refund_kind.kind, csr, Decimal("2.00"), days_old=1)
    third = _file(refund_kind.kind, csr, Decimal("3.00"))
    _file(refund_kind.kind, other, Decimal("4.00"))
    # when
    mine = requests_of(csr, limit=2)
    # then
    assert [request.pk for request in mine] == [third.pk, second.pk]
    assert first.pk not in [request.pk for request in mine]


def test_registry_labels_and_refuses_a_conflicting_registration(refund_kind):
    assert registry.label_for(refund_kind.kind) == "Refund (test)"
    assert registry.label_for("nobody-registers-this") == "nobody-registers-this"
    with pytest.raises(ImproperlyConfigured, match="already registered"):
        registry.register(refund_kind.kind, label="Other", approve=lambda r, u: {})
