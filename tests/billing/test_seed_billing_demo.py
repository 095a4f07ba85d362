"""The demo district's billing set-up: rate schedule, cycles and periods, safe to run again."""

from django.core.management import call_command

from accounts.models import ServiceAccount
from billing.models import BillingCycle, BillingPeriod, RateScheduleVersion


def test_seed_billing_demo_sets_up_every_cycle_once(db):
    # given
    call_command("seed_demo", "--accounts", "40", "--years", "1", "--seed", "3")
    codes = set(ServiceAccount.objects.values_list("billing_cycle", flat=True))
    # when
    call_command("seed_billing_demo")
    call_command("seed_billing_demo")
    # then
    assert set(BillingCycle.objects.values_list("code", flat=True)) == codes
    assert RateScheduleVersion.objects.count() == 1
    assert BillingPeriod.objects.filter(cycle__code__in=codes).exists()
    for cycle in BillingCycle.objects.all():
        routes = set(
            ServiceAccount.objects.filter(billing_cycle=cycle.code).values_list(
                "premise__route", flat=True
            )
        )
        assert set(cycle.routes) == routes
