"""Loading rate schedule versions, locking them, and finding the version in force."""

import datetime
import hashlib
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction

from billing.models import RateSchedule, RateScheduleVersion
from billing.rates import selectors as rate_selectors
from billing.rates.services import rate_version_load, rate_version_lock, rate_versions_compare
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
PPHCSD_2024 = (EXAMPLES / "pphcsd-2024-07-01.yaml").read_text()
PPHCSD_2025 = (EXAMPLES / "pphcsd-2025-07-01.yaml").read_text()


def test_loading_a_file_stores_its_source_parsed_form_and_hash():
    # given
    clerk = UserFactory()

    # when
    version, created = rate_version_load(source=PPHCSD_2024, by=clerk, notes="FY25 rates")

    # then
    assert created
    assert version.schedule.code == "pphcsd-water"
    assert version.schedule.name == "Phelan Pinon Hills CSD water service"
    assert version.version == 1
    assert version.effective_from == datetime.date(2024, 7, 1)
    assert version.source == PPHCSD_2024
    assert version.sha256 == hashlib.sha256(PPHCSD_2024.encode()).hexdigest()
    assert version.parsed["surcharges"][0]["amount"] == "9.71"
    assert version.notes == "FY25 rates"
    assert version.created_by == clerk
    assert not version.locked


def test_loading_the_same_file_again_gives_back_the_same_version():
    # given
    first, _ = rate_version_load(source=PPHCSD_2024, by=None)

    # when
    again, created = rate_version_load(source=PPHCSD_2024, by=None)

    # then
    assert not created
    assert again == first
    assert RateScheduleVersion.objects.count() == 1


def test_a_changed_file_with_a_new_date_is_the_next_version():
    # given
    rate_version_load(source=PPHCSD_2024, by=None)

    # when
    second, created = rate_version_load(source=PPHCSD_2025, by=None)

    # then
    assert created
    assert second.version == 2
    assert second.schedule == RateSchedule.objects.get()
    assert second.parsed["service_charge"]["sets"][0]["by_meter_size"]["3/4"] == "28.81"


def test_a_changed_file_for_a_date_already_taken_is_refused_and_nothing_is_written():
    # given
    first, _ = rate_version_load(source=PPHCSD_2024, by=None)
    changed = PPHCSD_2024.replace('"27.17"', '"27.71"')

    # when
    with pytest.raises(ValidationError) as caught:
        rate_version_load(source=changed, by=None)

    # then
    assert caught.value.messages == [
        "Version 1 of pphcsd-water already takes effect on 07/01/2024. A changed schedule is "
        "a new version with its own effective_from date."
    ]
    assert list(RateScheduleVersion.objects.all()) == [first]


def test_a_bad_file_is_refused_and_nothing_is_written():
    # given
    bad = PPHCSD_2024.replace('{up_to: 29, rate: "3.73"}', '{up_to: 9, rate: "3.73"}')

    # when
    with pytest.raises(ValidationError) as caught:
        rate_version_load(source=bad, by=None)

    # then
    assert caught.value.messages == [
        "volumetric.sets[0].tiers[1].up_to: must be larger than the previous tier (9)"
    ]
    assert not RateSchedule.objects.exists()
    assert not RateScheduleVersion.objects.exists()


def test_a_locked_version_refuses_any_edit_even_a_raw_update():
    # given
    version, _ = rate_version_load(source=PPHCSD_2024, by=None)
    rate_version_lock(version=version)

    # when / then: SQL straight to the table
    with (
        pytest.raises(DatabaseError, match="Cannot update or delete"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "UPDATE billing_ratescheduleversion SET parsed = '{}'::jsonb WHERE id = %s",
            [version.pk],
        )
    # ... and through the ORM: no unlocking, no deleting
    with pytest.raises(DatabaseError, match="Cannot update or delete"), transaction.atomic():
        RateScheduleVersion.objects.filter(pk=version.pk).update(locked=False)
    with pytest.raises(DatabaseError, match="Cannot update or delete"), transaction.atomic():
        RateScheduleVersion.objects.filter(pk=version.pk).delete()
    version.refresh_from_db()
    assert version.locked
    assert version.parsed["surcharges"][0]["amount"] == "9.71"


def test_loading_a_changed_file_after_a_lock_makes_a_new_version():
    # given
    first, _ = rate_version_load(source=PPHCSD_2024, by=None)
    rate_version_lock(version=first)

    # when
    second, created = rate_version_load(source=PPHCSD_2025, by=None)

    # then
    assert created and second.version == 2 and not second.locked
    first.refresh_from_db()
    assert first.source == PPHCSD_2024


def test_the_version_in_force_is_the_latest_to_take_effect():
    # given
    first, _ = rate_version_load(source=PPHCSD_2024, by=None)
    second, _ = rate_version_load(source=PPHCSD_2025, by=None)

    # when / then
    assert (
        rate_selectors.version_in_force(schedule="pphcsd-water", on=datetime.date(2024, 6, 30))
        is None
    )
    assert (
        rate_selectors.version_in_force(schedule="pphcsd-water", on=datetime.date(2025, 6, 30))
        == first
    )
    assert (
        rate_selectors.version_in_force(schedule=first.schedule, on=datetime.date(2025, 7, 1))
        == second
    )
    assert rate_selectors.versions_in_force(
        schedule="pphcsd-water",
        period_start=datetime.date(2025, 6, 16),
        period_end=datetime.date(2025, 7, 15),
    ) == [first, second]


def test_a_stored_schedule_prices_a_bill_across_its_versions():
    # given
    rate_version_load(source=PPHCSD_2024, by=None)
    rate_version_load(source=PPHCSD_2025, by=None)

    # when
    bill = rate_selectors.bill_calculation(
        schedule="pphcsd-water",
        customer_class="residential",
        meter_size="3/4",
        consumption=Decimal("30"),
        period_start=datetime.date(2025, 6, 16),
        period_end=datetime.date(2025, 7, 15),
    )

    # then: the same bill as worked in test_rate_real_schedules (154.21)
    assert bill.total == Decimal("154.21")
    assert bill.versions == ["pphcsd-water v1 (07/01/2024)", "pphcsd-water v2 (07/01/2025)"]


def test_comparing_two_versions_gives_the_changes_and_sample_bills():
    # given
    first, _ = rate_version_load(source=PPHCSD_2024, by=None)
    second, _ = rate_version_load(source=PPHCSD_2025, by=None)

    # when
    comparison = rate_versions_compare(
        left=first,
        right=second,
        customer_class="residential",
        meter_size="3/4",
        consumptions=[Decimal("0"), Decimal("35")],
    )

    # then: 35 units: 194.79 -> 206.07 (worked in test_rate_real_schedules)
    assert [(bill.left_total, bill.right_total) for bill in comparison.bills] == [
        (Decimal("36.88"), Decimal("38.52")),  # 27.17 + 9.71; 28.81 + 9.71
        (Decimal("194.79"), Decimal("206.07")),
    ]
    assert comparison.bills[1].change == Decimal("11.28")
    changed = {
        item: (left, right) for item, left, right, is_changed in comparison.facts if is_changed
    }
    assert changed['Fixed charge, 3/4" meter, All customers (per month)'] == ("$27.17", "$28.81")
    surcharge = "Surcharges: Chromium-6 surcharge"
    assert (surcharge, "$9.71 per month · Everyone · Always") == next(
        (item, left) for item, left, right, is_changed in comparison.facts if item == surcharge
    )
    assert surcharge not in changed  # the same in both
