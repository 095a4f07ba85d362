"""The ladder editor keeps the law's floors for residential service; other classes are free."""

import pytest

from billing.collections.ladder import DEFAULT_LADDERS
from billing.collections.models import CustomerClass, LadderStep, StepKind
from billing.collections.services import ladder_step_save
from district.errors import NotPermitted, ServiceError


def test_every_class_has_a_seeded_ladder(db):
    seeded = set(LadderStep.objects.values_list("customer_class", "kind"))
    assert seeded == {(cls, kind) for cls in CustomerClass.values for kind in StepKind.values}
    assert set(DEFAULT_LADDERS) == set(CustomerClass.values)


def test_shut_off_before_60_days_is_refused(db, supervisor):
    with pytest.raises(ServiceError) as refused:
        ladder_step_save(
            customer_class=CustomerClass.RESIDENTIAL,
            kind=StepKind.SHUTOFF_ELIGIBLE,
            days_after_due=59,
            active=True,
            by=supervisor,
        )
    assert refused.value.messages == [
        "Residential service cannot become eligible for shut-off before a bill has been "
        "delinquent 60 days (Health & Safety Code 116906); day 59 is too early."
    ]
    step = LadderStep.objects.get(customer_class="residential", kind="shutoff_eligible")
    assert step.days_after_due == 60


def test_a_notice_too_close_to_shut_off_is_refused(db, supervisor):
    with pytest.raises(ServiceError) as refused:
        ladder_step_save(
            customer_class=CustomerClass.MULTI_FAMILY,
            kind=StepKind.DISCONNECTION_NOTICE,
            days_after_due=50,
            active=True,
            by=supervisor,
        )
    assert refused.value.messages == [
        "The written disconnection notice must go out at least 7 business days before "
        "shut-off (Health & Safety Code 116908): put it on day 49 or earlier (11 calendar "
        "days, counting weekends).",
    ]
    assert (
        LadderStep.objects.get(
            customer_class="multi_family", kind="disconnection_notice"
        ).days_after_due
        == 45
    )


def test_turning_the_notice_off_is_refused_while_shut_off_is_on(db, supervisor):
    with pytest.raises(ServiceError) as refused:
        ladder_step_save(
            customer_class=CustomerClass.RESIDENTIAL,
            kind=StepKind.DISCONNECTION_NOTICE,
            days_after_due=45,
            active=False,
            by=supervisor,
        )
    assert "keep the notice step active" in refused.value.messages[0]


def test_a_stricter_residential_ladder_and_a_shorter_commercial_one_are_saved(db, supervisor):
    step = ladder_step_save(
        customer_class=CustomerClass.RESIDENTIAL,
        kind=StepKind.SHUTOFF_ELIGIBLE,
        days_after_due=75,
        active=True,
        by=supervisor,
    )
    assert (step.days_after_due, step.updated_by) == (75, supervisor)
    commercial = ladder_step_save(
        customer_class=CustomerClass.COMMERCIAL,
        kind=StepKind.SHUTOFF_ELIGIBLE,
        days_after_due=35,
        active=True,
        by=supervisor,
    )
    assert commercial.days_after_due == 35


def test_only_policy_managers_edit_the_ladder(db, make_user):
    from district import roles

    with pytest.raises(NotPermitted):
        ladder_step_save(
            customer_class=CustomerClass.COMMERCIAL,
            kind=StepKind.REMINDER,
            days_after_due=3,
            active=True,
            by=make_user(roles.CSR_III),
        )
